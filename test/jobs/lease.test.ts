import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { JobRun } from '../../entities';
import { AdjustableClock } from '../../services/clock';
import { loadConfig } from '../../services/config';
import { AppContext, createContext } from '../../services/context';
import type { JobDefinition } from '../../services/jobs';
import { createLogger } from '../../services/logger';
import { Scheduler } from '../../jobs/scheduler';
import { onMysql, TEST_DATABASE_URL } from '../helpers';

/** Two instances on one database: SQLite file (two connections) or the MariaDB of the run. */
describe('job leases across instances', () => {
  const url = onMysql ? TEST_DATABASE_URL : `sqlite:${path.join(mkdtempSync(path.join(tmpdir(), 'lease-')), 'db.sqlite')}`;
  let work: string[];
  const job: JobDefinition<AppContext> = {
    name: 'count', schedule: '*/5 * * * *', description: 'test job',
    async run(ctx, at) {
      work.push(`${ctx.services.jobs.owner}@${at.toISOString()}`);
      return { done: true };
    },
  };
  let a: AppContext;
  let b: AppContext;

  beforeAll(async () => {
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: url, LOG_LEVEL: 'silent' });
    const logger = createLogger('silent');
    a = await createContext(config, { jobs: [job], logger, connectAttempts: 1, resetDatabase: onMysql });
    b = await createContext(config, { jobs: [job], logger, connectAttempts: 1 });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });
  beforeEach(async () => {
    work = [];
    await a.db.manager.clear(JobRun);
  });

  it('does the work of a scheduled minute once, however many instances fire it', async () => {
    const slot = new Date('2026-12-03T01:05:00Z');
    const results = await Promise.all([
      a.services.jobs.runScheduled('count', slot), b.services.jobs.runScheduled('count', slot),
      a.services.jobs.runScheduled('count', slot), b.services.jobs.runScheduled('count', new Date(slot.getTime() + 20_000)),
    ]);
    expect(work).toHaveLength(1);
    expect(results.filter(Boolean)).toHaveLength(1);
    const runs = await a.db.manager.find(JobRun, { where: { job: 'count' } });
    expect(runs).toHaveLength(1);
    expect(runs[0].status).toBe('ok');
  });

  it('catches up the latest missed minute once, on start, within the window', async () => {
    const now = new Date('2026-12-03T01:07:30Z');
    const [ca, cb] = await Promise.all([new Scheduler(a).catchUp(now), new Scheduler(b).catchUp(now)]);
    expect([...ca, ...cb]).toEqual(['count']);
    expect(work).toHaveLength(1);
    const again = await new Scheduler(a).catchUp(now);
    expect(again).toEqual([]);
    expect(work).toHaveLength(1);
  });

  it('does not catch up once the clock has been moved (simulator)', async () => {
    const clock = new AdjustableClock(new Date());
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: url, LOG_LEVEL: 'silent' });
    const c = await createContext(config, { jobs: [job], logger: createLogger('silent'), clock, connectAttempts: 1 });
    try {
      expect(await new Scheduler(c).catchUp(new Date('2026-12-03T01:07:30Z'))).toEqual([]);
    } finally {
      await c.close();
    }
  });

  it('records the last success for /readyz, and shows a job nobody runs any more as overdue', async () => {
    await a.services.jobs.runNow('count');
    const last = await b.services.jobs.lastSuccess();
    expect(last.count).not.toBeNull();
    expect((await b.services.jobs.health()).count.overdue).toBe(false);
    // Every five minutes: after two periods and five minutes more without a success, it is overdue.
    const later = new Date(Date.parse(last.count!) + 16 * 60_000);
    expect((await b.services.jobs.health(later)).count).toEqual({ lastSuccess: last.count, overdue: true });
  });
});
