import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { SUBSCRIPTION_PURPOSES, type SubscriptionPurpose } from '../entities/miniapp';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const positiveInt = z.coerce.number().int().positive();
const nonNegativeInt = z.coerce.number().int().nonnegative();

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^(mysql|mariadb|sqlite):/, 'must start with mysql://, mariadb:// or sqlite:')
    .optional(),
  ROLES: z
    .string()
    .default('api,bot,jobs')
    .transform((s) => s.split(',').map((r) => r.trim()).filter(Boolean))
    .pipe(z.array(z.enum(['api', 'bot', 'jobs'])).min(1, 'name at least one of api, bot, jobs')),
  WECHATY_PUPPET: z.string().min(1).default('wechaty-puppet-mock'),
  WECHATY_PUPPET_SERVICE_TOKEN: z.string().optional(),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  DATA_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  DEMO_DATA: bool.optional(),
  SEND_GAP_MS: nonNegativeInt.optional(),
  SEND_HOURLY_CAP: positiveInt.optional(),
  SEND_DAILY_CAP: positiveInt.optional(),
  RATE_LIMIT_PER_MINUTE: positiveInt.default(600),
  LOGIN_MAX_FAILURES: positiveInt.default(5),
  TRUST_PROXY: bool.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  WECHAT_APP_ID: z.string().optional(),
  WECHAT_APP_SECRET: z.string().optional(),
  WECHAT_API_BASE: z.string().url().default('https://api.weixin.qq.com'),
  WECHAT_TEMPLATES: z
    .string()
    .transform((v, c) => {
      try {
        return JSON.parse(v) as unknown;
      } catch {
        c.addIssue({ code: 'custom', message: 'must be JSON, e.g. {"booking_reminder":"<template id>"}' });
        return z.NEVER;
      }
    })
    .pipe(z.partialRecord(z.enum(SUBSCRIPTION_PURPOSES), z.string().trim().min(1).max(128)))
    .optional(),
  JOB_CATCH_UP_MINUTES: nonNegativeInt.default(120),
  BOT_STATIONS: z
    .string()
    .regex(/^\s*\d+(\s*,\s*\d+)*\s*$/, '需要逗号分隔的站点编号，例如 1,2')
    .transform((v) => v.split(',').map((x) => Number(x.trim())))
    .optional(),
});

type Role = 'api' | 'bot' | 'jobs';

/** The validated configuration every part of the product reads. */
export interface Config {
  port: number;
  dataDir: string;
  databaseUrl: string;
  roles: Role[];
  puppet: string;
  puppetServiceToken?: string;
  env: 'development' | 'production' | 'test';
  production: boolean;
  devEndpoints: boolean;
  jwtSecret: string;
  dataKey: string;
  demoData: boolean;
  sendGapMs: number;
  sendHourlyCap?: number;
  sendDailyCap?: number;
  rateLimitPerMinute: number;
  loginMaxFailures: number;
  /** Take the client address from X-Forwarded-For (only behind a proxy that sets it; see the README). */
  trustProxy: boolean;
  logLevel: string;
  wechatAppId?: string;
  wechatAppSecret?: string;
  wechatApiBase: string;
  /** Subscription-message template ids by purpose (WECHAT_TEMPLATES); a purpose without one is not offered. */
  wechatTemplates: Partial<Record<SubscriptionPurpose, string>>;
  jobCatchUpMinutes: number;
  /** The stations this process's bot serves (unset: every station). */
  botStations?: number[];
}

/** Raised when the environment is malformed; its message names every bad variable at once. */
export class ConfigError extends Error {}

function readOrCreateSecret(dataDir: string, file: string): string {
  const p = path.join(dataDir, file);
  if (existsSync(p)) return readFileSync(p, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(p, secret + '\n', { mode: 0o600 });
  return secret;
}

/**
 * Validates the environment. In development missing secrets are generated into DATA_DIR; in
 * production they are required, so a forgotten variable stops the start instead of weakening it.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, options: { writeSecrets?: boolean } = {}): Config {
  const raw = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(raw);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join('.')}: ${issue.message}`);
  }
  const e = parsed.success ? parsed.data : undefined;
  const production = e?.NODE_ENV === 'production';
  if (e && production) {
    if (!e.JWT_SECRET) problems.push('JWT_SECRET: required in production (at least 32 characters)');
    if (!e.DATA_KEY) problems.push('DATA_KEY: required in production (at least 32 characters)');
  }
  if (!e || problems.length) {
    throw new ConfigError(`配置有误 / invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
  const dataDir = path.resolve(e.DATA_DIR);
  const isTest = e.NODE_ENV === 'test';
  const writeSecrets = options.writeSecrets ?? !isTest;
  const secret = (value: string | undefined, file: string) =>
    value ?? (writeSecrets ? readOrCreateSecret(dataDir, file) : randomBytes(32).toString('hex'));
  const mock = e.WECHATY_PUPPET === 'wechaty-puppet-mock';
  return {
    port: e.PORT,
    dataDir,
    databaseUrl: e.DATABASE_URL ?? `sqlite:${path.join(dataDir, 'station.db')}`,
    roles: e.ROLES,
    puppet: e.WECHATY_PUPPET,
    puppetServiceToken: e.WECHATY_PUPPET_SERVICE_TOKEN,
    env: e.NODE_ENV,
    production,
    devEndpoints: !production,
    jwtSecret: secret(e.JWT_SECRET, 'jwt.secret'),
    dataKey: secret(e.DATA_KEY, 'data.key'),
    demoData: e.DEMO_DATA ?? (!production && !isTest),
    sendGapMs: e.SEND_GAP_MS ?? (mock ? 0 : 3000),
    sendHourlyCap: e.SEND_HOURLY_CAP ?? (mock ? undefined : 120),
    sendDailyCap: e.SEND_DAILY_CAP ?? (mock ? undefined : 1000),
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    loginMaxFailures: e.LOGIN_MAX_FAILURES,
    trustProxy: e.TRUST_PROXY ?? false,
    logLevel: e.LOG_LEVEL,
    wechatAppId: e.WECHAT_APP_ID,
    wechatAppSecret: e.WECHAT_APP_SECRET,
    wechatApiBase: e.WECHAT_API_BASE,
    wechatTemplates: e.WECHAT_TEMPLATES ?? {},
    jobCatchUpMinutes: e.JOB_CATCH_UP_MINUTES,
    botStations: e.BOT_STATIONS,
  };
}
