import * as P from '../presenters';
import type { IntentHandler } from '../types';

/** `人工` / `找社工` / `5`: the workers are told, with the recent conversation; the bot then keeps quiet. */
export const handoffHandler: IntentHandler = {
  name: 'handoff',
  duringHandoff: true,
  match: (m) => m.kind === 'text' && /^(5|人工|转人工|人工服务|找社工|找人|找真人|社工|我要找社工)$/.test(m.compact),
  handle: async (m) => {
    const { created } = await m.ctx.services.handoffs.request({
      stationId: m.station.id, contactId: m.contactId, contactName: m.contactName, residentId: m.who.resident?.id ?? null,
    });
    await m.reply(P.handoffReply(m.station, !created));
  },
};
