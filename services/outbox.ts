import { In, LessThanOrEqual } from 'typeorm';
import { OutboxMessage, PRIORITY } from '../entities';
import type { AppContext } from './context';
import { afterQuietHours } from './time';

export interface OutgoingMessage {
  stationId: number;
  toContactId: string;
  toAlias?: string | null;
  text: string;
  kind: string;
  priority?: number;
  /** Urgent rows (alerts) ignore quiet hours. */
  urgent?: boolean;
  /** Queues the message once, however often the same key is offered. */
  dedupeKey?: string | null;
  notBefore?: Date;
  refType?: string | null;
  refId?: number | null;
}

const MAX_ATTEMPTS = 5;

/**
 * The outbox: nothing sends WeChat messages directly; services and jobs queue rows here and the
 * bot's sender delivers them, paced, in priority order, each at most once.
 */
export class OutboxService {
  constructor(private readonly ctx: AppContext) {}

  private row(m: OutgoingMessage): Partial<OutboxMessage> {
    const now = this.ctx.clock.now();
    const due = m.notBefore && m.notBefore > now ? m.notBefore : now;
    return {
      stationId: m.stationId,
      toContactId: m.toContactId,
      toAlias: m.toAlias ?? null,
      text: m.text,
      kind: m.kind,
      priority: m.priority ?? (m.urgent ? PRIORITY.alert : PRIORITY.reminder),
      urgent: m.urgent ?? false,
      dedupeKey: m.dedupeKey ?? null,
      notBefore: m.urgent ? due : afterQuietHours(due),
      status: 'pending',
      attempts: 0,
      refType: m.refType ?? null,
      refId: m.refId ?? null,
    };
  }

  /** Queues messages; a row whose dedupe key is already queued is skipped. Returns how many were new. */
  async enqueue(messages: OutgoingMessage | OutgoingMessage[]): Promise<number> {
    const list = Array.isArray(messages) ? messages : [messages];
    if (!list.length) return 0;
    const repo = this.ctx.db.manager.getRepository(OutboxMessage);
    let added = 0;
    for (let i = 0; i < list.length; i += 200) {
      const chunk = list.slice(i, i + 200).map((m) => this.row(m));
      added += await this.ctx.db.affected(repo.createQueryBuilder().insert().into(OutboxMessage).values(chunk).orIgnore());
    }
    if (added) this.ctx.events.emit('outbox:queued');
    return added;
  }

  /**
   * Claims up to `limit` due rows of one station for a sender, alerts first. A conditional update
   * per row makes the claim safe across processes on both engines.
   */
  async claimDue(stationId: number, owner: string, limit: number): Promise<OutboxMessage[]> {
    const repo = this.ctx.db.manager.getRepository(OutboxMessage);
    const now = this.ctx.clock.now();
    const candidates = await repo.find({
      where: { stationId, status: 'pending', notBefore: LessThanOrEqual(now) },
      order: { priority: 'ASC', notBefore: 'ASC', id: 'ASC' },
      take: limit,
    });
    const claimed: OutboxMessage[] = [];
    for (const row of candidates) {
      const res = await repo.update({ id: row.id, status: 'pending' }, { status: 'sending', claimedBy: owner, claimedAt: new Date() });
      if (res.affected) claimed.push({ ...row, status: 'sending', claimedBy: owner });
    }
    return claimed;
  }

  /** Records a delivered row. */
  async markSent(id: number): Promise<void> {
    await this.ctx.db.manager.getRepository(OutboxMessage).update({ id }, { status: 'sent', sentAt: this.ctx.clock.now(), lastError: null });
  }

  /** Records a failed try: retried later with back-off, or failed for good after the last try. */
  async markFailed(row: OutboxMessage, error: string, options: { final?: boolean } = {}): Promise<'retry' | 'failed'> {
    const attempts = row.attempts + 1;
    const final = options.final || attempts >= MAX_ATTEMPTS;
    const backoffMs = Math.min(30 * 60_000, 15_000 * 2 ** (attempts - 1));
    await this.ctx.db.manager.getRepository(OutboxMessage).update(
      { id: row.id },
      {
        status: final ? 'failed' : 'pending',
        attempts,
        lastError: error.slice(0, 500),
        notBefore: final ? row.notBefore : new Date(this.ctx.clock.now().getTime() + backoffMs),
      },
    );
    return final ? 'failed' : 'retry';
  }

  /** Puts rows a crashed sender left in `sending` back in the queue after `staleMs`. */
  async releaseStale(staleMs = 5 * 60_000): Promise<number> {
    const res = await this.ctx.db.manager
      .getRepository(OutboxMessage)
      .update({ status: 'sending', claimedAt: LessThanOrEqual(new Date(Date.now() - staleMs)) }, { status: 'pending' });
    return res.affected ?? 0;
  }

  /** Cancels pending rows of a reference (a withdrawn broadcast). */
  async cancel(refType: string, refIds: number[]): Promise<number> {
    if (!refIds.length) return 0;
    const res = await this.ctx.db.manager
      .getRepository(OutboxMessage)
      .update({ refType, refId: In(refIds), status: 'pending' }, { status: 'cancelled' });
    return res.affected ?? 0;
  }
}
