import { z } from 'zod';
import { Between, EntityManager, In, IsNull, LessThanOrEqual, MoreThanOrEqual, Not } from 'typeorm';
import {
  Alert, Community, FamilyContact, FamilyReminder, FamilyReminderSchedule, GUARDIAN_REMINDER_TYPES, OutboxMessage, PRIORITY, Resident, Worker,
} from '../entities';
import type { FamilyReminderKind } from '../entities';
import type { Actor } from './auth';
import type { Infra } from './infra';
import type { AlertService } from './alerts';
import type { ChatService } from './chat';
import { ERASED_TEXT } from './chat';
import type { NotifyService } from './notify';
import type { OutboxService } from './outbox';
import { conflict, isUniqueViolation, notFound, validationFailed } from './errors';
import { assertCases, ownStationId } from './permissions';
import { familyRows, workerRows } from './messaging/audience';
import { alertKey, forFamily, familyReminderKey, familyScheduleKey, familySilentAlertKey, guardianReminderKey } from './messaging/keys';
import { dbInstant, retryOnDeadlock } from './db';
import { addDays, atLocal, inQuietHours, isWallTime, localDate, localMinutes, localWeekday, toIso } from './time';
import { callHomeText, familySilentText, GUARDIAN_TEMPLATES, guardianText } from './family-texts';

/** A weekly reminder goes out at most this long after its time (a job that was down catches up, not days later). */
const CATCH_UP_MINUTES = 120;
/** A weekly reminder may be answered until the next one: after that its week counts as unanswered. */
const ACK_WINDOW_DAYS = 7;
/** This many unanswered weeks in a row flag the child for the children's officer and the workers. */
const SILENT_WEEKS = 3;
const DAY_MS = 86400_000;
const FIRST_MINUTE = 8 * 60;
const LAST_MINUTE = 21 * 60;

const WEEKDAY_MESSAGE = '星期为 0–6（0 = 周日）';
const TIME_MESSAGE = '时间格式应为 HH:mm（00:00–23:59），例如 19:00';

/** The body of `PUT /api/residents/:id/family-reminders`: the whole weekly schedule of a child's family. */
export const scheduleInputSchema = z.array(z.strictObject({
  familyContactId: z.number().int().positive(),
  weekday: z.number({ error: WEEKDAY_MESSAGE }).int(WEEKDAY_MESSAGE).min(0, WEEKDAY_MESSAGE).max(6, WEEKDAY_MESSAGE),
  time: z.string().refine(isWallTime, TIME_MESSAGE),
  message: z.string().trim().min(1, '不能为空').max(200, '提醒内容最多 200 个字').nullable().optional(),
})).max(20, '每位居民最多 20 条提醒');
export type ScheduleInput = z.output<typeof scheduleInputSchema>;

/** A guardian reminder a worker writes (`POST /api/residents/:id/guardian-reminders`). */
export const guardianInputSchema = z.strictObject({
  familyContactId: z.number().int().positive(),
  type: z.enum(GUARDIAN_REMINDER_TYPES),
  /** When the meeting, check or vaccination is. */
  eventAt: z.iso.datetime({ offset: true, message: '时间格式应为 ISO 8601，例如 2026-12-05T14:00:00+08:00' }),
  /** When the reminder goes out; by default the evening before (19:00), or now when the event is sooner. */
  remindAt: z.iso.datetime({ offset: true, message: '时间格式应为 ISO 8601，例如 2026-12-04T19:00:00+08:00' }).optional(),
  place: z.string().trim().max(100, '地点最多 100 个字').nullable().optional(),
  note: z.string().trim().max(200, '备注最多 200 个字').nullable().optional(),
  /** The worker's own template; `{称呼}` `{孩子}` `{时间}` `{地点}` `{备注}` are filled in. */
  template: z.string().trim().min(1, '不能为空').max(300, '模板最多 300 个字').optional(),
});
export type GuardianInput = z.output<typeof guardianInputSchema>;

export interface HistoryFilter {
  residentId?: number;
  from?: string;
  to?: string;
  kind?: FamilyReminderKind;
  limit: number;
  offset: number;
}

/** A reminder with the names and the delivery the history shows. */
export type ReminderWithNames = FamilyReminder & {
  residentName: string | null; familyName: string | null; relation: string | null; sentAt: Date | null; delivery: string | null;
};

