import * as P from '../presenters';
import type { IntentHandler } from '../types';

const THANKS = /^(谢谢|多谢|谢了|谢啦|感谢|太感谢了|辛苦了|好的谢谢|谢谢你|谢谢您)/;

/** Chit-chat and anything else: thanks answered, otherwise a gentle "没太明白", the menu and the offer of a person. Always last. */
export const fallbackHandler: IntentHandler = {
  name: 'fallback',
  match: (m) => m.kind === 'text' && m.compact.length > 0,
  handle: async (m) => {
    // A chatty reply to the morning reminder ("好着呢") already got its 平安 answer.
    if (m.checkinAcknowledged) return;
    await m.reply(THANKS.test(m.compact) ? P.youAreWelcome : P.notUnderstood());
  },
};
