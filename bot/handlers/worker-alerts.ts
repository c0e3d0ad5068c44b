import { outcomeFromWords } from '../../services/alerts';
import { AppError } from '../../services/errors';
import * as P from '../presenters';
import type { IntentHandler } from '../types';
import { workerActor } from '../actor';

/** `告警`: a bound worker lists the open alerts of their station, numbered by id. */
export const workerAlertsHandler: IntentHandler = {
  name: 'worker_alerts',
  match: (m) => m.kind === 'text' && m.who.worker !== null && /^(告警|查看告警|未处理告警)$/.test(m.compact),
  handle: async (m) => {
    const open = await m.ctx.services.alerts.listOpen(workerActor(m)!);
    const names = new Map(open.filter((a) => a.residentId !== null && a.residentName).map((a) => [a.residentId!, a.residentName!]));
    for (const text of P.alertList(open, names)) await m.reply(text);
  },
};

// `已处理 12`, `已处理12：电话确认平安`: the number, then the worker's note as written.
const RESOLVE = /^\s*已处理\s*[:：]?\s*([\d０-９]{1,9})?\s*[:：,，。]?\s*([\s\S]*)$/;

/**
 * `已处理 12` (optionally with a note: `已处理 12 电话确认平安`): a bound worker closes alert 12 of
 * their station, the outcome read from the note's words; `已处理` alone says how.
 */
export const workerResolveHandler: IntentHandler = {
  name: 'worker_resolve',
  match: (m) => m.kind === 'text' && m.who.worker !== null && RESOLVE.test(m.raw),
  handle: async (m) => {
    const actor = workerActor(m)!;
    const [, digits, rest] = RESOLVE.exec(m.raw)!;
    if (!digits) return m.reply(P.resolveHow);
    const id = Number(digits.normalize('NFKC'));
    const note = rest.trim().slice(0, 500);
    try {
      await m.ctx.services.alerts.resolve(actor, id, outcomeFromWords(note), note || '社工在微信中回复“已处理”');
      await m.reply(P.alertResolved(id));
    } catch (err) {
      if (err instanceof AppError && err.status === 404) return m.reply(P.alertNotFound(id));
      if (err instanceof AppError && err.status === 409) return m.reply(P.alertAlreadyResolved(id));
      throw err;
    }
  },
};
