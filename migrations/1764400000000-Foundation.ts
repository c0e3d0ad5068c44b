import { MigrationInterface, QueryRunner } from 'typeorm';
import { col, createTable } from './schema';

/** Stations, people, messaging, job runs: what every feature stands on. */
export class Foundation1764400000000 implements MigrationInterface {
  name = 'Foundation1764400000000';

  async up(qr: QueryRunner): Promise<void> {
    await createTable(qr, 'stations', [
      col.id(), col.str('name', 100), col.str('township', 100), col.str('county', 100),
      col.str('address', 200, { nullable: true }), col.str('phone', 40, { nullable: true }),
      col.str('openHours', 200, { nullable: true }), col.created(),
    ]);
    await createTable(qr, 'communities', [col.id(), col.int('stationId'), col.str('name', 100), col.created()], [
      { columns: ['stationId', 'name'], unique: true },
    ]);
    await createTable(qr, 'workers', [
      col.id(), col.int('stationId', { nullable: true }), col.str('county', 100), col.str('username', 64),
      col.str('passwordHash', 200), col.str('name', 50), col.str('role', 20), col.str('phone', 20, { nullable: true }),
      col.bool('active', true), col.int('tokenVersion', { default: 0 }), col.str('wechatContactId', 128, { nullable: true }),
      col.created(),
    ], [{ columns: ['username'], unique: true }]);
    await createTable(qr, 'residents', [
      col.id(), col.int('stationId'), col.int('communityId'), col.str('name', 50), col.str('phone', 20, { nullable: true }),
      col.str('birthDate', 10, { nullable: true }), col.str('gender', 10, { nullable: true }), col.text('tags'),
      col.str('address', 200, { nullable: true }), col.str('idNumberEnc', 200, { nullable: true }),
      col.str('idNumberHash', 64, { nullable: true }), col.str('status', 20, { default: 'active' }),
      col.str('riskTier', 10, { default: 'general' }), col.str('wechatContactId', 128, { nullable: true }),
      col.str('openid', 128, { nullable: true }), col.bool('optedOut'), col.datetime('erasedAt', { nullable: true }),
      col.created(), col.created('updatedAt'),
    ], [
      { columns: ['stationId'] }, { columns: ['stationId', 'idNumberHash'], unique: true },
      { columns: ['wechatContactId'] }, { columns: ['openid'] },
    ]);
    await createTable(qr, 'family_contacts', [
      col.id(), col.int('residentId'), col.int('stationId'), col.str('name', 50), col.str('relation', 20),
      col.str('phone', 20, { nullable: true }), col.str('wechatContactId', 128, { nullable: true }), col.created(),
    ], [{ columns: ['residentId'] }, { columns: ['wechatContactId'] }]);
    await createTable(qr, 'outbox', [
      col.id(), col.int('stationId'), col.str('toContactId', 128), col.str('toAlias', 64, { nullable: true }), col.text('text'),
      col.int('priority'), col.bool('urgent'), col.str('kind', 40), col.str('dedupeKey', 190, { nullable: true }),
      col.datetime('notBefore'), col.str('status', 12, { default: 'pending' }), col.int('attempts', { default: 0 }),
      col.str('lastError', 500, { nullable: true }), col.str('claimedBy', 64, { nullable: true }),
      col.datetime('claimedAt', { nullable: true }), col.datetime('sentAt', { nullable: true }),
      col.str('refType', 30, { nullable: true }), col.int('refId', { nullable: true }), col.created(),
    ], [{ columns: ['dedupeKey'], unique: true }, { columns: ['status', 'notBefore'] }, { columns: ['refType', 'refId'] }]);
    await createTable(qr, 'message_log', [
      col.id(), col.int('stationId'), col.str('contactId', 128), col.str('direction', 3),
      col.str('type', 20, { default: 'text' }), col.text('text'), col.datetime('at'),
    ], [{ columns: ['contactId', 'id'] }]);
    await createTable(qr, 'conversations', [
      col.id(), col.int('stationId'), col.str('contactId', 128), col.text('state'), col.datetime('expiresAt'),
      col.int('version', { default: 0 }),
    ], [{ columns: ['stationId', 'contactId'], unique: true }]);
    await createTable(qr, 'job_runs', [
      col.id(), col.str('job', 40), col.datetime('slot', { nullable: true }), col.str('owner', 64), col.str('status', 10),
      col.datetime('startedAt'), col.datetime('finishedAt', { nullable: true }), col.datetime('at', { nullable: true }),
      col.text('summary', { nullable: true }),
    ], [{ columns: ['job', 'slot'], unique: true }]);
    await createTable(qr, 'binding_codes', [
      col.id(), col.int('stationId'), col.str('targetType', 10), col.int('targetId'), col.str('codeHash', 64),
      col.datetime('expiresAt'), col.datetime('usedAt', { nullable: true }), col.created(),
    ], [{ columns: ['codeHash'] }, { columns: ['targetType', 'targetId'] }]);
    await createTable(qr, 'alerts', [
      col.id(), col.int('stationId'), col.int('residentId', { nullable: true }), col.str('type', 30),
      col.str('status', 15, { default: 'open' }), col.str('summary', 500), col.str('dedupeKey', 190, { nullable: true }),
      col.int('escalationLevel', { default: 0 }), col.datetime('escalatedAt', { nullable: true }),
      col.datetime('acknowledgedAt', { nullable: true }), col.int('acknowledgedBy', { nullable: true }),
      col.datetime('resolvedAt', { nullable: true }), col.int('resolvedBy', { nullable: true }),
      col.str('outcome', 15, { nullable: true }), col.str('note', 1000, { nullable: true }),
      col.datetime('replyAt', { nullable: true }), col.str('replyText', 500, { nullable: true }), col.datetime('createdAt'),
    ], [{ columns: ['stationId', 'status'] }, { columns: ['dedupeKey'], unique: true }, { columns: ['residentId'] }]);
    await createTable(qr, 'handoffs', [
      col.id(), col.int('stationId'), col.str('contactId', 128), col.str('contactName', 50, { nullable: true }),
      col.int('residentId', { nullable: true }), col.str('status', 10, { default: 'open' }), col.int('takenBy', { nullable: true }),
      col.text('transcript'), col.datetime('createdAt'), col.datetime('takenAt', { nullable: true }),
      col.datetime('closedAt', { nullable: true }),
    ], [{ columns: ['stationId', 'status'] }]);
    await createTable(qr, 'audit_log', [
      col.id(), col.int('stationId'), col.int('residentId', { nullable: true }), col.int('workerId', { nullable: true }),
      col.str('action', 40), col.text('detail', { nullable: true }), col.datetime('at'),
    ], [{ columns: ['stationId', 'residentId'] }]);
  }

  async down(qr: QueryRunner): Promise<void> {
    for (const t of ['audit_log', 'handoffs', 'alerts', 'binding_codes', 'job_runs', 'conversations', 'message_log', 'outbox', 'family_contacts', 'residents', 'workers', 'communities', 'stations']) {
      await qr.dropTable(t, true);
    }
  }
}
