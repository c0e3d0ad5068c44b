import { PRIORITY, ResidentTag } from '../entities';
import type { EscalationOrder, SubscriptionPurpose, UnreachableReason } from '../entities';
import type { Infra } from './infra';
import type { AccountStatusService } from './accounts';
import type { AlertService } from './alerts';
import type { NotifyService } from './notify';
import type { OutboxService } from './outbox';

/** The peer services a sweep uses. */
export interface SweepDeps {
  accounts: AccountStatusService;
  alerts: AlertService;
  notify: NotifyService;
  outbox: OutboxService;
}
import { dbInstant, parseInstant, placeholders } from './db';
import type { OutgoingMessage } from './outbox';
import { escalationLadder, residentAddress, familyRows, inEscalationOrder, workerRows } from './messaging/audience';
import {
  alertLevelKey, checkinAlarmKey, checkinMissedAlertKey, checkinMissedDigestKey, checkinReminderKey, checkinUnreachableAlertKey,
  checkinUnreachableListKey, morningSummaryKey,
} from './messaging/keys';
import {
  adminEscalationText, familyAlarmText, firstReminderText, missedDigestLine, missedDigestText, morningSummaryText,
  secondReminderText, unreachableSummary, unreachableTexts, wallTime, workerAlarmText,
} from './checkin-texts';
import { formatForChat, localDate, localMinutes, localWeekday } from './time';

/** How many days (rows) one step handles per round trip: bounded memory, short statements. */
const CHUNK = 1000;
/** An alert nobody acknowledged within this goes to the next in the escalation order. */
const ESCALATE_AFTER_MS = 3600_000;
/** The morning summary of open alerts goes to station admins from this local time… */
const SUMMARY_FROM_MINUTE = 8 * 60 + 30;
/** …and is made up until this time when the job was down at 08:30. */
const SUMMARY_UNTIL_MINUTE = 12 * 60;
/** More silent elders than this at one station in one sweep: the workers get lists instead of one alarm each. */
const DIGEST_OVER = 10;
const DIGEST_LINES = 30;
/** The subscription-message purpose of check-in reminders in the mini-program. */
const CHECKIN_PURPOSE: SubscriptionPurpose = 'checkin_reminder';

/** A JSON column read by a raw query (text on both engines). */
function parseJson<T>(v: unknown, fallback: T): T {
  if (v === null || v === undefined || v === '') return fallback;
  if (typeof v !== 'string') return v as T;
  try {
    return JSON.parse(v) as T;
  } catch {
    return fallback;
  }
}

export interface SweepSummary {
  date: string;
  time: string;
  stopped: number;
  opened: number;
  firstReminders: number;
  secondReminders: number;
  unreachable: number;
  unreachableNotices: number;
  missed: number;
  escalated: number;
  levelUps: number;
  summaries: number;
}

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

interface FamilyRow {
  id: number;
  residentId: number;
  name: string;
  relation: string;
  phone: string | null;
  wechatContactId: string | null;
}

interface WorkerRef {
  id: number;
  wechatContactId: string;
}

/**
 * The `checkins` job: one pass of set-based steps for the local day of `at`. Every step selects
 * what is due and not yet done today (so a run after downtime catches up), works in chunks, and
 * is idempotent: days are unique per (resident, date), alerts per dedupe key, every message per
 * dedupe key, so two runners on one database, or the same minute run twice, send each message once.
 */
export class CheckinSweep {
  readonly today: string;
  readonly minute: number;
  private readonly nowDb: string;
  private readonly workerCache = new Map<string, WorkerRef[]>();

  constructor(
    private readonly ctx: Infra,
    private readonly deps: SweepDeps,
    private readonly at: Date,
  ) {
    this.today = localDate(at);
    this.minute = localMinutes(at);
    this.nowDb = dbInstant(at);
  }

