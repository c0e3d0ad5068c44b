import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Community, Station, Worker } from '../entities';
import { JOBS } from '../jobs';
import { AdjustableClock } from '../services/clock';
import { dbInstant } from '../services/db';
import { loadConfig } from '../services/config';
import { AppContext, createContext } from '../services/context';
import { createLogger } from '../services/logger';

/**
 * `npm run bench -- families [--n 10000] [--stations 10]`: N left-behind children, each with a
 * migrant father reminded on Sundays at 19:00 (everyone at once, the worst case). Times of
 *  - the Sunday 19:00 `family-reminders` run (N reminders made and queued),
 *  - an idle run a minute later (the every-minute cost),
 *  - the run three weeks later when nobody ever answered (N `family_silent` alerts and their messages),
 *  - the 08:00 `visits` run (each station's workers get their list of the N children, all due).
 * On SQLite (a temp file), and on MySQL/MariaDB too when DATABASE_URL names a bench/test database
 * (its tables are dropped first).
 */

function arg(args: string[], name: string, def: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const t0 = performance.now();
  const result = await fn();
  return { ms: Math.round(performance.now() - t0), result };
}

async function seed(ctx: AppContext, n: number, stations: number): Promise<void> {
  const m = ctx.db.manager;
  const now = dbInstant(new Date());
  for (let s = 0; s < stations; s++) {
    const st = await m.save(Station, m.create(Station, { name: `基准镇${s}社工站`, township: `基准镇${s}`, county: '基准县' }));
    await m.insert(Community, { stationId: st.id, name: `基准村${s}` });
    for (const k of [1, 2]) {
      await m.insert(Worker, {
        stationId: st.id, county: '基准县', username: `fbench${s}-${k}`, passwordHash: 'x', name: `社工${s}-${k}`, role: 'worker',
        active: true, tokenVersion: 0, wechatContactId: `fbench-w${s}-${k}`,
      });
    }
  }
  const communities = await m.find(Community, { order: { id: 'ASC' } });
  const rows: unknown[][] = [];
  for (let j = 0; j < n; j++) {
    const c = communities[j % communities.length];
    rows.push([c.stationId, c.id, `张小${j}`, 'male', '2016-01-01', '["left_behind_child"]', 'active', 'priority', 0, now, now]);
  }
  await ctx.db.insertMany('residents', ['stationId', 'communityId', 'name', 'gender', 'birthDate', 'tags', 'status', 'riskTier', 'optedOut', 'createdAt', 'updatedAt'], rows);
  const concat = ctx.db.sqlite ? `'fbench-f' || id` : `CONCAT('fbench-f', id)`;
  await ctx.db.exec(
    `INSERT INTO family_contacts (residentId, stationId, name, relation, phone, wechatContactId, optedOut, createdAt)
     SELECT id, stationId, '张建国', '父亲', '13900000000', ${concat}, 0, ? FROM residents`, [now],
  );
  await ctx.db.exec(
    `INSERT INTO family_reminder_schedules (stationId, residentId, familyContactId, weekday, time, minute, activeFrom, createdAt)
     SELECT stationId, residentId, id, 0, '19:00', 1140, ?, ? FROM family_contacts`, [dbInstant(new Date('2026-12-01T00:00:00+08:00')), now],
  );
}

async function runOn(url: string, n: number, stations: number, reset: boolean): Promise<Record<string, unknown>> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-families-'));
  const clock = new AdjustableClock(new Date('2026-12-03T08:00:00+08:00'), { frozen: true });
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: url, LOG_LEVEL: 'silent', DATA_DIR: dataDir });
  const ctx = await createContext(config, { jobs: JOBS, clock, logger: createLogger('silent'), connectAttempts: 1, resetDatabase: reset });
  const count = async (q: string) => Number((await ctx.db.rows<{ n: number }>(q, []))[0].n);
  const deliver = () => ctx.db.exec(`UPDATE outbox SET status = 'sent', sentAt = ? WHERE status = 'pending'`, [dbInstant(clock.now())]);
  try {
    const seeded = await timed(() => seed(ctx, n, stations));
    clock.set(new Date('2026-12-06T19:00:00+08:00'));
    const sunday = await timed(() => ctx.services.jobs.runNow('family-reminders'));
    const queued = await count(`SELECT COUNT(*) AS n FROM outbox WHERE kind = 'family_call_home'`);
    await deliver();
    clock.set(new Date('2026-12-06T19:01:00+08:00'));
    const idle = await timed(() => ctx.services.jobs.runNow('family-reminders'));
    for (const d of ['2026-12-13', '2026-12-20']) {
      clock.set(new Date(`${d}T19:00:00+08:00`));
      await ctx.services.jobs.runNow('family-reminders');
      await deliver();
    }
    clock.set(new Date('2026-12-27T19:00:00+08:00'));
    const silent = await timed(() => ctx.services.jobs.runNow('family-reminders'));
    const alerts = await count(`SELECT COUNT(*) AS n FROM alerts WHERE type = 'family_silent'`);
    clock.set(new Date('2026-12-28T08:00:00+08:00'));
    const visits = await timed(() => ctx.services.jobs.runNow('visits'));
    return {
      engine: ctx.db.sqlite ? 'sqlite' : 'mysql', children: n, stations, seedMs: seeded.ms,
      sundayRun: { ms: sunday.ms, ...sunday.result, queued }, idleRun: { ms: idle.ms },
      threeSilentWeeksRun: { ms: silent.ms, ...silent.result, alerts },
      visitsMorningRun: { ms: visits.ms, ...visits.result },
    };
  } finally {
    await ctx.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const n = arg(args, 'n', 10_000);
  const stations = arg(args, 'stations', 10);
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-families-db-'));
  const results: Record<string, unknown>[] = [];
  try {
    results.push(await runOn(`sqlite:${path.join(dir, 'bench.sqlite')}`, n, stations, false));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const url = process.env.DATABASE_URL;
  if (url && /^(mysql|mariadb):/.test(url)) {
    const db = new URL(url.replace(/^mariadb:/, 'mysql:')).pathname.slice(1);
    if (/bench|test/.test(db)) results.push(await runOn(url, n, stations, true));
    else results.push({ engine: 'mysql', skipped: `database "${db}" is not a bench/test database; its tables would be dropped` });
  }
  return { results };
}
