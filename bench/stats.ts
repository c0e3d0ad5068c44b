import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import type { EntityManager } from 'typeorm';
import { RESIDENT_TAGS } from '../entities';
import { JOBS } from '../jobs';
import type { Actor } from '../services/auth';
import { AdjustableClock } from '../services/clock';
import { loadConfig } from '../services/config';
import { AppContext, createContext } from '../services/context';
import { dbInstant } from '../services/db';
import { createLogger } from '../services/logger';
import { statsWorkbook } from '../services/stats-export';
import { addDays, atLocal } from '../services/time';

/**
 * `npm run bench -- stats [--records 100000] [--stations 10]`: the statistics of a county of 10
 * stations over a year with ≥ 100,000 service records (about 2.8 residents each), 20,000
 * residents, alerts, needs, bookings, activities with sign-ups, check-in days and ratings. Times
 * `GET /api/stats` for the county and for one station over the year (cold, then the median of five
 * warm runs) and the county export. On SQLite (a temp file) always; on MySQL/MariaDB too when
 * DATABASE_URL is set (its tables are dropped first: a database named for benchmarks or tests).
 */

function arg(args: string[], name: string, def: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
}

/** A small deterministic generator, so every run seeds the same county. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const YEAR_START = '2026-01-01';
const DAYS = 365;
const RESIDENTS_PER_STATION = 2000;

async function insertRows(em: EntityManager, table: string, columns: string[], rows: unknown[][]): Promise<void> {
  const row = `(${columns.map(() => '?').join(', ')})`;
  for (let i = 0; i < rows.length; i += 500) {
    const part = rows.slice(i, i + 500);
    await em.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${part.map(() => row).join(', ')}`, part.flat());
  }
}

/** Seeds the county (exported for profiling the queries one by one). */
export async function seed(ctx: AppContext, records: number, stations: number): Promise<{ recordResidents: number; residents: number }> {
  const rand = rng(16);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const day = () => addDays(YEAR_START, Math.floor(rand() * DAYS));
  const instantOn = (date: string, minutes: number) => dbInstant(new Date(atLocal(date).getTime() + minutes * 60_000));
  const now = dbInstant(new Date());
  const stationIds: number[] = [];
  const residentsOf: number[][] = [];
  let recordResidents = 0;
  await ctx.db.transaction(async (em) => {
    for (let s = 0; s < stations; s++) {
      await insertRows(em, 'stations', ['name', 'township', 'county', 'createdAt'], [[`基准镇${s}社工站`, `基准镇${s}`, '基准县', now]]);
      const id = Number((await em.query('SELECT MAX(id) AS id FROM stations'))[0].id);
      stationIds.push(id);
      await insertRows(em, 'communities', ['stationId', 'name', 'createdAt'], Array.from({ length: 8 }, (_, c) => [id, `基准村${s}-${c}`, now]));
      const communities = ((await em.query('SELECT id FROM communities WHERE stationId = ?', [id])) as { id: number }[]).map((r) => Number(r.id));
      const rows: unknown[][] = [];
      for (let j = 0; j < RESIDENTS_PER_STATION; j++) {
        const tags = rand() < 0.3 ? [] : [pick(RESIDENT_TAGS), ...(rand() < 0.3 ? [pick(RESIDENT_TAGS)] : [])];
        rows.push([id, pick(communities), `居民${s}-${j}`, JSON.stringify([...new Set(tags)]), 'active', 'general', 0, now, now]);
      }
      await insertRows(em, 'residents', ['stationId', 'communityId', 'name', 'tags', 'status', 'riskTier', 'optedOut', 'createdAt', 'updatedAt'], rows);
      residentsOf.push(((await em.query('SELECT id FROM residents WHERE stationId = ?', [id])) as { id: number }[]).map((r) => Number(r.id)));
    }
  });

  // Service records with their resident rows, in chunks of 5,000 records per transaction.
  const firstId = 1;
  for (let start = 0; start < records; start += 5000) {
    await ctx.db.transaction(async (em) => {
      const recs: unknown[][] = [];
      const links: unknown[][] = [];
      for (let i = start; i < Math.min(records, start + 5000); i++) {
        const s = i % stations;
        const r = rand();
        const type = r < 0.5 ? 'case' : r < 0.6 ? 'group' : r < 0.65 ? 'community' : 'home_visit';
        const n = type === 'case' ? 1 + Math.floor(rand() * 2) : type === 'group' ? 5 + Math.floor(rand() * 6) : type === 'community' ? 10 + Math.floor(rand() * 21) : 1;
        const ids = new Set<number>();
        while (ids.size < n) ids.add(pick(residentsOf[s]));
        const date = day();
        const yuan = rand() < 0.02 ? Math.round(rand() * 5000) : null;
        const id = firstId + i;
        recs.push([id, stationIds[s], type, date, '服务记录', yuan, yuan ? pick(['县慈善会', '爱心企业', '县图书馆']) : null, JSON.stringify([...ids]), ids.size, 'manual', now]);
        for (const rid of ids) links.push([id, stationIds[s], rid, type, date]);
      }
      recordResidents += links.length;
      await insertRows(em, 'service_records', ['id', 'stationId', 'type', 'date', 'summary', 'resourcesYuan', 'resourcesGiver', 'residentIds', 'residentCount', 'source', 'createdAt'], recs);
      await insertRows(em, 'service_record_residents', ['recordId', 'stationId', 'residentId', 'type', 'date'], links);
    });
  }

  // The rest of a station's year: alerts, needs, bookings, activities and sign-ups, check-in days, ratings.
  await ctx.db.transaction(async (em) => {
    const alerts: unknown[][] = [];
    const needs: unknown[][] = [];
    const bookings: unknown[][] = [];
    const ratings: unknown[][] = [];
    for (let i = 0; i < 20_000; i++) {
      const s = i % stations;
      const d = day();
      const created = instantOn(d, 540 + Math.floor(rand() * 300));
      const resolved = rand() < 0.9 ? dbInstant(new Date(new Date(`${created.replace(' ', 'T')}Z`).getTime() + Math.floor(rand() * 600) * 60_000)) : null;
      alerts.push([stationIds[s], pick(residentsOf[s]), pick(['checkin_missed', 'help_call', 'checkin_unreachable']), resolved ? 'resolved' : 'open', '告警', 0, resolved, created]);
      bookings.push([stationIds[s], 1, 1, pick(residentsOf[s]), pick(['attended', 'attended', 'no_show', 'cancelled', 'booked']), 'console', created, created]);
      ratings.push([stationIds[s], 1 + i, pick(residentsOf[s]), d, created, rand() < 0.6 ? 1 + Math.floor(rand() * 5) : null]);
      if (i < 5000) needs.push([stationIds[s], pick(residentsOf[s]), 'living', 'medium', '需求', rand() < 0.4 ? 'met' : 'open', rand() < 0.4 ? created : null, created, created]);
    }
    await insertRows(em, 'alerts', ['stationId', 'residentId', 'type', 'status', 'summary', 'escalationLevel', 'resolvedAt', 'createdAt'], alerts);
    await insertRows(em, 'bookings', ['stationId', 'slotId', 'serviceId', 'residentId', 'status', 'channel', 'startsAt', 'createdAt'], bookings);
    await insertRows(em, 'satisfaction_ratings', ['stationId', 'recordId', 'residentId', 'date', 'askedAt', 'rating'], ratings);
    await insertRows(em, 'needs', ['stationId', 'residentId', 'type', 'urgency', 'description', 'status', 'metAt', 'createdAt', 'updatedAt'], needs);
    const activities: unknown[][] = [];
    for (let i = 0; i < 500; i++) {
      const at = instantOn(day(), 840);
      activities.push([stationIds[i % stations], `活动${i}`, '', at, at, '站里', 0, '{"all":true}', 'community', 'scheduled', now]);
    }
    await insertRows(em, 'activities', ['stationId', 'title', 'description', 'startsAt', 'endsAt', 'location', 'signedUp', 'audience', 'kind', 'status', 'createdAt'], activities);
    const acts = (await em.query('SELECT id, stationId FROM activities')) as { id: number; stationId: number }[];
    const signups: unknown[][] = [];
    for (const a of acts) {
      const s = stationIds.indexOf(Number(a.stationId));
      const ids = new Set<number>();
      while (ids.size < 20) ids.add(pick(residentsOf[s]));
      for (const rid of ids) signups.push([Number(a.id), Number(a.stationId), rid, pick(['signed_up', 'attended', 'attended', 'no_show', 'cancelled']), 'worker', now, now]);
    }
    await insertRows(em, 'activity_signups', ['activityId', 'stationId', 'residentId', 'status', 'source', 'signedUpAt', 'createdAt'], signups);
    const days: unknown[][] = [];
    for (let s = 0; s < stations; s++) {
      for (const rid of residentsOf[s].slice(0, 30)) {
        for (let d = 0; d < DAYS; d++) days.push([rid, stationIds[s], addDays(YEAR_START, d), rand() < 0.9 ? 'confirmed' : 'missed', 540, 600, 660, now, now]);
      }
    }
    await insertRows(em, 'checkin_days', ['residentId', 'stationId', 'date', 'status', 'remindMinute', 'secondMinute', 'deadlineMinute', 'createdAt', 'updatedAt'], days);
  });
  return { recordResidents, residents: stations * RESIDENTS_PER_STATION };
}

