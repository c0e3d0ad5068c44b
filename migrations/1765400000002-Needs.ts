import { MigrationInterface, QueryRunner } from 'typeorm';
import { col, createTable } from './schema';

/** The needs list (帮扶需求清单). */
export class Needs1765400000002 implements MigrationInterface {
  name = 'Needs1765400000002';

  async up(qr: QueryRunner): Promise<void> {
    await createTable(qr, 'needs', [
      col.id(), col.int('stationId'), col.int('residentId'), col.str('type', 20), col.str('urgency', 10),
      col.str('description', 1000), col.str('status', 12, { default: 'open' }), col.int('followUpWorkerId', { nullable: true }),
      col.str('note', 500, { nullable: true }), col.datetime('metAt', { nullable: true }), col.int('createdBy', { nullable: true }),
      col.created(), col.created('updatedAt'),
    ], [{ columns: ['stationId', 'status'] }, { columns: ['residentId'] }]);
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('needs', true);
  }
}