  /** Runs every step in order and says how much each did. */
  async run(): Promise<SweepSummary> {
    const s: SweepSummary = {
      date: this.today, time: wallTime(this.minute), stopped: 0, opened: 0, firstReminders: 0, secondReminders: 0,
      unreachable: 0, unreachableNotices: 0, missed: 0, escalated: 0, levelUps: 0, summaries: 0,
    };
    s.stopped = await this.stopInactive();
    Object.assign(s, await this.reminders());
    s.unreachable += await this.accountsDown();
    s.unreachable += await this.failedDeliveries();
    const deadline = await this.deadlines();
    s.unreachable += deadline.unreachable;
    s.missed = deadline.missed;
    s.unreachableNotices = await this.tellUnreachable();
    s.escalated = await this.escalateMissed();
    s.levelUps = await this.escalateUnacknowledged();
    s.summaries = await this.morningSummaries();
    return s;
  }

  /** The reminder sweep: open today's days that are due, then the first and second reminders. */
  async reminders(): Promise<{ opened: number; firstReminders: number; secondReminders: number; unreachable: number }> {
    const opened = await this.openDays();
    const first = await this.firstReminders();
    const secondReminders = await this.secondReminders();
    return { opened, firstReminders: first.sent, secondReminders, unreachable: first.unreachable };
  }

  /** The escalation sweep: undelivered days become unreachable, silent ones missed, then alerts and messages. */
  async escalations(): Promise<{ unreachable: number; missed: number; escalated: number; notices: number }> {
    const d = await this.deadlines();
    const notices = await this.tellUnreachable();
    const escalated = await this.escalateMissed();
    return { unreachable: d.unreachable, missed: d.missed, escalated, notices };
  }

  /** Days still running for a resident who is no longer active, or whose plan was switched off or paused. */
  async stopInactive(): Promise<number> {
    return this.ctx.db.exec(
      `UPDATE checkin_days SET status = 'paused', updatedAt = ?
       WHERE \`date\` = ? AND status IN ('pending', 'reminded') AND (
         EXISTS (SELECT 1 FROM residents r WHERE r.id = checkin_days.residentId AND (r.status <> 'active' OR r.erasedAt IS NOT NULL))
         OR EXISTS (SELECT 1 FROM checkin_plans p WHERE p.residentId = checkin_days.residentId
                    AND (p.enabled = 0 OR (p.pausedUntil IS NOT NULL AND p.pausedUntil >= ?))))`,
      [this.nowDb, this.today, this.today],
    );
  }

  /**
   * Creates today's day for every plan whose first reminder is due: active resident, a plan
   * weekday, not paused, the plan applying today. One INSERT … SELECT. A day first seen after its
   * deadline (the job was down all morning) is opened too, so that the deadline step marks it
   * unreachable and the workers are told to phone: silence nobody was asked about is not "missed".
   */
  async openDays(): Promise<number> {
    const bit = 1 << localWeekday(this.at);
    return this.ctx.db.exec(
      `${this.ctx.db.insertIgnore} INTO checkin_days
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
      [this.today, this.nowDb, this.nowDb, bit, this.today, this.today, this.minute, this.today],
    );
  }

  /** Today's days in a state, due by `column`, with what the messages need; keyset-paged by id. */
  private async dueDays(status: 'pending' | 'reminded', dueColumn: 'remindMinute' | 'secondMinute', extra: string, afterId: number): Promise<DayRow[]> {
    const rows = await this.ctx.db.rows<DayRow>(
      `SELECT d.id, d.residentId, d.stationId, d.remindMinute, d.secondMinute, d.deadlineMinute, d.firstReminderAt,
              r.name, r.gender, r.birthDate, r.wechatContactId, r.openid
       FROM checkin_days d JOIN residents r ON r.id = d.residentId
       WHERE d.\`date\` = ? AND d.status = ? AND d.${dueColumn} <= ? AND d.deadlineMinute > ? ${extra} AND d.id > ?
       ORDER BY d.id LIMIT ${CHUNK}`,
      [this.today, status, this.minute, this.minute, afterId],
    );
    return rows.map((r) => ({
      ...r, id: Number(r.id), residentId: Number(r.residentId), stationId: Number(r.stationId),
      remindMinute: Number(r.remindMinute), secondMinute: Number(r.secondMinute), deadlineMinute: Number(r.deadlineMinute),
    }));
  }