export interface FamilySweepSummary {
  scheduled: number;
  queued: number;
  cancelled: number;
  flagged: number;
}

type Problem = { in: string; path: string; message: string };

/**
 * Left-behind families: weekly reminders to migrant parents to call their child, guardian
 * reminders to the grandparents raising one, acknowledgements by chat, and the flag raised when a
 * family has not answered three weeks running. The `family-reminders` job runs `sweep`.
 */
export class FamilyReminderService {
  constructor(
    private readonly ctx: Infra,
    private readonly deps: { alerts: AlertService; chat: ChatService; notify: NotifyService; outbox: OutboxService },
  ) {}

  private async loadResident(actor: Actor, residentId: number): Promise<Resident> {
    const r = await this.ctx.db.manager.findOne(Resident, { where: { id: residentId } });
    if (!r || r.erasedAt) throw notFound('居民');
    assertCases(actor, r.stationId, '居民');
    return r;
  }

  /** The family contacts among `ids` that belong to the resident; the others are named in a 400. */
  private async familyOf(r: Resident, ids: number[], path: (i: number) => string, problems: Problem[]): Promise<Map<number, FamilyContact>> {
    const unique = [...new Set(ids)];
    const rows = unique.length ? await this.ctx.db.manager.find(FamilyContact, { where: { id: In(unique), residentId: r.id, stationId: r.stationId } }) : [];
    const byId = new Map(rows.map((f) => [f.id, f]));
    ids.forEach((id, i) => {
      if (!byId.has(id)) problems.push({ in: 'body', path: path(i), message: `家属 ${id} 不是该居民的家属联系人` });
    });
    return byId;
  }

  /** The weekly schedule of a resident's family, for the workers of their station. */
  async listSchedules(actor: Actor, residentId: number): Promise<FamilyReminderSchedule[]> {
    const r = await this.loadResident(actor, residentId);
    return this.ctx.db.manager.find(FamilyReminderSchedule, { where: { residentId: r.id }, order: { weekday: 'ASC', minute: 'ASC', id: 'ASC' } });
  }

  /**
   * Replaces a resident's weekly schedule. Each entry names one of this resident's family contacts,
   * a weekday and a time outside the quiet hours; an entry applies from its next time (a schedule
   * saved on Sunday at 19:30 for Sundays at 19:00 starts next week). Nothing is written on bad input.
   */
  async saveSchedules(actor: Actor, residentId: number, input: ScheduleInput): Promise<FamilyReminderSchedule[]> {
    const r = await this.loadResident(actor, residentId);
    const problems: Problem[] = [];
    await this.familyOf(r, input.map((e) => e.familyContactId), (i) => `${i}.familyContactId`, problems);
    const seen = new Set<string>();
    input.forEach((e, i) => {
      const [hh, mm] = e.time.split(':').map(Number);
      const minute = hh * 60 + mm;
      if (minute < FIRST_MINUTE || minute >= LAST_MINUTE) problems.push({ in: 'body', path: `${i}.time`, message: '提醒时间需在 08:00–21:00 之间（夜间不打扰）' });
      const key = `${e.familyContactId}:${e.weekday}:${e.time}`;
      if (seen.has(key)) problems.push({ in: 'body', path: `${i}`, message: '同一位家属同一时间的提醒重复了' });
      seen.add(key);
    });
    if (problems.length) throw validationFailed(problems, `输入有误：${problems.map((p) => p.message).join('；')}`);
    const now = this.ctx.clock.now();
    const workerId = actor.kind === 'worker' ? actor.id : null;
    await this.ctx.db.transaction(async (em) => {
      await em.delete(FamilyReminderSchedule, { residentId: r.id });
      if (!input.length) return;
      await em.insert(FamilyReminderSchedule, input.map((e) => {
        const [hh, mm] = e.time.split(':').map(Number);
        return {
          stationId: r.stationId, residentId: r.id, familyContactId: e.familyContactId, weekday: e.weekday, time: e.time,
          minute: hh * 60 + mm, message: e.message ?? null, activeFrom: now, createdBy: workerId,
        };
      }));
    });
    return this.listSchedules(actor, r.id);
  }

