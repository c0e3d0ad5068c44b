import * as P from '../presenters';
import type { IntentHandler } from '../types';

/** Anything else: a gentle "没太明白", the menu and the offer of a person. Always last. */
export const fallbackHandler: IntentHandler = {
  name: 'fallback',
  match: (m) => m.kind === 'text' && m.compact.length > 0,
  handle: async (m) => {
    // A chatty reply to the morning reminder ("好着呢") already got its 平安 answer.
    if (m.checkinAcknowledged) return;
    await m.reply(P.notUnderstood());
  },
};
