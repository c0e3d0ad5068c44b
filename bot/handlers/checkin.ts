import * as P from '../presenters';
import type { IntentHandler } from '../types';

/** `报平安` / `4` from a bound resident: today's check-in is confirmed (recorded before routing). */
export const checkinHandler: IntentHandler = {
  name: 'checkin',
  duringHandoff: true,
  match: (m) => m.kind === 'text' && m.who.resident !== null && /^(4|报平安|平安|我很好|我挺好|我没事)$/.test(m.compact),
  handle: async (m) => {
    if (m.checkinAcknowledged) return;
    await m.reply(P.checkinConfirmed(P.salutation(m.who.resident!, m.ctx.clock.now(), m.planHolder)));
  },
};

/** `已联系` from a bound family contact: they reached the elder (ends that day's worry). */
export const familyContactedHandler: IntentHandler = {
  name: 'family_contacted',
  duringHandoff: true,
  match: (m) => m.kind === 'text' && m.who.family.length > 0 && /^(已联系|联系上了|已经联系|联系了)/.test(m.compact),
  handle: async (m) => {
    const at = m.ctx.clock.now();
    for (const f of m.who.family) await m.ctx.services.checkins.familyContacted({ familyContactId: f.id, at });
    await m.reply(P.familyThanks);
  },
};
