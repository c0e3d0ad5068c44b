import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { In } from 'typeorm';
import { MessageLog, OutboxMessage, Station } from '../../entities';
import { OutboxSender } from '../../bot/sender';
import { AdjustableClock } from '../../services/clock';
import { loadConfig } from '../../services/config';
import { AppContext, createContext } from '../../services/context';
import { createLogger } from '../../services/logger';
import { atLocal } from '../../services/time';
import { onMysql, TEST_DATABASE_URL } from '../helpers';

jest.setTimeout(180_000);

/** Waits (bounded) until `done()` holds: the other process works in real time. */
async function until(done: () => boolean | Promise<boolean>, what: string, ms = 90_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number) : []);

/**
 * The sender commits its sent marks in groups and keeps a journal in between: a sender process
 * killed mid-broadcast (SIGKILL, no chance to flush) and a new one started on the same data
 * directory deliver every row, and none twice but the one in flight.
 */
describe('outbox sender killed mid-broadcast', () => {
  let ctx: AppContext;
  let dir: string;
  let databaseUrl: string;
  const now = atLocal('2026-12-03', '10:00');

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sender-crash-'));
    databaseUrl = onMysql ? TEST_DATABASE_URL : `sqlite:${path.join(dir, 'station.db')}`;
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: databaseUrl, DATA_DIR: dir, LOG_LEVEL: 'silent', DEMO_DATA: 'false' });
    ctx = await createContext(config, { clock: new AdjustableClock(now, { frozen: true }), logger: createLogger('silent'), connectAttempts: 1, resetDatabase: onMysql });
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('sends each of 600 rows once (at most the row in flight again) across the kill and the restart', async () => {
    const m = ctx.db.manager;
    const station = await m.save(Station, m.create(Station, { name: '沙河镇社工站', township: '沙河镇', county: '临泽县' }));
    const total = 600;
    await ctx.services.outbox.enqueue(Array.from({ length: total }, (_, i) => ({
      stationId: station.id, toContactId: `crash-${i}`, text: `停水通知 ${i}`, kind: 'broadcast', dedupeKey: `crash:${i}`,
    })));
    const deliveries = path.join(dir, 'deliveries.txt');
    // `node --import tsx`: one process (the tsx wrapper would run the script in a grandchild the kill does not reach).
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'sender-child.ts'), databaseUrl, dir, String(station.id), deliveries, now.toISOString()], { stdio: ['ignore', 'ignore', 'pipe'], cwd: path.join(__dirname, '../..') });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    await until(() => lines(deliveries).length >= 150 || child.exitCode !== null, 'the child to send 150 rows');
    expect(stderr).toBe('');
    child.kill('SIGKILL');
    await exited;
    const before = lines(deliveries).length;
    expect(before).toBeLessThan(total);
    // Killed between group commits: the database does not know yet that these were sent; the journal does.
    expect(await m.count(OutboxMessage, { where: { stationId: station.id, status: 'sent' } })).toBeLessThan(before);
    expect(readdirSync(dir).some((f) => f.endsWith('.journal'))).toBe(true);

    const got: number[] = [];
    const sender = new OutboxSender(ctx, station.id, {
      deliver: async (row) => {
        got.push(row.id);
        return row.toContactId;
      },
      isUp: () => true,
    }, { gapMs: 0 });
    await sender.start();
    await until(async () => (await m.count(OutboxMessage, { where: { stationId: station.id, status: In(['pending', 'sending']) } })) === 0, 'the rest to be sent');
    await sender.stop();

    const all = [...lines(deliveries), ...got];
    const counts = new Map<number, number>();
    for (const id of all) counts.set(id, (counts.get(id) ?? 0) + 1);
    expect(counts.size).toBe(total);
    const twice = [...counts.values()].filter((n) => n > 1);
    expect(twice.length).toBeLessThanOrEqual(1);
    expect(Math.max(...counts.values())).toBeLessThanOrEqual(2);
    expect(await m.count(OutboxMessage, { where: { stationId: station.id, status: 'sent' } })).toBe(total);
    // Every row sent is in the message log once, those recovered from the journal included.
    expect(await m.count(MessageLog, { where: { stationId: station.id, direction: 'out' } })).toBe(total);
    expect(readdirSync(dir).filter((f) => f.endsWith('.journal'))).toEqual([]);
  });
});
