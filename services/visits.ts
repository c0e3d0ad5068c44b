import { z } from 'zod';
import { In, IsNull, Not } from 'typeorm';
import { Community, PRIORITY, Resident, ServiceRecord, Station, Worker } from '../entities';
import type { RiskTier } from '../entities';
import type { Actor } from './auth';
import type { Infra } from './infra';
import type { NotifyService } from './notify';
import type { OutboxService } from './outbox';
import type { ServiceRecordService } from './service-records';
import { notFound, validationFailed } from './errors';
import { assertCases, assertStation, ownStationId } from './permissions';
import { workerRows } from './messaging/audience';
import { visitListKey } from './messaging/keys';
import { addDays, localDate } from './time';

export const RISK_TIER_LABELS: Record<RiskTier, string> = { high: '高风险', priority: '重点', general: '一般' };
const INTERVAL_WORDS: Record<number, string> = { 7: '每周', 14: '每两周', 30: '每月', 90: '每季度' };
/** The morning list names this many residents; the console has them all. */
const MORNING_LIST_MAX = 20;

const days = (what: string) => z.number().int('需为整数天').min(1, `${what}至少 1 天`).max(366, `${what}最多 366 天`);

/** `PUT /api/stations/:id/visit-intervals`: days between visits by risk tier. */
export const intervalsInputSchema = z.strictObject({
  high: days('高风险走访间隔'), priority: days('重点走访间隔'), general: days('一般走访间隔'),
}).refine((x) => x.high <= x.priority && x.priority <= x.general, '风险越高走访应越勤：高风险 ≤ 重点 ≤ 一般');
export type Intervals = z.output<typeof intervalsInputSchema>;

type VisitStatus = 'overdue' | 'due' | 'upcoming';

/** One key resident on the visit schedule. */
export interface VisitDue {
  resident: Resident;
  communityName: string | null;
  intervalDays: number;
  lastVisitDate: string | null;
  dueDate: string;
  daysOverdue: number;
  status: VisitStatus;
}

/** Whole days from local date `a` to `b`. */
function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86400_000);
}

/** `12月3日` of a local date. */
function shortDate(date: string): string {
  const [, m, d] = date.split('-').map(Number);
  return `${m}月${d}日`;
}

/**
 * The home-visit schedule: every key resident (active, with at least one tag) is visited at the
 * interval of their risk tier (per station; weekly, monthly, quarterly by default), counted from
 * their last home visit. Any home-visit service record resets the clock, however it was recorded.
 */
export class VisitService {
  constructor(
    private readonly ctx: Infra,
    private readonly deps: { notify: NotifyService; outbox: OutboxService; records: ServiceRecordService },
  ) {}

  /** A station's intervals by risk tier. */
  static intervalsOf(s: Pick<Station, 'visitDaysHigh' | 'visitDaysPriority' | 'visitDaysGeneral'>): Intervals {
    return { high: s.visitDaysHigh, priority: s.visitDaysPriority, general: s.visitDaysGeneral };
  }

  private async station(actor: Actor, stationId: number, mode: 'read' | 'manage'): Promise<Station> {
    const s = await this.ctx.db.manager.findOne(Station, { where: { id: stationId } });
    assertStation(actor, s, mode);
    return s as Station;
  }

  async getIntervals(actor: Actor, stationId: number): Promise<Intervals> {
    return VisitService.intervalsOf(await this.station(actor, stationId, 'read'));
  }

  /** The station admin (or the county admin) sets the intervals; the schedule follows at once. */
  async setIntervals(actor: Actor, stationId: number, input: Intervals): Promise<Intervals> {
    const s = await this.station(actor, stationId, 'manage');
    await this.ctx.db.manager.update(Station, { id: s.id }, { visitDaysHigh: input.high, visitDaysPriority: input.priority, visitDaysGeneral: input.general });
    return input;
  }

