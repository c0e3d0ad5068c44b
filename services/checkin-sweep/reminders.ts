import { PRIORITY } from '../../entities';
import type { SubscriptionPurpose } from '../../entities';
import { parseInstant, placeholders } from '../db';
import type { OutgoingMessage } from '../outbox';
import { residentAddress } from '../messaging/audience';
import { checkinReminderKey } from '../messaging/keys';
import { firstReminderText, secondReminderText } from '../checkin-texts';
import { localDate, localMinutes, localWeekday } from '../time';
import { CHUNK, SweepScope } from './scope';
import type { UnreachableReason } from '../../entities';

// The reminder steps of the check-in sweep: open today's days, then the first and second reminders.

/** The subscription-message purpose of check-in reminders in the mini-program. */
const CHECKIN_PURPOSE: SubscriptionPurpose = 'checkin_reminder';

interface DayRow {
  id: number;
  residentId: number;
  stationId: number;
  remindMinute: number;
  secondMinute: number;
  deadlineMinute: number;
  name: string;
  gender: 'male' | 'female' | null;
  birthDate: string | null;
  wechatContactId: string | null;
  /** The elder's mini-program user: reached by subscription message when not on the bot. */
  openid: string | null;
  firstReminderAt: unknown;
}

/** Days still running for a resident who is no longer active, or whose plan was switched off or paused. */
export async function stopInactive(s: SweepScope): Promise<number> {
  return s.ctx.db.exec(
    `UPDATE checkin_days SET status = 'paused', updatedAt = ?
     WHERE \`date\` = ? AND status IN ('pending', 'reminded') AND (
       EXISTS (SELECT 1 FROM residents r WHERE r.id = checkin_days.residentId AND (r.status <> 'active' OR r.erasedAt IS NOT NULL))
       OR EXISTS (SELECT 1 FROM checkin_plans p WHERE p.residentId = checkin_days.residentId
                  AND (p.enabled = 0 OR (p.pausedUntil IS NOT NULL AND p.pausedUntil >= ?))))`,
    [s.nowDb, s.today, s.today],
  );
}

/**
 * Creates today's day for every plan whose first reminder is due: active resident, a plan
 * weekday, not paused, the plan applying today. One INSERT … SELECT. A day first seen after its
 * deadline (the job was down all morning) is opened too, so that the deadline step marks it
 * unreachable and the workers are told to phone: silence nobody was asked about is not "missed".
 */
export async function openDays(s: SweepScope): Promise<number> {
  const bit = 1 << localWeekday(s.at);
  return s.ctx.db.exec(
    `${s.ctx.db.insertIgnore} INTO checkin_days
       (residentId, stationId, \`date\`, status, remindMinute, secondMinute, deadlineMinute, createdAt, updatedAt)
     SELECT p.residentId, r.stationId, ?, 'pending', p.remindMinute, p.remindMinute + p.secondReminderMinutes,
            p.remindMinute + p.graceMinutes, ?, ?
     FROM checkin_plans p JOIN residents r ON r.id = p.residentId
     WHERE p.enabled = 1 AND r.status = 'active' AND r.erasedAt IS NULL
       AND (p.weekdayMask & ?) <> 0
       AND (p.pausedUntil IS NULL OR p.pausedUntil < ?)
       AND p.appliesFromDate <= ?
       AND p.remindMinute <= ?
       AND NOT EXISTS (SELECT 1 FROM checkin_days d WHERE d.residentId = p.residentId AND d.\`date\` = ?)`,
    [s.today, s.nowDb, s.nowDb, bit, s.today, s.today, s.minute, s.today],
  );
}

/** Today's days in a state, due by `column`, with what the messages need; keyset-paged by id. */
async function dueDays(s: SweepScope, status: 'pending' | 'reminded', dueColumn: 'remindMinute' | 'secondMinute', extra: string, afterId: number): Promise<DayRow[]> {
  const rows = await s.ctx.db.rows<DayRow>(
    `SELECT d.id, d.residentId, d.stationId, d.remindMinute, d.secondMinute, d.deadlineMinute, d.firstReminderAt,
            r.name, r.gender, r.birthDate, r.wechatContactId, r.openid
     FROM checkin_days d JOIN residents r ON r.id = d.residentId
     WHERE d.\`date\` = ? AND d.status = ? AND d.${dueColumn} <= ? AND d.deadlineMinute > ? ${extra} AND d.id > ?
     ORDER BY d.id LIMIT ${CHUNK}`,
    [s.today, status, s.minute, s.minute, afterId],
  );
  // Field by field: spreading the row and overriding its numbers is ~2 µs a row in V8, 50× this.
  return rows.map((r) => ({
    id: Number(r.id), residentId: Number(r.residentId), stationId: Number(r.stationId),
    remindMinute: Number(r.remindMinute), secondMinute: Number(r.secondMinute), deadlineMinute: Number(r.deadlineMinute),
    name: r.name, gender: r.gender, birthDate: r.birthDate, wechatContactId: r.wechatContactId, openid: r.openid, firstReminderAt: r.firstReminderAt,
  }));
}

/**
 * One reminder row: on the bot when the elder is its contact (with the openid, so a bot failure
 * falls over to the mini-program), else a subscription message to the elder's mini-program.
 */
