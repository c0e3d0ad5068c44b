import { EventEmitter } from 'node:events';
import { z } from 'zod';
import type { Config } from './config';
import { AdjustableClock, Clock, SystemClock } from './clock';
import { connectDatabase, Database } from './db';
import { createLogger, Logger } from './logger';
import { Metrics } from './metrics';
import { JobDefinition } from './jobs';
import { createServices, Services } from './index';

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

/** What the simulator endpoints need from the bot, registered by the bot role when it runs. */
export interface ChatBridge {
  /** Contact `from` says `text` to station `stationId`'s account; resolves with the bot's replies. */
  chat(input: { stationId: number; from: string; text: string; name?: string }): Promise<string[]>;
}

/** Everything the three doors share: built once, passed to api, bot and jobs. */
export interface AppContext {
  config: Config;
  db: Database;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  events: EventEmitter;
  services: Services;
  chatBridge?: ChatBridge;
  close(): Promise<void>;
}

export interface ContextOptions {
  jobs?: JobDefinition[];
  clock?: Clock;
  logger?: Logger;
  /** For tests: fail fast instead of retrying a missing database. */
  connectAttempts?: number;
  /** For tests: drop every table first, so each suite starts from an empty schema. */
  resetDatabase?: boolean;
}

/**
 * Builds the context: connects (with retries) and migrates the database, then the services. In
 * development the clock can be moved (the simulator); in production it is the real time.
 */
export async function createContext(config: Config, options: ContextOptions = {}): Promise<AppContext> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const db = await connectDatabase(config.databaseUrl, logger, { attempts: options.connectAttempts, reset: options.resetDatabase });
  const clock = options.clock ?? (config.devEndpoints ? new AdjustableClock() : new SystemClock());
  const ctx = {
    config, db, clock, logger, metrics: new Metrics(), events: new EventEmitter(),
    close: async () => {
      if (db.dataSource.isInitialized) await db.dataSource.destroy();
    },
  } as AppContext;
  ctx.events.setMaxListeners(100);
  ctx.services = createServices(ctx, options.jobs ?? []);
  return ctx;
}
