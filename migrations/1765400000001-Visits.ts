import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { col } from './schema';

/** Home-visit schedule: intervals per station and risk tier, the worker who visits each resident. */
export class Visits1765400000001 implements MigrationInterface {
  name = 'Visits1765400000001';

  async up(qr: QueryRunner): Promise<void> {
    await qr.addColumns('stations', [
      new TableColumn(col.int('visitDaysHigh', { default: 7 })),
      new TableColumn(col.int('visitDaysPriority', { default: 30 })),
      new TableColumn(col.int('visitDaysGeneral', { default: 90 })),
    ]);
    await qr.addColumn('residents', new TableColumn(col.int('caseWorkerId', { nullable: true })));
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropColumn('residents', 'caseWorkerId');
    for (const c of ['visitDaysGeneral', 'visitDaysPriority', 'visitDaysHigh']) await qr.dropColumn('stations', c);
  }
}
