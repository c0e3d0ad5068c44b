import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { col, createTable } from './schema';

/**
 * The mini-program: family contacts who bind there (their openid), the one-time subscription
 * messages each user has accepted per purpose, and the outbox's second channel (a row goes to the
 * bot or to the mini-program's subscription messages; the same dedupe key either way).
 */
export class Miniprogram1765500000000 implements MigrationInterface {
  name = 'Miniprogram1765500000000';

  async up(qr: QueryRunner): Promise<void> {
    await qr.addColumn('family_contacts', new TableColumn({ name: 'openid', type: 'varchar', length: '128', isNullable: true }));
    await qr.createIndex('family_contacts', new TableIndex({ name: 'IDX_family_contacts_openid', columnNames: ['openid'] }));
    await createTable(qr, 'subscription_quota', [
      col.id(), col.str('openid', 128), col.str('purpose', 40), col.int('remaining', { default: 0 }),
      col.int('accepted', { default: 0 }), col.int('spent', { default: 0 }), col.created('updatedAt'),
    ], [{ columns: ['openid', 'purpose'], unique: true }]);
    await qr.addColumns('outbox', [
      new TableColumn({ name: 'channel', type: 'varchar', length: '10', default: "'bot'" }),
      new TableColumn({ name: 'toOpenid', type: 'varchar', length: '128', isNullable: true }),
      new TableColumn({ name: 'purpose', type: 'varchar', length: '40', isNullable: true }),
    ]);
    await qr.createIndex('outbox', new TableIndex({ name: 'IDX_outbox_channel_status_notBefore', columnNames: ['channel', 'status', 'notBefore'] }));
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropIndex('outbox', 'IDX_outbox_channel_status_notBefore');
    await qr.dropColumns('outbox', ['channel', 'toOpenid', 'purpose']);
    await qr.dropTable('subscription_quota', true);
    await qr.dropIndex('family_contacts', 'IDX_family_contacts_openid');
    await qr.dropColumn('family_contacts', 'openid');
  }
}
