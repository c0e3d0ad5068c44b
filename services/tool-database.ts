import { existsSync } from 'node:fs';
import path from 'node:path';

/** The product's own data folder when it runs from its project folder (`npm start`): `<project>/data`. */
const PROJECT_DATA_DIR = path.resolve(__dirname, '..', 'data');
const EMBEDDED_FILE = 'station.db';

/** The SQLite file of a `sqlite:` database URL, null for MySQL/MariaDB or an in-memory database. */
function sqliteFile(databaseUrl: string): string | null {
  if (!databaseUrl.startsWith('sqlite:')) return null;
  const file = databaseUrl.slice('sqlite:'.length);
  return file === '' || file === ':memory:' ? null : path.resolve(file);
}

/** A database URL in words for the console, without the password: `SQLite /srv/station/data/station.db`. */
export function describeDatabase(databaseUrl: string): string {
  if (databaseUrl.startsWith('sqlite:')) return `SQLite ${sqliteFile(databaseUrl) ?? '（内存 / in memory）'}`;
  const url = new URL(databaseUrl.replace(/^mariadb:/, 'mysql:'));
  const user = url.username ? `${decodeURIComponent(url.username)}@` : '';
  return `MySQL/MariaDB ${user}${url.hostname}:${url.port || 3306}${url.pathname}`;
}

/** What a command-line tool may do with its database: go on (perhaps creating it, said aloud) or refuse, and why. */
export interface ToolDatabase {
  /** `数据库 / database: …`, for the console. */
  says: string;
  /** The SQLite file does not exist yet and would be created (empty). */
  creates: boolean;
  /** Set when the tool must not go on: a new empty database while the product's data is elsewhere. */
  refusal: string | null;
}

/**
 * Before `npm run job` or `npm run cli` opens its database: which one it is, and whether to go on.
 * A SQLite file that does not exist would be created empty; when the product's own database is
 * elsewhere (`<project>/data/station.db`: another working directory, a forgotten or mistyped
 * DATA_DIR), that is a mistake, and the tool refuses, saying where the data is and how to use it.
 */
export function toolDatabase(databaseUrl: string, productDataDir: string = PROJECT_DATA_DIR): ToolDatabase {
  const says = `数据库 / database: ${describeDatabase(databaseUrl)}`;
  const file = sqliteFile(databaseUrl);
  if (!file || existsSync(file)) return { says, creates: false, refusal: null };
  const product = path.join(productDataDir, EMBEDDED_FILE);
  if (product !== file && existsSync(product)) {
    return {
      says, creates: true,
      refusal: [
        `没有找到数据库 ${file}，不会新建一个空的。/ No database at ${file}; not creating an empty one.`,
        `产品的数据在 / the product's data is in: ${product}`,
        `请设置 / set DATA_DIR=${productDataDir}（或 DATABASE_URL=sqlite:${product}）后再运行。`,
      ].join('\n'),
    };
  }
  return { says: `${says}（新建 / new, empty）`, creates: true, refusal: null };
}