function reminderMessage(s: SweepScope, d: DayRow, which: 'first' | 'second'): OutgoingMessage {
  const elder = { name: d.name, gender: d.gender, birthDate: d.birthDate };
  // Only elders the bot or a subscription reaches get here (see firstReminders).
  const to = residentAddress({ id: d.residentId, wechatContactId: d.wechatContactId, openid: d.openid }, CHECKIN_PURPOSE)!;
  return {
    stationId: d.stationId, ...to,
    text: which === 'first' ? firstReminderText(elder, s.today, s.minute) : secondReminderText(elder, s.today),
    kind: `checkin_${which}`, priority: PRIORITY.checkin, dedupeKey: checkinReminderKey(d.residentId, s.today, which),
    refType: 'checkin_day', refId: d.id,
  };
}

/** First reminders due and not sent; an elder with no WeChat, or whose station account is down, is unreachable instead. */
export async function firstReminders(s: SweepScope): Promise<{ sent: number; unreachable: number }> {
  let sent = 0;
  let unreachable = 0;
  let last = 0;
  const accounts = s.deps.accounts;
  for (;;) {
    const chunk = await dueDays(s, 'pending', 'remindMinute', 'AND d.firstReminderAt IS NULL', last);
    if (!chunk.length) break;
    last = chunk[chunk.length - 1].id;
    const reach: DayRow[] = [];
    const byReason: Record<UnreachableReason, number[]> = { no_wechat: [], account_down: [], not_delivered: [] };
    const subscribed = await subscribedOpenids(s, chunk.filter((d) => !d.wechatContactId && d.openid).map((d) => d.openid!));
    for (const d of chunk) {
      if (!d.wechatContactId && d.openid && subscribed.has(d.openid)) reach.push(d);
      else if (!d.wechatContactId) byReason.no_wechat.push(d.id);
      else if (!accounts.isUp(d.stationId)) byReason.account_down.push(d.id);
      else reach.push(d);
    }
    await s.deps.outbox.enqueue(reach.map((d) => reminderMessage(s, d, 'first')));
    sent += await s.updateIds(reach.map((d) => d.id), `status = 'reminded', firstReminderAt = ?`, [s.nowDb], `status = 'pending'`);
    for (const [reason, ids] of Object.entries(byReason)) {
      unreachable += await s.updateIds(ids, `status = 'unreachable', unreachableReason = ?`, [reason], `status = 'pending'`);
    }
  }
  return { sent, unreachable };
}

/** Of these mini-program users, the ones with a check-in reminder subscription left. */
async function subscribedOpenids(s: SweepScope, openids: string[]): Promise<Set<string>> {
  if (!openids.length) return new Set();
  const rows = await s.ctx.db.rows<{ openid: string }>(
    `SELECT openid FROM subscription_quota WHERE purpose = ? AND remaining > 0 AND openid IN (${placeholders(openids.length)})`,
    [CHECKIN_PURPOSE, ...openids],
  );
  return new Set(rows.map((r) => r.openid));
}

/**
 * Second reminders due: the elder was reminded, has not answered, and the deadline is still
 * ahead. "Due" is counted from when the first reminder actually went (its outbox row was sent),
 * not from the plan's time: after downtime a late first reminder is not followed by the second
 * in the same sweep, and a first reminder still waiting in the paced outbox holds the second
 * back. The deadline stays the plan's: a first reminder that went late still escalates on time.
 */
export async function secondReminders(s: SweepScope): Promise<number> {
  let sent = 0;
  let last = 0;
  for (;;) {
    const chunk = await dueDays(s, 'reminded', 'secondMinute', 'AND d.secondReminderAt IS NULL AND r.wechatContactId IS NOT NULL', last);
    if (!chunk.length) break;
    last = chunk[chunk.length - 1].id;
    const went = await firstReminderWent(s, chunk);
    const up = chunk.filter((d) => {
      if (!s.deps.accounts.isUp(d.stationId)) return false;
      const at = went.get(d.id);
      if (at === null) return false;
      return minuteToday(s, at ?? parseInstant(d.firstReminderAt)) + (d.secondMinute - d.remindMinute) <= s.minute;
    });
    await s.deps.outbox.enqueue(up.map((d) => reminderMessage(s, d, 'second')));
    sent += await s.updateIds(up.map((d) => d.id), `secondReminderAt = ?`, [s.nowDb], `status = 'reminded' AND secondReminderAt IS NULL`);
  }
  return sent;
}

/**
 * When each day's first reminder went, from its outbox row: the send time; null while it is
 * still on its way (or did not go); absent when there is no row (then the queue time counts).
 */
async function firstReminderWent(s: SweepScope, days: DayRow[]): Promise<Map<number, Date | null>> {
  const out = new Map<number, Date | null>();
  if (!days.length) return out;
  const byKey = new Map(days.map((d) => [checkinReminderKey(d.residentId, s.today, 'first'), d.id]));
  const rows = await s.ctx.db.rows<{ dedupeKey: string; status: string; sentAt: unknown }>(
    `SELECT dedupeKey, status, sentAt FROM outbox WHERE dedupeKey IN (${placeholders(byKey.size)})`, [...byKey.keys()],
  );
  for (const r of rows) {
    const id = byKey.get(r.dedupeKey);
    if (id !== undefined) out.set(id, r.status === 'sent' ? (parseInstant(r.sentAt) ?? s.at) : null);
  }
  return out;
}

/** Minutes since local midnight of today for an instant today (an instant of another day counts as midnight). */
function minuteToday(s: SweepScope, at: Date | null): number {
  return at && localDate(at) === s.today ? localMinutes(at) : 0;
}
