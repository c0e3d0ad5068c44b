import { MigrationInterface, QueryRunner } from 'typeorm';
import { createTable } from './schema';

const TRIGGERS = ['residents_version_insert', 'residents_version_update', 'residents_version_delete', 'stations_resident_version'];

/**
 * A version per station, raised by the database itself on every write to `residents` (triggers, so
 * that no write path, process or instance can forget it): the residents list is served from memory
 * while its station's version has not moved (services/resident-pages.ts).
 *
 * SQLite drops a table's triggers when TypeORM rebuilds the table to alter it: a later migration that
 * alters `residents` must create these triggers again (test/services/resident-pages.test.ts checks that they fire).
 */
export class ResidentVersions1765700000000 implements MigrationInterface {
  name = 'ResidentVersions1765700000000';

  async up(qr: QueryRunner): Promise<void> {
    const sqlite = qr.connection.driver.options.type === 'better-sqlite3';
    await createTable(qr, 'resident_versions', [
      { name: 'stationId', type: 'int', isPrimary: true },
      { name: 'version', type: 'bigint', default: 0 },
    ]);
    // A plain UPDATE of a row that exists (made with its station), not an upsert: on MariaDB it locks
    // one row and takes no gap locks.
    const bump = (station: string) => `UPDATE resident_versions SET version = version + 1 WHERE stationId = ${station}`;
    // SQLite wants BEGIN … END around a trigger's statements; MySQL takes one bare statement or a compound one.
    const trigger = (name: string, on: string, statements: string[]) => qr.query(
      `CREATE TRIGGER ${name} ${on} FOR EACH ROW ${sqlite || statements.length > 1 ? `BEGIN ${statements.map((s) => `${s};`).join(' ')} END` : statements[0]}`,
    );
    try {
      // IGNORE: a row left by a deleted station of the same id keeps counting up, which is all a version must do.
      await trigger('stations_resident_version', 'AFTER INSERT ON stations', [`${sqlite ? 'INSERT OR IGNORE' : 'INSERT IGNORE'} INTO resident_versions (stationId, version) VALUES (NEW.id, 0)`]);
      await trigger('residents_version_insert', 'AFTER INSERT ON residents', [bump('NEW.stationId')]);
      await trigger('residents_version_update', 'AFTER UPDATE ON residents', [bump('NEW.stationId'), sqlite
        ? `${bump('OLD.stationId')} AND OLD.stationId <> NEW.stationId`
        : `IF OLD.stationId <> NEW.stationId THEN ${bump('OLD.stationId')}; END IF`]);
      await trigger('residents_version_delete', 'AFTER DELETE ON residents', [bump('OLD.stationId')]);
    } catch (err) {
      // A server without triggers (TiDB), or a user without the TRIGGER privilege (or SUPER, with binary
      // logging on): the table stays empty, and with no version to go by every list is read afresh.
      for (const t of TRIGGERS) await qr.query(`DROP TRIGGER IF EXISTS ${t}`);
      qr.connection.logger.log('warn', `未能创建触发器，居民列表将每次从数据库读取 / triggers not created, the residents list is read every time: ${(err as Error).message}`);
      return;
    }
    await qr.query('INSERT INTO resident_versions (stationId, version) SELECT id, 1 FROM stations');
  }

  async down(qr: QueryRunner): Promise<void> {
    for (const t of TRIGGERS) await qr.query(`DROP TRIGGER IF EXISTS ${t}`);
    await qr.dropTable('resident_versions', true);
  }
}
