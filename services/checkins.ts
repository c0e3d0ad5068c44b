import { z } from 'zod';
import { EntityManager, In, IsNull, MoreThanOrEqual } from 'typeorm';
import {
  Alert, CheckinDay, CheckinPlan, CheckinStatus, CHECKIN_STATUSES, Community, FamilyContact, PRIORITY, Resident,
} from '../entities';
import type { EscalationOrder, SignOfLifeSource, UnreachableReason } from '../entities';
import type { Actor } from './auth';
import type { Infra } from './infra';
import type { AccountStatusService } from './accounts';
import type { AlertService } from './alerts';
import type { NotifyService } from './notify';
import type { OutboxService } from './outbox';

import { conflict, notFound, validationFailed } from './errors';
import { assertCases, boundResidentId, ownStationId } from './permissions';
import { isValidPhone, maskPhone, normalisePhone } from './phone';
import { dateSchema } from './schemas';
import { freeText, plainText } from './text';
import { addDays, atLocal, isWallTime, localDate, localMinutes, localWeekday, toIso } from './time';
import { CheckinSweep, SweepSummary } from './checkin-sweep';
import type { OutgoingMessage } from './outbox';
import { familyRows, MessageBase } from './messaging/audience';
import {
  checkinAllClearKey, checkinFamilyContactedKey, checkinMissedAlertKey, checkinReachedKey, checkinRepliedKey,
} from './messaging/keys';
import {
  familyAllClearText, familyAuthor, TodayCheckin, unreachableWords, wallTime, workerFamilyContactedText, workerReachedText, workerReplyText,
} from './checkin-texts';

export interface SignOfLife {
  residentId: number;
  at: Date;
  source: SignOfLifeSource;
  text?: string;
  workerId?: number;
  note?: string;
}

export interface SignOfLifeResult {
  confirmed: boolean;
  alreadyConfirmed: boolean;
  afterEscalation: boolean;
}

const ALL_WEEKDAYS = [0, 1, 2, 3, 4, 5, 6];
/** Reminders are messages like any other: none in the quiet hours (21:00–08:00). */
const FIRST_ALLOWED_MINUTE = 8 * 60;
const LAST_ALLOWED_MINUTE = 21 * 60;

/** A check-in plan as `PUT /api/residents/:id/checkin-plan` takes it. */
export const planInputSchema = z.strictObject({
  enabled: z.boolean().default(true),
  remindAt: z.string().refine(isWallTime, '时间格式应为 HH:mm（00:00–23:59），例如 09:00'),
  secondReminderMinutes: z.number().int('需为整数分钟').min(1, '第二次提醒至少在第一次提醒 1 分钟之后').max(720, '第二次提醒最多在第一次提醒 12 小时之后').default(60),
  graceMinutes: z.number().int('需为整数分钟').min(2, '截止时间至少在第一次提醒 2 分钟之后').max(1439, '截止时间须在当天').default(120),
  weekdays: z.array(z.number().int().min(0, '星期为 0–6（0 = 周日）').max(6, '星期为 0–6（0 = 周日）'))
    .min(1, '至少选择一天').max(7)
    .refine((w) => new Set(w).size === w.length, '星期不能重复')
    .optional(),
  pausedUntil: dateSchema.nullable().optional(),
  pauseReason: freeText(100).nullable().optional(),
  escalation: z.strictObject({
    familyContactIds: z.array(z.number().int().positive()).max(20).default([])
      .refine((ids) => new Set(ids).size === ids.length, '家属不能重复'),
    volunteer: z.strictObject({
      name: plainText(50),
      phone: z.string().trim().max(30),
    }).nullable().default(null),
  }).optional(),
});
export type PlanInput = z.output<typeof planInputSchema>;

export interface BoardFilter {
  date?: string;
  status?: CheckinStatus;
  communityId?: number;
  limit: number;
  offset: number;
}

