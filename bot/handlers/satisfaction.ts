import { satisfactionThanks } from '../../services/satisfaction';
import type { Inbound, IntentHandler } from '../types';
import { contactActor } from '../actor';

/** A bare score: `5`, `5分`, `5星`, full-width digits being normalised before. */
const SCORE = /^([1-5])(分|星)?$/;

function score(m: Inbound): number | null {
  const hit = SCORE.exec(m.compact);
  return hit ? Number(hit[1]) : null;
}

/**
 * `1`–`5` answering the satisfaction question sent after a service: only while a question the
 * resident has seen is unanswered and nothing asked since (a booking or activity list, a seat
 * offered) owns the digit; otherwise the digit goes on to the menu and the dialogues.
 */
export const satisfactionHandler: IntentHandler = {
  name: 'satisfaction',
  match: async (m) => {
    if (m.kind !== 'text' || !m.who.resident || m.handedOff || score(m) === null) return false;
    return (await m.ctx.services.satisfaction.pending(contactActor(m))) !== null;
  },
  handle: async (m) => {
    const rating = score(m)!;
    const row = await m.ctx.services.satisfaction.pending(contactActor(m));
    if (row) await m.ctx.services.satisfaction.rate(row, rating);
    await m.reply(satisfactionThanks(rating));
  },
};
