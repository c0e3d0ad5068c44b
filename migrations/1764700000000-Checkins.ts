import { MigrationInterface, QueryRunner } from 'typeorm';
import { col, createTable } from './schema';

/** Daily check-ins for elders (plans and days) and the service records a home visit writes. */
export class Checkins1764700000000 implements MigrationInterface {
  name = 'Checkins1764700000000';

  async up(qr: QueryRunner): Promise<void> {
    await createTable(qr, 'checkin_plans', [
      col.id(), col.int('residentId'), col.int('stationId'), col.bool('enabled', true), col.str('remindAt', 5),
      col.int('remindMinute'), col.int('secondReminderMinutes'), col.int('graceMinutes'), col.text('weekdays'),
      col.int('weekdayMask'), col.str('pausedUntil', 10, { nullable: true }), col.str('pauseReason', 100, { nullable: true }),
      col.text('escalation'), col.str('appliesFromDate', 10), col.int('updatedBy', { nullable: true }),
      col.created(), col.created('updatedAt'),
    ], [{ columns: ['residentId'], unique: true }, { columns: ['stationId'] }]);
    await createTable(qr, 'checkin_days', [
      col.id(), col.int('residentId'), col.int('stationId'), col.str('date', 10), col.str('status', 12, { default: 'pending' }),
      col.int('remindMinute'), col.int('secondMinute'), col.int('deadlineMinute'),
      col.datetime('firstReminderAt', { nullable: true }), col.datetime('secondReminderAt', { nullable: true }),
      col.datetime('confirmedAt', { nullable: true }), col.str('confirmedSource', 10, { nullable: true }),
      col.int('confirmedBy', { nullable: true }), col.datetime('missedAt', { nullable: true }),
      col.datetime('escalatedAt', { nullable: true }), col.int('alertId', { nullable: true }),
      col.str('unreachableReason', 15, { nullable: true }), col.datetime('workersToldAt', { nullable: true }),
      col.str('note', 500, { nullable: true }), col.created(), col.created('updatedAt'),
    ], [
      { columns: ['residentId', 'date'], unique: true }, { columns: ['date', 'status'] }, { columns: ['stationId', 'date'] },
    ]);
    await createTable(qr, 'service_records', [
      col.id(), col.int('stationId'), col.str('type', 20), col.str('date', 10), col.str('summary', 2000),
      { name: 'resourcesYuan', type: 'double', isNullable: true }, col.text('residentIds'),
      col.int('alertId', { nullable: true }), col.int('createdBy', { nullable: true }), col.created(),
    ], [{ columns: ['stationId', 'date'] }]);
  }

  async down(qr: QueryRunner): Promise<void> {
    for (const t of ['service_records', 'checkin_days', 'checkin_plans']) await qr.dropTable(t, true);
  }
}
