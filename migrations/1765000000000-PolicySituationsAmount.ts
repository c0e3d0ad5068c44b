import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { col } from './schema';

/** Policies carry the life situations they serve and the local amount set by the county or station. */
export class PolicySituationsAmount1765000000000 implements MigrationInterface {
  name = 'PolicySituationsAmount1765000000000';

  async up(qr: QueryRunner): Promise<void> {
    await qr.addColumn('policies', new TableColumn(col.text('situations', { nullable: true })));
    await qr.addColumn('policies', new TableColumn(col.str('amount', 200, { nullable: true })));
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropColumn('policies', 'amount');
    await qr.dropColumn('policies', 'situations');
  }
}
