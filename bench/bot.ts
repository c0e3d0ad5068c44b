/**
 * Bot benchmark: inbound text → reply latency through a real Wechaty on the mock puppet (10,000
 * messages from 500 contacts), and the outbox sender's throughput with no gap. Runs on a temporary
 * SQLite file, and also on MySQL/MariaDB when DATABASE_URL names a `bench`/`test` database (its
 * tables are dropped first).
 *
 *   npm run bench -- bot [--messages 10000] [--contacts 500] [--concurrency 10] [--sends 5000]
 */
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startBot } from '../bot';
import { Community, OutboxMessage, Resident, Station } from '../entities';
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

function pct(sorted: number[], p: number): number {
  return Number(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))].toFixed(2));
}

const TEXTS = ['你好', '低保咋申请', '报平安', '菜单', '4', '在吗？', '我爹80多了有钱领不', '【帮助】'];

async function runOn(databaseUrl: string, args: string[]) {
  const messages = arg(args, 'messages', 10_000);
  const contacts = arg(args, 'contacts', 500);
  const concurrency = arg(args, 'concurrency', 10);
  const sends = arg(args, 'sends', 5000);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-bot-'));
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: databaseUrl, DATA_DIR: dataDir, LOG_LEVEL: 'silent', DEMO_DATA: 'false' });
  const clock = new AdjustableClock(atLocal('2026-12-03', '10:00'), { frozen: true });
  const ctx = await createContext(config, { jobs: JOBS, clock, logger: createLogger('silent'), connectAttempts: 1, resetDatabase: !databaseUrl.startsWith('sqlite:') });
  const m = ctx.db.manager;
  if (process.env.BENCH_SQLITE_SYNC && ctx.db.sqlite) await ctx.db.dataSource.query(`PRAGMA synchronous = ${process.env.BENCH_SQLITE_SYNC}`);
  const station = await m.save(Station, m.create(Station, { name: '沙河镇社工站', township: '沙河镇', county: '临泽县', phone: '0936-5521001' }));
  const community = await m.save(Community, m.create(Community, { stationId: station.id, name: '沙河村' }));
  // A fifth of the contacts are bound residents, so identity lookups and check-ins run as in life.
  const ids = Array.from({ length: contacts }, (_, i) => `bench-c${i}`);
  await m.insert(Resident, ids.filter((_, i) => i % 5 === 0).map((id, i) => ({
    stationId: station.id, communityId: community.id, name: `居民${i}`, tags: [], status: 'active' as const, riskTier: 'general' as const,
    optedOut: false, wechatContactId: id, gender: 'female' as const,
  })));
  const bot = await startBot(ctx, { stations: [station.id], refreshMs: 0 });
  const account = bot.account(station.id)!;

  // Warm-up: every contact says hello once (creates the mock contacts; not measured).
  for (const id of ids) await account.chat(id, '你好', id);

  /** `messages` messages, `inFlight` of them at a time; each reply's latency from send to answer. */
  const pass = async (inFlight: number) => {
    const latencies: number[] = [];
    let next = 0;
    let empty = 0;
    const t0 = performance.now();
    const worker = async (w: number) => {
      while (next < messages) {
        const n = next++;
        // Each worker speaks for its own contacts, so a contact's messages are never concurrent.
        const id = ids[(n * inFlight + w) % contacts];
        const start = performance.now();
        const replies = await account.chat(id, TEXTS[n % TEXTS.length]);
        latencies.push(performance.now() - start);
        if (!replies.length) empty++;
      }
    };
    await Promise.all(Array.from({ length: inFlight }, (_, w) => worker(w)));
    const elapsed = (performance.now() - t0) / 1000;
    latencies.sort((a, b) => a - b);
    return {
      messages, contacts, inFlight, withoutReply: empty,
      p50Ms: pct(latencies, 50), p90Ms: pct(latencies, 90), p99Ms: pct(latencies, 99), maxMs: Number(latencies.at(-1)!.toFixed(2)),
      messagesPerSecond: Math.round(messages / elapsed),
    };
  };
  // One at a time: the time to answer a message. Then `concurrency` at once: the same under load,
  // where a 2-core machine queues the work of the other messages in front of each reply.
  const inbound = await pass(1);
  const loaded = concurrency > 1 ? await pass(concurrency) : null;

  // Sender: `sends` rows queued at once, delivered with no gap.
  await bot.stop();
  const senderBot = await startBot(ctx, { stations: [station.id], refreshMs: 0 });
  const senderAccount = senderBot.account(station.id)!;
  for (const id of ids) senderAccount.mocker!.createContact({ id, name: id });
  const s0 = performance.now();
  // The account's own sender loop wakes on the queued rows and works until none is due.
  await ctx.services.outbox.enqueue(Array.from({ length: sends }, (_, i) => ({
    stationId: station.id, toContactId: ids[i % contacts], text: `活动通知 ${i}`, kind: 'bench', dedupeKey: `bench:${i}`,
  })));
  let sent = 0;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    sent = await m.count(OutboxMessage, { where: { stationId: station.id, status: 'sent', kind: 'bench' } });
    if (sent >= sends) break;
    // Poll gently: a count every few milliseconds would compete with the sender for the database.
    await new Promise((r) => setTimeout(r, 100));
  }
  const sendSeconds = (performance.now() - s0) / 1000;
  const pending = await m.count(OutboxMessage, { where: { stationId: station.id, status: 'pending' } });
  await senderBot.stop();
  await ctx.close();
  rmSync(dataDir, { recursive: true, force: true });
  return {
    database: databaseUrl.startsWith('sqlite:') ? 'sqlite-file' : 'mysql',
    inbound,
    inboundLoaded: loaded,
    sender: { sends, sent, pendingLeft: pending, seconds: Number(sendSeconds.toFixed(2)), perSecond: Math.round(sent / sendSeconds) },
  };
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-bot-db-'));
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
  return { targets: { inboundP99Ms: 20, senderPerSecond: 500 }, results };
}

if (require.main === module) {
  run(process.argv.slice(2)).then((r) => console.log(JSON.stringify(r)), (err) => {
    console.error(err);
    process.exit(1);
  });
}