/** One line of the board: a resident with a plan and how their day stands. */
export interface BoardItem {
  residentId: number;
  name: string;
  communityId: number;
  communityName: string | null;
  status: CheckinStatus;
  reason: string | null;
  remindAt: string;
  deadline: string;
  wechatBound: boolean;
  remindedAt: Date | null;
  secondReminderAt: Date | null;
  confirmedAt: Date | null;
  source: SignOfLifeSource | null;
  escalatedAt: Date | null;
  alertId: number | null;
  note: string | null;
}

export interface History {
  resident: Resident;
  plan: CheckinPlan | null;
  today: string;
  streak: number;
  missesIn30Days: number;
  unreachableIn30Days: number;
  confirmedIn30Days: number;
  days: CheckinDay[];
}

const RESIDENT_STATUS_WORDS: Record<string, string> = { in_hospital: '住院中', moved: '已迁出', deceased: '已故', inactive: '已停用' };
const SOURCE_LABEL: Record<SignOfLifeSource, string> = {
  text: '', voice: '[语音]', media: '[图片/表情]', miniapp: '[小程序报平安]', worker: '[社工确认]', family: '[家属已联系]',
};

/**
 * Daily check-ins (报平安) for elders living alone: plans, signs of life, the board and history,
 * and the sweep the `checkins` job runs every minute (see checkin-sweep.ts).
 */
export class CheckinService {
  constructor(
    private readonly ctx: Infra,
    private readonly deps: { accounts: AccountStatusService; alerts: AlertService; notify: NotifyService; outbox: OutboxService },
  ) {}

  private async loadResident(actor: Actor, residentId: number): Promise<Resident> {
    const r = await this.ctx.db.manager.findOne(Resident, { where: { id: residentId } });
    if (!r || r.erasedAt) throw notFound('居民');
    assertCases(actor, r.stationId, '居民');
    return r;
  }

  /** A resident's plan, for the workers of their station; 404 when there is none. */
  /** A resident's check-in plan and days, for the export of everything held on them (PIPL). */
  async exportFor(em: EntityManager, resident: Resident): Promise<unknown> {
    const plan = await em.findOne(CheckinPlan, { where: { residentId: resident.id } });
    const days = await em.find(CheckinDay, { where: { residentId: resident.id }, order: { date: 'DESC' }, take: 366 });
    return {
      plan: plan && { remindAt: plan.remindAt, secondReminderMinutes: plan.secondReminderMinutes, graceMinutes: plan.graceMinutes, weekdays: plan.weekdays, pausedUntil: plan.pausedUntil, pauseReason: plan.pauseReason },
      days: days.map((d) => ({ date: d.date, status: d.status, confirmedAt: toIso(d.confirmedAt), confirmedSource: d.confirmedSource, note: d.note })),
    };
  }

  /** On erase: the plan goes; the days keep their status for statistics, without notes. */
  async eraseFor(em: EntityManager, resident: Resident): Promise<void> {
    await em.delete(CheckinPlan, { residentId: resident.id });
    await em.update(CheckinDay, { residentId: resident.id }, { note: null });
  }

  async getPlan(actor: Actor, residentId: number): Promise<CheckinPlan> {
    const r = await this.loadResident(actor, residentId);
    const plan = await this.ctx.db.manager.findOne(CheckinPlan, { where: { residentId: r.id } });
    if (!plan) throw notFound('报平安计划');
    return plan;
  }