  /**
   * One reminder row: on the bot when the elder is its contact (with the openid, so a bot failure
   * falls over to the mini-program), else a subscription message to the elder's mini-program.
   */
  private reminderMessage(d: DayRow, which: 'first' | 'second'): OutgoingMessage {
    const elder = { name: d.name, gender: d.gender, birthDate: d.birthDate };
    // Only elders the bot or a subscription reaches get here (see firstReminders).
    const to = residentAddress({ id: d.residentId, wechatContactId: d.wechatContactId, openid: d.openid }, CHECKIN_PURPOSE)!;
    return {
      stationId: d.stationId, ...to,
      text: which === 'first' ? firstReminderText(elder, this.today, this.minute) : secondReminderText(elder, this.today),
      kind: `checkin_${which}`, priority: PRIORITY.checkin, dedupeKey: checkinReminderKey(d.residentId, this.today, which),
      refType: 'checkin_day', refId: d.id,
    };
  }

  /** First reminders due and not sent; an elder with no WeChat, or whose station account is down, is unreachable instead. */
  async firstReminders(): Promise<{ sent: number; unreachable: number }> {
    let sent = 0;
    let unreachable = 0;
    let last = 0;
    const accounts = this.deps.accounts;
    for (;;) {
      const chunk = await this.dueDays('pending', 'remindMinute', 'AND d.firstReminderAt IS NULL', last);
      if (!chunk.length) break;
      last = chunk[chunk.length - 1].id;
      const reach: DayRow[] = [];
      const byReason: Record<UnreachableReason, number[]> = { no_wechat: [], account_down: [], not_delivered: [] };
      const subscribed = await this.subscribedOpenids(chunk.filter((d) => !d.wechatContactId && d.openid).map((d) => d.openid!));
      for (const d of chunk) {
        if (!d.wechatContactId && d.openid && subscribed.has(d.openid)) reach.push(d);
        else if (!d.wechatContactId) byReason.no_wechat.push(d.id);
        else if (!accounts.isUp(d.stationId)) byReason.account_down.push(d.id);
        else reach.push(d);
      }
      await this.deps.outbox.enqueue(reach.map((d) => this.reminderMessage(d, 'first')));
      sent += await this.updateIds(reach.map((d) => d.id), `status = 'reminded', firstReminderAt = ?`, [this.nowDb], `status = 'pending'`);
      for (const [reason, ids] of Object.entries(byReason)) {
        unreachable += await this.updateIds(ids, `status = 'unreachable', unreachableReason = ?`, [reason], `status = 'pending'`);
      }
    }
    return { sent, unreachable };
  }

