import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { col, createTable } from './schema';

const RECORD_COLUMNS = [
  col.str('resourcesGiver', 100, { nullable: true }), col.str('resourcesNote', 200, { nullable: true }),
  col.int('workerId', { nullable: true }), col.int('durationMinutes', { nullable: true }), col.str('source', 12, { default: 'manual' }),
  col.int('residentCount', { default: 0 }),
];

/** Indexes the statistics read by station and time on tables that had none for it (names within MySQL's 64 characters). */
const STATS_INDEXES: [string, string[], string?][] = [
  ['service_records', ['stationId', 'date', 'type', 'residentCount', 'resourcesYuan', 'resourcesGiver'], 'IDX_service_records_stats_cover'],
  ['checkin_days', ['stationId', 'date', 'status']], ['alerts', ['stationId', 'createdAt']], ['alerts', ['stationId', 'resolvedAt']], ['bookings', ['stationId', 'startsAt']],
  ['needs', ['stationId', 'createdAt']], ['needs', ['stationId', 'metAt']],
];

/**
 * Statistics (#16): service records get their worker, duration, source and the giver of linked
 * resources; their residents are kept row by row (`service_record_residents`) so person-times and
 * people served are counted in SQL; satisfaction ratings; indexes for counting by station and time.
 */
export class Stats1765600000000 implements MigrationInterface {
  name = 'Stats1765600000000';

  async up(qr: QueryRunner): Promise<void> {
    for (const c of RECORD_COLUMNS) await qr.addColumn('service_records', new TableColumn(c));
    await qr.query("UPDATE service_records SET source = 'alert' WHERE alertId IS NOT NULL");
    await qr.query("UPDATE service_records SET source = 'booking' WHERE bookingId IS NOT NULL");
    await qr.query("UPDATE service_records SET source = 'activity' WHERE activityId IS NOT NULL");
    await qr.query('UPDATE service_records SET workerId = createdBy');
    await createTable(qr, 'service_record_residents', [
      col.id(), col.int('recordId'), col.int('stationId'), col.int('residentId'), col.str('type', 20), col.str('date', 10),
    ], [
      { columns: ['stationId', 'date', 'type', 'residentId'] }, { columns: ['stationId', 'residentId', 'date', 'type'] },
      { columns: ['recordId', 'residentId'], unique: true }, { columns: ['residentId'] },
    ]);
    // Existing records: their JSON resident lists, row by row.
    const rows = (await qr.query('SELECT id, stationId, type, date, residentIds FROM service_records')) as { id: number; stationId: number; type: string; date: string; residentIds: string }[];
    for (const r of rows) {
      const ids = [...new Set((JSON.parse(r.residentIds || '[]') as number[]).filter((n) => Number.isInteger(n)))];
      await qr.query('UPDATE service_records SET residentCount = ? WHERE id = ?', [ids.length, r.id]);
      for (const residentId of ids) {
        await qr.query('INSERT INTO service_record_residents (recordId, stationId, residentId, type, date) VALUES (?, ?, ?, ?, ?)', [r.id, r.stationId, residentId, r.type, r.date]);
      }
    }
    await createTable(qr, 'satisfaction_ratings', [
      col.id(), col.int('stationId'), col.int('recordId'), col.int('residentId'), col.str('date', 10), col.int('outboxId', { nullable: true }),
      col.datetime('askedAt'), col.int('rating', { nullable: true }), col.datetime('ratedAt', { nullable: true }),
    ], [{ columns: ['recordId', 'residentId'], unique: true }, { columns: ['stationId', 'date'] }, { columns: ['residentId', 'askedAt'] }]);
    for (const [table, columns, name] of STATS_INDEXES) {
      await qr.createIndex(table, new TableIndex({ name: name ?? `IDX_${table}_${columns.join('_')}`, columnNames: columns }));
    }
  }

  async down(qr: QueryRunner): Promise<void> {
    for (const [table, columns, name] of STATS_INDEXES) await qr.dropIndex(table, name ?? `IDX_${table}_${columns.join('_')}`);
    await qr.dropTable('satisfaction_ratings', true);
    await qr.dropTable('service_record_residents', true);
    for (const c of [...RECORD_COLUMNS].reverse()) await qr.dropColumn('service_records', c.name);
  }
}