  /**
   * Creates or replaces a resident's plan. Cross-field rules are checked here (the deadline after
   * the second reminder and the same day, reminders outside the quiet hours, a pause not in the
   * past, escalation contacts of this resident's family). A change applies from its next reminder
   * time: when today's reminder time has already passed, from tomorrow. An omitted `escalation`
   * keeps the current one.
   */
  async savePlan(actor: Actor, residentId: number, input: PlanInput): Promise<{ plan: CheckinPlan; created: boolean }> {
    const r = await this.loadResident(actor, residentId);
    const now = this.ctx.clock.now();
    const today = localDate(now);
    const [hh, mm] = input.remindAt.split(':').map(Number);
    const remindMinute = hh * 60 + mm;
    const problems: { in: string; path: string; message: string }[] = [];
    const problem = (path: string, message: string) => problems.push({ in: 'body', path, message });
    if (input.graceMinutes <= input.secondReminderMinutes) {
      problem('graceMinutes', `截止时间（提醒后 ${input.graceMinutes} 分钟）必须晚于第二次提醒（提醒后 ${input.secondReminderMinutes} 分钟）`);
    }
    if (remindMinute + input.graceMinutes > 23 * 60 + 59) {
      problem('graceMinutes', `截止时间 ${input.remindAt} 后 ${input.graceMinutes} 分钟已过当天 23:59，请提早提醒时间或缩短等待`);
    }
    if (remindMinute < FIRST_ALLOWED_MINUTE || remindMinute >= LAST_ALLOWED_MINUTE) {
      problem('remindAt', '提醒时间需在 08:00–21:00 之间（夜间不打扰）');
    } else if (remindMinute + input.secondReminderMinutes >= LAST_ALLOWED_MINUTE) {
      problem('secondReminderMinutes', `第二次提醒（${wallTime(remindMinute + input.secondReminderMinutes)}）需在 21:00 之前（夜间不打扰）`);
    }
    if (input.pausedUntil && input.pausedUntil < today) problem('pausedUntil', `暂停截止日期 ${input.pausedUntil} 已经过去，不能早于今天 ${today}`);
    const existing = await this.ctx.db.manager.findOne(CheckinPlan, { where: { residentId: r.id } });
    let escalation: EscalationOrder = existing?.escalation ?? { familyContactIds: [], volunteer: null };
    if (input.escalation) {
      const ids = input.escalation.familyContactIds;
      const family = ids.length ? await this.ctx.db.manager.find(FamilyContact, { where: { id: In(ids), residentId: r.id } }) : [];
      const strangers = ids.filter((id) => !family.some((f) => f.id === id));
      if (strangers.length) problem('escalation.familyContactIds', `家属 ${strangers.join('、')} 不是该居民的家属联系人`);
      let volunteer = input.escalation.volunteer;
      if (volunteer) {
        const old = existing?.escalation.volunteer;
        // The plan is shown with the volunteer's phone masked; sending it back unchanged keeps the stored one.
        if (old && volunteer.phone === maskPhone(old.phone)) volunteer = { ...volunteer, phone: old.phone };
        else if (!isValidPhone(volunteer.phone)) problem('escalation.volunteer.phone', '志愿者电话格式不正确（手机号11位，座机带区号）');
        else volunteer = { ...volunteer, phone: normalisePhone(volunteer.phone) };
      }
      escalation = { familyContactIds: ids, volunteer };
    }
    if (problems.length) throw validationFailed(problems, `输入有误：${problems.map((p) => p.message).join('；')}`);

    const weekdays = [...(input.weekdays ?? ALL_WEEKDAYS)].sort((a, b) => a - b);
    const nextStart = localMinutes(now) < remindMinute ? today : addDays(today, 1);
    // An unchanged schedule keeps applying as before; a changed one waits for its next reminder time.
    const unchanged = existing && existing.enabled && input.enabled && existing.remindAt === input.remindAt;
    const appliesFromDate = unchanged ? existing.appliesFromDate : nextStart;
    const values = {
      residentId: r.id, stationId: r.stationId, enabled: input.enabled, remindAt: input.remindAt, remindMinute,
      secondReminderMinutes: input.secondReminderMinutes, graceMinutes: input.graceMinutes, weekdays,
      weekdayMask: weekdays.reduce((m, d) => m | (1 << d), 0), pausedUntil: input.pausedUntil ?? null,
      pauseReason: input.pausedUntil ? (input.pauseReason ?? null) : null, escalation, appliesFromDate,
      updatedBy: actor.kind === 'worker' ? actor.id : null,
    };
    const repo = this.ctx.db.manager.getRepository(CheckinPlan);
    if (existing) {
      await repo.update({ id: existing.id }, values);
    } else {
      // Unique per resident: two saves racing end with one plan, the later values winning.
      const added = await this.ctx.db.affected(repo.createQueryBuilder().insert().into(CheckinPlan).values(values).orIgnore());
      if (!added) await repo.update({ residentId: r.id }, values);
    }
    const plan = await repo.findOneOrFail({ where: { residentId: r.id } });
    this.ctx.logger.info({ residentId: r.id, stationId: r.stationId, enabled: plan.enabled }, 'check-in plan saved');
    return { plan, created: !existing };
  }

