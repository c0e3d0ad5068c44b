import * as P from '../presenters';
import type { Inbound } from '../types';

/**
 * A bound elder with a check-in plan writes to us every day, mostly remarks ("好着呢", "吃过了"),
 * not questions. Such a remark, when nothing answered it, gets a short warm acknowledgement
 * instead of "没太明白", and is never logged as an unanswered question. Returns false (and sends
 * nothing) for anyone else.
 */
export async function acknowledgeElderRemark(m: Inbound): Promise<boolean> {
  const r = m.who.resident;
  if (!r || !(await m.ctx.services.checkinPlans.hasEnabledPlan(r.id))) return false;
  await m.reply(P.elderChatAck(P.salutation(r, m.ctx.clock.now(), true)));
  return true;
}
