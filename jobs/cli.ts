import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { JOBS } from './index';
import { ConfigError, loadConfig } from '../services/config';
import { AppContext, createContext } from '../services/context';
import { AdjustableClock, isSaneInstant, SANE_YEARS } from '../services/clock';
import { toolDatabase } from '../services/tool-database';

/** `npm run job -- <name> [--at <ISO time>]`: runs one job once and prints its summary as JSON. */
async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ options: { at: { type: 'string' } }, allowPositionals: true });
  const name = positionals[0];
  if (!name || !JOBS.some((j) => j.name === name)) {
    if (name) console.error(`没有这个任务 / unknown job: ${name}\n`);
    console.error(`用法 / usage: npm run job -- <name> [--at 2026-12-03T09:00:00+08:00]\n任务 / jobs: ${JOBS.map((j) => j.name).join(', ')}`);
    process.exit(2);
  }
  const at = values.at ? new Date(values.at) : new Date();
  if (!isSaneInstant(at)) {
    console.error(`--at 不是 ${SANE_YEARS.from}–${SANE_YEARS.to} 年间的有效 ISO 时间：${values.at}`);
    process.exit(2);
  }
  let ctx: AppContext | undefined;
  try {
    // With --at the whole run (queued messages included) sees that instant as now.
    const clock = values.at ? new AdjustableClock(at) : undefined;
    // Which database, said before anything is written (secrets included) to a wrong place.
    const db = toolDatabase(loadConfig(process.env, { writeSecrets: false }).databaseUrl);
    console.error(db.says);
    if (db.refusal) {
      console.error(db.refusal);
      process.exit(2);
    }
    ctx = await createContext(loadConfig(), { jobs: JOBS, connectAttempts: 3, clock });
    const summary = await ctx.services.jobs.runNow(name, at);
    console.log(JSON.stringify({ job: name, at: at.toISOString(), summary }));
    await ctx.close();
  } catch (err) {
    console.error(err instanceof ConfigError ? err.message : `任务失败 / job failed: ${(err as Error).message}`);
    await ctx?.close().catch(() => undefined);
    process.exit(1);
  }
}

void main();
