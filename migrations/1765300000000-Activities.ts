import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { col, createTable } from './schema';

/** Activities and sign-ups, broadcasts and their recipients, community WeChat groups. */
export class Activities1765300000000 implements MigrationInterface {
  name = 'Activities1765300000000';

  async up(qr: QueryRunner): Promise<void> {
    await createTable(qr, 'activities', [
      col.id(), col.int('stationId'), col.str('title', 100), col.text('description'), col.datetime('startsAt'), col.datetime('endsAt'),
      col.str('location', 200), col.int('capacity', { nullable: true }), col.int('signedUp', { default: 0 }),
      col.datetime('signupDeadline', { nullable: true }), col.text('audience'), col.str('kind', 12, { default: 'community' }),
      col.str('status', 12, { default: 'scheduled' }), col.int('serviceRecordId', { nullable: true }), col.int('createdBy', { nullable: true }),
      col.created(),
    ], [{ columns: ['stationId', 'startsAt'] }]);
    await createTable(qr, 'activity_signups', [
      col.id(), col.int('activityId'), col.int('stationId'), col.int('residentId'), col.str('status', 12), col.str('source', 10),
      col.datetime('signedUpAt'), col.datetime('cancelledAt', { nullable: true }), col.created(),
    ], [{ columns: ['activityId', 'residentId'], unique: true }, { columns: ['residentId'] }]);
    await createTable(qr, 'broadcasts', [
      col.id(), col.int('stationId'), col.int('activityId', { nullable: true }), col.text('text'), col.text('audience'),
      col.datetime('sendAt'), col.str('status', 12), col.int('recipients', { default: 0 }), col.int('optedOut', { default: 0 }),
      col.int('unreachable', { default: 0 }), col.int('rooms', { default: 0 }), col.int('parts', { default: 1 }),
      col.str('idempotencyKey', 100), col.bool('failuresReported'), col.int('createdBy', { nullable: true }),
      col.datetime('queuedAt', { nullable: true }), col.datetime('cancelledAt', { nullable: true }), col.created(),
    ], [{ columns: ['stationId', 'idempotencyKey'], unique: true }, { columns: ['status', 'sendAt'] }]);
    await createTable(qr, 'broadcast_recipients', [
      col.id(), col.int('broadcastId'), col.int('stationId'), col.int('residentId', { nullable: true }),
      col.str('roomId', 128, { nullable: true }), col.str('state', 12), col.str('outboxKey', 190, { nullable: true }),
      col.datetime('repliedAt', { nullable: true }),
    ], [
      { columns: ['broadcastId', 'residentId'], unique: true }, { columns: ['broadcastId', 'roomId'], unique: true },
      { columns: ['residentId', 'id'] },
    ]);
    await createTable(qr, 'community_rooms', [
      col.id(), col.int('stationId'), col.int('communityId'), col.str('roomId', 128), col.created(),
    ], [{ columns: ['communityId'], unique: true }]);
    await qr.addColumn('service_records', new TableColumn(col.int('activityId', { nullable: true })));
    await qr.createIndex('service_records', new TableIndex({ name: 'IDX_service_records_activityId', columnNames: ['activityId'], isUnique: true }));
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropIndex('service_records', 'IDX_service_records_activityId');
    await qr.dropColumn('service_records', 'activityId');
    for (const t of ['community_rooms', 'broadcast_recipients', 'broadcasts', 'activity_signups', 'activities']) await qr.dropTable(t, true);
  }
}