/** Wall time, and this process's CPU time (on SQLite the queries run in-process: a figure a busy machine inflates less). */
async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; cpuMs: number; result: T }> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const result = await fn();
  const c = process.cpuUsage(c0);
  return { ms: Math.round(performance.now() - t0), cpuMs: Math.round((c.user + c.system) / 1000), result };
}

async function runOn(url: string, records: number, stations: number): Promise<Record<string, unknown>> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-stats-data-'));
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: url, LOG_LEVEL: 'silent', DATA_DIR: dataDir });
  const clock = new AdjustableClock(new Date('2027-01-05T09:00:00+08:00'), { frozen: true });
  const ctx = await createContext(config, { jobs: JOBS, clock, logger: createLogger('silent'), connectAttempts: 1, resetDatabase: true });
  try {
    const seeded = await timed(() => seed(ctx, records, stations));
    const county: Actor = { kind: 'worker', id: 1, role: 'county_admin', stationId: null, county: '基准县', name: '县管理员' };
    const query = { from: '2026-01-01', to: '2026-12-31' };
    const cold = await timed(() => ctx.services.stats.report(county, query));
    const warm: number[] = [];
    const warmCpu: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = await timed(() => ctx.services.stats.report(county, query));
      warm.push(t.ms);
      warmCpu.push(t.cpuMs);
    }
    const stationId = cold.result.stations[0].stationId;
    const station: number[] = [];
    for (let i = 0; i < 5; i++) station.push((await timed(() => ctx.services.stats.report(county, { ...query, stationId }))).ms);
    await import('exceljs');
    const exported = await timed(async () => statsWorkbook(await ctx.services.stats.report(county, query), new Date().toISOString()));
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const r = cold.result;
    return {
      engine: ctx.db.sqlite ? 'sqlite' : 'mysql', stations, serviceRecords: records, recordResidents: seeded.result.recordResidents,
      residents: seeded.result.residents, seedMs: seeded.ms,
      countyYear: { coldMs: cold.ms, warmMedianMs: med(warm), warmMaxMs: Math.max(...warm), warmMedianCpuMs: med(warmCpu) },
      loadAverage: loadavg().map((x) => Math.round(x * 10) / 10),
      stationYear: { medianMs: med(station), maxMs: Math.max(...station) },
      countyExportXlsx: { ms: exported.ms, bytes: exported.result.length },
      figures: {
        personTimes: r.personTimes, peopleServed: r.peopleServed, caseWork: r.caseWork, groupSessions: r.groupSessions,
        communityActivities: r.communityActivities, homeVisits: r.homeVisits, alertsRaised: r.alertsRaised,
        medianResolveMinutes: r.medianResolveMinutes, checkinRate: r.checkinRate, satisfactionAverage: r.satisfactionAverage, resourcesYuan: r.resourcesYuan,
      },
    };
  } finally {
    await ctx.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The benchmark: SQLite, then MySQL/MariaDB when DATABASE_URL names a bench or test database. */
export async function run(args: string[]): Promise<Record<string, unknown>> {
  const records = arg(args, 'records', 100_000);
  const stations = arg(args, 'stations', 10);
  const results: Record<string, unknown>[] = [];
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-stats-'));
  try {
    results.push(await runOn(`sqlite:${path.join(dir, 'bench.sqlite')}`, records, stations));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const url = process.env.DATABASE_URL;
  if (url && /^(mysql|mariadb):/.test(url)) {
    const db = new URL(url.replace(/^mariadb:/, 'mysql:')).pathname.slice(1);
    if (/bench|test/.test(db)) results.push(await runOn(url, records, stations));
    else results.push({ engine: 'mysql', skipped: `database "${db}" is not a bench/test database; its tables would be dropped` });
  }
  return { target: { countyYearMs: 1000 }, results };
}
