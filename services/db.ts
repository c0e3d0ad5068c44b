import { DataSource, EntityManager } from 'typeorm';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from './logger';
import { dataSourceOptions } from '../ormconfig';

/** `?, ?, ?` for raw statements. */
export const placeholders = (n: number): string => Array.from({ length: n }, () => '?').join(', ');

/**
 * True when MySQL/MariaDB rolled a statement back to break a deadlock: errno 1213, or 1467 ("Failed
 * to read auto-increment value"), which is how InnoDB reports a deadlock met while waiting for the
 * table's AUTO-INC lock of a bulk INSERT … SELECT.
 */
function isDeadlock(err: unknown): boolean {
  const e = err as { errno?: number; code?: string; driverError?: { errno?: number; code?: string } } | null;
  if (!e) return false;
  const errnos = [e.errno, e.driverError?.errno];
  const codes = [e.code, e.driverError?.code];
  return errnos.includes(1213) || errnos.includes(1467) || codes.includes('ER_LOCK_DEADLOCK') || codes.includes('ER_AUTOINC_READ_FAILED');
}

/**
 * Runs an idempotent step again when the database picked it as a deadlock victim: two instances
 * sweeping at once lock the same rows in different orders; every step's writes are conditional or
 * keyed, so a repeat does nothing twice.
 */
export async function retryOnDeadlock<T>(fn: () => Promise<T>, tries = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= tries || !isDeadlock(err)) throw err;
      await new Promise((resolve) => setTimeout(resolve, 10 * i + Math.floor(Math.random() * 20)));
    }
  }
}

/** An instant as both engines store a `datetime(3)` in UTC (SQLite keeps it as this text). */
export function dbInstant(d: Date): string {
  return d.toISOString().replace('T', ' ').replace('Z', '');
}

/** An instant read by a raw query: a Date on MySQL, UTC text on SQLite. */
export function parseInstant(v: unknown): Date | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v;
  const s = String(v);
  // SQLite's own shape, `YYYY-MM-DD HH:MM:SS[.sss]` in UTC, read on every row of a list: no pattern test.
  if ((s.length === 19 || s.length === 23) && s[10] === ' ') return new Date(`${s.slice(0, 10)}T${s.slice(11)}Z`);
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(s) ? s : `${s.replace(' ', 'T')}Z`);
}

/** What this module uses of a better-sqlite3 statement and connection. */
interface SqliteStatement {
  readonly reader: boolean;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint };
  raw(on: boolean): SqliteStatement;
}
interface SqliteHandle {
  prepare(sql: string): SqliteStatement;
  readonly inTransaction: boolean;
}
/** What this module uses of the mysql2 (callback) pool under TypeORM's MySQL driver, and of its connections. */
interface MysqlQueryable {
  query(sql: string | { sql: string; rowsAsArray: boolean }, params: unknown[], cb: (err: Error | null, res: unknown) => void): void;
}
interface MysqlConnection extends MysqlQueryable {
  release(): void;
  destroy(): void;
}
interface MysqlPool extends MysqlQueryable {
  getConnection(cb: (err: Error | null, conn: MysqlConnection) => void): void;
  end(cb: (err: Error | null) => void): void;
}
/** What this module uses of TypeORM's MySQL driver: its pool, and how it builds and opens one. */
interface MysqlDriverParts {
  pool: MysqlPool;
  options: unknown;
  mysql: { createPool(options: Record<string, unknown>): MysqlPool };
  createConnectionOptions(options: unknown, credentials: unknown): Record<string, unknown>;
}

/** What a raw statement gave: its rows (a read), or the rows it changed and the id it inserted (a write). */
export interface RawResult {
  rows: unknown[];
  affected: number;
  insertId: number;
}

