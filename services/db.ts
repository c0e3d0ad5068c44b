import { DataSource, EntityManager } from 'typeorm';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from './logger';
import { dataSourceOptions } from '../ormconfig';

/**
 * The database and how to use it safely on both engines. SQLite (better-sqlite3) has one
 * connection: concurrent transactions on it fail, so they are run one at a time here.
 */
export class Database {
  private queue: Promise<unknown> = Promise.resolve();
  readonly sqlite: boolean;

  constructor(readonly dataSource: DataSource) {
    this.sqlite = dataSource.options.type === 'better-sqlite3';
  }

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  /** Runs `fn` in a transaction; serialised on SQLite, concurrent on MySQL. */
  transaction<T>(fn: (em: EntityManager) => Promise<T>): Promise<T> {
    if (!this.sqlite) return this.dataSource.transaction(fn);
    const run = this.queue.then(() => this.dataSource.transaction(fn));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Runs a write built with a query builder and returns how many rows it changed, which TypeORM's
   * InsertResult does not tell reliably for `INSERT … IGNORE` on SQLite.
   */
  async affected(qb: { getQueryAndParameters(): [string, unknown[]] }): Promise<number> {
    const [sql, params] = qb.getQueryAndParameters();
    const runner = this.dataSource.createQueryRunner();
    try {
      const res = await runner.query(sql, params, true);
      return res.affected ?? 0;
    } finally {
      await runner.release();
    }
  }

  /** True when the database answers a trivial query. */
  async ping(): Promise<boolean> {
    try {
      await this.dataSource.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }
}

/**
 * Connects, retrying while the server is not up yet (a clear line per try, no stack trace), then
 * runs pending migrations.
 */
export async function connectDatabase(
  databaseUrl: string,
  logger: Logger,
  options: { attempts?: number; delayMs?: number; migrate?: boolean; reset?: boolean } = {},
): Promise<Database> {
  const attempts = options.attempts ?? 10;
  const delayMs = options.delayMs ?? 3000;
  let lastError: unknown;
  for (let i = 1; i <= attempts; i++) {
    const ds = new DataSource(dataSourceOptions(databaseUrl));
    try {
      await ds.initialize();
      if (options.reset) await ds.dropDatabase();
      if (options.migrate ?? true) await ds.runMigrations({ transaction: 'each' });
      return new Database(ds);
    } catch (err) {
      lastError = err;
      if (ds.isInitialized) await ds.destroy().catch(() => undefined);
      const message = err instanceof Error ? err.message : String(err);
      logger.warn({ attempt: i, attempts }, `数据库连接失败 / database not reachable: ${message}`);
      if (i < attempts) await sleep(delayMs);
    }
  }
  const message = lastError instanceof Error ? lastError.message : String(lastError);
  throw new Error(`无法连接数据库 / cannot reach the database at ${redactUrl(databaseUrl)}: ${message}`);
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
