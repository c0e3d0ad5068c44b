/**
 * The server side of `npm run bench -- bookings`, in a child process so that the load generator does
 * not share its event loop (as bench/_api-server.ts does for `bench api`): seeds a station, a slot of
 * `seats` seats for the HTTP run and another for the raw run, `seats` residents with their tokens;
 * serves the real app on loopback; on request runs the raw transaction on the same database, the
 * same way as before (directly on the driver, in this process, while the server is idle).
 */
import 'reflect-metadata';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Koa from 'koa';
import mysql from 'mysql2/promise';
import { createApp } from '../api/app';
import { BookableService, BookingSlot, Community, Station } from '../entities';
import { JOBS } from '../jobs';
import { AdjustableClock } from '../services/clock';
import { loadConfig } from '../services/config';
import { AppContext, createContext } from '../services/context';
import { dbInstant } from '../services/db';
import { createLogger } from '../services/logger';
import { pool } from './_pool';

interface Seeded {
  httpSlot: BookingSlot;
  rawSlot: BookingSlot;
  tokens: string[];
  residentIds: number[];
  /** The warm-up's own slots and residents, so that the measured slots and residents start untouched. */
  warm: { httpSlot: BookingSlot; rawSlot: BookingSlot; tokens: string[]; residentIds: number[] };
}

/** What the server tells the load generator once it listens. */
export interface Ready {
  port: number;
  /** A bare Koa app answering every request 201 `{ ok: true }` at once: the HTTP floor on this machine. */
  barePort: number;
  httpSlotId: number;
  tokens: string[];
  warm: { httpSlotId: number; tokens: string[] };
}

async function seed(ctx: AppContext, seats: number): Promise<Seeded> {
  const m = ctx.db.manager;
  const station = await m.save(Station, m.create(Station, { name: '基准镇社工站', township: '基准镇', county: '基准县' }));
  const community = await m.save(Community, m.create(Community, { stationId: station.id, name: '基准村' }));
  const service = await m.save(BookableService, m.create(BookableService, {
    stationId: station.id, name: '长者助餐', description: '', durationMinutes: 60, location: null, tags: [], recordType: 'community', active: true, createdBy: null,
  }));
  const startsAt = new Date(ctx.clock.now().getTime() + 3 * 86400_000);
  const slot = (offsetMs: number) => m.save(BookingSlot, m.create(BookingSlot, {
    serviceId: service.id, stationId: station.id, startsAt: new Date(startsAt.getTime() + offsetMs), endsAt: new Date(startsAt.getTime() + offsetMs + 3600_000),
    capacity: seats, booked: 0, held: 0, status: 'open', cancelReason: null,
  }));
  const httpSlot = await slot(0);
  const rawSlot = await slot(86400_000);
  const warmHttpSlot = await slot(2 * 86400_000);
  const warmRawSlot = await slot(3 * 86400_000);
  const now = new Date();
  await ctx.db.insertMany('residents', ['stationId', 'communityId', 'name', 'tags', 'status', 'riskTier', 'optedOut', 'openid', 'createdAt', 'updatedAt'],
    Array.from({ length: 2 * seats }, (_, i) => [station.id, community.id, `居民${i}`, '[]', 'active', 'general', false, `bench-o${i}`, now, now]));
  const rows = await ctx.db.rows<{ id: number; openid: string }>('SELECT id, openid FROM residents WHERE stationId = ? ORDER BY id', [station.id]);
  const tokens = rows.map((r) => ctx.services.auth.residentToken(r.openid));
  const residentIds = rows.map((r) => Number(r.id));
  return {
    httpSlot, rawSlot, tokens: tokens.slice(0, seats), residentIds: residentIds.slice(0, seats),
    warm: { httpSlot: warmHttpSlot, rawSlot: warmRawSlot, tokens: tokens.slice(seats), residentIds: residentIds.slice(seats) },
  };
}

const RAW_INSERT = `INSERT INTO bookings (stationId, slotId, serviceId, residentId, status, activeKey, channel, startsAt, createdAt)
  VALUES (?, ?, ?, ?, 'booked', ?, 'miniapp', ?, ?)`;
const RAW_SEAT = 'UPDATE booking_slots SET booked = booked + 1 WHERE id = ? AND booked + held < capacity';

async function rawMysql(url: string, slot: BookingSlot, residentIds: number[], clients: number) {
  const u = new URL(url.replace(/^mariadb:/, 'mysql:'));
  const db = await mysql.createPool({
    host: u.hostname, port: Number(u.port || 3306), user: decodeURIComponent(u.username), password: decodeURIComponent(u.password),
    database: u.pathname.slice(1), connectionLimit: clients, timezone: 'Z',
  });
  try {
    return await pool(residentIds.length, clients, async (i) => {
      const c = await db.getConnection();
      try {
        await c.beginTransaction();
        const [res] = await c.execute(RAW_SEAT, [slot.id]);
        if ((res as { affectedRows: number }).affectedRows !== 1) {
          await c.rollback();
          return 409;
        }
        await c.execute(RAW_INSERT, [slot.stationId, slot.id, slot.serviceId, residentIds[i], `${slot.id}:${residentIds[i]}`, dbInstant(slot.startsAt), dbInstant(new Date())]);
        await c.commit();
        return 201;
      } finally {
        c.release();
      }
    });
  } finally {
    await db.end();
  }
}

/** The better-sqlite3 handle under TypeORM's driver: the raw transaction runs on it directly. */
interface SqliteHandle {
  prepare(sql: string): { run(...params: unknown[]): { changes: number } };
  transaction<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R;
}

