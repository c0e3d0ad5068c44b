/**
 * Broadcast benchmark: time and peak memory to release a broadcast to 10,000 residents (the
 * recipients and their outbox rows, set-based in batches), on a temporary SQLite file and on
 * MySQL/MariaDB when DATABASE_URL names a `bench`/`test` database (its tables are dropped first);
 * then the sender's throughput with no gap over those rows, through a transport that only counts.
 *
 *   npm run bench -- broadcasts [--residents 10000]
 */
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { OutboxSender } from '../bot/sender';
import { Community, OutboxMessage, Station, Worker } from '../entities';
import { JOBS } from '../jobs';
import { AdjustableClock } from '../services/clock';
import { loadConfig } from '../services/config';
import { createContext } from '../services/context';
import { createLogger } from '../services/logger';
import { atLocal } from '../services/time';

function arg(args: string[], name: string, def: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
}

async function runOn(databaseUrl: string, args: string[]) {
  const residents = arg(args, 'residents', 10_000);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-broadcasts-'));
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: databaseUrl, DATA_DIR: dataDir, LOG_LEVEL: 'silent', DEMO_DATA: 'false' });
  const clock = new AdjustableClock(atLocal('2026-12-03', '10:00'), { frozen: true });
  const ctx = await createContext(config, { jobs: JOBS, clock, logger: createLogger('silent'), connectAttempts: 1, resetDatabase: !databaseUrl.startsWith('sqlite:') });
  const m = ctx.db.manager;
  const station = await m.save(Station, m.create(Station, { name: '沙河镇社工站', township: '沙河镇', county: '临泽县' }));
  const communities = await m.save(Community, ['沙河村', '化音村', '兰家堡村', '新丰村'].map((name) => m.create(Community, { stationId: station.id, name })));
  const worker = await m.save(Worker, m.create(Worker, {
    stationId: station.id, county: '临泽县', username: 'bench', name: '赵敏', role: 'worker', passwordHash: 'x', active: true, tokenVersion: 0,
  }));
  const rows = Array.from({ length: residents }, (_, i) => [
    station.id, communities[i % 4].id, `居民${i}`, i % 2 ? 'female' : 'male', i % 3 ? '1950-01-01' : '1990-01-01',
    JSON.stringify(i % 5 ? ['living_alone'] : []), 'active', 'general', i % 50 === 0 ? 1 : 0, i % 40 === 0 ? null : `bench-r${i}`,
  ]);
  await ctx.db.insertMany('residents', ['stationId', 'communityId', 'name', 'gender', 'birthDate', 'tags', 'status', 'riskTier', 'optedOut', 'wechatContactId'], rows);
  const actor = { kind: 'worker' as const, id: worker.id, role: 'worker' as const, stationId: station.id, county: '临泽县', name: worker.name };

  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  const { broadcast } = await ctx.services.broadcasts.create(actor, { text: '{name}您好！12月5日上午9点在村委会有义诊，想参加回复“我去”。', audience: { all: true } });
  const enqueueSeconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  const queued = await m.count(OutboxMessage, { where: { refType: 'broadcast', refId: broadcast.id } });

  // The sender with no gap over those rows: a counting transport, so the figure is the outbox's own cost.
  let delivered = 0;
  const sender = new OutboxSender(ctx, station.id, { deliver: async (row) => (delivered++, row.toContactId), isUp: () => true }, { gapMs: 0 });
  const s0 = performance.now();
  while (await sender.tick());
  await sender.stop();
  const sendSeconds = (performance.now() - s0) / 1000;
  await ctx.close();
  rmSync(dataDir, { recursive: true, force: true });
  return {
    database: databaseUrl.startsWith('sqlite:') ? 'sqlite-file' : 'mysql',
    residents, recipients: broadcast.recipients, optedOut: broadcast.optedOut, unreachable: broadcast.unreachable, outboxRows: queued,
    enqueueSeconds: Number(enqueueSeconds.toFixed(2)), peakRssMb: Math.round(peak / 1e6), rssGrowthMb: Math.round((peak - rss0) / 1e6),
    sender: { sent: delivered, seconds: Number(sendSeconds.toFixed(2)), perSecond: Math.round(delivered / sendSeconds) },
  };
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-broadcasts-db-'));
  const results: Record<string, unknown>[] = [];
  try {
    results.push(await runOn(`sqlite:${path.join(dir, 'bench.db')}`, args));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const url = process.env.DATABASE_URL;
  if (url && /^(mysql|mariadb):/.test(url)) {
    const db = new URL(url.replace(/^mariadb:/, 'mysql:')).pathname.slice(1);
    if (/bench|test/.test(db)) results.push(await runOn(url, args));
    else results.push({ database: 'mysql', skipped: `database "${db}" is not a bench/test database; its tables would be dropped` });
  }
  return { targets: { enqueueSeconds: 3, senderPerSecond: 500 }, results };
}