  /** Does the resident have an enabled check-in plan (so that their every message is a sign of life)? */
  async hasEnabledPlan(residentId: number): Promise<boolean> {
    return (await this.ctx.db.manager.count(CheckinPlan, { where: { residentId, enabled: true } })) > 0;
  }

  /** Is the plan paused on `date`? */
  isPaused(plan: CheckinPlan, date: string): boolean {
    return plan.pausedUntil !== null && plan.pausedUntil >= date;
  }

  // ---------------------------------------------------------------- signs of life

  /**
   * Any sign of life confirms the local day of `at` (before the reminder: no reminder that day).
   * After the day was escalated the alert shows the reply, the family gets an all-clear and the
   * workers are told; the alert stays open until a worker resolves it. Null when the resident has
   * no enabled plan.
   */
  async recordSignOfLife(input: SignOfLife): Promise<SignOfLifeResult | null> {
    const out = await this.confirm(input, input.source === 'worker' ? (input.workerId ?? null) : null);
    return out?.result ?? null;
  }

  /**
   * A WeChat message from a bound resident: whatever it is (words, a voice message, a sticker), it
   * is a sign of life for a resident with a plan. Says whether it confirmed today just now and
   * whether they hold a plan (how the reply addresses them).
   */
  async messageFromResident(input: { residentId: number; at: Date; kind: 'text' | 'voice' | 'media'; text?: string }): Promise<{ newlyConfirmed: boolean; planHolder: boolean }> {
    const res = await this.recordSignOfLife({ residentId: input.residentId, at: input.at, source: input.kind, text: input.text });
    return { newlyConfirmed: Boolean(res && res.confirmed && !res.alreadyConfirmed), planHolder: res !== null };
  }

  /**
   * A family contact replied "已联系" (perhaps with more: "已联系，手机没电了，人没事"): the day is
   * confirmed (source `family`), their own words are kept on the elder's unresolved alerts and
   * the day, and the workers are told.
   */
  async familyContacted(input: { familyContactId: number; at: Date; words?: string }): Promise<boolean> {
    const f = await this.ctx.db.manager.findOne(FamilyContact, { where: { id: input.familyContactId } });
    if (!f) return false;
    const words = input.words?.trim().slice(0, 500) || null;
    if (words) for (const a of await this.deps.alerts.unresolvedOf([f.residentId])) await this.deps.alerts.addEntry(a, 'family', familyAuthor(f), words);
    const out = await this.confirm(
      { residentId: f.residentId, at: input.at, source: 'family', text: words ?? undefined, note: words ? `${familyAuthor(f)}：${words}` : `${familyAuthor(f)}已联系上老人` }, f.id, f,
    );
    if (!out) return false;
    if (out.confirmedNow && !out.alert) {
      const text = workerFamilyContactedText(out.community, out.resident, f, localMinutes(input.at), words);
      await this.deps.outbox.enqueue(await this.deps.notify.workerRows(out.resident.stationId, text, {
        kind: 'checkin_family', priority: PRIORITY.checkin, urgent: false, refType: 'checkin_day', refId: out.day.id,
        dedupeKey: checkinFamilyContactedKey(f.residentId, out.date, f.id),
      }));
    }
    return true;
  }