  /** Names the worker who visits a resident (an active worker of the same station), or nobody. */
  async setCaseWorker(actor: Actor, residentId: number, workerId: number | null): Promise<Resident> {
    const r = await this.ctx.db.manager.findOne(Resident, { where: { id: residentId } });
    if (!r || r.erasedAt) throw notFound('居民');
    assertCases(actor, r.stationId, '居民');
    if (workerId !== null && !(await this.ctx.db.manager.findOne(Worker, { where: { id: workerId, stationId: r.stationId, active: true } }))) {
      throw validationFailed([{ in: 'body', path: 'workerId', message: '负责社工须是本站在职的社工账号' }], '负责社工须是本站在职的社工账号');
    }
    await this.ctx.db.manager.update(Resident, { id: r.id }, { caseWorkerId: workerId });
    return this.ctx.db.manager.findOneByOrFail(Resident, { id: r.id });
  }

  /**
   * Visits due on `date` (and overdue) for the caller's station: with `workerId`, the residents
   * that worker visits plus those assigned to nobody; `withinDays` adds those due soon.
   */
  async due(actor: Actor, filter: { workerId?: number; withinDays?: number; date?: string }): Promise<{ date: string; intervals: Intervals; items: VisitDue[] }> {
    const stationId = ownStationId(actor);
    if (filter.workerId !== undefined) {
      const w = await this.ctx.db.manager.findOne(Worker, { where: { id: filter.workerId, stationId } });
      if (!w) throw notFound('社工');
    }
    return this.dueFor(stationId, filter.date ?? localDate(this.ctx.clock.now()), filter.workerId, filter.withinDays ?? 0);
  }

  /** The schedule of one station on `date`, nearest first (most overdue first). */
  private async dueFor(stationId: number, date: string, workerId?: number, withinDays = 0): Promise<{ date: string; intervals: Intervals; items: VisitDue[] }> {
    const m = this.ctx.db.manager;
    const station = await m.findOneByOrFail(Station, { id: stationId });
    const intervals = VisitService.intervalsOf(station);
    const residents = (await m.find(Resident, {
      where: { stationId, status: 'active', erasedAt: IsNull(), ...(workerId !== undefined ? { caseWorkerId: In([workerId]) } : {}) },
    })).concat(workerId !== undefined ? await m.find(Resident, { where: { stationId, status: 'active', erasedAt: IsNull(), caseWorkerId: IsNull() } }) : [])
      .filter((r) => r.tags.length > 0);
    if (!residents.length) return { date, intervals, items: [] };
    // The last visit of each resident, from the home visits of the last two longest intervals.
    const longest = Math.max(intervals.high, intervals.priority, intervals.general);
    const last = new Map<number, string>();
    for (const rec of await this.deps.records.homeVisitsSince(stationId, addDays(date, -2 * longest))) {
      if (rec.date > date) continue;
      for (const id of rec.residentIds) if ((last.get(id) ?? '') < rec.date) last.set(id, rec.date);
    }
    const communities = await m.find(Community, { where: { id: In([...new Set(residents.map((r) => r.communityId))]) } });
    const cName = new Map(communities.map((c) => [c.id, c.name]));
    const items: VisitDue[] = [];
    for (const r of residents) {
      const intervalDays = intervals[r.riskTier] ?? intervals.general;
      const lastVisitDate = last.get(r.id) ?? null;
      // Never visited (in the window): due from the day they were registered, at the latest today.
      const registered = localDate(r.createdAt);
      const dueDate = lastVisitDate ? addDays(lastVisitDate, intervalDays) : (registered < date ? registered : date);
      const lead = daysBetween(date, dueDate);
      if (lead > withinDays) continue;
      items.push({
        resident: r, communityName: cName.get(r.communityId) ?? null, intervalDays, lastVisitDate, dueDate,
        daysOverdue: Math.max(0, -lead), status: lead < 0 ? 'overdue' : lead === 0 ? 'due' : 'upcoming',
      });
    }
    items.sort((a, b) => (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : a.resident.id - b.resident.id));
    return { date, intervals, items };
  }

