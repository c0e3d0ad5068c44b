import { detectDistress, isFire } from '../../services/distress';
import { handoffOpenedText } from '../../services/handoffs';
import * as P from '../presenters';
import type { Inbound, IntentHandler } from '../types';
import { contactActor } from '../actor';

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
  if (r) return { phones: await m.ctx.services.contacts.callLine(contactActor(m), r.id) };
  if (m.who.family.length) return { phones: null };
  const { handoff } = await m.ctx.services.handoffs.request({
    stationId: m.station.id, contactId: m.contactId, contactName: m.contactName, residentId: null, reason: 'help_unbound', notify: false,
  });
  return { phones: null, handoffId: handoff.id };
}

/** The words of one kind of distress alert: to the workers, the family, and the reply to the caller. */
interface DistressTexts {
  worker: (who: string, said: string, at: Date, reach: P.Reach) => string;
  workerMore: (who: string, said: string, at: Date, reach: P.Reach) => string;
  family: (elder: string, said: string, m: Inbound) => string;
  familyMore: (elder: string, said: string, at: Date, m: Inbound) => string;
  reply: (m: Inbound) => string;
}

/**
 * A distress handler (also during a hand-off): an urgent alert of `type` to the workers and the
 * family at once, and the reply. Every new message of the kind within the half hour joins the open
 * alert and is sent to them again, at once (the alert service decides which).
 */
function distressHandler(name: string, type: 'help_call' | 'crisis', texts: DistressTexts): IntentHandler {
  return {
    name,
    duringHandoff: true,
    match: (m) => m.kind === 'text' && detectDistress(m.compact) === (type === 'help_call' ? 'emergency' : 'crisis'),
    handle: async (m) => {
      const now = m.ctx.clock.now();
      const text = said(m);
      const resident = m.who.resident;
      const reach = await howToReach(m);
      await m.ctx.services.alerts.raiseDistress({
        type, stationId: m.station.id, contactId: m.contactId, residentId: resident?.id ?? null, who: who(m), said: text,
        workerText: texts.worker(who(m), text, now, reach),
        familyText: resident ? texts.family(resident.name, text, m) : undefined,
        followUpWorkerText: texts.workerMore(who(m), text, now, reach),
        followUpFamilyText: resident ? texts.familyMore(resident.name, text, now, m) : undefined,
      });
      await m.reply(texts.reply(m));
    },
  };
}

/** A help call: the 120 reply (119 first for a fire). */
export const helpCallHandler = distressHandler('help_call', 'help_call', {
  worker: P.helpCallWorkerText,
  workerMore: P.helpCallMoreWorkerText,
  family: (elder, text, m) => P.helpCallFamilyText(elder, text, m.station),
  familyMore: (elder, text, at) => P.helpCallMoreFamilyText(elder, text, at),
  reply: (m) => P.helpCallReply(m.station, isFire(m.compact)),
});

/**
 * Thoughts of suicide or self-harm: a warm reply with the psychological assistance hotline 12356
 * and 120, and an urgent alert of its own type. Never silent, also during a hand-off.
 */
export const crisisHandler = distressHandler('crisis', 'crisis', {
  worker: P.crisisWorkerText,
  workerMore: P.crisisMoreWorkerText,
  family: (elder, text, m) => P.crisisFamilyText(elder, text, m.station),
  familyMore: (elder, text, _at, m) => P.crisisFamilyText(elder, text, m.station),
  reply: (m) => P.crisisReply(m.station),
});

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
