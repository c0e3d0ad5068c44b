import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { And, LessThanOrEqual, MoreThanOrEqual } from 'typeorm';
import { OutboxMessage } from '../entities';
import type { AppContext } from '../services/context';
import { atLocal, inQuietHours, localDate } from '../services/time';
import { sendFailedKey } from '../services/messaging/keys';

/** What the sender needs from the account: a send that may fail, and whether the account is up. */
export interface SenderTransport {
  /** Sends `text` to a contact id; on failure tries the contact found by its remark `alias`. */
  /** Sends a row; resolves with the contact id it went to. */
  deliver(row: Pick<OutboxMessage, 'toContactId' | 'toAlias' | 'text' | 'kind'>): Promise<string>;
  isUp(): boolean;
}

export interface SenderOptions {
  /** Least real-time gap between two sends (SEND_GAP_MS). */
  gapMs: number;
  /** Random extra gap, up to this fraction of `gapMs` (WeChat flags a regular beat). */
  jitter?: number;
  hourlyCap?: number;
  dailyCap?: number;
  /** Rows claimed at once. */
  batch?: number;
  /** Idle poll interval (the sender also wakes on `outbox:queued`). */
  pollMs?: number;
  /** Failures in a row before the station admin is alerted. */
  alertAfterFailures?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/**
 * Delivers one station account's outbox: claims due rows (alerts first, then check-ins, reminders,
 * broadcasts), paces the sends with a gap and jitter, keeps non-urgent rows within the hourly and
 * daily caps, and records each row sent or failed (retried with back-off). A row is claimed by one
 * sender only, so short of a crash in the middle of a send it is never sent twice.
 */
export class OutboxSender {
  readonly owner = `bot-${process.pid}-${randomUUID().slice(0, 8)}`;
  private running = false;
  private stopping = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private lastSendAt = 0;
  private failuresInARow = 0;
  private readonly onQueued = () => this.wake?.();
  private readonly opts: Required<Omit<SenderOptions, 'hourlyCap' | 'dailyCap'>> & Pick<SenderOptions, 'hourlyCap' | 'dailyCap'>;

  constructor(
    private readonly ctx: AppContext,
    readonly stationId: number,
    private readonly transport: SenderTransport,
    options: SenderOptions,
  ) {
    this.opts = {
      jitter: 0.3, batch: 20, pollMs: 1000, alertAfterFailures: 3,
      sleep: (ms) => sleep(ms), random: Math.random, ...options,
    };
  }

