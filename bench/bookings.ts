import 'reflect-metadata';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { createApp } from '../api/app';
import { BookableService, BookingSlot, Community, Station } from '../entities';
import { JOBS } from '../jobs';
import { AdjustableClock } from '../services/clock';
import { loadConfig } from '../services/config';
import { AppContext, createContext } from '../services/context';
import { dbInstant } from '../services/db';
import { createLogger } from '../services/logger';

/**
 * `npm run bench -- bookings [--seats 1000] [--clients 50]`: bookings per second on one slot of
 * `seats` seats, `clients` at a time,
 *  - through the HTTP API (`POST /api/bookings` with resident tokens, the whole stack: token check,
 *    validation, the booking transaction with its checks, the presenter), and
 *  - the raw rate of the same transaction run directly on the database (the conditional seat update
 *    and the booking insert, one transaction each, `clients` connections on MySQL, one on SQLite),
 * in the same run, on SQLite (a temp file, WAL) and, with DATABASE_URL, on MySQL/MariaDB (its tables
 * are dropped first: give it a database of its own). The target is HTTP ≥ 50% of raw.
 */

function arg(args: string[], name: string, def: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
}

interface Seeded {
  httpSlot: BookingSlot;
  rawSlot: BookingSlot;
  tokens: string[];
  residentIds: number[];
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
  const now = new Date();
  await ctx.db.insertMany('residents', ['stationId', 'communityId', 'name', 'tags', 'status', 'riskTier', 'optedOut', 'openid', 'createdAt', 'updatedAt'],
    Array.from({ length: seats }, (_, i) => [station.id, community.id, `居民${i}`, '[]', 'active', 'general', false, `bench-o${i}`, now, now]));
  const rows = await ctx.db.rows<{ id: number; openid: string }>('SELECT id, openid FROM residents WHERE stationId = ? ORDER BY id', [station.id]);
  return { httpSlot, rawSlot, tokens: rows.map((r) => ctx.services.auth.residentToken(r.openid)), residentIds: rows.map((r) => Number(r.id)) };
}

/** Runs `n` tasks with `clients` at a time; returns the rate per second and the statuses. */
async function pool(n: number, clients: number, task: (i: number) => Promise<number>): Promise<{ perSecond: number; ms: number; statuses: Record<string, number> }> {
  let next = 0;
  const statuses: Record<string, number> = {};
  const t0 = performance.now();
  await Promise.all(Array.from({ length: clients }, async () => {
    while (next < n) {
      const i = next++;
      const s = String(await task(i));
      statuses[s] = (statuses[s] ?? 0) + 1;
    }
  }));
  const ms = performance.now() - t0;
  return { perSecond: Math.round((n / ms) * 1000), ms: Math.round(ms), statuses };
}