/** Raw statements inside a transaction, on either engine (`Database.rawTransaction`, or `sqlOf` a TypeORM one). */
export interface SqlTx {
  rows<T = Record<string, unknown>>(sql: string, params: unknown[]): Promise<T[]>;
  /** A write: the rows it changed and, for an `INSERT`, the new id. */
  exec(sql: string, params: unknown[]): Promise<{ affected: number; insertId: number }>;
  /**
   * Statements run in order, stopping at the first that fails (its error is thrown; the ones before
   * it stay done, inside the transaction). On MySQL in `Database.rawTransaction` they go to the
   * server in one round trip; elsewhere one after another.
   */
  batch(statements: [sql: string, params: unknown[]][]): Promise<RawResult[]>;
  /**
   * Statements, then COMMIT: on MySQL in `Database.rawTransaction` all in one round trip (the
   * server stops at the first that fails, before COMMIT, and the transaction is rolled back), so
   * row locks they take are held for no round trip at all; nothing may be run on the transaction
   * after it. Elsewhere the statements run in turn and the commit comes when the callback returns.
   */
  commitWith(statements: [sql: string, params: unknown[]][]): Promise<RawResult[]>;
}

/** A result of the mysql2 callback API, as a `RawResult`. */
function rawResultOf(res: unknown): RawResult {
  if (Array.isArray(res)) return { rows: res, affected: 0, insertId: 0 };
  const ok = res as { affectedRows?: number; insertId?: number };
  return { rows: [], affected: ok.affectedRows ?? 0, insertId: Number(ok.insertId ?? 0) };
}

/** Runs statements one after another on a transaction's `exec`/`rows` (`SqlTx.batch` where nothing better exists). */
async function inTurn(tx: Pick<SqlTx, 'rows' | 'exec'>, statements: [string, unknown[]][]): Promise<RawResult[]> {
  const out: RawResult[] = [];
  for (const [sql, params] of statements) {
    out.push(/^\s*(SELECT|WITH)\b/i.test(sql) ? { rows: await tx.rows(sql, params), affected: 0, insertId: 0 } : { rows: [], ...(await tx.exec(sql, params)) });
  }
  return out;
}

/** The raw statements of a TypeORM transaction, for code shared with `Database.rawTransaction`. */
export function sqlOf(em: EntityManager): SqlTx {
  const tx: Pick<SqlTx, 'rows' | 'exec'> = {
    rows: (sql, params) => em.query(sql, params),
    exec: async (sql, params) => {
      const res = await em.queryRunner!.query(sql, params, true);
      const raw: unknown = res.raw;
      const insertId = Number(typeof raw === 'object' && raw !== null && 'insertId' in raw ? (raw as { insertId: number }).insertId : raw);
      return { affected: res.affected ?? 0, insertId };
    },
  };
  return { ...tx, batch: (statements) => inTurn(tx, statements), commitWith: (statements) => inTurn(tx, statements) };
}

function mysqlQuery(on: MysqlQueryable, sql: string, params: unknown[], arrays: boolean): Promise<RawResult> {
  return new Promise((resolve, reject) => {
    on.query(arrays ? { sql, rowsAsArray: true } : sql, params, (err, res) => (err ? reject(err) : resolve(rawResultOf(res))));
  });
}

/**
 * Statements sent as one multi-statement query (a connection with `multipleStatements`): one round
 * trip; the server stops at the first that fails and that error is the answer.
 */
function mysqlMulti(on: MysqlQueryable, statements: [string, unknown[]][]): Promise<RawResult[]> {
  if (statements.length === 1) return mysqlQuery(on, statements[0][0], statements[0][1], false).then((r) => [r]);
  return new Promise((resolve, reject) => {
    on.query(statements.map(([sql]) => sql).join(';\n'), statements.flatMap(([, params]) => params), (err, res) => {
      if (err) return reject(err);
      resolve((res as unknown[]).map(rawResultOf));
    });
  });
}

/** Raw statements kept prepared on SQLite (the hot reads are a handful; the cap only bounds odd callers). */
const STATEMENT_CACHE = 200;

/**
 * The database and how to use it safely on both engines. SQLite (better-sqlite3) has one
 * connection: concurrent transactions on it fail, so they are run one at a time here.
 */
export class Database {
  private queue: Promise<unknown> = Promise.resolve();
  readonly sqlite: boolean;
  /** MySQL: the pool of `rawTransaction`, opened on first use (see `transactionPool`). */
  private multiPool?: MysqlPool;
  private statements = new Map<string, SqliteStatement>();
  private statementsOf?: SqliteHandle;

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

  /** `INSERT OR IGNORE` (SQLite) / `INSERT IGNORE` (MySQL). */
  get insertIgnore(): string {
    return this.sqlite ? 'INSERT OR IGNORE' : 'INSERT IGNORE';
  }

