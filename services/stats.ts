import { z } from 'zod';
import { Community, RESIDENT_TAGS, Station } from '../entities';
import type { ResidentTag, ServiceRecordType } from '../entities';
import type { Actor } from './auth';
import type { Infra } from './infra';
import { dateSchema } from './schemas';
import { dbInstant, parseInstant, placeholders } from './db';
import { validationFailed } from './errors';
import { statsStations } from './permissions';
import { addDays, atLocal, localDate } from './time';

/** The longest range one call may ask for (three years and a leap day). */
const MAX_RANGE_DAYS = 3 * 365 + 1;

/** `GET /api/stats` and its export: the range (default: this month so far) and, for a county admin, one station. */
export const statsQuerySchema = z.object({
  from: dateSchema.optional(),
  to: dateSchema.optional(),
  stationId: z.coerce.number().int().positive().optional(),
});
export type StatsQuery = z.output<typeof statsQuerySchema>;

/** Chinese names of the resident categories (重点服务对象), and `general` for residents with none. */
const CATEGORY_LABELS: Record<ResidentTag | 'general', string> = {
  empty_nest_elder: '空巢老人', living_alone: '独居老人', left_behind_child: '留守儿童', left_behind_elder: '留守老人',
  left_behind_woman: '留守妇女', disabled: '残疾人', low_income: '低保对象', extreme_poverty: '特困人员',
  child_in_difficulty: '困境儿童', orphan: '孤儿', general: '一般居民',
};

/** The counts of one station, or of a county (the sum of its stations). */
export interface StatsFigures {
  peopleServed: number;
  personTimes: number;
  /** 个案, in person-times (人次). */
  caseWork: number;
  /** 个案 records (one per case record), beside the person-times. */
  caseRecords: number;
  groupSessions: number;
  groupPersonTimes: number;
  communityActivities: number;
  communityPersonTimes: number;
  homeVisits: number;
  /** Distinct residents visited at home. */
  homeVisitResidents: number;
  needsFound: number;
  needsMet: number;
  bookings: number;
  attended: number;
  noShows: number;
  signups: number;
  signupsAttended: number;
  checkinDays: number;
  checkinConfirmed: number;
  /** Confirmed days over due days, 0–1 with three decimals; null when no day was due. */
  checkinRate: number | null;
  alertsRaised: number;
  alertsResolved: number;
  /** Median minutes from raised to resolved, over the alerts resolved in the range; null when none. */
  medianResolveMinutes: number | null;
  resourcesYuan: number;
  resourceRecords: number;
  satisfactionAsked: number;
  satisfactionRatings: number;
  /** Mean of the 1–5 ratings given, two decimals; null when none. */
  satisfactionAverage: number | null;
}

interface StationStats extends StatsFigures {
  stationId: number;
  name: string;
  township: string;
}

interface CategoryStats { category: ResidentTag | 'general'; label: string; peopleServed: number; personTimes: number }
interface CommunityStats { communityId: number; name: string; stationId: number; peopleServed: number; personTimes: number; caseWork: number; homeVisits: number }
interface MonthStats {
  month: string; peopleServed: number; personTimes: number; caseWork: number; groupSessions: number; communityActivities: number;
  homeVisits: number; resourcesYuan: number;
}
interface GiverStats { giver: string; resourcesYuan: number; records: number }

export interface StatsReport extends StatsFigures {
  from: string;
  to: string;
  /** The one station asked for, or null for the whole county. */
  stationId: number | null;
  county: string;
  /** One row per station in scope (one row for a station). */
  stations: StationStats[];
  alertsByType: { type: string; raised: number }[];
  byCategory: CategoryStats[];
  byCommunity: CommunityStats[];
  monthly: MonthStats[];
  resourcesByGiver: GiverStats[];
}

type Row = Record<string, unknown>;
const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const round = (v: number, places: number): number => Math.round(v * 10 ** places) / 10 ** places;

