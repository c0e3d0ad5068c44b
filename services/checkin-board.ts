import { In, MoreThanOrEqual } from 'typeorm';
import { CheckinDay, CheckinPlan, CheckinStatus, CHECKIN_STATUSES, Community, FamilyContact, Resident } from '../entities';
import type { SignOfLifeSource, UnreachableReason } from '../entities';
import type { Actor } from './auth';
import type { Infra } from './infra';
import { notFound } from './errors';
import { boundResidentId, canSeeTodayCheckin, ownStationId } from './permissions';
import { addDays, atLocal, localDate, localWeekday } from './time';
import { caseResident, isPausedOn } from './checkin-plans';
import { TodayCheckin, unreachableWords, wallTime } from './checkin-texts';

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

/** The check-in board of a day, each elder's history, and today's state as family and the mini-program see it. */
export class CheckinBoardService {
  constructor(private readonly ctx: Infra) {}

  /**
   * Today's check-in of a resident, as their family asks about it (`我妈今天报平安了没`): the day's
   * status when the day is recorded, else what the plan says about today. For a family contact of
   * the resident on the station's WeChat, the resident, or the station's workers (anyone else: 404).
   */
  async todayFor(actor: Actor, residentId: number, at: Date): Promise<TodayCheckin> {
    const m = this.ctx.db.manager;
    const date = localDate(at);
    const [plan, resident, day] = await Promise.all([
      m.findOne(CheckinPlan, { where: { residentId } }),
      m.findOne(Resident, { where: { id: residentId }, select: { id: true, stationId: true, status: true } }),
      m.findOne(CheckinDay, { where: { residentId, date } }),
    ]);
    const isFamily = actor.kind === 'contact' && resident !== null && actor.residentId !== residentId
      && (await m.exists(FamilyContact, { where: { residentId, stationId: actor.stationId, wechatContactId: actor.contactId } }));
    if (!resident || !canSeeTodayCheckin(actor, resident, isFamily)) throw notFound('居民');
    const none = { reason: null, remindMinute: null, deadlineMinute: null, confirmedAt: null, source: null };
    if (!plan) return { status: 'no_plan', ...none };
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
    if (isPausedOn(plan, date)) return { status: 'paused', reason: plan.pauseReason ?? `暂停至${plan.pausedUntil}` };
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
    const r = actor.kind === 'resident' ? await this.ownResident(actor, residentId) : await caseResident(this.ctx, actor, residentId);
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
}
