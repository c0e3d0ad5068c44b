import type { Database } from './db';

/**
 * Pages of the residents list kept in memory per station and filter while the station's residents
 * are unchanged. "Unchanged" is the database's word, not the application's: triggers raise the
 * station's row in `resident_versions` on every insert, update and delete of `residents`
 * (migrations/1765700000000), whatever wrote it (any service, the CLI, another instance). A page is
 * served again only while that number has not moved, so it is never staler than the read of it.
 */
export class ResidentPages<P> {
  private pages = new Map<string, { version: number; page: Promise<P> }>();

  constructor(private readonly db: Database, private readonly capacity = 64) {}

  /**
   * The page under `key` in `stationId`: the kept one if the station's version still matches, else
   * `load()`'s, kept under the version read before loading (a write in between only makes the next
   * read load again). Reads that arrive while a page loads share that load. Callers must not change
   * what they get: it is shared.
   */
  async get(stationId: number, key: string, load: () => Promise<P>): Promise<P> {
    const [row] = await this.db.rows<{ version: unknown }>('SELECT version FROM resident_versions WHERE stationId = ?', [stationId]);
    if (!row) return load();
    const version = Number(row.version);
    const k = `${stationId}|${key}`;
    const kept = this.pages.get(k);
    this.pages.delete(k); // re-inserted below: the Map's order is the least recently used first
    if (kept && kept.version >= version) {
      this.pages.set(k, kept);
      return kept.page;
    }
    const entry = { version, page: load() };
    if (this.pages.size >= this.capacity) this.pages.delete(this.pages.keys().next().value!);
    this.pages.set(k, entry);
    entry.page.catch(() => {
      if (this.pages.get(k) === entry) this.pages.delete(k);
    });
    return entry.page;
  }
}
