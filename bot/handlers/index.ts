import type { IntentHandler } from '../types';
import { activitiesHandler } from './activities';
import { bindingHandler } from './binding';
import { bookingHandler, bookingReplyHandler } from './bookings';
import { checkinHandler, familyContactedHandler, familyTodayHandler, familyWordsHandler } from './checkin';
import { fallbackHandler } from './fallback';
import { familyOptOutHandler, familyReminderAckHandler } from './families';
import { workerVisitHandler } from './visits';
import { handoffHandler } from './handoff';
import { crisisHandler, helpCallHandler, lonelyHandler } from './help-call';
import { menuChoiceHandler, menuHandler } from './menu';
import { needsBindingHandler } from './needs-binding';
import { noticeReplyHandler } from './notice-reply';
import { nonTextHandler } from './non-text';
import { optOutHandler } from './opt-out';
import { satisfactionHandler } from './satisfaction';
import { stationInfoHandler } from './station-info';
import { policyDetailHandler, policyQuestionHandler } from './policy';
import { workerAlertsHandler, workerResolveHandler } from './worker-alerts';
import { workerHandoffReplyHandler } from './worker-handoffs';

/**
 * The intents, in the order they are tried; the first whose `match` is true handles the message.
 * Where new intents go:
 * - feature dialogues (bookings `预约`/`2`, activities `活动`/`3`/`报名 N`): right after
 *   `needsBindingHandler` (they may then assume a bound resident), before `menuChoiceHandler`;
 *   a dialogue that continues over several messages matches on `input.state` first.
 * - policy answers (free questions): right before `fallbackHandler`.
 * - the satisfaction score (`1`–`5` after a service): before the numbered dialogues, the check-in `4`
 *   and the hand-off `5`; it matches only while a question seen later than any live dialogue waits.
 */
export const HANDLERS: IntentHandler[] = [
  nonTextHandler,
  crisisHandler,
  helpCallHandler,
  bindingHandler,
  workerAlertsHandler,
  workerResolveHandler,
  workerHandoffReplyHandler,
  workerVisitHandler,
  familyReminderAckHandler,
  familyContactedHandler,
  familyTodayHandler,
  satisfactionHandler,
  bookingReplyHandler,
  checkinHandler,
  handoffHandler,
  lonelyHandler,
  familyOptOutHandler,
  optOutHandler,
  menuHandler,
  needsBindingHandler,
  activitiesHandler,
  bookingHandler,
  menuChoiceHandler,
  stationInfoHandler,
  familyWordsHandler,
  noticeReplyHandler,
  policyDetailHandler,
  policyQuestionHandler,
  fallbackHandler,
];
