import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { col, createTable } from './schema';

/** Family reminders (weekly call-home schedules, the reminders sent), family consent, children's officers. */
export class FamilyReminders1765400000000 implements MigrationInterface {
  name = 'FamilyReminders1765400000000';

  async up(qr: QueryRunner): Promise<void> {
    await createTable(qr, 'family_reminder_schedules', [
      col.id(), col.int('stationId'), col.int('residentId'), col.int('familyContactId'), col.int('weekday'),
      col.str('time', 5), col.int('minute'), col.str('message', 500, { nullable: true }), col.datetime('activeFrom'),
      col.int('createdBy', { nullable: true }), col.created(),
    ], [{ columns: ['stationId', 'weekday'] }, { columns: ['residentId'] }]);
    await createTable(qr, 'family_reminders', [
      col.id(), col.int('stationId'), col.int('residentId'), col.int('familyContactId'), col.str('kind', 12),
      col.int('scheduleId', { nullable: true }), col.str('guardianType', 20, { nullable: true }), col.datetime('dueAt'),
      col.text('text'), col.str('status', 12, { default: 'scheduled' }), col.datetime('queuedAt', { nullable: true }),
      col.datetime('acknowledgedAt', { nullable: true }), col.str('dedupeKey', 190), col.int('createdBy', { nullable: true }),
      col.created(),
    ], [
      { columns: ['residentId', 'dueAt'] }, { columns: ['status', 'dueAt'] }, { columns: ['scheduleId', 'dueAt'] }, { columns: ['familyContactId', 'acknowledgedAt'] },
      { columns: ['dedupeKey'], unique: true },
    ]);
    await qr.addColumns('family_contacts', [
      new TableColumn(col.datetime('consentAt', { nullable: true })),
      new TableColumn(col.bool('optedOut')),
    ]);
    await qr.addColumn('communities', new TableColumn(col.int('childrenOfficerId', { nullable: true })));
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropColumn('communities', 'childrenOfficerId');
    await qr.dropColumn('family_contacts', 'optedOut');
    await qr.dropColumn('family_contacts', 'consentAt');
    for (const t of ['family_reminders', 'family_reminder_schedules']) await qr.dropTable(t, true);
  }
}
