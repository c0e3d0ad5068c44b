import { randomUUID } from 'node:crypto';
import cron from 'node-cron';
import { IsNull, Not } from 'typeorm';
import { JobRun } from '../entities';
import type { Infra } from './infra';
import { isUniqueViolation, notFound } from './errors';
import { TZ } from './time';

export type JobSummary = Record<string, unknown>;

/**
 * A scheduled job: one file per job in `jobs/`, typed `JobDefinition<AppContext>` there (the job runs
 * with the whole context; this module only schedules and records it).
 */
export interface JobDefinition<C = unknown> {
  name: string;
  /** node-cron expression, Asia/Shanghai time. */
  schedule: string;
  description: string;
  /** How far back a missed run is made up on start (defaults to the configured window). */
  catchUpMinutes?: number;
  run(ctx: C, at: Date): Promise<JobSummary>;
}

/** The minute a scheduled fire belongs to. */
export function minuteOf(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 60_000) * 60_000);
}

/**
 * Runs jobs. A scheduled run first takes its lease, the unique (job, minute) row, so that several
 * instances firing the same schedule do the work once; runs by hand take none and rely on the jobs'
 * own idempotence (dedupe keys). Runs of one job in this process wait for each other.
 */
export class JobService {
  private readonly defs = new Map<string, JobDefinition>();
  private readonly inFlight = new Map<string, Promise<unknown>>();
  /** Leases this instance took and has not yet run. */
  private readonly held = new Set<string>();
  readonly owner = `${process.pid}-${randomUUID().slice(0, 8)}`;

  constructor(
    private readonly ctx: Infra,
    jobs: JobDefinition[],
    /** The context the jobs run with; read when a job runs, after the wiring has finished. */
    private readonly jobContext: () => unknown,
  ) {
    for (const j of jobs) this.defs.set(j.name, j);
  }

  list(): JobDefinition[] {
    return [...this.defs.values()];
  }

  get(name: string): JobDefinition {
    const def = this.defs.get(name);
    if (!def) throw notFound(`任务 ${name} `, 'unknown_job');
    return def;
  }

  /** Takes the lease for a scheduled minute; false when another instance (or call) has it. */
  async claim(name: string, slot: Date): Promise<boolean> {
    this.get(name);
    const minute = minuteOf(slot);
    try {
      await this.ctx.db.manager.insert(JobRun, {
        job: name, slot: minute, owner: this.owner, status: 'running', startedAt: new Date(),
        finishedAt: null, at: null, summary: null,
      });
      this.held.add(`${name}@${minute.toISOString()}`);
      return true;
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
  }

  /** Runs a scheduled minute whose lease this instance holds (taking it first if needed). */
  async runScheduled(name: string, slot: Date): Promise<JobSummary | null> {
    const minute = minuteOf(slot);
    const key = `${name}@${minute.toISOString()}`;
    if (!this.held.has(key) && !(await this.claim(name, minute))) return null;
    if (!this.held.delete(key)) return null;
    const run = await this.ctx.db.manager.findOneOrFail(JobRun, { where: { job: name, slot: minute } });
    return this.execute(name, this.ctx.clock.now(), run.id);
  }

  /** Runs a job now, by hand, for the application instant `at`. */
  async runNow(name: string, at: Date = this.ctx.clock.now()): Promise<JobSummary> {
    this.get(name);
    const run = await this.ctx.db.manager.save(JobRun, {
      job: name, slot: null, owner: this.owner, status: 'running', startedAt: new Date(), finishedAt: null, at, summary: null,
    });
    return this.execute(name, at, run.id);
  }

  private async execute(name: string, at: Date, runId: number): Promise<JobSummary> {
    const def = this.get(name);
    const previous = this.inFlight.get(name) ?? Promise.resolve();
    const current = previous.catch(() => undefined).then(() => def.run(this.jobContext(), at));
    this.inFlight.set(name, current);
    const repo = this.ctx.db.manager.getRepository(JobRun);
    try {
      const summary = await current;
      await repo.update({ id: runId }, { status: 'ok', finishedAt: new Date(), at, summary: JSON.stringify(summary) });
      this.ctx.metrics.jobRuns.inc({ job: name, outcome: 'ok' });
      this.ctx.metrics.jobLastSuccess.set({ job: name }, Date.now() / 1000);
      this.ctx.logger.info({ job: name, at: at.toISOString(), summary }, 'job finished');
      return summary;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      await repo.update({ id: runId }, { status: 'failed', finishedAt: new Date(), at, summary: JSON.stringify({ error: message }) });
      this.ctx.metrics.jobRuns.inc({ job: name, outcome: 'failed' });
      this.ctx.logger.error({ job: name, err: message }, 'job failed');
      throw err;
    } finally {
      if (this.inFlight.get(name) === current) this.inFlight.delete(name);
    }
  }

  /** Last successful run of every job (null when it never ran), from the job runs table. */
  async lastSuccess(): Promise<Record<string, string | null>> {
    const out: Record<string, string | null> = {};
    for (const def of this.defs.values()) {
      const row = await this.ctx.db.manager.findOne(JobRun, {
        where: { job: def.name, status: 'ok', finishedAt: Not(IsNull()) },
        order: { finishedAt: 'DESC' },
      });
      out[def.name] = row?.finishedAt?.toISOString() ?? null;
      if (row?.finishedAt) this.ctx.metrics.jobLastSuccess.set({ job: def.name }, row.finishedAt.getTime() / 1000);
    }
    return out;
  }

  /**
   * Each job's last success and whether it is overdue: no success within two of its periods (plus
   * five minutes) means no instance is running it, which /readyz shows.
   */
  async health(now = new Date()): Promise<Record<string, { lastSuccess: string | null; overdue: boolean }>> {
    const last = await this.lastSuccess();
    const out: Record<string, { lastSuccess: string | null; overdue: boolean }> = {};
    for (const def of this.defs.values()) {
      const at = last[def.name];
      out[def.name] = { lastSuccess: at, overdue: at !== null && now.getTime() - Date.parse(at) > 2 * periodMs(def.schedule) + 5 * 60_000 };
    }
    return out;
  }
}

/** The time between two fires of a cron schedule (its shortest gap over the next few). */
function periodMs(schedule: string): number {
  const task = cron.createTask(schedule, () => undefined, { timezone: TZ });
  const runs = task.getNextRuns(4).map((d) => d.getTime());
  void task.destroy();
  let min = 86400_000;
  for (let i = 1; i < runs.length; i++) min = Math.min(min, runs[i] - runs[i - 1]);
  return min;
}