  /**
   * A guardian reminder from a template, to one of the child's family (the grandparent raising
   * them): the event must lie ahead and the reminder go out before it, outside the quiet hours.
   * The same reminder (contact, type, event time) twice is a 409.
   */
  async createGuardianReminder(actor: Actor, residentId: number, input: GuardianInput): Promise<FamilyReminder> {
    const r = await this.loadResident(actor, residentId);
    const problems: Problem[] = [];
    const family = await this.familyOf(r, [input.familyContactId], () => 'familyContactId', problems);
    const now = this.ctx.clock.now();
    const eventAt = new Date(input.eventAt);
    if (eventAt <= now) problems.push({ in: 'body', path: 'eventAt', message: '活动时间已经过去' });
    let remindAt: Date;
    if (input.remindAt) {
      remindAt = new Date(input.remindAt);
      if (remindAt >= eventAt) problems.push({ in: 'body', path: 'remindAt', message: '提醒时间须早于活动时间' });
      if (remindAt.getTime() < now.getTime() - 60_000) problems.push({ in: 'body', path: 'remindAt', message: '提醒时间已经过去' });
      if (inQuietHours(remindAt)) problems.push({ in: 'body', path: 'remindAt', message: '提醒时间需在 08:00–21:00 之间（夜间不打扰）' });
    } else {
      const eveningBefore = atLocal(addDays(localDate(eventAt), -1), '19:00');
      remindAt = eveningBefore > now ? eveningBefore : now;
    }
    if (problems.length) throw validationFailed(problems, `输入有误：${problems.map((p) => p.message).join('；')}`);
    const f = family.get(input.familyContactId)!;
    const text = guardianText(input.template ?? GUARDIAN_TEMPLATES[input.type], f, r, { at: eventAt, place: input.place ?? null, note: input.note ?? null });
    const repo = this.ctx.db.manager.getRepository(FamilyReminder);
    try {
      return await repo.save(repo.create({
        stationId: r.stationId, residentId: r.id, familyContactId: f.id, kind: 'guardian', scheduleId: null,
        guardianType: input.type, dueAt: remindAt, text, status: 'scheduled', queuedAt: null, acknowledgedAt: null,
        dedupeKey: guardianReminderKey(f.id, input.type, eventAt), createdBy: actor.kind === 'worker' ? actor.id : null,
      }));
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict('duplicate_reminder', '这条提醒已经安排过了');
      throw err;
    }
  }

  /**
   * What was sent to a station's families, newest first: to whom, when (queued and delivered),
   * and when it was acknowledged. Reminders not yet due are left out.
   */
  async history(actor: Actor, filter: HistoryFilter): Promise<{ items: ReminderWithNames[]; total: number }> {
    const stationId = ownStationId(actor);
    if (filter.residentId !== undefined) await this.loadResident(actor, filter.residentId);
    const from = filter.from ? atLocal(filter.from) : null;
    const to = filter.to ? new Date(atLocal(addDays(filter.to, 1)).getTime() - 1) : null;
    const dueAt = from && to ? Between(from, to) : from ? MoreThanOrEqual(from) : to ? LessThanOrEqual(to) : undefined;
    const where = {
      stationId, status: 'queued' as const, ...(dueAt ? { dueAt } : {}),
      ...(filter.residentId !== undefined ? { residentId: filter.residentId } : {}),
      ...(filter.kind ? { kind: filter.kind } : {}),
    };
    const [rows, total] = await this.ctx.db.manager.findAndCount(FamilyReminder, { where, order: { dueAt: 'DESC', id: 'DESC' }, take: filter.limit, skip: filter.offset });
    return { items: await this.withNames(rows), total };
  }

