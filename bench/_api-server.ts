/**
 * The servers of `npm run bench -- api`, in a child process so that the load generator does not share
 * their event loop: a bare Koa handler and the real app on a seeded database, both on loopback.
 */
import 'reflect-metadata';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Koa from 'koa';
import { createApp } from '../api/app';
import { Community, Resident, Station, Worker } from '../entities';
import { JOBS } from '../jobs';
import { AdjustableClock } from '../services/clock';
import { loadConfig } from '../services/config';
import { createContext } from '../services/context';
import { createLogger } from '../services/logger';
import { atLocal } from '../services/time';

function listen(app: Koa): Promise<number> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

async function main(): Promise<void> {
  const databaseUrl = process.env.BENCH_DATABASE_URL!;
  const config = loadConfig({
    NODE_ENV: 'test', DATABASE_URL: databaseUrl, DATA_DIR: mkdtempSync(path.join(tmpdir(), 'bench-api-')),
    LOG_LEVEL: 'silent', DEMO_DATA: 'false', RATE_LIMIT_PER_MINUTE: '100000000',
  });
  const clock = new AdjustableClock(atLocal('2026-12-03', '10:00'), { frozen: true });
  const ctx = await createContext(config, {
    jobs: JOBS, clock, logger: createLogger('silent'), connectAttempts: 1, resetDatabase: !databaseUrl.startsWith('sqlite:'),
  });
  const m = ctx.db.manager;
  const station = await m.save(Station, m.create(Station, { name: '沙河镇社工站', township: '沙河镇', county: '临泽县', phone: '0936-5521001' }));
  const community = await m.save(Community, m.create(Community, { stationId: station.id, name: '沙河村' }));
  await m.insert(Resident, Array.from({ length: 200 }, (_, i) => ({
    stationId: station.id, communityId: community.id, name: `居民${i}`, tags: ['living_alone' as const], status: 'active' as const,
    riskTier: 'general' as const, optedOut: false, phone: `138${String(i).padStart(8, '0')}`, address: `沙河村${i}号`, birthDate: '1945-03-01',
  })));
  const worker = await m.save(Worker, m.create(Worker, {
    username: 'bench', name: '社工', county: '临泽县', role: 'worker', stationId: station.id, active: true, tokenVersion: 0,
    passwordHash: await ctx.services.auth.hashPassword('bench-password'),
  }));
  // `--no-search-cache`: the policy search without its answer cache, every question searched anew.
  if (process.env.BENCH_SEARCH_CACHE === '0') ctx.services.policyIndex.searchCacheSize = 0;
  await ctx.services.policyImport.loadDefaults();
  await ctx.services.policyIndex.search('低保', { stationId: station.id, limit: 5 }); // builds the index

  const bare = new Koa();
  bare.use((koa) => {
    koa.body = { ok: true };
  });
  const ports = { bare: await listen(bare), app: await listen(createApp(ctx)) };
  process.send!({ ports, token: ctx.services.auth.workerToken(worker) });
}

process.on('SIGINT', () => process.exit(0));

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
