import { Conversation } from '../entities';
import type { Infra } from './infra';
import { isUniqueViolation } from './errors';

/** A conversation expires after ten minutes of silence (BOT.md). */
const CONVERSATION_TTL_MS = 10 * 60_000;

/**
 * Multi-step chat state per station account and contact, kept in the database so a booking in
 * progress survives a restart and works with several bot processes.
 */
export class ConversationService {
  constructor(private readonly ctx: Infra) {}

  /** The live state, or null when there is none or it expired. */
  async get<T extends Record<string, unknown>>(stationId: number, contactId: string): Promise<T | null> {
    const row = await this.ctx.db.manager.findOne(Conversation, { where: { stationId, contactId } });
    if (!row || row.expiresAt <= this.ctx.clock.now()) return null;
    return row.state as T;
  }

  /** Saves the state and restarts its ten minutes. */
  async set(stationId: number, contactId: string, state: Record<string, unknown>): Promise<void> {
    const repo = this.ctx.db.manager.getRepository(Conversation);
    const expiresAt = new Date(this.ctx.clock.now().getTime() + CONVERSATION_TTL_MS);
    // simple-json columns take the object as it is; TypeORM's deep-partial type does not see that.
    const json = state as never;
    const res = await repo
      .createQueryBuilder()
      .update()
      .set({ state: json, expiresAt, version: () => 'version + 1' })
      .where({ stationId, contactId })
      .execute();
    if (res.affected) return;
    try {
      await repo.insert({ stationId, contactId, state: json, expiresAt, version: 0 });
    } catch (err) {
      // Another bot process created it a moment ago: overwrite.
      if (!isUniqueViolation(err)) throw err;
      await repo.update({ stationId, contactId }, { state: json, expiresAt });
    }
  }

  /** Ends the conversation. */
  async clear(stationId: number, contactId: string): Promise<void> {
    await this.ctx.db.manager.delete(Conversation, { stationId, contactId });
  }
}
