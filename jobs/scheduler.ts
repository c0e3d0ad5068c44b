import cron, { ScheduledTask } from 'node-cron';
import type { AppContext } from '../services/context';
import { minuteOf } from '../services/jobs';
import { TZ } from '../services/time';

/**
 * node-cron drives the schedules; its run coordinator is backed by the job lease table, so any
 * number of instances may run this and each minute's work is done once. Scheduled runs pause once
 * the application clock has been moved (the simulator): jobs then run on demand only.
 */
export class Scheduler {
  private tasks: ScheduledTask[] = [];
  private running = new Set<Promise<unknown>>();

  constructor(private readonly ctx: AppContext) {}

  private track<T>(p: Promise<T>): Promise<T> {
    this.running.add(p);
    p.finally(() => this.running.delete(p)).catch(() => undefined);
    return p;
  }

  start(): void {
    const { jobs } = this.ctx.services;
    const coordinator = {
      shouldRun: async (key: string) => {
        if (this.ctx.clock.adjusted) return false;
        const sep = key.indexOf(':');
        return jobs.claim(key.slice(0, sep), new Date(key.slice(sep + 1)));
      },
    };
    for (const def of jobs.list()) {
      const task = cron.schedule(
        def.schedule,
        (tc) => this.track(jobs.runScheduled(def.name, tc.date)).catch(() => undefined),
        { name: def.name, timezone: TZ, noOverlap: true, distributed: true, runCoordinator: coordinator, distributedLease: 60_000 },
      );
      this.tasks.push(task);
    }
    this.ctx.logger.info({ jobs: jobs.list().map((j) => `${j.name} (${j.schedule})`) }, 'scheduler started');
  }

  /**
   * Makes up, once, the latest scheduled minute of each job that no instance ran while the process
   * was down, if it lies within the job's catch-up window.
   */
  async catchUp(now = new Date()): Promise<string[]> {
    if (this.ctx.clock.adjusted) return [];
    const { jobs } = this.ctx.services;
    const caught: string[] = [];
    for (const def of jobs.list()) {
      const windowMin = def.catchUpMinutes ?? this.ctx.config.jobCatchUpMinutes;
      const task = cron.createTask(def.schedule, () => undefined, { timezone: TZ });
      let slot: Date | null = null;
      for (let m = 1; m <= windowMin; m++) {
        const candidate = minuteOf(new Date(now.getTime() - m * 60_000));
        if (task.match(candidate)) {
          slot = candidate;
          break;
        }
      }
      await task.destroy();
      if (!slot || !(await jobs.claim(def.name, slot))) continue;
      caught.push(def.name);
      await this.track(jobs.runScheduled(def.name, slot)).catch(() => undefined);
    }
    if (caught.length) this.ctx.logger.info({ jobs: caught }, 'caught up missed job runs');
    return caught;
  }

  /** Stops firing and waits for runs in flight. */
  async stop(): Promise<void> {
    for (const t of this.tasks) await t.stop();
    this.tasks = [];
    await Promise.allSettled([...this.running]);
  }
}