function emptyFigures(): StatsFigures {
  return {
    peopleServed: 0, personTimes: 0, caseWork: 0, caseRecords: 0, groupSessions: 0, groupPersonTimes: 0, communityActivities: 0,
    communityPersonTimes: 0, homeVisits: 0, homeVisitResidents: 0, needsFound: 0, needsMet: 0, bookings: 0, attended: 0, noShows: 0,
    signups: 0, signupsAttended: 0, checkinDays: 0, checkinConfirmed: 0, checkinRate: null, alertsRaised: 0, alertsResolved: 0,
    medianResolveMinutes: null, resourcesYuan: 0, resourceRecords: 0, satisfactionAsked: 0, satisfactionRatings: 0, satisfactionAverage: null,
  };
}

/**
 * Runs the queries one after another: on SQLite there is one connection anyway, and on MySQL the
 * grouped scans measured faster in turn than all at once on a busy two-core machine.
 */
async function inTurn<T>(queries: (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = [];
  for (const run of queries) out.push(await run());
  return out;
}

/** A resident's tags as stored (JSON text on both engines), or [] when unreadable. */
function parseTags(v: unknown): ResidentTag[] {
  if (Array.isArray(v)) return v as ResidentTag[];
  try {
    const parsed = JSON.parse(String(v ?? '[]')) as unknown;
    return Array.isArray(parsed) ? (parsed as ResidentTag[]) : [];
  } catch {
    return [];
  }
}

/** The median of numbers (the mean of the middle two for an even count); null for none. */
export function median(values: number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Every `YYYY-MM` from the month of `from` to that of `to`. */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.slice(0, 7).split('-').map(Number);
  const last = to.slice(0, 7);
  for (;;) {
    const key = `${y}-${String(m).padStart(2, '0')}`;
    out.push(key);
    if (key >= last) return out;
    m += 1;
    if (m > 12) { m = 1; y += 1; }
  }
}

/**
 * Station statistics (#16), counted from what happened: service records and their residents,
 * needs, bookings, sign-ups, check-in days, alerts and ratings. Every figure is one grouped SQL
 * query over an index on (station, date or time), whatever the number of records; the counting
 * rules are in the README (统计口径).
 */
export class StatsService {
  constructor(private readonly ctx: Infra) {}

  /** The range asked for, checked: real dates, `from` ≤ `to`, at most three years. */
  range(query: Pick<StatsQuery, 'from' | 'to'>): { from: string; to: string } {
    const today = localDate(this.ctx.clock.now());
    const to = query.to ?? (query.from && query.from > today ? query.from : today);
    const from = query.from ?? `${to.slice(0, 7)}-01`;
    if (from > to) throw validationFailed([{ in: 'query', path: 'from', message: '开始日期不能晚于结束日期' }], `开始日期 ${from} 晚于结束日期 ${to}`);
    const days = Math.round((atLocal(to).getTime() - atLocal(from).getTime()) / 86_400_000) + 1;
    if (days > MAX_RANGE_DAYS) {
      throw validationFailed([{ in: 'query', path: 'to', message: '统计范围最长三年' }], `统计范围最长三年（${MAX_RANGE_DAYS} 天），现在是 ${days} 天：请缩短日期范围`);
    }
    return { from, to };
  }

  /** The statistics the caller may read: their station, or their county (or one station of it). */
  async report(actor: Actor, query: StatsQuery): Promise<StatsReport> {
    const { from, to } = this.range(query);
    const county = actor.kind === 'worker' && actor.role === 'county_admin' ? actor.county : null;
    const countyStations = county !== null ? (await this.ctx.db.manager.find(Station, { where: { county }, select: { id: true } })).map((s) => s.id) : null;
    const ids = statsStations(actor, countyStations, query.stationId);
    const stations = ids.length ? await this.ctx.db.manager.createQueryBuilder(Station, 's').whereInIds(ids).orderBy('s.id', 'ASC').getMany() : [];
    return this.compute(stations, from, to, query.stationId ?? (county !== null ? null : ids[0] ?? null), county ?? stations[0]?.county ?? '');
  }

  /** Counts everything for `stations` over [from, to] (local dates, inclusive). */
  async compute(stations: Station[], from: string, to: string, stationId: number | null, county: string): Promise<StatsReport> {
    const ids = stations.map((s) => s.id);
    const per = new Map<number, StatsFigures>(ids.map((id) => [id, emptyFigures()]));
    const resolveMinutes = new Map<number, number[]>(ids.map((id) => [id, []]));
    const report: StatsReport = {
      ...emptyFigures(), from, to, stationId, county, stations: [], alertsByType: [], byCategory: [], byCommunity: [], monthly: [], resourcesByGiver: [],
    };
    if (!ids.length) return report;
    const q = (sql: string, params: unknown[]): Promise<Row[]> => this.ctx.db.manager.query(sql, params);
    const inIds = `stationId IN (${placeholders(ids.length)})`;
    const dates = [...ids, from, to];
    const start = dbInstant(atLocal(from));
    const end = dbInstant(atLocal(addDays(to, 1)));
    const instants = [...ids, start, end];
    const today = localDate(this.ctx.clock.now());
    // Over more than two months, grouping by resident reads the (station, resident, date) index in order
    // (no sort of every row); MySQL's planner prefers the date range and sorts unless told. Shorter
    // ranges leave the choice to the planner (the date index reads fewer rows).
    const days = Math.round((atLocal(to).getTime() - atLocal(from).getTime()) / 86_400_000) + 1;
    const index = 'IDX_service_record_residents_stationId_residentId_date_type';
    const byResident = days <= 62 ? '' : this.ctx.db.sqlite ? `INDEXED BY ${index}` : `FORCE INDEX (${index})`;

    const [records, served, needsFound, needsMet, bookings, signups, checkins, raised, resolved, ratings, givers] = await inTurn([
      // Records by station, day and type (in the order of the covering index: no sort): sessions, visits,
      // person-times (each record's resident count), resources, and the monthly series.
      () => q(`SELECT stationId, date, type, COUNT(*) AS n, SUM(residentCount) AS times, SUM(resourcesYuan) AS yuan,
           SUM(CASE WHEN resourcesYuan > 0 THEN 1 ELSE 0 END) AS withRes
         FROM service_records WHERE ${inIds} AND date >= ? AND date <= ? GROUP BY stationId, date, type`, dates),
      // Each resident served once (at most the residents of the scope), with their person-times, the months
      // they were served in, their categories and community.
      () => q(`SELECT x.stationId AS stationId, x.residentId AS residentId, x.times AS times, x.caseTimes AS caseTimes, x.visits AS visits,
           x.months AS months, r.tags AS tags, r.communityId AS communityId
         FROM (SELECT stationId, residentId, COUNT(*) AS times, SUM(CASE WHEN type = 'case' THEN 1 ELSE 0 END) AS caseTimes,
                 SUM(CASE WHEN type = 'home_visit' THEN 1 ELSE 0 END) AS visits, GROUP_CONCAT(DISTINCT SUBSTR(date, 1, 7)) AS months
               FROM service_record_residents ${byResident} WHERE ${inIds} AND date >= ? AND date <= ? GROUP BY stationId, residentId) x
         JOIN residents r ON r.id = x.residentId`, dates),
      () => q(`SELECT stationId, COUNT(*) AS n FROM needs WHERE ${inIds} AND createdAt >= ? AND createdAt < ? GROUP BY stationId`, instants),
      () => q(`SELECT stationId, COUNT(*) AS n FROM needs WHERE ${inIds} AND metAt >= ? AND metAt < ? AND status = 'met' GROUP BY stationId`, instants),
      () => q(`SELECT stationId, COUNT(*) AS n, SUM(CASE WHEN status = 'attended' THEN 1 ELSE 0 END) AS attended, SUM(CASE WHEN status = 'no_show' THEN 1 ELSE 0 END) AS noShow
         FROM bookings WHERE ${inIds} AND startsAt >= ? AND startsAt < ? AND status <> 'cancelled' GROUP BY stationId`, instants),
      () => q(`SELECT a.stationId AS stationId, COUNT(*) AS n, SUM(CASE WHEN s.status = 'attended' THEN 1 ELSE 0 END) AS attended
         FROM activity_signups s JOIN activities a ON a.id = s.activityId
         WHERE a.${inIds} AND a.startsAt >= ? AND a.startsAt < ? AND s.status <> 'cancelled' GROUP BY a.stationId`, instants),
      () => q(`SELECT stationId, COUNT(*) AS due, SUM(CASE WHEN status = 'confirmed' THEN 1 ELSE 0 END) AS confirmed FROM checkin_days
         WHERE ${inIds} AND date >= ? AND date <= ? AND status <> 'paused' AND (date < ? OR status NOT IN ('pending', 'reminded')) GROUP BY stationId`, [...dates, today]),
      () => q(`SELECT stationId, type, COUNT(*) AS n FROM alerts WHERE ${inIds} AND createdAt >= ? AND createdAt < ? GROUP BY stationId, type`, instants),
      () => q(`SELECT stationId, createdAt, resolvedAt FROM alerts WHERE ${inIds} AND resolvedAt >= ? AND resolvedAt < ?`, instants),
      () => q(`SELECT stationId, COUNT(*) AS asked, COUNT(rating) AS n, SUM(rating) AS total FROM satisfaction_ratings
         WHERE ${inIds} AND date >= ? AND date <= ? GROUP BY stationId`, dates),
      () => q(`SELECT resourcesGiver AS giver, SUM(resourcesYuan) AS yuan, COUNT(*) AS n FROM service_records
         WHERE ${inIds} AND date >= ? AND date <= ? AND resourcesYuan > 0 GROUP BY resourcesGiver ORDER BY SUM(resourcesYuan) DESC`, dates),
    ]);

    const months = new Map<string, MonthStats>(monthsBetween(from, to).map((month) => [month, {
      month, peopleServed: 0, personTimes: 0, caseWork: 0, groupSessions: 0, communityActivities: 0, homeVisits: 0, resourcesYuan: 0,
    }]));
    const f = (r: Row): StatsFigures => per.get(num(r.stationId))!;
    for (const r of records) {
      const s = f(r);
      const m = months.get(String(r.date).slice(0, 7));
      const n = num(r.n);
      const type = r.type as ServiceRecordType;
      if (type === 'case') s.caseRecords += n;
      else if (type === 'group') s.groupSessions += n;
      else if (type === 'community') s.communityActivities += n;
      else if (type === 'home_visit') s.homeVisits += n;
      s.resourcesYuan += num(r.yuan);
      s.resourceRecords += num(r.withRes);
      if (m) {
        if (type === 'group') m.groupSessions += n;
        else if (type === 'community') m.communityActivities += n;
        else if (type === 'home_visit') m.homeVisits += n;
        m.resourcesYuan = round(m.resourcesYuan + num(r.yuan), 2);
      }
    }
    for (const r of records) {
      const s = f(r);
      const m = months.get(String(r.date).slice(0, 7));
      const n = num(r.times);
      s.personTimes += n;
      if (r.type === 'case') s.caseWork += n;
      else if (r.type === 'group') s.groupPersonTimes += n;
      else if (r.type === 'community') s.communityPersonTimes += n;
      if (m) {
        m.personTimes += n;
        if (r.type === 'case') m.caseWork += n;
      }
    }
    // People: by station, category (a resident counts in each category they hold) and community.
    const categories = new Map<ResidentTag | 'general', CategoryStats>([...RESIDENT_TAGS, 'general' as const].map((c) => [c, { category: c, label: CATEGORY_LABELS[c], peopleServed: 0, personTimes: 0 }]));
    const communityRows = new Map<number, { people: number; times: number; caseWork: number; homeVisits: number }>();
    for (const r of served) {
      const s = f(r);
      const n = num(r.times);
      s.peopleServed += 1;
      if (num(r.visits) > 0) s.homeVisitResidents += 1;
      for (const month of String(r.months ?? '').split(',')) {
        const m = months.get(month);
        if (m) m.peopleServed += 1;
      }
      const tags = parseTags(r.tags);
      for (const t of tags.length ? tags : ['general' as const]) {
        const c = categories.get(t);
        if (c) { c.peopleServed += 1; c.personTimes += n; }
      }
      const cid = num(r.communityId);
      const c = communityRows.get(cid) ?? { people: 0, times: 0, caseWork: 0, homeVisits: 0 };
      c.people += 1;
      c.times += n;
      c.caseWork += num(r.caseTimes);
      c.homeVisits += num(r.visits);
      communityRows.set(cid, c);
    }
    for (const r of needsFound) f(r).needsFound = num(r.n);
    for (const r of needsMet) f(r).needsMet = num(r.n);
    for (const r of bookings) Object.assign(f(r), { bookings: num(r.n), attended: num(r.attended), noShows: num(r.noShow) });
    for (const r of signups) Object.assign(f(r), { signups: num(r.n), signupsAttended: num(r.attended) });
    for (const r of checkins) Object.assign(f(r), { checkinDays: num(r.due), checkinConfirmed: num(r.confirmed) });
    const byType = new Map<string, number>();
    for (const r of raised) {
      f(r).alertsRaised += num(r.n);
      byType.set(String(r.type), (byType.get(String(r.type)) ?? 0) + num(r.n));
    }
    for (const r of resolved) {
      const s = f(r);
      s.alertsResolved += 1;
      const minutes = (parseInstant(r.resolvedAt)!.getTime() - parseInstant(r.createdAt)!.getTime()) / 60_000;
      resolveMinutes.get(num(r.stationId))!.push(Math.max(0, minutes));
    }
    const ratingSums = new Map<number, number>();
    for (const r of ratings) {
      Object.assign(f(r), { satisfactionAsked: num(r.asked), satisfactionRatings: num(r.n) });
      ratingSums.set(num(r.stationId), num(r.total));
    }
    const finish = (s: StatsFigures, minutes: number[], ratingSum: number): void => {
      s.checkinRate = s.checkinDays ? round(s.checkinConfirmed / s.checkinDays, 3) : null;
      const m = median(minutes);
      s.medianResolveMinutes = m === null ? null : round(m, 1);
      s.satisfactionAverage = s.satisfactionRatings ? round(ratingSum / s.satisfactionRatings, 2) : null;
      s.resourcesYuan = round(s.resourcesYuan, 2);
    };

    // The scope's totals: sums over its stations (a resident belongs to one station, so distinct people add up).
    const total = emptyFigures();
    const countKeys = (Object.keys(total) as (keyof StatsFigures)[]).filter((k) => !['checkinRate', 'medianResolveMinutes', 'satisfactionAverage'].includes(k));
    for (const s of stations) {
      const fig = per.get(s.id)!;
      for (const k of countKeys) (total[k] as number) += fig[k] as number;
      finish(fig, resolveMinutes.get(s.id)!, ratingSums.get(s.id) ?? 0);
      report.stations.push({ stationId: s.id, name: s.name, township: s.township, ...fig });
    }
    finish(total, [...resolveMinutes.values()].flat(), [...ratingSums.values()].reduce((a, b) => a + b, 0));
    Object.assign(report, total);

    report.alertsByType = [...byType].map(([type, n]) => ({ type, raised: n })).sort((a, b) => b.raised - a.raised || a.type.localeCompare(b.type));
    report.byCategory = [...categories.values()];
    const names = communityRows.size
      ? await this.ctx.db.manager.createQueryBuilder(Community, 'c').whereInIds([...communityRows.keys()]).getMany()
      : [];
    const cById = new Map(names.map((x) => [x.id, x]));
    report.byCommunity = [...communityRows].map(([communityId, r]) => {
      const cm = cById.get(communityId);
      return {
        communityId, name: cm?.name ?? '（已删除）', stationId: cm?.stationId ?? 0,
        peopleServed: r.people, personTimes: r.times, caseWork: r.caseWork, homeVisits: r.homeVisits,
      };
    }).sort((a, b) => a.stationId - b.stationId || b.personTimes - a.personTimes || a.communityId - b.communityId);

    report.monthly = [...months.values()];
    report.resourcesByGiver = givers.map((r) => ({ giver: r.giver === null ? '（未写明）' : String(r.giver), resourcesYuan: round(num(r.yuan), 2), records: num(r.n) }));
    return report;
  }
}
