import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type Koa from 'koa';
import { createApp } from '../api/app';
import { JOBS } from '../jobs';
import { AdjustableClock } from '../services/clock';
import { loadConfig } from '../services/config';
import { AppContext, createContext } from '../services/context';
import { createLogger } from '../services/logger';

export interface TestEnv {
  ctx: AppContext;
  app: Koa;
  clock: AdjustableClock;
}

/** The database the suite runs on: DATABASE_URL when set (MariaDB in CI), else SQLite in memory. */
export const TEST_DATABASE_URL = process.env.DATABASE_URL || 'sqlite::memory:';
export const onMysql = /^(mysql|mariadb):/.test(TEST_DATABASE_URL);

/**
 * A fresh context on an empty, migrated database, with a frozen fake clock (by default
 * 2026-12-03 09:00 Shanghai) and the Koa app built on it.
 */
export async function createTestEnv(
  options: { env?: Record<string, string>; now?: string } = {},
): Promise<TestEnv> {
  const clock = new AdjustableClock(new Date(options.now ?? '2026-12-03T09:00:00+08:00'), { frozen: true });
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: TEST_DATABASE_URL,
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'station-test-')),
    LOG_LEVEL: 'silent',
    ...options.env,
  });
  const ctx = await createContext(config, {
    jobs: JOBS, clock, logger: createLogger('silent'), connectAttempts: 1, resetDatabase: onMysql,
  });
  return { ctx, app: createApp(ctx), clock };
}

/** Sets up one environment for a describe block and closes it afterwards. */
export function useTestEnv(options: Parameters<typeof createTestEnv>[0] = {}): () => TestEnv {
  let env: TestEnv | undefined;
  beforeAll(async () => {
    env = await createTestEnv(options);
  });
  afterAll(async () => {
    await env?.ctx.close();
  });
  return () => {
    if (!env) throw new Error('test environment not ready');
    return env;
  };
}
