import { detectDistress, isFire } from '../../services/distress';
import { handoffOpenedText } from '../../services/handoffs';
import * as P from '../presenters';
import type { Inbound, IntentHandler } from '../types';

function who(m: Inbound): string {
  if (m.who.resident) return m.who.resident.name;
  if (m.who.family.length) return `家属${m.who.family[0].name}`;
  return `未绑定联系人“${m.contactName ?? m.contactId}”`;
}

// Quote what they wrote, as they wrote it (minus control characters and runs of spaces).
const said = (m: Inbound) => m.raw.replace(/\s+/g, ' ').trim().slice(0, 100);

/**
 * How the workers can answer: the numbers on record for a bound resident, or, for a contact with
 * no record (so no phone), a hand-off they can reply to in WeChat.
 */
async function howToReach(m: Inbound): Promise<P.Reach> {
  const r = m.who.resident;
  if (r) return { phones: await m.ctx.services.contacts.callLine(r.id) };
  if (m.who.family.length) return { phones: null };
  const { handoff } = await m.ctx.services.handoffs.request({
    stationId: m.station.id, contactId: m.contactId, contactName: m.contactName, residentId: null, reason: 'help_unbound', notify: false,
  });
  return { phones: null, handoffId: handoff.id };
}

/**
 * A help call: an urgent alert to the workers and the family at once, and the 120 reply. Every new
 * call within the half hour joins the open alert and is sent to them again, at once.
 */
export const helpCallHandler: IntentHandler = {
  name: 'help_call',
  duringHandoff: true,
  match: (m) => m.kind === 'text' && detectDistress(m.compact) === 'emergency',
  handle: async (m) => {
    const now = m.ctx.clock.now();
    const text = said(m);
    const resident = m.who.resident;
    const reach = await howToReach(m);
    await m.ctx.services.alerts.raiseDistress({
      type: 'help_call', stationId: m.station.id, contactId: m.contactId, residentId: resident?.id ?? null, who: who(m), said: text,
      workerText: P.helpCallWorkerText(who(m), text, now, reach),
      familyText: resident ? P.helpCallFamilyText(resident.name, text, m.station) : undefined,
      followUpWorkerText: P.helpCallMoreWorkerText(who(m), text, now, reach),
      followUpFamilyText: resident ? P.helpCallMoreFamilyText(resident.name, text, now) : undefined,
    });
    await m.reply(P.helpCallReply(m.station, isFire(m.compact)));
  },
};

/**
 * Thoughts of suicide or self-harm: a warm reply with the psychological assistance hotline 12356
 * and 120, and an urgent alert of its own type to the workers and the family. Never silent, also
 * during a hand-off.
 */
export const crisisHandler: IntentHandler = {
  name: 'crisis',
  duringHandoff: true,
  match: (m) => m.kind === 'text' && detectDistress(m.compact) === 'crisis',
  handle: async (m) => {
    const now = m.ctx.clock.now();
    const text = said(m);
    const resident = m.who.resident;
    const reach = await howToReach(m);
    await m.ctx.services.alerts.raiseDistress({
      type: 'crisis', stationId: m.station.id, contactId: m.contactId, residentId: resident?.id ?? null, who: who(m), said: text,
      workerText: P.crisisWorkerText(who(m), text, now, reach),
      familyText: resident ? P.crisisFamilyText(resident.name, text, m.station) : undefined,
      followUpWorkerText: P.crisisMoreWorkerText(who(m), text, now, reach),
      followUpFamilyText: resident ? P.crisisFamilyText(resident.name, text, m.station) : undefined,
    });
    await m.reply(P.crisisReply(m.station));
  },
};

/**
 * Fear and loneliness: a kind reply, and a worker is told through a hand-off (they can answer
 * right here), never the unanswered-policy queue. During a hand-off the words are already on it.
 */
export const lonelyHandler: IntentHandler = {
  name: 'lonely',
  duringHandoff: true,
  match: (m) => m.kind === 'text' && detectDistress(m.compact) === 'lonely',
  handle: async (m) => {
    if (m.handedOff) return m.reply(P.lonelyDuringHandoff);
    await m.ctx.services.handoffs.request({
      stationId: m.station.id, contactId: m.contactId, contactName: m.contactName, residentId: m.who.resident?.id ?? null, reason: 'lonely',
    });
    await m.reply(P.lonelyReply(m.station, handoffOpenedText(m.station)));
  },
};