  /**
   * Runs a raw statement straight on the driver, without TypeORM's query runner, events and result
   * wrapping (a large share of a small request's time): on SQLite a statement prepared once per SQL
   * text on the one connection (so it sees an open transaction exactly as the manager does), on
   * MySQL the pool TypeORM itself uses. Errors are the driver's own (`code`, `errno`).
   */
  private raw(sql: string, params: unknown[], arrays = false): Promise<RawResult> {
    if (!this.sqlite) return mysqlQuery((this.dataSource.driver as unknown as { pool: MysqlPool }).pool, sql, params, arrays);
    try {
      const stmt = this.statement(sql, arrays);
      const p = params.map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v));
      if (stmt.reader) return Promise.resolve({ rows: stmt.all(...p), affected: 0, insertId: 0 });
      const r = stmt.run(...p);
      return Promise.resolve({ rows: [], affected: r.changes, insertId: Number(r.lastInsertRowid) });
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * Runs `fn` in a transaction of raw statements (serialised on SQLite like `transaction`), without
   * TypeORM's query runner: for the few transactions on hot paths (a booking). On MySQL it holds one
   * pooled connection from `START TRANSACTION` to `COMMIT` or `ROLLBACK`.
   */
  rawTransaction<T>(fn: (tx: SqlTx) => Promise<T>): Promise<T> {
    if (!this.sqlite) return this.mysqlTransaction(fn);
    const each: Pick<SqlTx, 'rows' | 'exec'> = {
      rows: async <R>(sql: string, params: unknown[]) => (await this.raw(sql, params)).rows as R[],
      exec: (sql, params) => this.raw(sql, params),
    };
    const tx: SqlTx = { ...each, batch: (statements) => inTurn(each, statements), commitWith: (statements) => inTurn(each, statements) };
    const run = this.queue.then(async () => {
      await this.raw('BEGIN TRANSACTION', []);
      try {
        const result = await fn(tx);
        await this.raw('COMMIT', []);
        return result;
      } catch (err) {
        // SQLite rolls some failures back by itself; then there is nothing left to roll back.
        if (this.sqliteHandle().inTransaction) await this.raw('ROLLBACK', []);
        throw err;
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * MySQL: the pool `rawTransaction` runs on, opened on first use with the same options as TypeORM's
   * (so rows come back in the same shapes) plus `multipleStatements`, so that statements needing no
   * answer in between travel in one round trip (`SqlTx.batch`, and `START TRANSACTION` with the
   * first statement). Only the fixed SQL of those transactions runs on it, every value a `?`
   * parameter escaped by the driver.
   */
  private transactionPool(): MysqlPool {
    if (!this.multiPool) {
      const driver = this.dataSource.driver as unknown as MysqlDriverParts;
      this.multiPool = driver.mysql.createPool({ ...driver.createConnectionOptions(driver.options, driver.options), multipleStatements: true });
    }
    return this.multiPool;
  }

  private async mysqlTransaction<T>(fn: (tx: SqlTx) => Promise<T>): Promise<T> {
    const pool = this.transactionPool();
    const conn = await new Promise<MysqlConnection>((resolve, reject) => pool.getConnection((err, c) => (err ? reject(err) : resolve(c))));
    let broken = false;
    // `START TRANSACTION` goes with the first statement, in the same round trip.
    let started = false;
    let committed = false;
    const send = async (statements: [string, unknown[]][]): Promise<RawResult[]> => {
      if (committed) throw new Error('rawTransaction: a statement after commitWith would run outside the transaction');
      if (started) return mysqlMulti(conn, statements);
      started = true;
      return (await mysqlMulti(conn, [['START TRANSACTION', []], ...statements])).slice(1);
    };
    const tx: SqlTx = {
      rows: async <R>(sql: string, params: unknown[]) => (await send([[sql, params]]))[0].rows as R[],
      exec: async (sql, params) => (await send([[sql, params]]))[0],
      batch: (statements) => send(statements),
      commitWith: async (statements) => {
        const results = await send([...statements, ['COMMIT', []]]);
        committed = true;
        return results.slice(0, statements.length);
      },
    };
    try {
      const result = await fn(tx);
      if (started && !committed) await mysqlQuery(conn, 'COMMIT', [], false);
      return result;
    } catch (err) {
      // A connection that cannot roll back must not go back to the pool mid-transaction. (ROLLBACK
      // also ends a transaction whose START went out with a statement that failed.)
      await mysqlQuery(conn, 'ROLLBACK', [], false).catch(() => {
        broken = true;
      });
      throw err;
    } finally {
      if (broken) conn.destroy();
      else conn.release();
    }
  }

  /** Closes the connections: the data source's and, on MySQL, the raw transactions' pool. */
  async close(): Promise<void> {
    const pool = this.multiPool;
    this.multiPool = undefined;
    if (pool) await new Promise<void>((resolve) => pool.end(() => resolve()));
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }

  private sqliteHandle(): SqliteHandle {
    return (this.dataSource.driver as unknown as { databaseConnection: SqliteHandle }).databaseConnection;
  }

  private statement(sql: string, arrays: boolean): SqliteStatement {
    const handle = this.sqliteHandle();
    if (this.statementsOf !== handle || this.statements.size >= STATEMENT_CACHE) {
      this.statements = new Map();
      this.statementsOf = handle;
    }
    const key = arrays ? `[]${sql}` : sql;
    let stmt = this.statements.get(key);
    if (!stmt) {
      stmt = handle.prepare(sql);
      if (arrays) stmt.raw(true);
      this.statements.set(key, stmt);
    }
    return stmt;
  }

  /** Runs a raw write and returns how many rows it changed (reliable for `INSERT … IGNORE` on SQLite too). */
  async exec(sql: string, params: unknown[]): Promise<number> {
    return (await this.raw(sql, params)).affected;
  }

  /**
   * Runs a raw write outside any transaction. On SQLite's one connection a statement run while
   * another caller's transaction is open would land in it (and be lost with its rollback), so it
   * waits for the transactions queued before it.
   */
  execOutside(sql: string, params: unknown[]): Promise<number> {
    if (!this.sqlite) return this.exec(sql, params);
    const run = this.queue.then(() => this.exec(sql, params));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Runs a write built with a query builder and returns how many rows it changed. */
  affected(qb: { getQueryAndParameters(): [string, unknown[]] }): Promise<number> {
    const [sql, params] = qb.getQueryAndParameters();
    return this.exec(sql, params);
  }

  /** Runs a raw read. */
  async rows<T = Record<string, unknown>>(sql: string, params: unknown[]): Promise<T[]> {
    return (await this.raw(sql, params)).rows as T[];
  }

  /**
   * Runs a raw read whose rows come as arrays of the selected columns, in order: for long lists,
   * where the driver building an object per row costs more than the query (about 3× on SQLite).
   */
  async tuples(sql: string, params: unknown[]): Promise<unknown[][]> {
    return (await this.raw(sql, params, true)).rows as unknown[][];
  }

  /**
   * A multi-row `INSERT [IGNORE]` with positional parameters, in chunks sized for SQLite's
   * parameter limit. TypeORM's insert builder spends ~0.1 ms per row building the statement, which
   * dominates at 100,000 rows; this spends microseconds. Returns the rows inserted.
   */
  async insertMany(table: string, columns: string[], rows: unknown[][], options: { ignore?: boolean } = {}): Promise<number> {
    const perChunk = Math.max(1, Math.floor(30_000 / columns.length));
    const head = `${options.ignore ? this.insertIgnore : 'INSERT'} INTO ${table} (${columns.map((c) => `\`${c}\``).join(', ')}) VALUES `;
    const tuple = `(${placeholders(columns.length)})`;
    // Rows of one batch mostly share their instants (queued at, due at): each is formatted once.
    const instants = new Map<number, string>();
    const instant = (d: Date) => {
      const t = d.getTime();
      let text = instants.get(t);
      if (text === undefined) {
        if (instants.size > 1000) instants.clear();
        text = dbInstant(d);
        instants.set(t, text);
      }
      return text;
    };
    let n = 0;
    for (let i = 0; i < rows.length; i += perChunk) {
      const part = rows.slice(i, i + perChunk);
      const params: unknown[] = new Array(part.length * columns.length);
      let k = 0;
      for (const r of part) {
        for (const v of r) params[k++] = v instanceof Date ? instant(v) : typeof v === 'boolean' ? (v ? 1 : 0) : (v ?? null);
      }
      n += await this.exec(head + part.map(() => tuple).join(', '), params);
    }
    return n;
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
