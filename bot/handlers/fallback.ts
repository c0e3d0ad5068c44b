import * as P from '../presenters';
import type { IntentHandler } from '../types';
import { acknowledgeElderRemark } from './elder-remark';

const THANKS = /^(谢谢|多谢|谢了|谢啦|感谢|太感谢了|辛苦了|好的谢谢|谢谢你|谢谢您)/;

/** Chit-chat and anything else: thanks answered, an elder with a check-in plan a warm word, otherwise a gentle "没太明白", the menu and the offer of a person. Always last. */
export const fallbackHandler: IntentHandler = {
  name: 'fallback',
  match: (m) => m.kind === 'text' && m.compact.length > 0,
  handle: async (m) => {
    // A chatty reply to the morning reminder ("好着呢") already got its 平安 answer.
    if (m.checkinAcknowledged) return;
    if (THANKS.test(m.compact)) return m.reply(P.youAreWelcome);
    // An elder with a check-in plan chatting later in the day: a warm word, not "没太明白".
    if (await acknowledgeElderRemark(m)) return;
    await m.reply(P.notUnderstood());
  },
};
