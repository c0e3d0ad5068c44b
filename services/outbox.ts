import { EntityManager, In, LessThanOrEqual } from 'typeorm';
import { OutboxMessage, PRIORITY } from '../entities';
import type { Infra } from './infra';
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
const OUTBOX_COLUMNS = [
  'stationId', 'toContactId', 'toAlias', 'text', 'priority', 'urgent', 'kind', 'dedupeKey', 'notBefore', 'status', 'attempts',
  'refType', 'refId', 'createdAt',
];

/**
 * The outbox: nothing sends WeChat messages directly; services and jobs queue rows here and the
 * bot's sender delivers them, paced, in priority order, each at most once.
 */
export class OutboxService {
  private claims = 0;

  constructor(private readonly ctx: Infra) {}

  /** Queues messages; a row whose dedupe key is already queued is skipped. Returns how many were new. */
  async enqueue(messages: OutgoingMessage | OutgoingMessage[]): Promise<number> {
    const list = Array.isArray(messages) ? messages : [messages];
    if (!list.length) return 0;
    const now = this.ctx.clock.now();
    const createdAt = new Date();
    const rows = list.map((m) => {
      const due = m.notBefore && m.notBefore > now ? m.notBefore : now;
      return [
        m.stationId, m.toContactId, m.toAlias ?? null, m.text, m.priority ?? (m.urgent ? PRIORITY.alert : PRIORITY.reminder),
        m.urgent ?? false, m.kind, m.dedupeKey ?? null, m.urgent ? due : afterQuietHours(due), 'pending', 0,
        m.refType ?? null, m.refId ?? null, createdAt,
      ];
    });
    // One multi-row INSERT IGNORE per chunk: the check-in sweeps queue hundreds of thousands of rows.
    const added = await this.ctx.db.insertMany('outbox', OUTBOX_COLUMNS, rows, { ignore: true });
    if (added) this.ctx.events.emit('outbox:queued');
    return added;
  }

  /**
   * Claims up to `limit` due rows of one station for a sender, alerts first. One conditional
   * update claims the batch (only rows still pending), safe across processes on both engines.
   */
  async claimDue(stationId: number, owner: string, limit: number): Promise<OutboxMessage[]> {
    const repo = this.ctx.db.manager.getRepository(OutboxMessage);
    const now = this.ctx.clock.now();
    const candidates = await repo.find({
      select: { id: true },
      where: { stationId, status: 'pending', notBefore: LessThanOrEqual(now) },
      order: { priority: 'ASC', notBefore: 'ASC', id: 'ASC' },
      take: limit,
    });
    if (!candidates.length) return [];
    const claimedAt = new Date();
    const ids = candidates.map((c) => c.id);
    // Each call claims under its own token, so two claims by one sender never share a row.
    const token = `${owner.slice(0, 50)}#${++this.claims}`;
    await repo.update({ id: In(ids), status: 'pending' }, { status: 'sending', claimedBy: token, claimedAt });
    const claimed = await repo.find({ where: { id: In(ids), status: 'sending', claimedBy: token } });
    // Another sender may have won some of them; keep the send order.
    return claimed.sort((a, b) => a.priority - b.priority || a.notBefore.getTime() - b.notBefore.getTime() || a.id - b.id);
  }

  /** Records a delivered row. */
  async markSent(id: number, em: EntityManager = this.ctx.db.manager): Promise<void> {
    await em.getRepository(OutboxMessage).update({ id }, { status: 'sent', sentAt: this.ctx.clock.now(), lastError: null });
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

  /** Cancels pending rows of a reference (a withdrawn broadcast), optionally only of some kinds. */
  async cancel(refType: string, refIds: number[], kinds?: string[]): Promise<number> {
    if (!refIds.length) return 0;
    const res = await this.ctx.db.manager
      .getRepository(OutboxMessage)
      .update({ refType, refId: In(refIds), status: 'pending', ...(kinds ? { kind: In(kinds) } : {}) }, { status: 'cancelled' });
    return res.affected ?? 0;
  }
}
