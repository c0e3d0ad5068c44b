import { z } from 'zod';
import { Community, RESIDENT_TAGS, Station } from '../entities';
import type { ResidentTag, ServiceRecordType } from '../entities';
import type { Actor } from './auth';
import type { Infra } from './infra';
import { localDateSchema } from './checkins';
import { dbInstant, parseInstant, placeholders } from './db';
import { validationFailed } from './errors';
import { statsStations } from './permissions';
import { addDays, atLocal, localDate } from './time';

/** The longest range one call may ask for (three years and a leap day). */
export const MAX_RANGE_DAYS = 3 * 365 + 1;

/** `GET /api/stats` and its export: the range (default: this month so far) and, for a county admin, one station. */
export const statsQuerySchema = z.object({
  from: localDateSchema.optional(),
  to: localDateSchema.optional(),
  stationId: z.coerce.number().int().positive().optional(),
});
export type StatsQuery = z.output<typeof statsQuerySchema>;

/** Chinese names of the resident categories (重点服务对象), and `general` for residents with none. */
export const CATEGORY_LABELS: Record<ResidentTag | 'general', string> = {
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

export interface StationStats extends StatsFigures {
  stationId: number;
  name: string;
  township: string;
}

export interface CategoryStats { category: ResidentTag | 'general'; label: string; peopleServed: number; personTimes: number }
export interface CommunityStats { communityId: number; name: string; stationId: number; peopleServed: number; personTimes: number; caseWork: number; homeVisits: number }
export interface MonthStats {
  month: string; peopleServed: number; personTimes: number; caseWork: number; groupSessions: number; communityActivities: number;
  homeVisits: number; resourcesYuan: number;
}
export interface GiverStats { giver: string; resourcesYuan: number; records: number }

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
    const times = [...ids, start, end];
    const today = localDate(this.ctx.clock.now());
    const tagSql = RESIDENT_TAGS.map((t, i) => `SUM(CASE WHEN r.tags LIKE ? THEN 1 ELSE 0 END) AS t${i}, COUNT(DISTINCT CASE WHEN r.tags LIKE ? THEN r.id END) AS p${i}`).join(', ');
    const tagParams = RESIDENT_TAGS.flatMap((t) => [`%"${t}"%`, `%"${t}"%`]);

    const [records, people, visited, monthRecords, monthPeople, categories, communities, needsFound, needsMet, bookings, signups, checkins, raised, resolved, ratings, givers] = await Promise.all([
      q(`SELECT stationId, type, COUNT(*) AS n, SUM(resourcesYuan) AS yuan, SUM(CASE WHEN resourcesYuan > 0 THEN 1 ELSE 0 END) AS withRes
         FROM service_records WHERE ${inIds} AND date >= ? AND date <= ? GROUP BY stationId, type`, dates),
      q(`SELECT stationId, type, COUNT(*) AS times FROM service_record_residents WHERE ${inIds} AND date >= ? AND date <= ? GROUP BY stationId, type`, dates),
      q(`SELECT stationId, COUNT(DISTINCT residentId) AS people, COUNT(DISTINCT CASE WHEN type = 'home_visit' THEN residentId END) AS visited
         FROM service_record_residents WHERE ${inIds} AND date >= ? AND date <= ? GROUP BY stationId`, dates),
      q(`SELECT SUBSTR(date, 1, 7) AS month, type, COUNT(*) AS n, SUM(resourcesYuan) AS yuan
         FROM service_records WHERE ${inIds} AND date >= ? AND date <= ? GROUP BY SUBSTR(date, 1, 7), type`, dates),
      q(`SELECT SUBSTR(date, 1, 7) AS month, COUNT(*) AS times, COUNT(DISTINCT residentId) AS people, SUM(CASE WHEN type = 'case' THEN 1 ELSE 0 END) AS caseWork
         FROM service_record_residents WHERE ${inIds} AND date >= ? AND date <= ? GROUP BY SUBSTR(date, 1, 7)`, dates),
      q(`SELECT ${tagSql}, SUM(CASE WHEN r.tags = '[]' THEN 1 ELSE 0 END) AS tg, COUNT(DISTINCT CASE WHEN r.tags = '[]' THEN r.id END) AS pg
         FROM service_record_residents x JOIN residents r ON r.id = x.residentId WHERE x.${inIds} AND x.date >= ? AND x.date <= ?`, [...tagParams, ...dates]),
      q(`SELECT r.communityId AS communityId, COUNT(*) AS times, COUNT(DISTINCT x.residentId) AS people,
         SUM(CASE WHEN x.type = 'case' THEN 1 ELSE 0 END) AS caseWork, SUM(CASE WHEN x.type = 'home_visit' THEN 1 ELSE 0 END) AS homeVisits
         FROM service_record_residents x JOIN residents r ON r.id = x.residentId WHERE x.${inIds} AND x.date >= ? AND x.date <= ? GROUP BY r.communityId`, dates),
      q(`SELECT stationId, COUNT(*) AS n FROM needs WHERE ${inIds} AND createdAt >= ? AND createdAt < ? GROUP BY stationId`, times),
      q(`SELECT stationId, COUNT(*) AS n FROM needs WHERE ${inIds} AND metAt >= ? AND metAt < ? AND status = 'met' GROUP BY stationId`, times),
      q(`SELECT stationId, COUNT(*) AS n, SUM(CASE WHEN status = 'attended' THEN 1 ELSE 0 END) AS attended, SUM(CASE WHEN status = 'no_show' THEN 1 ELSE 0 END) AS noShow
         FROM bookings WHERE ${inIds} AND startsAt >= ? AND startsAt < ? AND status <> 'cancelled' GROUP BY stationId`, times),
      q(`SELECT a.stationId AS stationId, COUNT(*) AS n, SUM(CASE WHEN s.status = 'attended' THEN 1 ELSE 0 END) AS attended
         FROM activity_signups s JOIN activities a ON a.id = s.activityId
         WHERE a.${inIds} AND a.startsAt >= ? AND a.startsAt < ? AND s.status <> 'cancelled' GROUP BY a.stationId`, times),
      q(`SELECT stationId, COUNT(*) AS due, SUM(CASE WHEN status = 'confirmed' THEN 1 ELSE 0 END) AS confirmed FROM checkin_days
         WHERE ${inIds} AND date >= ? AND date <= ? AND status <> 'paused' AND (date < ? OR status NOT IN ('pending', 'reminded')) GROUP BY stationId`, [...dates, today]),
      q(`SELECT stationId, type, COUNT(*) AS n FROM alerts WHERE ${inIds} AND createdAt >= ? AND createdAt < ? GROUP BY stationId, type`, times),
      q(`SELECT stationId, createdAt, resolvedAt FROM alerts WHERE ${inIds} AND resolvedAt >= ? AND resolvedAt < ?`, times),
      q(`SELECT stationId, COUNT(*) AS asked, COUNT(rating) AS n, SUM(rating) AS total FROM satisfaction_ratings
         WHERE ${inIds} AND date >= ? AND date <= ? GROUP BY stationId`, dates),
      q(`SELECT resourcesGiver AS giver, SUM(resourcesYuan) AS yuan, COUNT(*) AS n FROM service_records
         WHERE ${inIds} AND date >= ? AND date <= ? AND resourcesYuan > 0 GROUP BY resourcesGiver ORDER BY SUM(resourcesYuan) DESC`, dates),
    ]);

    const f = (r: Row): StatsFigures => per.get(num(r.stationId))!;
    for (const r of records) {
      const s = f(r);
      const n = num(r.n);
      const type = r.type as ServiceRecordType;
      if (type === 'case') s.caseRecords += n;
      else if (type === 'group') s.groupSessions += n;
      else if (type === 'community') s.communityActivities += n;
      else if (type === 'home_visit') s.homeVisits += n;
      s.resourcesYuan += num(r.yuan);
      s.resourceRecords += num(r.withRes);
    }
    for (const r of people) {
      const s = f(r);
      const n = num(r.times);
      s.personTimes += n;
      if (r.type === 'case') s.caseWork += n;
      else if (r.type === 'group') s.groupPersonTimes += n;
      else if (r.type === 'community') s.communityPersonTimes += n;
    }
    for (const r of visited) Object.assign(f(r), { peopleServed: num(r.people), homeVisitResidents: num(r.visited) });
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
    const c = categories[0] ?? {};
    report.byCategory = [
      ...RESIDENT_TAGS.map((t, i) => ({ category: t, label: CATEGORY_LABELS[t], peopleServed: num(c[`p${i}`]), personTimes: num(c[`t${i}`]) })),
      { category: 'general' as const, label: CATEGORY_LABELS.general, peopleServed: num(c.pg), personTimes: num(c.tg) },
    ];
    const names = communities.length
      ? await this.ctx.db.manager.createQueryBuilder(Community, 'c').whereInIds(communities.map((r) => num(r.communityId))).getMany()
      : [];
    const cById = new Map(names.map((x) => [x.id, x]));
    report.byCommunity = communities.map((r) => {
      const cm = cById.get(num(r.communityId));
      return {
        communityId: num(r.communityId), name: cm?.name ?? '（已删除）', stationId: cm?.stationId ?? 0,
        peopleServed: num(r.people), personTimes: num(r.times), caseWork: num(r.caseWork), homeVisits: num(r.homeVisits),
      };
    }).sort((a, b) => a.stationId - b.stationId || b.personTimes - a.personTimes || a.communityId - b.communityId);

    const months = new Map<string, MonthStats>(monthsBetween(from, to).map((month) => [month, {
      month, peopleServed: 0, personTimes: 0, caseWork: 0, groupSessions: 0, communityActivities: 0, homeVisits: 0, resourcesYuan: 0,
    }]));
    for (const r of monthRecords) {
      const m = months.get(String(r.month));
      if (!m) continue;
      const n = num(r.n);
      if (r.type === 'group') m.groupSessions += n;
      else if (r.type === 'community') m.communityActivities += n;
      else if (r.type === 'home_visit') m.homeVisits += n;
      m.resourcesYuan = round(m.resourcesYuan + num(r.yuan), 2);
    }
    for (const r of monthPeople) {
      const m = months.get(String(r.month));
      if (m) Object.assign(m, { personTimes: num(r.times), peopleServed: num(r.people), caseWork: num(r.caseWork) });
    }
    report.monthly = [...months.values()];
    report.resourcesByGiver = givers.map((r) => ({ giver: r.giver === null ? '（未写明）' : String(r.giver), resourcesYuan: round(num(r.yuan), 2), records: num(r.n) }));
    return report;
  }
}