async function rawSqlite(ctx: AppContext, slot: BookingSlot, residentIds: number[], clients: number) {
  const db = (ctx.db.dataSource.driver as unknown as { databaseConnection: SqliteHandle }).databaseConnection;
  const seat = db.prepare(RAW_SEAT);
  const insert = db.prepare(RAW_INSERT);
  const book = db.transaction((residentId: number) => {
    if (seat.run(slot.id).changes !== 1) return 409;
    insert.run(slot.stationId, slot.id, slot.serviceId, residentId, `${slot.id}:${residentId}`, dbInstant(slot.startsAt), dbInstant(new Date()));
    return 201;
  });
  // One connection, one writer: the "clients" take turns, as they do through the application.
  return pool(residentIds.length, clients, async (i) => book(residentIds[i]));
}

/**
 * `BENCH_DB_PID=<pid>` (MariaDB/MySQL on this machine): that process's CPU time so far in µs, from
 * /proc (utime + stime, at the usual 100 ticks a second); 0 without it.
 */
function dbCpuUs(): number {
  const pid = process.env.BENCH_DB_PID;
  if (!pid) return 0;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

async function main(): Promise<void> {
  const url = process.env.BENCH_DATABASE_URL!;
  const seats = Number(process.env.BENCH_SEATS);
  const clients = Number(process.env.BENCH_CLIENTS);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-bookings-data-'));
  const clock = new AdjustableClock(new Date('2026-12-03T09:00:00+08:00'), { frozen: true });
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: url, LOG_LEVEL: 'silent', DATA_DIR: dataDir, RATE_LIMIT_PER_MINUTE: '1000000' });
  const mysqlUrl = /^(mysql|mariadb):/.test(url);
  const ctx = await createContext(config, { jobs: JOBS, clock, logger: createLogger('silent'), connectAttempts: 1, resetDatabase: mysqlUrl });
  const s = await seed(ctx, seats);
  const app = createApp(ctx);
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((ok) => server.once('listening', ok));
  const bare = new Koa().use((koa) => {
    koa.status = 201;
    koa.body = { ok: true };
  }).listen(0, '127.0.0.1');
  await new Promise<void>((ok) => bare.once('listening', ok));
  const booked = async (slotId: number) => (await ctx.db.manager.findOneByOrFail(BookingSlot, { id: slotId })).booked;
  // This process's CPU time (user + system) per booking, over the HTTP run and over the raw run.
  let httpCpu = process.cpuUsage();
  let httpDbCpu = 0;
  const cpuUsPerBooking = (u: NodeJS.CpuUsage) => Math.round((u.user + u.system) / seats);
  // BENCH_CPU_PROF=<dir>: a CPU profile of the measured HTTP run only (not the start, the warm-up or the raw run).
  const profileDir = process.env.BENCH_CPU_PROF;
  const inspector = profileDir ? new Session() : undefined;
  let bareCpu = process.cpuUsage();
  let bareCpuUs = 0;
  process.on('message', (m: { do: 'bare' | 'start' | 'raw' | 'close' }) => {
    void (async () => {
      if (m.do === 'bare') {
        bareCpu = process.cpuUsage();
        process.send!({ started: true });
      } else if (m.do === 'start') {
        bareCpuUs = cpuUsPerBooking(process.cpuUsage(bareCpu));
        if (inspector) {
          inspector.connect();
          await inspector.post('Profiler.enable');
          await inspector.post('Profiler.start');
        }
        httpCpu = process.cpuUsage();
        httpDbCpu = dbCpuUs();
        process.send!({ started: true });
      } else if (m.do === 'raw') {
        const httpCpuUs = cpuUsPerBooking(process.cpuUsage(httpCpu));
        const httpDbCpuUs = Math.round((dbCpuUs() - httpDbCpu) / seats);
        if (inspector) {
          const { profile } = await inspector.post('Profiler.stop');
          writeFileSync(path.join(profileDir!, `bookings-http-${process.pid}.cpuprofile`), JSON.stringify(profile));
          inspector.disconnect();
        }
        const httpSeats = await booked(s.httpSlot.id);
        const rawRun = (slot: BookingSlot, residentIds: number[]) => (mysqlUrl ? rawMysql(url, slot, residentIds, clients) : rawSqlite(ctx, slot, residentIds, clients));
        await rawRun(s.warm.rawSlot, s.warm.residentIds); // warm-up, as the HTTP run had, not measured
        const rawCpu = process.cpuUsage();
        const rawDbCpu = dbCpuUs();
        const raw = await rawRun(s.rawSlot, s.residentIds);
        const rawCpuUs = cpuUsPerBooking(process.cpuUsage(rawCpu));
        const rawDbCpuUs = Math.round((dbCpuUs() - rawDbCpu) / seats);
        process.send!({ raw, httpSeats, rawSeats: await booked(s.rawSlot.id), httpCpuUs, rawCpuUs, bareCpuUs, httpDbCpuUs, rawDbCpuUs });
      } else {
        await new Promise((ok) => server.close(ok));
        await new Promise((ok) => bare.close(ok));
        await ctx.close();
        rmSync(dataDir, { recursive: true, force: true });
        process.exit(0);
      }
    })().catch((err) => {
      console.error(err);
      process.exit(1);
    });
  });
  const ready: Ready = { port: (server.address() as AddressInfo).port, barePort: (bare.address() as AddressInfo).port, httpSlotId: s.httpSlot.id, tokens: s.tokens, warm: { httpSlotId: s.warm.httpSlot.id, tokens: s.warm.tokens } };
  process.send!(ready);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
