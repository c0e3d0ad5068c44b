import { MigrationInterface, QueryRunner } from 'typeorm';
import { col, createTable } from './schema';

/** Welfare policies and the questions they did not answer. */
export class Policies1764800000000 implements MigrationInterface {
  name = 'Policies1764800000000';

  async up(qr: QueryRunner): Promise<void> {
    await createTable(qr, 'policies', [
      col.id(), col.int('stationId', { nullable: true }), col.str('title', 200), col.str('category', 50),
      col.str('summary', 1000), col.text('content'), col.text('steps'), col.text('materials'), col.text('keywords'),
      col.text('questions'), col.str('source', 300, { nullable: true }), col.str('effectiveFrom', 10, { nullable: true }),
      col.str('effectiveTo', 10, { nullable: true }), col.created(), col.created('updatedAt'),
    ], [{ columns: ['stationId'] }]);
    await createTable(qr, 'unanswered_questions', [
      col.id(), col.int('stationId'), col.str('normalized', 190), col.str('text', 500), col.int('count', { default: 1 }),
      col.str('status', 10, { default: 'open' }), col.int('policyId', { nullable: true }),
      col.datetime('firstAskedAt'), col.datetime('lastAskedAt'),
    ], [{ columns: ['stationId', 'normalized'], unique: true }]);
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('unanswered_questions', true);
    await qr.dropTable('policies', true);
  }
}
