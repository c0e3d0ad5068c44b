import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Community, Resident, Station, Worker } from '../entities';
import { JOBS } from '../jobs';
import { AdjustableClock } from '../services/clock';
import { CheckinSweep } from '../services/checkin-sweep';
import { dbInstant } from '../services/db';
import { loadConfig } from '../services/config';
import { AppContext, createContext } from '../services/context';
import { createLogger } from '../services/logger';

/**
 * `npm run bench -- checkins [--n 100000] [--stations 20]`: the check-in sweeps with N planned
 * elders, all due at 09:00 (the worst case: everyone at once). Times and peak memory of
 *  - the reminder sweep at 09:00 (opens N days, queues N first reminders),
 *  - an idle run at 09:30 (the every-minute cost when nothing is due),
 *  - the escalation sweep at 11:00 with every reminder delivered and nobody answering (N alerts,
 *    N family alarms, N × bound workers worker alarms).
 * On SQLite (a temp file) always; on MySQL/MariaDB too when DATABASE_URL is set (its tables are
 * dropped first: give it a database of its own). Seeding runs in one child process and the sweeps
 * in a fresh one, so the peak memory is the sweeps' own (process RSS, modules and connections included).
 */

function arg(args: string[], name: string, def: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
}

/** Samples RSS and heap while `fn` runs; reports the peaks. */
async function measure<T>(fn: () => Promise<T>): Promise<{ result: T; ms: number; peakRssMb: number; peakHeapMb: number }> {
  const mb = (b: number) => Math.round((b / 1048576) * 10) / 10;
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  const timer = setInterval(sample, 20);
  const t0 = performance.now();
  try {
    const result = await fn();
    sample();
    return { result, ms: Math.round(performance.now() - t0), peakRssMb: mb(peakRss), peakHeapMb: mb(peakHeap) };
  } finally {
    clearInterval(timer);
  }
}

async function seed(ctx: AppContext, n: number, stations: number): Promise<void> {
  const m = ctx.db.manager;
  const sql = ctx.db;
  const now = dbInstant(new Date());
  const communityIds: number[][] = [];
  for (let s = 0; s < stations; s++) {
    const st = await m.save(Station, m.create(Station, { name: `基准镇${s}社工站`, township: `基准镇${s}`, county: '基准县' }));
    const cs: number[] = [];
    for (let c = 0; c < 5; c++) cs.push((await m.save(Community, m.create(Community, { stationId: st.id, name: `基准村${s}-${c}` }))).id);
    communityIds.push(cs);
    for (const [role, k] of [['worker', 1], ['worker', 2], ['station_admin', 3]] as const) {
      await m.insert(Worker, {
        stationId: st.id, county: '基准县', username: `bench${s}-${k}`, passwordHash: 'x', name: `社工${s}-${k}`, role,
        active: true, tokenVersion: 0, wechatContactId: `bench-w${s}-${k}`,
      });
    }
  }
  const stationIds = (await m.find(Station, { order: { id: 'ASC' } })).map((s) => s.id);
  const batch = 1000;
  for (let i = 0; i < n; i += batch) {
    const rows: Partial<Resident>[] = [];
    for (let j = i; j < Math.min(n, i + batch); j++) {
      const s = j % stations;
      rows.push({
        stationId: stationIds[s], communityId: communityIds[s][j % 5], name: `老人${j}`, gender: j % 2 ? 'female' : 'male',
        birthDate: '1940-01-01', tags: ['living_alone'], status: 'active', riskTier: 'general', optedOut: false,
        wechatContactId: `bench-r${j}`, phone: '13800000000',
      });
    }
    await m.createQueryBuilder().insert().into(Resident).values(rows).updateEntity(false).execute();
  }
  const concat = ctx.db.sqlite ? `'bench-f' || id` : `CONCAT('bench-f', id)`;
  await sql.exec(
    `INSERT INTO family_contacts (residentId, stationId, name, relation, phone, wechatContactId, createdAt)
     SELECT id, stationId, '家属', '儿子', '13900000000', ${concat}, ? FROM residents`, [now],
  );
  await sql.exec(
    `INSERT INTO checkin_plans (residentId, stationId, enabled, remindAt, remindMinute, secondReminderMinutes, graceMinutes,
       weekdays, weekdayMask, escalation, appliesFromDate, createdAt, updatedAt)
     SELECT id, stationId, 1, '09:00', 540, 60, 120, '[0,1,2,3,4,5,6]', 127, '{"familyContactIds":[],"volunteer":null}',
       '2026-01-01', ?, ? FROM residents`, [now, now],
  );
}

async function open(url: string, clock: AdjustableClock, reset: boolean): Promise<{ ctx: AppContext; dataDir: string }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-checkins-data-'));
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: url, LOG_LEVEL: 'silent', DATA_DIR: dataDir });
  const ctx = await createContext(config, { jobs: JOBS, clock, logger: createLogger('silent'), connectAttempts: 1, resetDatabase: reset });
  return { ctx, dataDir };
}