  /** Of these mini-program users, the ones with a check-in reminder subscription left. */
  private async subscribedOpenids(openids: string[]): Promise<Set<string>> {
    if (!openids.length) return new Set();
    const rows = await this.ctx.db.rows<{ openid: string }>(
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
  async secondReminders(): Promise<number> {
    let sent = 0;
    let last = 0;
    for (;;) {
      const chunk = await this.dueDays('reminded', 'secondMinute', 'AND d.secondReminderAt IS NULL AND r.wechatContactId IS NOT NULL', last);
      if (!chunk.length) break;
      last = chunk[chunk.length - 1].id;
      const went = await this.firstReminderWent(chunk);
      const up = chunk.filter((d) => {
        if (!this.deps.accounts.isUp(d.stationId)) return false;
        const at = went.get(d.id);
        if (at === null) return false;
        return this.minuteToday(at ?? parseInstant(d.firstReminderAt)) + (d.secondMinute - d.remindMinute) <= this.minute;
      });
      await this.deps.outbox.enqueue(up.map((d) => this.reminderMessage(d, 'second')));
      sent += await this.updateIds(up.map((d) => d.id), `secondReminderAt = ?`, [this.nowDb], `status = 'reminded' AND secondReminderAt IS NULL`);
    }
    return sent;
  }

  /**
   * When each day's first reminder went, from its outbox row: the send time; null while it is
   * still on its way (or did not go); absent when there is no row (then the queue time counts).
   */
  private async firstReminderWent(days: DayRow[]): Promise<Map<number, Date | null>> {
    const out = new Map<number, Date | null>();
    if (!days.length) return out;
    const byKey = new Map(days.map((d) => [checkinReminderKey(d.residentId, this.today, 'first'), d.id]));
    const rows = await this.ctx.db.rows<{ dedupeKey: string; status: string; sentAt: unknown }>(
      `SELECT dedupeKey, status, sentAt FROM outbox WHERE dedupeKey IN (${placeholders(byKey.size)})`, [...byKey.keys()],
    );
    for (const r of rows) {
      const id = byKey.get(r.dedupeKey);
      if (id !== undefined) out.set(id, r.status === 'sent' ? (parseInstant(r.sentAt) ?? this.at) : null);
    }
    return out;
  }

  /** Minutes since local midnight of today for an instant today (an instant of another day counts as midnight). */
  private minuteToday(at: Date | null): number {
    return at && localDate(at) === this.today ? localMinutes(at) : 0;
  }

  /** `UPDATE checkin_days SET … WHERE id IN (…) AND <guard>`, chunked; returns rows changed. */
  private async updateIds(ids: number[], set: string, setParams: unknown[], guard: string): Promise<number> {
    let n = 0;
    for (let i = 0; i < ids.length; i += CHUNK) {
      const part = ids.slice(i, i + CHUNK);
      n += await this.ctx.db.exec(
        `UPDATE checkin_days SET ${set}, updatedAt = ? WHERE id IN (${placeholders(part.length)}) AND ${guard}`,
        [...setParams, this.nowDb, ...part],
      );
    }
    return n;
  }

  /**
   * While a station's WeChat account is down nothing reaches its elders and their replies do not
   * reach us: today's started days there are unreachable at once (not missed).
   */
  async accountsDown(): Promise<number> {
    const down = this.deps.accounts.list().filter((a) => !a.up).map((a) => a.stationId);
    if (!down.length) return 0;
    return this.ctx.db.exec(
      `UPDATE checkin_days SET status = 'unreachable', unreachableReason = 'account_down', updatedAt = ?
       WHERE \`date\` = ? AND status IN ('pending', 'reminded') AND remindMinute <= ? AND stationId IN (${placeholders(down.length)})`,
      [this.nowDb, this.today, this.minute, ...down],
    );
  }

  /** Reminders that failed for good (and none still on its way or delivered): unreachable now, not at the deadline. */
  async failedDeliveries(): Promise<number> {
    return this.ctx.db.exec(
      `UPDATE checkin_days SET status = 'unreachable', unreachableReason = 'not_delivered', updatedAt = ?
       WHERE \`date\` = ? AND status = 'reminded'
         AND EXISTS (SELECT 1 FROM outbox o WHERE o.refType = 'checkin_day' AND o.refId = checkin_days.id AND o.status = 'failed')
         AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.refType = 'checkin_day' AND o.refId = checkin_days.id
                         AND o.status IN ('pending', 'sending', 'sent'))`,
      [this.nowDb, this.today],
    );
  }

  /**
   * At the deadline: a day none of whose reminders was delivered is unreachable (the family is not
   * alarmed for our failure); a day whose reminder was delivered and got no answer is missed.
   */
  async deadlines(): Promise<{ unreachable: number; missed: number }> {
    const unreachable = await this.ctx.db.exec(
      `UPDATE checkin_days SET status = 'unreachable', unreachableReason = 'not_delivered', updatedAt = ?
       WHERE \`date\` = ? AND status IN ('pending', 'reminded') AND deadlineMinute <= ?
         AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.refType = 'checkin_day' AND o.refId = checkin_days.id AND o.status = 'sent')`,
      [this.nowDb, this.today, this.minute],
    );
    const missed = await this.ctx.db.exec(
      `UPDATE checkin_days SET status = 'missed', missedAt = ?, updatedAt = ?
       WHERE \`date\` = ? AND status = 'reminded' AND deadlineMinute <= ?`,
      [this.nowDb, this.nowDb, this.today, this.minute],
    );
    return { unreachable, missed };
  }

  private async boundWorkers(stationId: number, roles: ('worker' | 'station_admin')[] = ['worker', 'station_admin']): Promise<WorkerRef[]> {
    const key = `${stationId}:${roles.join(',')}`;
    let ws = this.workerCache.get(key);
    if (!ws) {
      ws = (await this.deps.notify.boundWorkers(stationId, roles)).map((w) => ({ id: w.id, wechatContactId: w.wechatContactId! }));
      this.workerCache.set(key, ws);
    }
    return ws;
  }

  /** Urgent messages to a station's bound workers, one dedupe key per worker. */
  private async toWorkers(stationId: number, text: string, kind: string, dedupeKey: string, ref: { refType: string; refId: number } | null, roles?: ('worker' | 'station_admin')[]): Promise<OutgoingMessage[]> {
    let ws = await this.boundWorkers(stationId, roles);
    if (!ws.length && roles) ws = await this.boundWorkers(stationId);
    return workerRows(stationId, ws, text, { kind, priority: PRIORITY.alert, urgent: true, dedupeKey, refType: ref?.refType ?? null, refId: ref?.refId ?? null });
  }

  /**
   * Tells the workers, at once, which elders could not be reached today: one list per station and
   * run (dedupe per station, date and batch minute), and one alert per list for the console.
   */
  async tellUnreachable(): Promise<number> {
    const rows = await this.ctx.db.rows<{ id: number; stationId: number; name: string; phone: string | null; reason: UnreachableReason; community: string | null }>(
      `SELECT d.id, d.stationId, r.name, r.phone, d.unreachableReason AS reason, c.name AS community
       FROM checkin_days d JOIN residents r ON r.id = d.residentId LEFT JOIN communities c ON c.id = r.communityId
       WHERE d.\`date\` = ? AND d.status = 'unreachable' AND d.workersToldAt IS NULL
       ORDER BY d.stationId, c.name, d.id`,
      [this.today],
    );
    if (!rows.length) return 0;
    const byStation = new Map<number, typeof rows>();
    for (const r of rows) {
      const sid = Number(r.stationId);
      if (!byStation.has(sid)) byStation.set(sid, []);
      byStation.get(sid)!.push(r);
    }
    const batch = `${this.today}:${wallTime(this.minute)}`;
    let notices = 0;
    for (const [stationId, list] of byStation) {
      const names = list.map((l) => l.name);
      const { alert } = await this.deps.alerts.raise({
        stationId, residentId: null, type: 'checkin_unreachable', dedupeKey: checkinUnreachableAlertKey(stationId, batch),
        summary: unreachableSummary(names),
      });
      const texts = unreachableTexts(list.map((l) => ({ community: l.community, name: l.name, phone: l.phone, reason: l.reason })));
      const messages: OutgoingMessage[] = [];
      for (let i = 0; i < texts.length; i++) {
        messages.push(...(await this.toWorkers(stationId, texts[i], 'checkin_unreachable', checkinUnreachableListKey(stationId, batch, i + 1), { refType: 'alert', refId: alert.id })));
      }
      await this.deps.outbox.enqueue(messages);
      await this.updateIds(list.map((l) => Number(l.id)), 'workersToldAt = ?', [this.nowDb], 'workersToldAt IS NULL');
      notices += texts.length;
    }
    return notices;
  }

  private async familyOf(residentIds: number[]): Promise<Map<number, FamilyRow[]>> {
    const out = new Map<number, FamilyRow[]>();
    if (!residentIds.length) return out;
    const rows = await this.ctx.db.rows<FamilyRow>(
      `SELECT id, residentId, name, relation, phone, wechatContactId FROM family_contacts
       WHERE residentId IN (${placeholders(residentIds.length)}) ORDER BY id`,
      residentIds,
    );
    for (const f of rows) {
      const rid = Number(f.residentId);
      if (!out.has(rid)) out.set(rid, []);
      out.get(rid)!.push({ ...f, id: Number(f.id), residentId: rid });
    }
    return out;
  }

  /**
   * Missed days → escalated. Per chunk: one bulk insert of alerts (unique dedupe key per resident
   * and date) and the urgent alarm to the first family contact in the escalation order. The
   * station's bound workers get one message per elder, or, when more than `DIGEST_OVER` elders
   * of a station fall silent in one sweep (a mass event, usually our own fault), lists of 30, so
   * the pacing sender is not buried under thousands of alarms ahead of the families'. Days are
   * marked escalated (pointing at their alerts) only after every message is queued, so a crash
   * in between is finished by the next run.
   */
  async escalateMissed(): Promise<number> {
    let last = 0;
    const done: [number, number][] = [];
    // How many fell silent per station decides, up front, between one alarm each and lists.
    const counts = await this.ctx.db.rows<{ stationId: number; n: number }>(
      `SELECT stationId, COUNT(*) AS n FROM checkin_days WHERE \`date\` = ? AND status = 'missed' GROUP BY stationId`, [this.today],
    );
    const digest = new Map(counts.filter((c) => Number(c.n) > DIGEST_OVER).map((c) => [Number(c.stationId), { total: Number(c.n), lines: [] as string[], alertIds: [] as number[], part: 0 }]));
    const flush = async (stationId: number, all: boolean): Promise<OutgoingMessage[]> => {
      const dg = digest.get(stationId)!;
      const out: OutgoingMessage[] = [];
      while (dg.lines.length >= DIGEST_LINES || (all && dg.lines.length)) {
        const part = dg.lines.splice(0, DIGEST_LINES);
        const alertIds = dg.alertIds.splice(0, DIGEST_LINES);
        const text = missedDigestText(part, dg.part * DIGEST_LINES, dg.total);
        dg.part++;
        // Keyed by the alerts it lists: a run that repeats this work after a crash queues the same list once.
        out.push(...(await this.toWorkers(stationId, text, 'alert_checkin_missed', checkinMissedDigestKey(stationId, this.today, alertIds), null)));
      }
      return out;
    };
    for (;;) {
      const chunk = await this.ctx.db.rows<{
        id: number; residentId: number; stationId: number; deadlineMinute: number; name: string; gender: 'male' | 'female' | null;
        birthDate: string | null; tags: string; community: string | null; escalation: string | null;
      }>(
        `SELECT d.id, d.residentId, d.stationId, d.deadlineMinute, r.name, r.gender, r.birthDate, r.tags, c.name AS community,
                p.escalation
         FROM checkin_days d JOIN residents r ON r.id = d.residentId
           LEFT JOIN communities c ON c.id = r.communityId LEFT JOIN checkin_plans p ON p.residentId = d.residentId
         WHERE d.\`date\` = ? AND d.status = 'missed' AND d.id > ? ORDER BY d.id LIMIT ${CHUNK}`,
        [this.today, last],
      );
      if (!chunk.length) break;
      last = Number(chunk[chunk.length - 1].id);
      const days = chunk.map((d) => ({
        ...d, id: Number(d.id), residentId: Number(d.residentId), stationId: Number(d.stationId), deadlineMinute: Number(d.deadlineMinute),
        tags: parseJson<ResidentTag[]>(d.tags, []), order: parseJson<EscalationOrder>(d.escalation, { familyContactIds: [], volunteer: null }),
      }));
      const family = await this.familyOf(days.map((d) => d.residentId));
      const key = (rid: number) => checkinMissedAlertKey(rid, this.today);
      const alertIds = await this.deps.alerts.raiseMany(days.map((d) => ({
        stationId: d.stationId, residentId: d.residentId, type: 'checkin_missed', dedupeKey: key(d.residentId),
        summary: `${d.community ? `${d.community} ` : ''}${d.name} ${this.today} 到${wallTime(d.deadlineMinute)}未报平安`,
      })), this.at);
      const messages: OutgoingMessage[] = [];
      for (const d of days) {
        const alertId = alertIds.get(key(d.residentId));
        if (!alertId) continue;
        done.push([d.id, alertId]);
        const fam = inEscalationOrder(family.get(d.residentId) ?? [], d.order);
        const elder = { name: d.name, gender: d.gender, birthDate: d.birthDate, tags: d.tags };
        const firstBound = fam.find((f) => f.wechatContactId);
        if (firstBound) {
          messages.push(...familyRows(d.stationId, [firstBound], familyAlarmText(elder, firstBound.relation, d.deadlineMinute), {
            kind: 'alert_checkin_missed', priority: PRIORITY.alert, urgent: true, refType: 'alert', refId: alertId,
            dedupeKey: checkinAlarmKey(d.residentId, this.today),
          }));
        }
        const dg = digest.get(d.stationId);
        if (dg) {
          dg.lines.push(missedDigestLine(d.community, elder, fam[0] ?? null, alertId));
          dg.alertIds.push(alertId);
          messages.push(...(await flush(d.stationId, false)));
        } else {
          const text = workerAlarmText(d.community, elder, fam[0] ?? null, alertId);
          messages.push(...(await this.toWorkers(d.stationId, text, 'alert_checkin_missed', checkinAlarmKey(d.residentId, this.today), { refType: 'alert', refId: alertId })));
        }
      }
      await this.deps.outbox.enqueue(messages);
    }
    for (const stationId of digest.keys()) await this.deps.outbox.enqueue(await flush(stationId, true));
    let escalated = 0;
    for (let i = 0; i < done.length; i += CHUNK) {
      const part = done.slice(i, i + CHUNK);
      const whens = part.map(() => 'WHEN ? THEN ?').join(' ');
      escalated += await this.ctx.db.exec(
        `UPDATE checkin_days SET status = 'escalated', escalatedAt = ?, updatedAt = ?, alertId = CASE id ${whens} END
         WHERE id IN (${placeholders(part.length)}) AND status = 'missed'`,
        [this.nowDb, this.nowDb, ...part.flat(), ...part.map((p) => p[0])],
      );
    }
    return escalated;
  }

  /**
   * Alerts of silent elders nobody acknowledged within the hour (and with no sign of life since):
   * the next family contact in the escalation order, then the volunteer, hear of it, and the
   * station admin every time; once per level (dedupe per alert and level).
   */
  async escalateUnacknowledged(): Promise<number> {
    const cutoff = dbInstant(new Date(this.at.getTime() - ESCALATE_AFTER_MS));
    let levelUps = 0;
    let last = 0;
    for (;;) {
      const chunk = await this.ctx.db.rows<{
        id: number; stationId: number; residentId: number; escalationLevel: number; createdAt: unknown; name: string;
        gender: 'male' | 'female' | null; birthDate: string | null; community: string | null; escalation: string | null; deadlineMinute: number | null;
      }>(
        `SELECT a.id, a.stationId, a.residentId, a.escalationLevel, a.createdAt, r.name, r.gender, r.birthDate, c.name AS community,
                p.escalation, d.deadlineMinute
         FROM alerts a JOIN residents r ON r.id = a.residentId LEFT JOIN communities c ON c.id = r.communityId
           LEFT JOIN checkin_plans p ON p.residentId = a.residentId LEFT JOIN checkin_days d ON d.alertId = a.id
         WHERE a.type = 'checkin_missed' AND a.status = 'open' AND a.replyAt IS NULL
           AND COALESCE(a.escalatedAt, a.createdAt) <= ? AND a.id > ?
         ORDER BY a.id LIMIT ${CHUNK}`,
        [cutoff, last],
      );
      if (!chunk.length) break;
      last = Number(chunk[chunk.length - 1].id);
      const family = await this.familyOf(chunk.map((a) => Number(a.residentId)));
      const messages: OutgoingMessage[] = [];
      const exhausted: number[] = [];
      const raised = new Map<number, number[]>();
      for (const a of chunk) {
        const id = Number(a.id);
        const level = Number(a.escalationLevel);
        const stationId = Number(a.stationId);
        const order = parseJson<EscalationOrder>(a.escalation, { familyContactIds: [], volunteer: null });
        const ladder = escalationLadder(family.get(Number(a.residentId)) ?? [], order);
        if (level >= ladder.length) {
          exhausted.push(id);
          continue;
        }
        const step = ladder[level];
        const next = level + 1;
        const elder = { name: a.name, gender: a.gender, birthDate: a.birthDate };
        const createdAt = parseInstant(a.createdAt) ?? this.at;
        const hours = Math.max(1, Math.floor((this.at.getTime() - createdAt.getTime()) / 3600_000));
        const extra = { kind: 'alert_escalation', priority: PRIORITY.alert, urgent: true, refType: 'alert', refId: id };
        const deadline = a.deadlineMinute !== null && a.deadlineMinute !== undefined ? Number(a.deadlineMinute) : localMinutes(createdAt);
        if ('family' in step) {
          messages.push(...familyRows(stationId, [step.family], familyAlarmText(elder, step.family.relation, deadline), { ...extra, dedupeKey: alertLevelKey(id, next) }));
        }
        const text = adminEscalationText(a.community, elder, id, hours, {
          familyName: 'family' in step ? step.family.name : null, volunteer: 'volunteer' in step ? step.volunteer : null,
        });
        messages.push(...(await this.toWorkers(stationId, text, 'alert_escalation', alertLevelKey(id, next), { refType: 'alert', refId: id }, ['station_admin'])));
        if (!raised.has(level)) raised.set(level, []);
        raised.get(level)!.push(id);
      }
      await this.deps.outbox.enqueue(messages);
      for (const [level, ids] of raised) {
        levelUps += await this.ctx.db.exec(
          `UPDATE alerts SET escalationLevel = ?, escalatedAt = ? WHERE id IN (${placeholders(ids.length)}) AND escalationLevel = ? AND status = 'open'`,
          [level + 1, this.nowDb, ...ids, level],
        );
      }
      // Nobody left to tell: look again only in an hour (a new family contact may have been bound by then).
      if (exhausted.length) {
        await this.ctx.db.exec(`UPDATE alerts SET escalatedAt = ? WHERE id IN (${placeholders(exhausted.length)})`, [this.nowDb, ...exhausted]);
      }
    }
    return levelUps;
  }

  /** From 08:30 (made up until noon), each station admin gets the list of the station's open alerts, once a day. */
  async morningSummaries(): Promise<number> {
    if (this.minute < SUMMARY_FROM_MINUTE || this.minute >= SUMMARY_UNTIL_MINUTE) return 0;
    const stations = await this.ctx.db.rows<{ stationId: number; n: number; stationName: string }>(
      `SELECT a.stationId, COUNT(*) AS n, s.name AS stationName FROM alerts a JOIN stations s ON s.id = a.stationId
       WHERE a.status IN ('open', 'acknowledged') GROUP BY a.stationId, s.name`,
      [],
    );
    let sent = 0;
    for (const st of stations) {
      const stationId = Number(st.stationId);
      const key = morningSummaryKey(stationId, this.today);
      const recipients = await this.toWorkers(stationId, '', 'alert_summary', key, null, ['station_admin']);
      if (!recipients.length) continue;
      const queued = await this.ctx.db.rows<{ n: number }>(
        `SELECT COUNT(*) AS n FROM outbox WHERE dedupeKey IN (${placeholders(recipients.length)})`,
        recipients.map((r) => r.dedupeKey),
      );
      if (Number(queued[0]?.n ?? 0) >= recipients.length) continue;
      const alerts = await this.ctx.db.rows<{ id: number; type: string; status: string; createdAt: unknown; replyAt: unknown; name: string | null; community: string | null }>(
        `SELECT a.id, a.type, a.status, a.createdAt, a.replyAt, r.name, c.name AS community
         FROM alerts a LEFT JOIN residents r ON r.id = a.residentId LEFT JOIN communities c ON c.id = r.communityId
         WHERE a.stationId = ? AND a.status IN ('open', 'acknowledged') ORDER BY a.id LIMIT 200`,
        [stationId],
      );
      const text = morningSummaryText(st.stationName, alerts.map((a) => ({
        id: Number(a.id), type: a.type, who: [a.community, a.name].filter(Boolean).join(' '),
        when: formatForChat(parseInstant(a.createdAt) ?? this.at), replied: a.replyAt !== null, acknowledged: a.status === 'acknowledged',
      })));
      sent += await this.deps.outbox.enqueue(recipients.map((r) => ({ ...r, text, urgent: false, priority: PRIORITY.alert })));
    }
    return sent;
  }
}
