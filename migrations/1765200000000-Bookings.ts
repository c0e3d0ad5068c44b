import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { col, createTable } from './schema';

/** Bookable services, their slots, bookings, waiting lists, booking settings and idempotency keys. */
export class Bookings1765200000000 implements MigrationInterface {
  name = 'Bookings1765200000000';

  async up(qr: QueryRunner): Promise<void> {
    await createTable(qr, 'bookable_services', [
      col.id(), col.int('stationId'), col.str('name', 100), col.str('description', 1000), col.int('durationMinutes'),
      col.str('location', 200, { nullable: true }), col.text('tags'), col.str('recordType', 20, { default: 'case' }),
      col.bool('active', true), col.int('createdBy', { nullable: true }), col.created(),
    ], [{ columns: ['stationId', 'active'] }]);
    await createTable(qr, 'booking_slots', [
      col.id(), col.int('serviceId'), col.int('stationId'), col.datetime('startsAt'), col.datetime('endsAt'), col.int('capacity'),
      col.int('booked', { default: 0 }), col.int('held', { default: 0 }), col.str('status', 12, { default: 'open' }),
      col.str('cancelReason', 200, { nullable: true }), col.created(),
    ], [{ columns: ['serviceId', 'startsAt'], unique: true }, { columns: ['stationId', 'startsAt'] }]);
    await createTable(qr, 'bookings', [
      col.id(), col.int('stationId'), col.int('slotId'), col.int('serviceId'), col.int('residentId'),
      col.str('status', 12, { default: 'booked' }), col.str('activeKey', 40, { nullable: true }), col.int('bookedBy', { nullable: true }),
      col.str('channel', 10), col.datetime('startsAt'), col.datetime('cancelledAt', { nullable: true }),
      col.int('cancelledBy', { nullable: true }), col.str('cancelReason', 20, { nullable: true }),
      col.datetime('attendanceAt', { nullable: true }), col.int('attendanceBy', { nullable: true }), col.datetime('createdAt'),
    ], [
      { columns: ['activeKey'], unique: true }, { columns: ['residentId', 'status'] }, { columns: ['slotId', 'status'] },
      { columns: ['stationId', 'createdAt'] }, { columns: ['status', 'startsAt'] },
    ]);
    await createTable(qr, 'booking_waitlist', [
      col.id(), col.int('stationId'), col.int('slotId'), col.int('residentId'), col.str('status', 12, { default: 'waiting' }),
      col.str('activeKey', 40, { nullable: true }), col.int('addedBy', { nullable: true }), col.datetime('offeredAt', { nullable: true }),
      col.datetime('offerExpiresAt', { nullable: true }), col.int('bookingId', { nullable: true }), col.datetime('createdAt'),
    ], [{ columns: ['activeKey'], unique: true }, { columns: ['slotId', 'status'] }, { columns: ['status', 'offerExpiresAt'] }]);
    await createTable(qr, 'booking_settings', [
      { name: 'stationId', type: 'int', isPrimary: true }, col.int('maxActivePerResident', { default: 3 }),
      col.int('closeMinutesBefore', { default: 60 }), col.int('cancelCutoffMinutes', { default: 120 }),
      col.int('offerHoldMinutes', { default: 30 }),
    ]);
    await createTable(qr, 'idempotency_keys', [
      col.id(), col.str('scope', 40), col.str('idemKey', 100), col.str('requestHash', 64), col.str('status', 10),
      col.int('responseStatus', { nullable: true }), col.text('responseBody', { nullable: true }), col.datetime('createdAt'),
    ], [{ columns: ['scope', 'idemKey'], unique: true }, { columns: ['createdAt'] }]);
    await qr.addColumn('service_records', new TableColumn({ name: 'bookingId', type: 'int', isNullable: true }));
    await qr.createIndex('service_records', new TableIndex({ name: 'IDX_service_records_bookingId', columnNames: ['bookingId'], isUnique: true }));
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropIndex('service_records', 'IDX_service_records_bookingId');
    await qr.dropColumn('service_records', 'bookingId');
    for (const t of ['idempotency_keys', 'booking_settings', 'booking_waitlist', 'bookings', 'booking_slots', 'bookable_services']) await qr.dropTable(t, true);
  }
}
