import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes whose columns lead another index of the same table, so that every read they served the
 * longer one serves as well, while each costs a write on every insert: the check-in sweep opens a
 * day for every elder each morning. (`residents (stationId)` also leads one, but keeps the station's
 * residents in id order for the paged list, which the longer index would have to sort.)
 * [table, index, its columns]
 */
const REDUNDANT: [string, string, string[]][] = [
  ['checkin_days', 'IDX_checkin_days_stationId_date', ['stationId', 'date']], // led by (stationId, date, status) from the statistics
];

/** Drops the indexes made redundant by the statistics indexes (1765600000000-Stats). */
export class RedundantIndexes1765800000000 implements MigrationInterface {
  name = 'RedundantIndexes1765800000000';

  // Plain SQL, not qr.dropIndex: TypeORM may rebuild a SQLite table to alter it, dropping the triggers on residents.
  async up(qr: QueryRunner): Promise<void> {
    const q = quoter(qr);
    for (const [table, index] of REDUNDANT) await qr.query(isSqlite(qr) ? `DROP INDEX ${q(index)}` : `DROP INDEX ${q(index)} ON ${q(table)}`);
  }

  async down(qr: QueryRunner): Promise<void> {
    const q = quoter(qr);
    for (const [table, index, columns] of REDUNDANT) await qr.query(`CREATE INDEX ${q(index)} ON ${q(table)} (${columns.map(q).join(', ')})`);
  }
}

const isSqlite = (qr: QueryRunner) => qr.connection.driver.options.type === 'better-sqlite3';
const quoter = (qr: QueryRunner) => (name: string) => (isSqlite(qr) ? `"${name}"` : `\`${name}\``);