  /**
   * A worker's `走访 王秀英 情况良好` (or `走访 12 …` by number): a home visit recorded today for
   * the one resident of their station so named. Several of that name: the candidates, none recorded.
   */
  async recordByName(actor: Actor, who: string, summary: string): Promise<
    { kind: 'recorded'; resident: Resident; record: ServiceRecord; nextDue: string } | { kind: 'none' } | { kind: 'ambiguous'; candidates: (Resident & { communityName: string | null })[] }
  > {
    const stationId = ownStationId(actor);
    const m = this.ctx.db.manager;
    const where = { stationId, erasedAt: IsNull(), status: Not('deceased' as const) };
    const matches = /^\d{1,9}$/.test(who)
      ? await m.find(Resident, { where: { ...where, id: Number(who) } })
      : await m.find(Resident, { where: { ...where, name: who }, order: { id: 'ASC' }, take: 10 });
    if (!matches.length) return { kind: 'none' };
    if (matches.length > 1) {
      const cs = await m.find(Community, { where: { id: In(matches.map((r) => r.communityId)) } });
      return { kind: 'ambiguous', candidates: matches.map((r) => Object.assign(r, { communityName: cs.find((c) => c.id === r.communityId)?.name ?? null })) };
    }
    const resident = matches[0];
    const today = localDate(this.ctx.clock.now());
    const record = await this.deps.records.create(actor, { type: 'home_visit', residentIds: [resident.id], date: today, summary: summary || '入户走访' }, 'chat');
    const station = await m.findOneByOrFail(Station, { id: stationId });
    return { kind: 'recorded', resident, record, nextDue: addDays(today, VisitService.intervalsOf(station)[resident.riskTier]) };
  }

  /**
   * The `visits` job: each bound worker of every station gets the morning list of the visits due
   * and overdue for them (once a day: one dedupe key per station, date and worker).
   */
  async sendMorningLists(at: Date): Promise<{ stations: number; workers: number; queued: number }> {
    const date = localDate(at);
    const stations = await this.ctx.db.manager.find(Station, { select: { id: true } });
    let workers = 0;
    let queued = 0;
    for (const s of stations) {
      const bound = await this.deps.notify.boundWorkers(s.id);
      for (const w of bound) {
        const { items } = await this.dueFor(s.id, date, w.id);
        if (!items.length) continue;
        workers++;
        queued += await this.deps.outbox.enqueue(workerRows(s.id, [w], morningListText(w.name, items), {
          kind: 'visit_list', priority: PRIORITY.reminder, dedupeKey: visitListKey(s.id, date), refType: null, refId: null,
        }));
      }
    }
    return { stations: stations.length, workers, queued };
  }
}

/** One resident of a visit list: `王秀英（沙河村，高风险·每周）逾期2天，上次11月24日`. */
function visitLine(v: VisitDue): string {
  const tier = `${RISK_TIER_LABELS[v.resident.riskTier]}·${INTERVAL_WORDS[v.intervalDays] ?? `每${v.intervalDays}天`}`;
  const where = [v.communityName, tier].filter(Boolean).join('，');
  const when = v.status === 'overdue' ? `逾期${v.daysOverdue}天` : v.status === 'due' ? '今天到期' : `${shortDate(v.dueDate)}到期`;
  const last = v.lastVisitDate ? `上次${shortDate(v.lastVisitDate)}` : '还没有走访记录';
  return `${v.resident.name}（${where}）${when}，${last}`;
}

/** A worker's morning list of visits. */
export function morningListText(workerName: string, items: VisitDue[]): string {
  const overdue = items.filter((v) => v.status === 'overdue').length;
  const shown = items.slice(0, MORNING_LIST_MAX);
  const lines = shown.map((v, i) => `${i + 1}. ${visitLine(v)}`);
  const more = items.length > shown.length ? [`……另有 ${items.length - shown.length} 户，请到工作台查看。`] : [];
  return [
    `【今日走访】${workerName}，早上好！需要走访 ${items.length} 户${overdue ? `（逾期 ${overdue} 户）` : ''}：`,
    ...lines, ...more,
    '走访后回复“走访 姓名 情况”记录，例如“走访 王秀英 情况良好”。',
  ].join('\n');
}
