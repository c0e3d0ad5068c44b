import { noticeReplyAck } from '../../services/broadcast-texts';
import type { IntentHandler } from '../types';
import { contactActor } from '../actor';

/**
 * A resident's first words after a notice (within 48 hours) are a reply to it: the station's
 * workers are told what they said, and the resident that it reached them. Menu words, digits and
 * the other commands are matched before this.
 */
export const noticeReplyHandler: IntentHandler = {
  name: 'notice_reply',
  match: async (m) => m.kind === 'text' && m.who.resident !== null && m.compact.length > 0
    && (await m.ctx.services.broadcasts.openNotice(contactActor(m))) !== null,
  handle: async (m) => {
    if (await m.ctx.services.broadcasts.replyToNotice(contactActor(m), m.text)) return m.reply(noticeReplyAck);
    await m.reply('收到！有事随时回复“5”找社工。');
  },
};