  private async confirm(input: SignOfLife, confirmedBy: number | null, byFamily?: FamilyContact): Promise<{
    result: SignOfLifeResult; confirmedNow: boolean; alert: Alert | null; day: CheckinDay; date: string; resident: Resident; community: string | null;
  } | null> {
    const m = this.ctx.db.manager;
    const plan = await m.findOne(CheckinPlan, { where: { residentId: input.residentId } });
    if (!plan || !plan.enabled) return null;
    const resident = await m.findOne(Resident, { where: { id: input.residentId } });
    if (!resident || resident.erasedAt) return null;
    const date = localDate(input.at);
    const repo = m.getRepository(CheckinDay);
    let day = await repo.findOne({ where: { residentId: resident.id, date } });
    const before = day ? { status: day.status, told: day.workersToldAt } : null;
    const note = input.note?.slice(0, 500) ?? null;
    let confirmedNow = false;
    if (!day) {
      // A sign of life before the day opened: the day starts confirmed, so no reminder goes out.
      confirmedNow = (await this.ctx.db.affected(repo.createQueryBuilder().insert().into(CheckinDay).values({
        residentId: resident.id, stationId: resident.stationId, date, status: 'confirmed',
        remindMinute: plan.remindMinute, secondMinute: plan.remindMinute + plan.secondReminderMinutes,
        deadlineMinute: plan.remindMinute + plan.graceMinutes, confirmedAt: input.at, confirmedSource: input.source,
        confirmedBy, note,
      }).orIgnore())) > 0;
      day = await repo.findOneOrFail({ where: { residentId: resident.id, date } });
    }
    if (!confirmedNow && !day.confirmedAt) {
      const res = await repo.update({ id: day.id, confirmedAt: IsNull() }, {
        status: 'confirmed', confirmedAt: input.at, confirmedSource: input.source, confirmedBy, note,
      });
      confirmedNow = (res.affected ?? 0) > 0;
      day = await repo.findOneOrFail({ where: { id: day.id } });
    }
    // The alert, if the day was escalated (looked up by its key: the day may not point at it yet).
    const alert = await m.findOne(Alert, { where: { dedupeKey: checkinMissedAlertKey(resident.id, date) } });
    const result = { confirmed: true, alreadyConfirmed: !confirmedNow, afterEscalation: alert !== null };
    const community = (await m.findOne(Community, { where: { id: resident.communityId } }))?.name ?? null;
    const minute = localMinutes(input.at);
    const elderOwn = ['text', 'voice', 'media', 'miniapp'].includes(input.source);
    if (alert && alert.status !== 'resolved' && (confirmedNow || elderOwn)) {
      const label = SOURCE_LABEL[input.source];
      const said = input.source === 'text' && input.text ? input.text : (input.source === 'family' || input.source === 'worker') && note ? `${label} ${note}` : label;
      await this.deps.alerts.recordReply(resident.id, said || '[回复]', input.at);
    }
    if (confirmedNow && alert) {
      const extra: MessageBase = { kind: 'checkin_all_clear', priority: PRIORITY.alert, urgent: true, refType: 'alert', refId: alert.id, dedupeKey: null };
      const family = (await this.deps.notify.boundFamily(resident.id)).filter((f) => !byFamily || f.id !== byFamily.id);
      const messages: OutgoingMessage[] = familyRows(resident.stationId, family, (f) => familyAllClearText(resident, f.relation, minute, input.source), {
        ...extra, dedupeKey: checkinAllClearKey(resident.id, date),
      });
      // The workers hear of it while the alert is theirs to close; a closed one needs nothing more.
      if (alert.status !== 'resolved') {
        const text = workerReplyText(community, resident, minute, input.source, alert.id, byFamily?.name, byFamily ? input.text : null);
        messages.push(...(await this.deps.notify.workerRows(resident.stationId, text, { ...extra, kind: 'checkin_replied', dedupeKey: checkinRepliedKey(resident.id, date) })));
      }
      await this.deps.outbox.enqueue(messages);
    } else if (confirmedNow && before?.status === 'unreachable' && before.told) {
      const text = workerReachedText(community, resident, minute);
      await this.deps.outbox.enqueue(await this.deps.notify.workerRows(resident.stationId, text, {
        kind: 'checkin_reached', priority: PRIORITY.alert, urgent: true, refType: 'checkin_day', refId: day.id,
        dedupeKey: checkinReachedKey(resident.id, date),
      }));
    }
    this.ctx.logger.info({ residentId: resident.id, date, source: input.source, confirmedNow, afterEscalation: alert !== null }, 'check-in sign of life');
    return { result, confirmedNow, alert, day, date, resident, community };
  }

