import { And, EntityManager, In, LessThan, LessThanOrEqual, MoreThanOrEqual } from 'typeorm';
import { OutboxChannel, OutboxMessage, PRIORITY } from '../entities';
import type { Infra } from './infra';
import { afterQuietHours, atLocal, inQuietHours, localDate } from './time';

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
  /** `miniapp`: a subscription message to `toOpenid` (default `bot`). */
  channel?: OutboxChannel;
  /** A mini-program user the row may also reach, with the template purpose it needs. */
  toOpenid?: string | null;
  purpose?: string | null;
}

const MAX_ATTEMPTS = 5;
/** Broadcasts may spend this share of a day's cap; the rest is kept for safety messages and reminders. */
const BROADCAST_SHARE = 0.8;
/** The mean gap between sends is the configured gap plus half its jitter (30%). */
const MEAN_GAP_FACTOR = 1.15;

/** The send budget of one WeChat account (BOT.md): caps per hour and per day. */
export interface SendCaps {
  hourlyCap?: number;
  dailyCap?: number;
}

/** Non-urgent sends still allowed now. */
export interface Budget {
  hour: number;
  day: number;
  broadcasts: number;
}

/** How long a volume of sends takes under the account's budget. */
export interface SendPlan {
  messages: number;
  /** Non-urgent rows already waiting that go first. */
  ahead: number;
  gapMs: number;
  hourlyCap: number | null;
  dailyCap: number | null;
  /** Sends still possible today (null: no limit). */
  sendableToday: number | null;
  /** Calendar days until the last of them is sent (1: today). */
  days: number;
  finishesAt: Date;
}
const OUTBOX_COLUMNS = [
  'stationId', 'toContactId', 'toAlias', 'text', 'priority', 'urgent', 'kind', 'dedupeKey', 'notBefore', 'status', 'attempts',
  'refType', 'refId', 'createdAt', 'channel', 'toOpenid', 'purpose',
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
        m.refType ?? null, m.refId ?? null, createdAt, m.channel ?? 'bot', m.toOpenid ?? null, m.purpose ?? null,
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
   * `urgentOnly` (the caps are spent) claims alerts only; `belowPriority` leaves out rows of that
   * priority and after (the broadcasts' share of the day is spent).
   */
  async claimDue(stationId: number, owner: string, limit: number, options: { urgentOnly?: boolean; belowPriority?: number } = {}): Promise<OutboxMessage[]> {
    const repo = this.ctx.db.manager.getRepository(OutboxMessage);
    const now = this.ctx.clock.now();
    const candidates = await repo.find({
      select: { id: true },
      where: {
        stationId, channel: 'bot', status: 'pending', notBefore: LessThanOrEqual(now),
        ...(options.urgentOnly ? { urgent: true } : {}), ...(options.belowPriority !== undefined ? { priority: LessThan(options.belowPriority) } : {}),
      },
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

  /**
   * Non-urgent sends the caps still allow a station now: `hour` and `day` from the hourly and daily
   * caps (Infinity without), `broadcasts` within the broadcasts' share of the day, so that a big
   * notice never spends the sends that check-in reminders and booking reminders need.
   */
  async budget(stationId: number, caps: SendCaps): Promise<Budget> {
    const { hourlyCap, dailyCap } = caps;
    if (!hourlyCap && !dailyCap) return { hour: Infinity, day: Infinity, broadcasts: Infinity };
    const now = this.ctx.clock.now();
    const repo = this.ctx.db.manager.getRepository(OutboxMessage);
    const count = (since: Date, where: Record<string, unknown> = {}) =>
      repo.count({ where: { stationId, channel: 'bot', status: 'sent', urgent: false, sentAt: And(MoreThanOrEqual(since), LessThanOrEqual(now)), ...where } });
    const midnight = atLocal(localDate(now));
    const hour = hourlyCap ? Math.max(0, hourlyCap - (await count(new Date(now.getTime() - 3600_000)))) : Infinity;
    const day = dailyCap ? Math.max(0, dailyCap - (await count(midnight))) : Infinity;
    const broadcasts = dailyCap
      ? Math.max(0, Math.min(day, Math.floor(dailyCap * BROADCAST_SHARE) - (await count(midnight, { priority: MoreThanOrEqual(PRIORITY.broadcast) }))))
      : day;
    return { hour, day, broadcasts };
  }

  /**
   * How long `messages` more sends of `priority` take under the account's gap and caps, sent in
   * the day's window (08:00–21:00) after the rows already waiting: the days it spans and when the
   * last goes. A worker sees this before a big broadcast.
   */
  async plan(stationId: number, messages: number, priority: number): Promise<SendPlan> {
    const { sendGapMs: gapMs, sendHourlyCap: hourlyCap, sendDailyCap: dailyCap } = this.ctx.config;
    const now = this.ctx.clock.now();
    const ahead = await this.ctx.db.manager.count(OutboxMessage, { where: { stationId, channel: 'bot', status: In(['pending', 'sending']), urgent: false, priority: LessThanOrEqual(priority) } });
    const left = await this.budget(stationId, { hourlyCap, dailyCap });
    const broadcast = priority >= PRIORITY.broadcast;
    const perDay = dailyCap ? Math.floor(dailyCap * (broadcast ? BROADCAST_SHARE : 1)) : Infinity;
    const perHour = Math.min(hourlyCap ?? Infinity, gapMs > 0 ? Math.floor(3600_000 / (gapMs * MEAN_GAP_FACTOR)) : Infinity);
    const base = { messages, ahead, gapMs, hourlyCap: hourlyCap ?? null, dailyCap: dailyCap ?? null };
    if (perDay === Infinity && perHour === Infinity) return { ...base, sendableToday: null, days: 1, finishesAt: now };
    const today = localDate(now);
    let remaining = ahead + messages;
    let t = afterQuietHours(now);
    let dayKey = today;
    let dayLeft = broadcast ? left.broadcasts : left.day;
    let hourLeft = left.hour;
    let sendableToday = 0;
    // Today's capacity, counted apart from what these messages take of it (dayLeft).
    let todayLeft = dayLeft;
    let finishesAt = t;
    for (let i = 0; i < 24 * 400 && (remaining > 0 || localDate(t) === today); i++) {
      if (inQuietHours(t)) {
        t = afterQuietHours(t);
        continue;
      }
      const key = localDate(t);
      if (key !== dayKey) {
        if (remaining <= 0) break;
        dayKey = key;
        dayLeft = perDay;
      }
      const end = new Date(Math.min(t.getTime() + 3600_000, atLocal(key, '21:00').getTime()));
      const slotCap = Math.min(hourLeft, Math.floor(perHour * ((end.getTime() - t.getTime()) / 3600_000)));
      const can = Math.max(0, Math.min(dayLeft, slotCap));
      if (key === today) {
        const cap = Math.max(0, Math.min(todayLeft, slotCap));
        sendableToday += cap;
        todayLeft -= cap;
      }
      const n = Math.min(remaining, can);
      if (n > 0 && n === remaining) {
        finishesAt = perHour === Infinity ? t : new Date(t.getTime() + (n / perHour) * 3600_000);
      }
      remaining -= n;
      dayLeft -= n;
      hourLeft = perHour;
      t = end;
    }
    const days = Math.round((atLocal(localDate(finishesAt)).getTime() - atLocal(today).getTime()) / 86400_000) + 1;
    return { ...base, sendableToday: Number.isFinite(sendableToday) ? sendableToday : null, days, finishesAt };
  }

  /** Records a delivered row. */
  async markSent(id: number, em: EntityManager = this.ctx.db.manager): Promise<void> {
    await em.getRepository(OutboxMessage).update({ id }, { status: 'sent', sentAt: this.ctx.clock.now(), lastError: null });
  }

  /** Records a failed try: retried later with back-off, or failed for good after the last try. */
  async markFailed(row: OutboxMessage, error: string, options: { final?: boolean } = {}): Promise<'retry' | 'failed'> {
    const attempts = row.attempts + 1;
    const final = options.final || attempts >= MAX_ATTEMPTS;
    if (final && row.channel === 'bot' && row.toOpenid && row.purpose) {
      // The bot could not reach them; the mini-program may (the same row, so still sent once).
      await this.ctx.db.manager.getRepository(OutboxMessage).update(
        { id: row.id },
        { channel: 'miniapp', status: 'pending', attempts: 0, lastError: `bot: ${error}`.slice(0, 500), claimedBy: null, claimedAt: null },
      );
      return 'retry';
    }
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

  /**
   * Cancels pending rows of a reference (a withdrawn broadcast), or only those of some kinds (the
   * workers' notices about an alert or hand-off since closed or taken).
   */
  async cancel(refType: string, refIds: number[], kinds?: string[]): Promise<number> {
    if (!refIds.length || (kinds && !kinds.length)) return 0;
    const res = await this.ctx.db.manager
      .getRepository(OutboxMessage)
      .update({ refType, refId: In(refIds), status: 'pending', ...(kinds ? { kind: In(kinds) } : {}) }, { status: 'cancelled' });
    return res.affected ?? 0;
  }
}
