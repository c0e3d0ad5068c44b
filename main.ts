import 'reflect-metadata';
import type { Server } from 'node:http';
import { createApp } from './api/app';
import { JOBS } from './jobs';
import { Scheduler } from './jobs/scheduler';
import { ConfigError, loadConfig } from './services/config';
import { AppContext, createContext } from './services/context';
import { seedDemoData } from './services/demo';
import { ensureFirstAdmin } from './services/setup';
import { startBot } from './bot';

/** Starts the roles named in ROLES on one context; SIGTERM drains and closes them in order. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  let ctx: AppContext;
  try {
    ctx = await createContext(config, { jobs: JOBS });
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
  const { logger } = ctx;
  const lines: string[] = [];
  if (config.demoData) lines.push(...(await seedDemoData(ctx)));
  lines.push(...(await ensureFirstAdmin(ctx)));

  const stops: (() => Promise<void>)[] = [];
  if (config.roles.includes('bot')) {
    const bot = await startBot(ctx);
    stops.push(() => bot.stop());
  }
  if (config.roles.includes('jobs')) {
    const scheduler = new Scheduler(ctx);
    scheduler.start();
    scheduler.catchUp().catch((err) => logger.error({ err }, 'catch-up of missed job runs failed'));
    stops.push(() => scheduler.stop());
  }
  if (config.roles.includes('api')) {
    // Loading exceljs takes the event loop for about half a second: done before listening, not
    // during the first upload while other requests wait.
    await import('exceljs');
    const server: Server = createApp(ctx).listen(config.port);
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    }).catch((err: Error) => {
      console.error(`端口 ${config.port} 无法监听 / cannot listen on port ${config.port}: ${err.message}`);
      process.exit(1);
    });
    stops.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const base = `http://localhost:${config.port}`;
    lines.unshift(
      `HTTP API:     ${base}/api   (文档 ${base}/api/docs)`,
      `健康检查:     ${base}/healthz  ${base}/readyz  ${base}/metrics`,
      `社工工作台:   ${base}/console`,
      ...(config.devEndpoints ? [`聊天模拟器:   ${base}/simulator   （或另开终端 npm run chat）`] : []),
    );
  }
  const dbLabel = ctx.db.sqlite ? `SQLite ${config.databaseUrl.slice('sqlite:'.length)}` : 'MySQL/MariaDB';
  console.log(['', `社工站数字前台已启动（${config.roles.join(', ')}；数据库 ${dbLabel}）`, ...lines.map((l) => `  ${l}`), ''].join('\n'));

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: no new work, finishing what is in flight');
    for (const stop of stops.reverse()) await stop().catch((err) => logger.warn({ err }, 'stop failed'));
    await ctx.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  console.error(`启动失败 / start failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
