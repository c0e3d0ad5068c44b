import { z } from 'zod';
import { In, IsNull } from 'typeorm';
import { CheckinPlan, FamilyContact, Resident } from '../entities';
import type { EscalationOrder } from '../entities';
import type { Actor } from './auth';
import type { Infra } from './infra';
import { notFound, validationFailed } from './errors';
import { assertCases } from './permissions';
import { isValidPhone, maskPhone, normalisePhone } from './phone';
import { dateSchema } from './schemas';
import { freeText, plainText } from './text';
import { addDays, isWallTime, localDate, localMinutes } from './time';
import { wallTime } from './checkin-texts';

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

/** A resident whose cases the caller works on (404 for anyone else, and once erased). */
export async function caseResident(ctx: Infra, actor: Actor, residentId: number): Promise<Resident> {
  const r = await ctx.db.manager.findOne(Resident, { where: { id: residentId } });
  if (!r || r.erasedAt) throw notFound('居民');
  assertCases(actor, r.stationId, '居民');
  return r;
}

/** Is the plan paused on `date`? */
export function isPausedOn(plan: CheckinPlan, date: string): boolean {
  return plan.pausedUntil !== null && plan.pausedUntil >= date;
}

/** Check-in plans (报平安计划): when each elder is reminded, what counts as late, whom to tell. */
export class CheckinPlanService {
  constructor(private readonly ctx: Infra) {}

  /** A resident's plan, for the workers of their station; 404 when there is none. */
  async getPlan(actor: Actor, residentId: number): Promise<CheckinPlan> {
    const r = await caseResident(this.ctx, actor, residentId);
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
    const r = await caseResident(this.ctx, actor, residentId);
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
