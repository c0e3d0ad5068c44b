import { AppError } from '../../services/errors';
import * as P from '../presenters';
import type { IntentHandler } from '../types';
import { workerActor } from '../actor';

// The words follow the number as the worker wrote them (spaces and punctuation kept).
const REPLY = /^\s*回复\s*(\d{1,9})\s*[:：,，]?\s*([\s\S]*)$/;

/** `回复 12 您的话`: a bound worker answers hand-off 12 of their station from WeChat. */
export const workerHandoffReplyHandler: IntentHandler = {
  name: 'worker_handoff_reply',
  match: (m) => m.kind === 'text' && m.who.worker !== null && REPLY.test(m.raw),
  handle: async (m) => {
    const actor = workerActor(m)!;
    const [, digits, words] = REPLY.exec(m.raw)!;
    const id = Number(digits);
    const text = words.trim();
    if (!text) return m.reply(P.handoffReplyHow(id));
    try {
      const { handoff } = await m.ctx.services.handoffs.reply(actor, id, text.slice(0, 1000));
      await m.reply(P.handoffReplied(id, await m.ctx.services.handoffs.who(handoff)));
    } catch (err) {
      if (err instanceof AppError && err.status === 404) return m.reply(P.handoffNotFound(id));
      if (err instanceof AppError && err.status === 409) return m.reply(P.handoffAlreadyClosed(id));
      throw err;
    }
  },
};
