import { MigrationInterface, QueryRunner } from 'typeorm';
import { col, createTable } from './schema';

/** Each county's amount of a shared policy. */
export class PolicyAmounts1765000000001 implements MigrationInterface {
  name = 'PolicyAmounts1765000000001';

  async up(qr: QueryRunner): Promise<void> {
    await createTable(qr, 'policy_amounts', [
      col.id(), col.int('policyId'), col.str('county', 100), col.str('amount', 200), col.datetime('updatedAt'),
    ], [{ columns: ['policyId', 'county'], unique: true }]);
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('policy_amounts', true);
  }
}
