import { ackRefused, ackThanks, familyOptedIn, familyOptedOut } from '../../services/family-texts';
import type { IntentHandler } from '../types';

/** Words with which a parent says they called home (besides `1`, which needs an open reminder). */
const ACK_WORDS = /^(聊过了|聊过|聊了|已聊|视频了|视频过了|打过电话了|打电话了|通过电话了)$/;

/**
 * `1` / `聊过了` answering a family reminder: acknowledges the latest open reminder sent to this
 * very contact. `1` from anyone without an open reminder is left to the other intents (the menu);
 * the words from someone who was sent no reminder get a polite refusal.
 */
export const familyReminderAckHandler: IntentHandler = {
  name: 'family_reminder_ack',
  match: async (m) => {
    if (m.kind !== 'text') return false;
    if (ACK_WORDS.test(m.compact)) return m.who.family.length > 0 || (!m.who.resident && !m.who.worker);
    if (m.compact !== '1' || !m.who.family.length) return false;
    return (await m.ctx.services.familyReminders.openReminder(m.who.family.map((f) => f.id), m.ctx.clock.now())) !== null;
  },
  handle: async (m) => {
    const done = await m.ctx.services.familyReminders.acknowledge(m.who.family.map((f) => f.id), m.ctx.clock.now());
    await m.reply(done ? ackThanks(done.kind) : ackRefused);
  },
};

/** `退订` / `订阅` from a family contact (not a resident): stops or restarts their reminders. */
export const familyOptOutHandler: IntentHandler = {
  name: 'family_opt_out',
  match: (m) => m.kind === 'text' && !m.who.resident && m.who.family.length > 0 && /^(退订|取消订阅|订阅|重新订阅)$/.test(m.compact),
  handle: async (m) => {
    const out = m.compact === '退订' || m.compact === '取消订阅';
    await m.ctx.services.familyReminders.setOptedOut(m.who.family.map((f) => f.id), out);
    await m.reply(out ? familyOptedOut : familyOptedIn);
  },
};
