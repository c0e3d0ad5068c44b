import { morningListText } from '../../services/visits';
import * as V from '../visit-presenters';
import type { IntentHandler } from '../types';
import { workerActor } from '../actor';

const VISIT = /^走访(?:\s*[:：]?\s*)(.*)$/s;

/**
 * `走访 王秀英 情况良好` from a bound worker: a home visit recorded today (it resets her visit
 * clock); `走访 12 …` names the resident by number when two share a name; `走访` (or `走访名单`)
 * lists the worker's visits due today.
 */
export const workerVisitHandler: IntentHandler = {
  name: 'worker_visit',
  match: (m) => m.kind === 'text' && m.who.worker !== null && m.text.startsWith('走访'),
  handle: async (m) => {
    const actor = workerActor(m)!;
    const rest = VISIT.exec(m.text)?.[1].trim() ?? '';
    if (!rest || /^(名单|列表|清单|安排)$/.test(rest)) {
      const { items } = await m.ctx.services.visits.due(actor, { workerId: m.who.worker!.id });
      await m.reply(items.length ? morningListText(m.who.worker!.name, items) : V.nothingDue);
      return;
    }
    const [who, ...words] = rest.split(/\s+/);
    const result = await m.ctx.services.visits.recordByName(actor, who, words.join(' ').slice(0, 500));
    if (result.kind === 'none') return m.reply(V.visitNotFound(who));
    if (result.kind === 'ambiguous') return m.reply(V.visitAmbiguous(who, result.candidates, words.join(' ')));
    await m.reply(V.visitRecorded(result.resident.name, result.record.date, result.nextDue));
  },
};
