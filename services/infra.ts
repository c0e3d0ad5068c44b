import { EventEmitter } from 'node:events';
import { z } from 'zod';
import type { Config } from './config';
import { AdjustableClock, Clock, SystemClock } from './clock';
import { connectDatabase, Database } from './db';
import { createLogger, Logger } from './logger';
import { Metrics } from './metrics';

// Validation messages reach residents and workers: Simplified Chinese (zod's own locale), with the
// commonest cases said the way a form would say them.
z.config(z.locales.zhCN());
z.config({
  customError: (iss) => {
    if (iss.code === 'invalid_type' && iss.input === undefined) return '必填';
    if (iss.code === 'too_small' && iss.origin === 'string') return Number(iss.minimum) <= 1 ? '不能为空' : `至少 ${iss.minimum} 个字`;
    if (iss.code === 'too_big' && iss.origin === 'string') return `不能超过 ${iss.maximum} 个字`;
    if (iss.code === 'invalid_value' && 'values' in iss) return `应为以下之一：${(iss.values as unknown[]).map(String).join('、')}`;
    return undefined;
  },
});

/**
 * The infrastructure every service receives in its constructor (as `ctx`): configuration, database,
 * clock, logger, metrics and the in-process event bus. It holds no services: a service gets the peers
 * it uses through its constructor, from the wiring module (`services/index.ts`).
 */
export interface Infra {
  config: Config;
  db: Database;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  events: EventEmitter;
}

export interface InfraOptions {
  clock?: Clock;
  logger?: Logger;
  /** For tests: fail fast instead of retrying a missing database. */
  connectAttempts?: number;
  /** For tests: drop every table first, so each suite starts from an empty schema. */
  resetDatabase?: boolean;
}

/**
 * Connects (with retries) and migrates the database. In development the clock can be moved (the
 * simulator); in production it is the real time.
 */
export async function createInfra(config: Config, options: InfraOptions = {}): Promise<Infra> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const db = await connectDatabase(config.databaseUrl, logger, { attempts: options.connectAttempts, reset: options.resetDatabase });
  const clock = options.clock ?? (config.devEndpoints ? new AdjustableClock() : new SystemClock());
  const events = new EventEmitter();
  events.setMaxListeners(100);
  return { config, db, clock, logger, metrics: new Metrics(), events };
}