  /** A worker saw or phoned the elder: today is confirmed. 409 when the resident has no enabled plan. */
  async confirmByWorker(actor: Actor, residentId: number, note: string | null): Promise<{ day: CheckinDay; result: SignOfLifeResult }> {
    const r = await this.loadResident(actor, residentId);
    const workerId = actor.kind === 'worker' ? actor.id : undefined;
    const at = this.ctx.clock.now();
    const result = await this.recordSignOfLife({ residentId: r.id, at, source: 'worker', workerId, note: note ?? undefined });
    if (!result) throw conflict('no_checkin_plan', '该居民没有启用的报平安计划');
    return { day: await this.dayOf(r.id, localDate(at)), result };
  }

  /** The mini-program's check-in: the bound resident's today is confirmed. */
  async confirmBySelf(actor: Actor): Promise<{ day: CheckinDay; result: SignOfLifeResult }> {
    const residentId = boundResidentId(actor);
    const at = this.ctx.clock.now();
    const result = await this.recordSignOfLife({ residentId, at, source: 'miniapp' });
    if (!result) throw conflict('no_checkin_plan', '您还没有报平安计划，请联系社工开通');
    return { day: await this.dayOf(residentId, localDate(at)), result };
  }

  private dayOf(residentId: number, date: string): Promise<CheckinDay> {
    return this.ctx.db.manager.findOneOrFail(CheckinDay, { where: { residentId, date } });
  }

  /**
   * Today's check-in of a resident, as their family asks about it (`我妈今天报平安了没`): the day's
   * status when the day is recorded, else what the plan says about today. The caller has already
   * established who is asking (a family contact bound to this resident).
   */
  async todayFor(residentId: number, at: Date): Promise<TodayCheckin> {
    const m = this.ctx.db.manager;
    const date = localDate(at);
    const [plan, resident, day] = await Promise.all([
      m.findOne(CheckinPlan, { where: { residentId } }),
      m.findOne(Resident, { where: { id: residentId }, select: { id: true, status: true } }),
      m.findOne(CheckinDay, { where: { residentId, date } }),
    ]);
    const none = { reason: null, remindMinute: null, deadlineMinute: null, confirmedAt: null, source: null };
    if (!plan || !resident) return { status: 'no_plan', ...none };
    if (day) {
      return {
        status: day.status, reason: unreachableWords(day.unreachableReason as UnreachableReason | null) ?? day.note,
        remindMinute: day.remindMinute, deadlineMinute: day.deadlineMinute, confirmedAt: day.confirmedAt, source: day.confirmedSource,
      };
    }
    const derived = this.derivedStatus(plan, resident.status, date);
    if (!derived) return { status: 'not_today', ...none };
    return { ...none, status: derived.status, reason: derived.reason, remindMinute: plan.remindMinute, deadlineMinute: plan.remindMinute + plan.graceMinutes };
  }

  // ---------------------------------------------------------------- board and history

  /**
   * The status a resident's day shows when no day row says otherwise; null when the plan does not
   * apply on that date at all (before it took effect, or a weekday it does not run on): such a
   * resident is left out of that date's board. `paused` is kept for real pauses: a pause
   * (pausedUntil), a switched-off plan, a resident who is not active.
   */
  derivedStatus(plan: CheckinPlan, residentStatus: string, date: string): { status: CheckinStatus; reason: string | null } | null {
    if (plan.appliesFromDate > date) return null;
    if (!(plan.weekdayMask & (1 << localWeekday(atLocal(date))))) return null;
    if (residentStatus !== 'active') return { status: 'paused', reason: RESIDENT_STATUS_WORDS[residentStatus] ?? '非在册状态' };
    if (!plan.enabled) return { status: 'paused', reason: '计划已停用' };
    if (this.isPaused(plan, date)) return { status: 'paused', reason: plan.pauseReason ?? `暂停至${plan.pausedUntil}` };
    return { status: 'pending', reason: null };
  }

