import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DataSource, DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

/** Builds the DataSource from a `DATABASE_URL`: `sqlite:<file>`, `sqlite::memory:` or `mysql://…`. */
export function dataSourceOptions(databaseUrl: string): DataSourceOptions {
  const common = { entities: ENTITIES, migrations: MIGRATIONS, migrationsRun: false, synchronize: false, logging: false } as const;
  if (databaseUrl.startsWith('sqlite:')) {
    const file = databaseUrl.slice('sqlite:'.length);
    const database = file === ':memory:' || file === '' ? ':memory:' : path.resolve(file);
    if (database !== ':memory:') mkdirSync(path.dirname(database), { recursive: true });
    return {
      ...common,
      type: 'better-sqlite3',
      database,
      enableWAL: database !== ':memory:',
      statementCacheSize: 500,
      prepareDatabase: (db: { pragma(s: string): unknown }) => {
        db.pragma('busy_timeout = 5000');
        // With WAL, NORMAL never corrupts the database and syncs at checkpoints instead of every commit.
        db.pragma('synchronous = NORMAL');
      },
    };
  }
  const url = new URL(databaseUrl.replace(/^mariadb:/, 'mysql:'));
  return {
    ...common,
    type: 'mysql',
    host: url.hostname,
    port: Number(url.port || 3306),
    username: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: url.pathname.replace(/^\//, ''),
    timezone: 'Z',
    charset: 'utf8mb4_unicode_ci',
    extra: { connectionLimit: 20 },
  };
}

/** A DataSource for the TypeORM CLI (`DATABASE_URL` or the embedded default). */
export default new DataSource(dataSourceOptions(process.env.DATABASE_URL ?? `sqlite:${path.resolve(process.env.DATA_DIR ?? 'data', 'station.db')}`));