/** Child process 1: an empty database with N planned elders. */
async function seedPhase(url: string, n: number, stations: number): Promise<Record<string, unknown>> {
  const { ctx, dataDir } = await open(url, new AdjustableClock(new Date('2026-12-03T08:00:00+08:00'), { frozen: true }), true);
  try {
    const t0 = performance.now();
    await seed(ctx, n, stations);
    return { seedMs: Math.round(performance.now() - t0) };
  } finally {
    await ctx.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Child process 2, fresh (so the seeding's memory does not count): the sweeps, timed and measured. */
export async function sweepPhase(url: string): Promise<Record<string, unknown>> {
  const clock = new AdjustableClock(new Date('2026-12-03T08:00:00+08:00'), { frozen: true });
  const { ctx, dataDir } = await open(url, clock, false);
  try {
    const sql = ctx.db;
    const count = async (q: string) => Number((await sql.rows<{ n: number }>(q, []))[0].n);
    const rssAtStartMb = Math.round(process.memoryUsage().rss / 104857.6) / 10;

    clock.set(new Date('2026-12-03T09:00:00+08:00'));
    const reminder = await measure(() => new CheckinSweep(ctx, ctx.services, clock.now()).reminders());
    const queuedReminders = await count(`SELECT COUNT(*) AS n FROM outbox WHERE kind = 'checkin_first'`);

    // The sender delivered everything (not timed).
    await sql.exec(`UPDATE outbox SET status = 'sent', sentAt = ? WHERE status = 'pending'`, [dbInstant(clock.now())]);
    clock.set(new Date('2026-12-03T09:30:00+08:00'));
    const idle = await measure(() => new CheckinSweep(ctx, ctx.services, clock.now()).run());

    clock.set(new Date('2026-12-03T11:00:00+08:00'));
    const escalation = await measure(() => new CheckinSweep(ctx, ctx.services, clock.now()).escalations());
    const alerts = await count(`SELECT COUNT(*) AS n FROM alerts WHERE type = 'checkin_missed'`);
    const familyAlarms = await count(`SELECT COUNT(*) AS n FROM outbox WHERE kind = 'alert_checkin_missed' AND toContactId LIKE 'bench-f%'`);
    const workerMessages = await count(`SELECT COUNT(*) AS n FROM outbox WHERE kind = 'alert_checkin_missed' AND toContactId LIKE 'bench-w%'`);

    // The whole job a minute later: idempotent, nothing new.
    clock.set(new Date('2026-12-03T11:01:00+08:00'));
    const after = await measure(() => ctx.services.jobs.runNow('checkins'));

    return {
      engine: ctx.db.sqlite ? 'sqlite' : 'mysql', rssAtStartMb,
      reminderSweep: { ms: reminder.ms, peakRssMb: reminder.peakRssMb, peakHeapMb: reminder.peakHeapMb, ...reminder.result, queuedReminders },
      idleRun0930: { ms: idle.ms, peakRssMb: idle.peakRssMb },
      escalationSweep: {
        ms: escalation.ms, peakRssMb: escalation.peakRssMb, peakHeapMb: escalation.peakHeapMb, ...escalation.result, alerts, familyAlarms, workerMessages,
      },
      fullRunAfter: { ms: after.ms, escalated: (after.result as { escalated?: number }).escalated, firstReminders: (after.result as { firstReminders?: number }).firstReminders },
    };
  } finally {
    await ctx.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function child(args: string[]): Record<string, unknown> {
  const cli = path.join(__dirname, '..', 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const res = spawnSync(process.execPath, [cli, __filename, ...args], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, env: process.env });
  if (res.status !== 0) throw new Error(`bench child failed: ${res.stderr || res.stdout}`);
  const lines = res.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
}

async function runOn(url: string, n: number, stations: number): Promise<Record<string, unknown>> {
  const seeded = child(['--phase', 'seed', '--url', url, '--n', String(n), '--stations', String(stations)]);
  const swept = child(['--phase', 'sweeps', '--url', url]);
  return { elders: n, stations, ...seeded, ...swept };
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const n = arg(args, 'n', 100_000);
  const stations = arg(args, 'stations', 20);
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-checkins-'));
  const results: Record<string, unknown>[] = [];
  try {
    results.push(await runOn(`sqlite:${path.join(dir, 'bench.sqlite')}`, n, stations));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const url = process.env.DATABASE_URL;
  if (url && /^(mysql|mariadb):/.test(url)) {
    // Its tables are dropped first: only a database named for benchmarks or tests.
    const db = new URL(url.replace(/^mariadb:/, 'mysql:')).pathname.slice(1);
    if (/bench|test/.test(db)) results.push(await runOn(url, n, stations));
    else results.push({ engine: 'mysql', skipped: `database "${db}" is not a bench/test database; its tables would be dropped` });
  }
  return { targets: { ms: 20_000, peakRssMb: 300 }, results };
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const i = args.indexOf('--phase');
  const phase = i >= 0 ? args[i + 1] : null;
  const url = args[args.indexOf('--url') + 1];
  const job = phase === 'seed' ? seedPhase(url, arg(args, 'n', 100_000), arg(args, 'stations', 20))
    : phase === 'sweeps' ? sweepPhase(url)
      : run(args);
  job.then((r) => console.log(JSON.stringify(r))).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