async function viaHttp(ctx: AppContext, s: Seeded, clients: number) {
  const server = http.createServer(createApp(ctx).callback());
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/bookings`;
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const post = (token: string, body: string) => new Promise<number>((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
  try {
    // A short warm-up on another slot would change the seats; warm the stack with a read instead.
    await Promise.all(Array.from({ length: clients }, () => new Promise((ok) => http.get(url.replace('/bookings', '/services?stationId=1'), { agent }, (r) => r.resume().on('end', ok)))));
    const body = JSON.stringify({ slotId: s.httpSlot.id });
    return await pool(s.tokens.length, clients, (i) => post(s.tokens[i], body));
  } finally {
    agent.destroy();
    await new Promise((ok) => server.close(ok));
  }
}

const RAW_INSERT = `INSERT INTO bookings (stationId, slotId, serviceId, residentId, status, activeKey, channel, startsAt, createdAt)
  VALUES (?, ?, ?, ?, 'booked', ?, 'miniapp', ?, ?)`;
const RAW_SEAT = 'UPDATE booking_slots SET booked = booked + 1 WHERE id = ? AND booked + held < capacity';

async function rawMysql(url: string, s: Seeded, clients: number) {
  const u = new URL(url.replace(/^mariadb:/, 'mysql:'));
  const db = await mysql.createPool({
    host: u.hostname, port: Number(u.port || 3306), user: decodeURIComponent(u.username), password: decodeURIComponent(u.password),
    database: u.pathname.slice(1), connectionLimit: clients, timezone: 'Z',
  });
  const slot = s.rawSlot;
  try {
    return await pool(s.residentIds.length, clients, async (i) => {
      const c = await db.getConnection();
      try {
        await c.beginTransaction();
        const [res] = await c.execute(RAW_SEAT, [slot.id]);
        if ((res as { affectedRows: number }).affectedRows !== 1) {
          await c.rollback();
          return 409;
        }
        await c.execute(RAW_INSERT, [slot.stationId, slot.id, slot.serviceId, s.residentIds[i], `${slot.id}:${s.residentIds[i]}`, dbInstant(slot.startsAt), dbInstant(new Date())]);
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

async function rawSqlite(ctx: AppContext, s: Seeded, clients: number) {
  const db = (ctx.db.dataSource.driver as unknown as { databaseConnection: SqliteHandle }).databaseConnection;
  const seat = db.prepare(RAW_SEAT);
  const insert = db.prepare(RAW_INSERT);
  const slot = s.rawSlot;
  const book = db.transaction((residentId: number) => {
    if (seat.run(slot.id).changes !== 1) return 409;
    insert.run(slot.stationId, slot.id, slot.serviceId, residentId, `${slot.id}:${residentId}`, dbInstant(slot.startsAt), dbInstant(new Date()));
    return 201;
  });
  // One connection, one writer: the "clients" take turns, as they do through the application.
  return pool(s.residentIds.length, clients, async (i) => book(s.residentIds[i]));
}

async function runOn(url: string, seats: number, clients: number): Promise<Record<string, unknown>> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-bookings-data-'));
  const clock = new AdjustableClock(new Date('2026-12-03T09:00:00+08:00'), { frozen: true });
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: url, LOG_LEVEL: 'silent', DATA_DIR: dataDir, RATE_LIMIT_PER_MINUTE: '1000000' });
  const mysqlUrl = /^(mysql|mariadb):/.test(url);
  const ctx = await createContext(config, { jobs: JOBS, clock, logger: createLogger('silent'), connectAttempts: 1, resetDatabase: mysqlUrl });
  try {
    const s = await seed(ctx, seats);
    const httpRun = await viaHttp(ctx, s, clients);
    const booked = (await ctx.db.manager.findOneByOrFail(BookingSlot, { id: s.httpSlot.id })).booked;
    const raw = mysqlUrl ? await rawMysql(url, s, clients) : await rawSqlite(ctx, s, clients);
    const rawBooked = (await ctx.db.manager.findOneByOrFail(BookingSlot, { id: s.rawSlot.id })).booked;
    return {
      engine: mysqlUrl ? 'mysql' : 'sqlite', seats, clients,
      http: { bookingsPerSecond: httpRun.perSecond, ms: httpRun.ms, statuses: httpRun.statuses, seatsTaken: booked },
      raw: { bookingsPerSecond: raw.perSecond, ms: raw.ms, statuses: raw.statuses, seatsTaken: rawBooked },
      httpShareOfRaw: Math.round((httpRun.perSecond / raw.perSecond) * 1000) / 1000,
    };
  } finally {
    await ctx.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const seats = arg(args, 'seats', 1000);
  const clients = arg(args, 'clients', 50);
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-bookings-'));
  const results: Record<string, unknown>[] = [];
  try {
    results.push(await runOn(`sqlite:${path.join(dir, 'bench.sqlite')}`, seats, clients));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const url = process.env.DATABASE_URL;
  if (url && /^(mysql|mariadb):/.test(url)) {
    const db = new URL(url.replace(/^mariadb:/, 'mysql:')).pathname.slice(1);
    if (/bench|test/.test(db)) results.push(await runOn(url, seats, clients));
    else results.push({ engine: 'mysql', skipped: `database "${db}" is not a bench/test database; its tables would be dropped` });
  }
  return { target: 'http ≥ 0.5 × raw', results };
}
