import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { col, createTable } from './schema';

/**
 * Everything said on an alert (each help call, the family's words, notes) and on a hand-off (the
 * resident's messages and the workers' replies), one row each so that adding never rewrites; the
 * hand-off's reminder and closing note.
 */
export class Safety1765100000000 implements MigrationInterface {
  name = 'Safety1765100000000';

  async up(qr: QueryRunner): Promise<void> {
    await createTable(qr, 'alert_entries', [
      col.id(), col.int('alertId'), col.int('stationId'), col.str('kind', 20), col.str('author', 60, { nullable: true }),
      col.str('text', 500), col.datetime('at'),
    ], [{ columns: ['alertId'] }]);
    await createTable(qr, 'handoff_messages', [
      col.id(), col.int('handoffId'), col.int('stationId'), col.str('direction', 3), col.text('text'),
      col.int('workerId', { nullable: true }), col.datetime('at'),
    ], [{ columns: ['handoffId'] }]);
    await qr.addColumns('handoffs', [
      new TableColumn(col.str('reason', 20, { default: 'asked' })),
      new TableColumn(col.datetime('remindedAt', { nullable: true })),
      new TableColumn(col.datetime('lastMessageAt', { nullable: true })),
      new TableColumn(col.str('note', 200, { nullable: true })),
    ]);
  }

  async down(qr: QueryRunner): Promise<void> {
    for (const c of ['note', 'lastMessageAt', 'remindedAt', 'reason']) await qr.dropColumn('handoffs', c);
    await qr.dropTable('handoff_messages', true);
    await qr.dropTable('alert_entries', true);
  }
}
