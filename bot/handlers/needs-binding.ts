import * as P from '../presenters';
import type { Inbound, IntentHandler } from '../types';
import { ACTIVITY_WORDS, BOOKING_WORDS } from './menu';

const CHECKIN_WORDS = /^(4|报平安|平安|我的签到|签到)$/;
// Personal services: bookings (all of them), sign-ups (not the public list of activities), check-ins.
const SIGNUP_WORDS = /^(报名|报名\d{1,6}|我要报名|我的报名|取消报名)$/;

function isPersonal(compact: string): boolean {
  return BOOKING_WORDS.test(compact) || SIGNUP_WORDS.test(compact) || CHECKIN_WORDS.test(compact);
}

function boundElsewise(m: Inbound): boolean {
  return m.who.family.length > 0 || m.who.worker !== null;
}

/**
 * Personal services (bookings, sign-ups, check-ins) need a bound resident. A contact bound to
 * nothing is told how to bind. A bound family contact or worker who sends `报平安` is told their
 * own part (family: `已联系` when alerted; worker: confirm on the console); their booking and
 * activity words go on to the menu choice like anyone's.
 */
export const needsBindingHandler: IntentHandler = {
  name: 'needs_binding',
  match: (m) => {
    if (m.kind !== 'text' || m.who.resident !== null || !isPersonal(m.compact)) return false;
    return !boundElsewise(m) || CHECKIN_WORDS.test(m.compact);
  },
  handle: async (m) => {
    if (CHECKIN_WORDS.test(m.compact) && m.who.worker) return m.reply(P.checkinByWorker);
    if (CHECKIN_WORDS.test(m.compact) && m.who.family.length) return m.reply(P.checkinIsForElder);
    const what = BOOKING_WORDS.test(m.compact) ? '预约' : ACTIVITY_WORDS.test(m.compact) ? '活动报名' : '报平安';
    await m.reply(P.needsBinding(what));
  },
};