  /**
   * The board of the caller's station for a date (default today): every resident whose plan
   * applies on that date, and the day's status. A day already recorded always shows; a resident
   * whose plan had not yet taken effect on the date, or does not run on its weekday, is left out.
   * Residents who are not active show `paused` with the reason (住院中, 已迁出…).
   */
  async board(actor: Actor, filter: BoardFilter): Promise<{ date: string; items: BoardItem[]; total: number; counts: Record<CheckinStatus, number> }> {
    const stationId = ownStationId(actor);
    const date = filter.date ?? localDate(this.ctx.clock.now());
    const m = this.ctx.db.manager;
    const residents = await m.createQueryBuilder(Resident, 'r')
      .innerJoin(CheckinPlan, 'p', 'p.residentId = r.id')
      .where('r.stationId = :stationId AND r.erasedAt IS NULL', { stationId })
      .andWhere(filter.communityId ? 'r.communityId = :communityId' : '1 = 1', { communityId: filter.communityId })
      .orderBy('r.communityId').addOrderBy('r.id')
      .getMany();
    const ids = residents.map((r) => r.id);
    const [plans, days, communities] = await Promise.all([
      this.inChunks(ids, (part) => m.find(CheckinPlan, { where: { residentId: In(part) } })),
      this.inChunks(ids, (part) => m.find(CheckinDay, { where: { residentId: In(part), date } })),
      m.find(Community, { where: { stationId } }),
    ]);
    const planOf = new Map(plans.map((p) => [p.residentId, p]));
    const dayOf = new Map(days.map((d) => [d.residentId, d]));
    const communityName = new Map(communities.map((c) => [c.id, c.name]));
    const counts = Object.fromEntries(CHECKIN_STATUSES.map((s) => [s, 0])) as Record<CheckinStatus, number>;
    const all: BoardItem[] = [];
    for (const r of residents) {
      const plan = planOf.get(r.id);
      if (!plan) continue;
      const day = dayOf.get(r.id);
      const derived = day ? { status: day.status, reason: unreachableWords(day.unreachableReason as UnreachableReason | null) } : this.derivedStatus(plan, r.status, date);
      if (!derived) continue;
      const item: BoardItem = {
        residentId: r.id, name: r.name, communityId: r.communityId, communityName: communityName.get(r.communityId) ?? null,
        status: derived.status, reason: derived.reason, remindAt: day ? wallTime(day.remindMinute) : plan.remindAt,
        deadline: wallTime(day ? day.deadlineMinute : plan.remindMinute + plan.graceMinutes), wechatBound: r.wechatContactId !== null,
        remindedAt: day?.firstReminderAt ?? null, secondReminderAt: day?.secondReminderAt ?? null, confirmedAt: day?.confirmedAt ?? null,
        source: day?.confirmedSource ?? null, escalatedAt: day?.escalatedAt ?? null, alertId: day?.alertId ?? null, note: day?.note ?? null,
      };
      counts[item.status]++;
      if (!filter.status || filter.status === item.status) all.push(item);
    }
    return { date, items: all.slice(filter.offset, filter.offset + filter.limit), total: all.length, counts };
  }

  private async inChunks<T>(ids: number[], fn: (part: number[]) => Promise<T[]>): Promise<T[]> {
    const out: T[] = [];
    for (let i = 0; i < ids.length; i += 500) out.push(...(await fn(ids.slice(i, i + 500))));
    return out;
  }

