import * as P from '../presenters';
import type { IntentHandler } from '../types';

/** `退订` / `订阅`: a bound resident stops or restarts activity notices and broadcasts. */
export const optOutHandler: IntentHandler = {
  name: 'opt_out',
  duringHandoff: true,
  match: (m) => m.kind === 'text' && /^(退订|取消订阅|订阅|重新订阅)$/.test(m.compact),
  handle: async (m) => {
    const out = m.compact === '退订' || m.compact === '取消订阅';
    if (!m.who.resident) return m.reply(P.needsBinding(out ? '退订' : '订阅'));
    await m.ctx.services.broadcasts.setOptedOut(m.who.resident, out);
    await m.reply(out ? P.optedOut : P.optedIn);
  },
};