  /** Starts the loop; rows a crashed sender left claimed are put back first. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.stopping = false;
    await this.ctx.services.outbox.releaseStale().catch((err) => this.ctx.logger.warn({ err }, 'releaseStale failed'));
    this.ctx.events.on('outbox:queued', this.onQueued);
    this.loop = this.run();
  }

  /** Stops after the send in progress. */
  async stop(): Promise<void> {
    this.running = false;
    this.stopping = true;
    this.ctx.events.off('outbox:queued', this.onQueued);
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let sent = 0;
      try {
        sent = await this.tick();
      } catch (err) {
        this.ctx.logger.warn({ err, stationId: this.stationId }, 'outbox sender cycle failed');
      }
      if (!this.running) break;
      if (!sent) await this.idle();
    }
  }

  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, this.opts.pollMs);
      this.wake = done;
    });
  }

  /** Wakes the loop now (a login, new rows). */
  nudge(): void {
    this.wake?.();
  }

  /** Non-urgent sends still allowed now by the caps (Infinity without caps). */
  async budget(): Promise<number> {
    const { hourlyCap, dailyCap } = this.opts;
    if (!hourlyCap && !dailyCap) return Infinity;
    const now = this.ctx.clock.now();
    const repo = this.ctx.db.manager.getRepository(OutboxMessage);
    const count = (since: Date) =>
      repo.count({ where: { stationId: this.stationId, status: 'sent', urgent: false, sentAt: And(MoreThanOrEqual(since), LessThanOrEqual(now)) } });
    let left = Infinity;
    if (hourlyCap) left = Math.min(left, hourlyCap - (await count(new Date(now.getTime() - 3600_000))));
    if (dailyCap) left = Math.min(left, dailyCap - (await count(atLocal(localDate(now)))));
    return Math.max(0, left);
  }

  /**
   * One cycle: claims due rows and sends them in order. Returns how many were sent (0: nothing to
   * do now). Exposed for tests and the benchmark.
   */
  async tick(): Promise<number> {
    if (!this.transport.isUp()) return 0;
    // Rows are moved out of the quiet hours when queued; a sender that was down since the evening
    // still must not send them at night.
    const budget = inQuietHours(this.ctx.clock.now()) ? 0 : await this.budget();
    const rows = await this.claim(budget);
    let sent = 0;
    let left = budget;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      if (this.stopping) {
        await this.release(rows.slice(i));
        break;
      }
      if (!row.urgent && left <= 0) {
        await this.release([row]);
        continue;
      }
      await this.pace();
      const ok = await this.sendOne(row);
      if (ok) {
        sent++;
        if (!row.urgent) left--;
      }
    }
    return sent;
  }

  private async claim(budget: number): Promise<OutboxMessage[]> {
    if (budget > 0) return this.ctx.services.outbox.claimDue(this.stationId, this.owner, this.opts.batch);
    // Over the caps: only alerts go, and they go at once.
    const repo = this.ctx.db.manager.getRepository(OutboxMessage);
    const now = this.ctx.clock.now();
    const urgent = await repo.find({
      where: { stationId: this.stationId, status: 'pending', urgent: true, notBefore: LessThanOrEqual(now) },
      order: { priority: 'ASC', notBefore: 'ASC', id: 'ASC' }, take: this.opts.batch,
    });
    const claimed: OutboxMessage[] = [];
    for (const row of urgent) {
      const res = await repo.update({ id: row.id, status: 'pending' }, { status: 'sending', claimedBy: this.owner, claimedAt: new Date() });
      if (res.affected) claimed.push({ ...row, status: 'sending', claimedBy: this.owner });
    }
    return claimed;
  }

  /** Puts claimed rows back (stopping, or over the caps). */
  private async release(rows: OutboxMessage[]): Promise<void> {
    const repo = this.ctx.db.manager.getRepository(OutboxMessage);
    for (const r of rows) await repo.update({ id: r.id, status: 'sending', claimedBy: r.claimedBy ?? this.owner }, { status: 'pending', claimedBy: null, claimedAt: null });
  }

  private async pace(): Promise<void> {
    const { gapMs, jitter, random } = this.opts;
    if (gapMs <= 0) return;
    const gap = gapMs + Math.floor(random() * gapMs * jitter);
    const wait = this.lastSendAt + gap - Date.now();
    if (wait > 0) await this.opts.sleep(wait);
  }

  private async sendOne(row: OutboxMessage): Promise<boolean> {
    this.lastSendAt = Date.now();
    let to: string;
    try {
      to = await this.transport.deliver(row);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      const outcome = await this.ctx.services.outbox.markFailed(row, reason);
      this.failuresInARow++;
      this.ctx.metrics.botMessages.inc({ station: String(this.stationId), direction: 'out', result: 'error' });
      this.ctx.logger.warn({ stationId: this.stationId, outboxId: row.id, kind: row.kind, outcome, reason }, 'outbox send failed');
      if (this.failuresInARow >= this.opts.alertAfterFailures) await this.sendsFailing(reason);
      return false;
    }
    // One commit for "sent" and its log line: on MySQL a commit costs a disk flush.
    await this.ctx.db.transaction(async (em) => {
      await this.ctx.services.outbox.markSent(row.id, em);
      await this.ctx.services.chat.log({ stationId: this.stationId, contactId: to, direction: 'out', text: row.text }, em);
    });
    if (this.failuresInARow >= this.opts.alertAfterFailures) this.ctx.services.accounts.set(this.stationId, true);
    this.failuresInARow = 0;
    return true;
  }

  /** Sends keep failing: the account counts as down and the station admin is alerted (once an hour). */
  private async sendsFailing(reason: string): Promise<void> {
    const now = this.ctx.clock.now();
    this.ctx.services.accounts.set(this.stationId, false, 'send_failed');
    this.ctx.metrics.botEvents.inc({ station: String(this.stationId), event: 'send_failed' });
    await this.ctx.services.alerts.raise({
      stationId: this.stationId, type: 'send_failed',
      summary: `微信消息连续${this.failuresInARow}次发送失败：${reason.slice(0, 200)}`,
      dedupeKey: sendFailedKey(this.stationId, now),
    }).catch((err) => this.ctx.logger.warn({ err }, 'send_failed alert not raised'));
  }
}
