import * as P from '../presenters';
import type { IntentHandler } from '../types';

/** Voice notes, pictures, stickers, videos, files: the bot cannot read them yet and offers a person. */
export const nonTextHandler: IntentHandler = {
  name: 'non_text',
  duringHandoff: false,
  match: (m) => m.kind !== 'text',
  handle: async (m) => {
    // The sign of life was already recorded before routing; the 平安 reply, if due, went out too.
    await m.reply(P.nonText(m.kind === 'voice' ? 'voice' : 'media'));
  },
};