  private async withNames(rows: FamilyReminder[]): Promise<ReminderWithNames[]> {
    if (!rows.length) return [];
    const m = this.ctx.db.manager;
    const [residents, family, sent] = await Promise.all([
      m.find(Resident, { where: { id: In([...new Set(rows.map((x) => x.residentId))]) }, select: { id: true, name: true } }),
      m.find(FamilyContact, { where: { id: In([...new Set(rows.map((x) => x.familyContactId))]) }, select: { id: true, name: true, relation: true } }),
      m.find(OutboxMessage, { where: { dedupeKey: In(rows.map(sentKey)) }, select: { id: true, dedupeKey: true, status: true, sentAt: true } }),
    ]);
    const rById = new Map(residents.map((x) => [x.id, x]));
    const fById = new Map(family.map((x) => [x.id, x]));
    const oByKey = new Map(sent.map((x) => [x.dedupeKey, x]));
    return rows.map((x) => {
      const f = fById.get(x.familyContactId);
      const o = oByKey.get(sentKey(x));
      return Object.assign(x, {
        residentName: rById.get(x.residentId)?.name ?? null, familyName: f?.name ?? null, relation: f?.relation ?? null,
        sentAt: o?.sentAt ?? null, delivery: o?.status ?? null,
      });
    });
  }

  /** The latest reminder to these family contacts that still waits for an answer, or null. */
  async openReminder(familyContactIds: number[], at: Date): Promise<FamilyReminder | null> {
    if (!familyContactIds.length) return null;
    return this.ctx.db.manager.findOne(FamilyReminder, {
      where: {
        familyContactId: In(familyContactIds), status: 'queued', acknowledgedAt: IsNull(),
        dueAt: Between(new Date(at.getTime() - ACK_WINDOW_DAYS * DAY_MS), at),
      },
      order: { dueAt: 'DESC', id: 'DESC' },
    });
  }

  /**
   * A family contact answers `1` / `聊过了`: their latest open reminder is acknowledged (a
   * conditional update, so two answers at once count once). Only reminders sent to these very
   * contacts can be acknowledged; null when there is none.
   */
  async acknowledge(familyContactIds: number[], at: Date): Promise<FamilyReminder | null> {
    for (let i = 0; i < 3; i++) {
      const open = await this.openReminder(familyContactIds, at);
      if (!open) return null;
      const res = await this.ctx.db.manager.update(FamilyReminder, { id: open.id, acknowledgedAt: IsNull() }, { acknowledgedAt: at });
      if (res.affected) return { ...open, acknowledgedAt: at };
    }
    return null;
  }

  /** A family contact bound: they were told what they will receive and how to stop it; recorded. */
  async recordConsent(familyContactId: number, at: Date): Promise<void> {
    await this.ctx.db.manager.update(FamilyContact, { id: familyContactId }, { consentAt: at, optedOut: false });
  }

  /** `退订` / `订阅` from a family contact: stops or restarts their reminders. */
  async setOptedOut(familyContactIds: number[], optedOut: boolean): Promise<void> {
    if (familyContactIds.length) await this.ctx.db.manager.update(FamilyContact, { id: In(familyContactIds) }, { optedOut });
  }

  /** Names a community's children's officer (儿童主任): an active worker of the same station, or nobody. */
  async setChildrenOfficer(actor: Actor, communityId: number, workerId: number | null): Promise<Community> {
    const c = await this.ctx.db.manager.findOne(Community, { where: { id: communityId } });
    if (!c) throw notFound('村（社区）');
    assertCases(actor, c.stationId, '村（社区）');
    if (workerId !== null) {
      const w = await this.ctx.db.manager.findOne(Worker, { where: { id: workerId, stationId: c.stationId, active: true } });
      if (!w) throw validationFailed([{ in: 'body', path: 'workerId', message: '儿童主任须是本站在职的社工账号' }], '儿童主任须是本站在职的社工账号');
    }
    await this.ctx.db.manager.update(Community, { id: c.id }, { childrenOfficerId: workerId });
    return this.ctx.db.manager.findOneByOrFail(Community, { id: c.id });
  }

  /**
   * The `family-reminders` job: makes today's weekly reminders that are due (within the catch-up
   * window), queues every due reminder through the outbox, and flags children whose family has
   * not answered three weeks running. Each step is idempotent by unique keys.
   */
  async sweep(at: Date): Promise<FamilySweepSummary> {
    const scheduled = await retryOnDeadlock(() => this.materialise(at));
    const { queued, cancelled } = await retryOnDeadlock(() => this.queueDue(at));
    const flagged = await retryOnDeadlock(() => this.flagSilent(at));
    return { scheduled, queued, cancelled, flagged };
  }

