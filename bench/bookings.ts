import { fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Ready } from './_bookings-server';
import { pool } from './_pool';

/**
 * `npm run bench -- bookings [--seats 1000] [--clients 50]`: bookings per second on one slot of
 * `seats` seats, `clients` at a time,
 *  - through the HTTP API (`POST /api/bookings` with resident tokens, the whole stack: token check,
 *    validation, the booking transaction with its checks, the presenter), and
 *  - the raw rate of the same transaction run directly on the database (the conditional seat update
 *    and the booking insert, one transaction each, `clients` connections on MySQL, one on SQLite),
 * in the same run, on SQLite (a temp file, WAL) and, with DATABASE_URL, on MySQL/MariaDB (its tables
 * are dropped first: give it a database of its own). The target is HTTP ≥ 50% of raw.
 *
 * The server (and the raw run, on its database connection, while the server is idle) lives in a child
 * process, bench/_bookings-server.ts, so that this load generator does not share its event loop: the
 * HTTP client is not the product. Both runs are measured warm: each first books a slot of its own
 * with residents of its own (unmeasured), as a running server would be. `serverCpuUsPerBooking` and
 * `cpuUsPerBooking` are the server process's CPU time (all its threads) per booking in each run,
 * `clientCpuUsPerBooking` this load generator's; with `BENCH_DB_PID=<pid of mariadbd>` also the
 * database server's (`dbServerCpuUsPerBooking`, from /proc).
 * `bareKoa` is the same requests, same client, to a Koa handler that only answers 201: the HTTP
 * floor on this machine, beside the raw rate. `BENCH_CPU_PROF=<dir>` writes a CPU profile of the
 * server over the measured HTTP run there.
 */

function arg(args: string[], name: string, def: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
}

interface RawAnswer {
  raw: { perSecond: number; ms: number; statuses: Record<string, number> };
  httpSeats: number;
  rawSeats: number;
  /** The server process's CPU time per booking over the HTTP run, and over the raw run (µs). */
  httpCpuUs: number;
  rawCpuUs: number;
  bareCpuUs: number;
  /** The database server's CPU time per booking in each run (µs; BENCH_DB_PID). */
  httpDbCpuUs: number;
  rawDbCpuUs: number;
}

function nextMessage<T>(child: ChildProcess): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`bench server exited (${code})`));
    child.once('exit', onExit);
    child.once('message', (m) => {
      child.off('exit', onExit);
      resolve(m as T);
    });
  });
}

async function viaHttp(child: ChildProcess, ready: Ready, clients: number) {
  const url = `http://127.0.0.1:${ready.port}/api/bookings`;
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const post = (token: string, body: string, to = url) => new Promise<number>((resolve, reject) => {
    const req = http.request(to, { method: 'POST', agent, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
  try {
    // Warm-up (JIT, caches): the same bookings on a slot of their own, by residents of their own, so
    // the measured slot and residents start untouched; not measured. The raw run is warmed alike.
    const warmBody = JSON.stringify({ slotId: ready.warm.httpSlotId });
    await pool(ready.warm.tokens.length, clients, (i) => post(ready.warm.tokens[i], warmBody));
    const body = JSON.stringify({ slotId: ready.httpSlotId });
    // The same requests to a bare Koa handler in the same process: what HTTP alone allows.
    const bareUrl = `http://127.0.0.1:${ready.barePort}/api/bookings`;
    await pool(ready.tokens.length, clients, (i) => post(ready.tokens[i], body, bareUrl));
    const bareStarted = nextMessage(child);
    child.send({ do: 'bare' });
    await bareStarted;
    const bare = await pool(ready.tokens.length, clients, (i) => post(ready.tokens[i], body, bareUrl));
    const started = nextMessage(child);
    child.send({ do: 'start' });
    await started;
    const clientCpu = process.cpuUsage();
    const measured = await pool(ready.tokens.length, clients, (i) => post(ready.tokens[i], body));
    const used = process.cpuUsage(clientCpu);
    return { ...measured, bare, clientCpuUs: Math.round((used.user + used.system) / ready.tokens.length) };
  } finally {
    agent.destroy();
  }
}

async function runOn(url: string, seats: number, clients: number): Promise<Record<string, unknown>> {
  const child = fork(path.join(__dirname, '_bookings-server.ts'), [], {
    env: { ...process.env, BENCH_DATABASE_URL: url, BENCH_SEATS: String(seats), BENCH_CLIENTS: String(clients) },
  });
  try {
    const ready = await nextMessage<Ready>(child);
    const httpRun = await viaHttp(child, ready, clients);
    const answer = nextMessage<RawAnswer>(child);
    child.send({ do: 'raw' });
    const { raw, httpSeats, rawSeats, httpCpuUs, rawCpuUs, bareCpuUs, httpDbCpuUs, rawDbCpuUs } = await answer;
    const mysqlRun = /^(mysql|mariadb):/.test(url);
    const db = (us: number) => (mysqlRun && process.env.BENCH_DB_PID ? { dbServerCpuUsPerBooking: us } : {});
    return {
      engine: mysqlRun ? 'mysql' : 'sqlite', seats, clients,
      bareKoa: { requestsPerSecond: httpRun.bare.perSecond, serverCpuUsPerRequest: bareCpuUs, shareOfRaw: Math.round((httpRun.bare.perSecond / raw.perSecond) * 1000) / 1000 },
      http: { bookingsPerSecond: httpRun.perSecond, ms: httpRun.ms, statuses: httpRun.statuses, seatsTaken: httpSeats,
        serverCpuUsPerBooking: httpCpuUs, clientCpuUsPerBooking: httpRun.clientCpuUs, ...db(httpDbCpuUs) },
      raw: { bookingsPerSecond: raw.perSecond, ms: raw.ms, statuses: raw.statuses, seatsTaken: rawSeats, cpuUsPerBooking: rawCpuUs, ...db(rawDbCpuUs) },
      httpShareOfRaw: Math.round((httpRun.perSecond / raw.perSecond) * 1000) / 1000,
    };
  } finally {
    const exited = new Promise((ok) => child.once('exit', ok));
    if (child.exitCode === null) {
      child.send({ do: 'close' });
      await exited;
    }
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