  /**
   * A resident's check-in history: the last `days` days (newest first), the current streak of
   * confirmed days (today counts once confirmed; paused days and days without a check-in neither
   * count nor break it) and the misses, unreachable and confirmed days in the last 30 days.
   */
  async history(actor: Actor, residentId: number, days = 30): Promise<History> {
    const r = actor.kind === 'resident' ? await this.ownResident(actor, residentId) : await this.loadResident(actor, residentId);
    const m = this.ctx.db.manager;
    const today = localDate(this.ctx.clock.now());
    const plan = await m.findOne(CheckinPlan, { where: { residentId: r.id } });
    const recent = await m.find(CheckinDay, { where: { residentId: r.id, date: MoreThanOrEqual(addDays(today, -399)) }, order: { date: 'DESC' } });
    let streak = 0;
    for (const d of recent) {
      if (d.date > today) continue;
      if (d.status === 'confirmed') streak++;
      else if (d.status === 'paused' || (d.date === today && (d.status === 'pending' || d.status === 'reminded'))) continue;
      else break;
    }
    const last30 = recent.filter((d) => d.date >= addDays(today, -29) && d.date <= today);
    return {
      resident: r, plan, today, streak,
      missesIn30Days: last30.filter((d) => d.escalatedAt !== null || d.status === 'missed' || d.status === 'escalated').length,
      unreachableIn30Days: last30.filter((d) => d.status === 'unreachable').length,
      confirmedIn30Days: last30.filter((d) => d.status === 'confirmed').length,
      days: recent.filter((d) => d.date >= addDays(today, -days + 1) && d.date <= today),
    };
  }

  /**
   * Today's check-in state of each resident (the mini-program's family view): the day's row when
   * there is one, else what the plan says; `none` without a plan or on a day the plan skips.
   */
  async todayStates(residents: Resident[]): Promise<Map<number, { date: string; status: CheckinStatus | 'none'; confirmedAt: Date | null }>> {
    const date = localDate(this.ctx.clock.now());
    const ids = residents.map((r) => r.id);
    const m = this.ctx.db.manager;
    const [plans, days] = ids.length
      ? await Promise.all([m.find(CheckinPlan, { where: { residentId: In(ids) } }), m.find(CheckinDay, { where: { residentId: In(ids), date } })])
      : [[], []];
    const planOf = new Map(plans.map((p) => [p.residentId, p]));
    const dayOf = new Map(days.map((d) => [d.residentId, d]));
    return new Map(residents.map((r) => {
      const day = dayOf.get(r.id);
      const plan = planOf.get(r.id);
      const status = day ? day.status : plan ? (this.derivedStatus(plan, r.status, date)?.status ?? 'none') : 'none';
      return [r.id, { date, status, confirmedAt: day?.confirmedAt ?? null }];
    }));
  }

  private async ownResident(actor: Actor, residentId: number): Promise<Resident> {
    if (boundResidentId(actor) !== residentId) throw notFound('记录');
    const r = await this.ctx.db.manager.findOne(Resident, { where: { id: residentId } });
    if (!r || r.erasedAt) throw notFound('记录');
    return r;
  }

  // ---------------------------------------------------------------- the job

  /** One run of the `checkins` job for the application instant `at`. */
  sweep(at: Date): Promise<SweepSummary> {
    return new CheckinSweep(this.ctx, this.deps, at).run();
  }

  /** Plans of residents of `stationId` with one of `tags` that have none yet get `defaults` (demo data). */
  async planForTagged(stationId: number, tags: string[], defaults: { remindAt: string; secondReminderMinutes: number; graceMinutes: number }): Promise<number> {
    const residents = await this.ctx.db.manager.find(Resident, { where: { stationId, erasedAt: IsNull() } });
    const chosen = residents.filter((r) => r.tags.some((t) => tags.includes(t)));
    if (!chosen.length) return 0;
    const now = this.ctx.clock.now();
    const today = localDate(now);
    const [hh, mm] = defaults.remindAt.split(':').map(Number);
    const rows = chosen.map((r) => ({
      residentId: r.id, stationId: r.stationId, enabled: true, remindAt: defaults.remindAt, remindMinute: hh * 60 + mm,
      secondReminderMinutes: defaults.secondReminderMinutes, graceMinutes: defaults.graceMinutes, weekdays: ALL_WEEKDAYS,
      weekdayMask: 127, pausedUntil: null, pauseReason: null, escalation: { familyContactIds: [], volunteer: null },
      appliesFromDate: localMinutes(now) < hh * 60 + mm ? today : addDays(today, 1), updatedBy: null,
    }));
    return this.ctx.db.affected(this.ctx.db.manager.createQueryBuilder().insert().into(CheckinPlan).values(rows).orIgnore());
  }
}

/** Re-exported so callers need one import. */