  private async materialise(at: Date): Promise<number> {
    const m = this.ctx.db.manager;
    const today = localDate(at);
    const minute = localMinutes(at);
    // Only schedules that have not made today's reminder yet: the every-minute run stays cheap.
    const schedules = await m.createQueryBuilder(FamilyReminderSchedule, 's')
      .where('s.weekday = :weekday AND s.minute BETWEEN :lo AND :hi', { weekday: localWeekday(at), lo: Math.max(0, minute - CATCH_UP_MINUTES), hi: minute })
      .andWhere('NOT EXISTS (SELECT 1 FROM family_reminders r WHERE r.scheduleId = s.id AND r.dueAt >= :dayStart AND r.dueAt < :dayEnd)', {
        dayStart: dbInstant(atLocal(today)), dayEnd: dbInstant(atLocal(addDays(today, 1))),
      })
      .getMany();
    const due = schedules.filter((s) => atLocal(today, s.time) >= s.activeFrom);
    if (!due.length) return 0;
    const [residents, family] = await Promise.all([
      m.find(Resident, { where: { id: In([...new Set(due.map((s) => s.residentId))]) } }),
      m.find(FamilyContact, { where: { id: In([...new Set(due.map((s) => s.familyContactId))]) } }),
    ]);
    const rById = new Map(residents.map((r) => [r.id, r]));
    const fById = new Map(family.map((f) => [f.id, f]));
    const now = new Date();
    const rows = due.flatMap((s) => {
      const r = rById.get(s.residentId);
      const f = fById.get(s.familyContactId);
      if (!r || !f || r.erasedAt) return [];
      return [[
        s.stationId, s.residentId, s.familyContactId, 'call_home', s.id, null, atLocal(today, s.time), callHomeText(f, r, s.message),
        'scheduled', familyScheduleKey(s.id, today), now,
      ]];
    });
    return this.ctx.db.insertMany('family_reminders', [
      'stationId', 'residentId', 'familyContactId', 'kind', 'scheduleId', 'guardianType', 'dueAt', 'text', 'status', 'dedupeKey', 'createdAt',
    ], rows, { ignore: true });
  }

  /**
   * Queues the reminders now due. One whose resident is no longer active, or whose contact is not
   * bound or has opted out, is cancelled instead (it could not, or may not, be sent).
   */
  private async queueDue(at: Date): Promise<{ queued: number; cancelled: number }> {
    const m = this.ctx.db.manager;
    let queued = 0;
    let cancelled = 0;
    for (;;) {
      const rows = await m.find(FamilyReminder, { where: { status: 'scheduled', dueAt: LessThanOrEqual(at) }, order: { dueAt: 'ASC', id: 'ASC' }, take: 1000 });
      if (!rows.length) break;
      const [residents, family] = await Promise.all([
        m.find(Resident, { where: { id: In([...new Set(rows.map((x) => x.residentId))]) }, select: { id: true, status: true, erasedAt: true } }),
        m.find(FamilyContact, { where: { id: In([...new Set(rows.map((x) => x.familyContactId))]) } }),
      ]);
      const rById = new Map(residents.map((r) => [r.id, r]));
      const fById = new Map(family.map((f) => [f.id, f]));
      const send: FamilyReminder[] = [];
      const drop: number[] = [];
      for (const x of rows) {
        const r = rById.get(x.residentId);
        const f = fById.get(x.familyContactId);
        if (r && r.status === 'active' && !r.erasedAt && f?.wechatContactId && !f.optedOut) send.push(x);
        else drop.push(x.id);
      }
      if (send.length) {
        await this.deps.outbox.enqueue(send.flatMap((x) => familyRows(x.stationId, [fById.get(x.familyContactId)!], x.text, {
          kind: `family_${x.kind}`, priority: PRIORITY.reminder, dedupeKey: familyReminderKey(x.id), notBefore: x.dueAt,
          refType: 'family_reminder', refId: x.id,
        })));
        const res = await m.update(FamilyReminder, { id: In(send.map((x) => x.id)), status: 'scheduled' }, { status: 'queued', queuedAt: at });
        queued += res.affected ?? 0;
      }
      if (drop.length) {
        const res = await m.update(FamilyReminder, { id: In(drop), status: 'scheduled' }, { status: 'cancelled' });
        cancelled += res.affected ?? 0;
      }
    }
    return { queued, cancelled };
  }

