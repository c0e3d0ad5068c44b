import { MigrationInterface, QueryRunner } from 'typeorm';
import { col, createTable } from './schema';

/** Residents' questions per station and week: answered, unanswered, resolved by the workers. */
export class PolicyQuestionWeeks1765000000002 implements MigrationInterface {
  name = 'PolicyQuestionWeeks1765000000002';

  async up(qr: QueryRunner): Promise<void> {
    await createTable(qr, 'policy_question_weeks', [
      col.id(), col.int('stationId'), col.str('week', 10), col.int('answered', { default: 0 }), col.int('unanswered', { default: 0 }),
      col.int('resolved', { default: 0 }),
    ], [{ columns: ['stationId', 'week'], unique: true }]);
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable('policy_question_weeks', true);
  }
}