  /**
   * Children whose family left the last three weekly reminders unanswered (each week's window
   * closed): one `family_silent` alert per run of silent weeks, told to the workers and the
   * community's children's officer (not urgent: quiet hours apply). Set-based: a few queries per
   * 500 children, whatever their number.
   */
  private async flagSilent(at: Date): Promise<number> {
    const m = this.ctx.db.manager;
    const closedBefore = new Date(at.getTime() - ACK_WINDOW_DAYS * DAY_MS);
    const rows = await m.find(FamilyReminder, {
      where: { kind: 'call_home', status: 'queued', dueAt: Between(new Date(closedBefore.getTime() - (SILENT_WEEKS + 3) * 7 * DAY_MS), closedBefore) },
      order: { residentId: 'ASC', dueAt: 'ASC' },
      select: { id: true, residentId: true, familyContactId: true, dueAt: true, acknowledgedAt: true },
    });
    const byResident = new Map<number, FamilyReminder[]>();
    for (const x of rows) {
      const list = byResident.get(x.residentId);
      if (list) list.push(x);
      else byResident.set(x.residentId, [x]);
    }
    const runs: { residentId: number; firstWeek: string; weeks: number; familyIds: number[] }[] = [];
    for (const [residentId, list] of byResident) {
      // Weeks (Monday-based) in which reminders went out, and whether anyone answered in that week.
      const weeks = new Map<string, { answered: boolean; family: Set<number> }>();
      for (const x of list) {
        const w = weekOf(x.dueAt);
        const entry = weeks.get(w) ?? { answered: false, family: new Set<number>() };
        entry.answered ||= x.acknowledgedAt !== null;
        entry.family.add(x.familyContactId);
        weeks.set(w, entry);
      }
      const ordered = [...weeks.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
      const run: [string, { family: Set<number> }][] = [];
      for (let i = ordered.length - 1; i >= 0 && !ordered[i][1].answered; i--) run.unshift(ordered[i]);
      if (run.length >= SILENT_WEEKS) {
        runs.push({ residentId, firstWeek: run[0][0], weeks: run.length, familyIds: [...new Set(run.flatMap(([, e]) => [...e.family]))] });
      }
    }
    let flagged = 0;
    for (let i = 0; i < runs.length; i += 500) flagged += await this.raiseSilent(runs.slice(i, i + 500), closedBefore, at);
    return flagged;
  }

  private async raiseSilent(runs: { residentId: number; firstWeek: string; weeks: number; familyIds: number[] }[], closedBefore: Date, at: Date): Promise<number> {
    const m = this.ctx.db.manager;
    const ids = runs.map((r) => r.residentId);
    const [answeredSince, openAlerts, residents] = await Promise.all([
      // Answered since (a reminder still open, answered this week) ends the worry.
      m.find(FamilyReminder, { where: { residentId: In(ids), kind: 'call_home', dueAt: MoreThanOrEqual(closedBefore), acknowledgedAt: Not(IsNull()) }, select: { residentId: true } }),
      // One alert at a time: while a worker has not closed the last one, longer silence adds none.
      m.find(Alert, { where: { residentId: In(ids), type: 'family_silent', status: In(['open', 'acknowledged']) }, select: { residentId: true } }),
      m.find(Resident, { where: { id: In(ids), status: 'active', erasedAt: IsNull() } }),
    ]);
    const skip = new Set([...answeredSince, ...openAlerts].map((x) => x.residentId));
    const rById = new Map(residents.map((r) => [r.id, r]));
    const chosen = runs.filter((x) => !skip.has(x.residentId) && rById.has(x.residentId));
    if (!chosen.length) return 0;
    const keys = chosen.map((x) => familySilentAlertKey(x.residentId, x.firstWeek));
    const existing = new Set((await m.find(Alert, { where: { dedupeKey: In(keys) }, select: { dedupeKey: true } })).map((a) => a.dedupeKey));
    const fresh = chosen.filter((x, i) => !existing.has(keys[i]));
    if (!fresh.length) return 0;
    const alertIds = await this.deps.alerts.raiseMany(fresh.map((x) => ({
      stationId: rById.get(x.residentId)!.stationId, residentId: x.residentId, type: 'family_silent',
      summary: `${rById.get(x.residentId)!.name}的家长已连续${x.weeks}周没有回复联系孩子的提醒`, dedupeKey: familySilentAlertKey(x.residentId, x.firstWeek),
    })), at);
    const chosenResidents = fresh.map((x) => rById.get(x.residentId)!);
    const [communities, family] = await Promise.all([
      m.find(Community, { where: { id: In([...new Set(chosenResidents.map((r) => r.communityId))]) } }),
      m.find(FamilyContact, { where: { id: In([...new Set(fresh.flatMap((x) => x.familyIds))]) }, order: { id: 'ASC' } }),
    ]);
    const officerIds = [...new Set(communities.map((c) => c.childrenOfficerId).filter((x): x is number => x !== null))];
    const officers = officerIds.length ? await m.find(Worker, { where: { id: In(officerIds), active: true, wechatContactId: Not(IsNull()) } }) : [];
    const workersOf = new Map<number, Worker[]>();
    const rowsOut = [];
    for (const x of fresh) {
      const r = rById.get(x.residentId)!;
      const alertId = alertIds.get(familySilentAlertKey(x.residentId, x.firstWeek));
      if (alertId === undefined) continue;
      if (!workersOf.has(r.stationId)) workersOf.set(r.stationId, await this.deps.notify.boundWorkers(r.stationId));
      const community = communities.find((c) => c.id === r.communityId) ?? null;
      const officer = officers.find((o) => o.id === community?.childrenOfficerId && o.stationId === r.stationId) ?? null;
      const workers = workersOf.get(r.stationId)!;
      const people = officer && !workers.some((w) => w.id === officer.id) ? [...workers, officer] : workers;
      const who = family.filter((f) => x.familyIds.includes(f.id));
      const base = { kind: 'alert_family_silent', priority: PRIORITY.alert, urgent: false, dedupeKey: alertKey(alertId), refType: 'alert', refId: alertId };
      for (const w of people) {
        const text = familySilentText(community?.name ?? null, r, who, x.weeks, w.id === officer?.id).replace('{id}', String(alertId));
        rowsOut.push(...workerRows(r.stationId, [w], text, base));
      }
    }
    await this.deps.outbox.enqueue(rowsOut);
    this.ctx.logger.info({ flagged: fresh.length }, 'family silence flagged');
    return fresh.length;
  }

  /** A resident's family reminders, for the export of everything held on them (PIPL). */
  async exportFor(em: EntityManager, resident: Resident): Promise<unknown> {
    const [schedules, sent] = await Promise.all([
      em.find(FamilyReminderSchedule, { where: { residentId: resident.id } }),
      em.find(FamilyReminder, { where: { residentId: resident.id }, order: { dueAt: 'DESC' }, take: 500 }),
    ]);
    return {
      schedules: schedules.map((s) => ({ familyContactId: s.familyContactId, weekday: s.weekday, time: s.time, message: s.message })),
      reminders: sent.map((x) => ({ kind: x.kind, familyContactId: x.familyContactId, dueAt: toIso(x.dueAt), status: x.status, text: x.text, acknowledgedAt: toIso(x.acknowledgedAt) })),
    };
  }

  /** On erase: schedules go, the reminders keep their times for the counts but lose their words. */
  async eraseFor(em: EntityManager, resident: Resident): Promise<void> {
    await em.delete(FamilyReminderSchedule, { residentId: resident.id });
    await em.update(FamilyReminder, { residentId: resident.id, status: 'scheduled' }, { status: 'cancelled' });
    const ids = (await em.find(FamilyReminder, { where: { residentId: resident.id }, select: { id: true } })).map((x) => x.id);
    await em.update(FamilyReminder, { residentId: resident.id }, { text: ERASED_TEXT });
    await this.deps.chat.eraseSentAbout(em, resident.stationId, 'family_reminder', ids);
  }
}

/** The outbox key of the message a reminder became (its one recipient's copy). */
function sentKey(x: Pick<FamilyReminder, 'id' | 'familyContactId'>): string {
  return forFamily(familyReminderKey(x.id), x.familyContactId);
}

/** The Monday (local date) of the week an instant falls in. */
function weekOf(d: Date): string {
  const date = localDate(d);
  return addDays(date, -((localWeekday(d) + 6) % 7));
}

