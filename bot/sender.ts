import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { In } from 'typeorm';
import { OutboxMessage, PRIORITY } from '../entities';
import type { AppContext } from '../services/context';
import type { Budget } from '../services/outbox';
import { inQuietHours } from '../services/time';
import { SentJournal } from './sent-journal';
import { sendFailedKey } from '../services/messaging/keys';

/** What the sender needs from the account: a send that may fail, and whether the account is up. */
export interface SenderTransport {
  /** Sends `text` to a contact id; on failure tries the contact found by its remark `alias`. */
  /** Sends a row; resolves with the contact id it went to. */
  deliver(row: Pick<OutboxMessage, 'id' | 'toContactId' | 'toAlias' | 'text' | 'kind'>): Promise<string>;
  isUp(): boolean;
}

export interface SenderOptions {
  /** Least real-time gap between two sends (SEND_GAP_MS). */
  gapMs: number;
  /** Random extra gap, up to this fraction of `gapMs` (WeChat flags a regular beat). */
  jitter?: number;
  hourlyCap?: number;
  dailyCap?: number;
  /** Rows claimed at once (default 20 with a gap, 100 without). */
  batch?: number;
  /** Sent marks are committed in groups of at most this many rows… */
  flushRows?: number;
  /** …or after this long (real time), whichever comes first. */
  flushMs?: number;
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
  /** Delivered rows whose sent mark is not committed yet (they are in the journal). */
  private unflushed: { id: number; to: string; text: string }[] = [];
  private lastFlush = Date.now();
  private readonly journal: SentJournal;
  private readonly onQueued = () => this.wake?.();
  private readonly opts: Required<Omit<SenderOptions, 'hourlyCap' | 'dailyCap'>> & Pick<SenderOptions, 'hourlyCap' | 'dailyCap'>;

  constructor(
    private readonly ctx: AppContext,
    readonly stationId: number,
    private readonly transport: SenderTransport,
    options: SenderOptions,
  ) {
    this.opts = {
      jitter: 0.3, batch: options.gapMs > 0 ? 20 : 100, flushRows: 100, flushMs: 200, pollMs: 1000, alertAfterFailures: 3,
      sleep: (ms) => sleep(ms), random: Math.random, ...options,
    };
    this.journal = SentJournal.create(ctx.config.dataDir, stationId, this.owner);
  }

  /** Starts the loop; rows a crashed sender left claimed are put back first. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.stopping = false;
    await this.recover().catch((err) => this.ctx.logger.warn({ err }, 'outbox journal recovery failed'));
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
    // Rows a failed flush leaves stay in the journal: the next start on this data directory commits them.
    if (this.ctx.db.dataSource.isInitialized) await this.flush().catch((err) => this.ctx.logger.warn({ err, stationId: this.stationId }, 'sent marks not committed; kept in the journal'));
    if (!this.unflushed.length) this.journal.close();
  }

  /**
   * Commits the sent marks of the delivered rows and their log lines in one transaction, then
   * empties the journal. On failure the rows stay journaled (and claimed): the next flush, or the
   * next start's recovery, commits them.
   */
  async flush(): Promise<void> {
    if (!this.unflushed.length) return;
    const batch = this.unflushed;
    this.unflushed = [];
    const now = this.ctx.clock.now();
    try {
      await this.ctx.db.transaction(async (em) => {
        await em.update(OutboxMessage, { id: In(batch.map((b) => b.id)), status: 'sending' }, { status: 'sent', sentAt: now, lastError: null });
        await this.ctx.services.chat.logMany(batch.map((b) => ({ stationId: this.stationId, contactId: b.to, direction: 'out' as const, text: b.text, at: now })), em);
      });
      this.journal.clear();
      this.lastFlush = Date.now();
    } catch (err) {
      this.unflushed = batch.concat(this.unflushed);
      throw err;
    }
  }

  /**
   * Replays the journals of this station's dead senders: the rows they delivered are marked sent
   * (and logged), the rest of their claims go back to the queue at once. Returns the rows marked.
   */
  async recover(): Promise<number> {
    let marked = 0;
    for (const file of SentJournal.orphans(this.ctx.config.dataDir, this.stationId)) {
      const { tokens, sent } = SentJournal.read(file);
      if (tokens.length) {
        const now = this.ctx.clock.now();
        await this.ctx.db.transaction(async (em) => {
          const rows = sent.length ? await em.find(OutboxMessage, { where: { id: In(sent.map((x) => x.id)), status: 'sending', claimedBy: In(tokens) } }) : [];
          if (rows.length) {
            await em.update(OutboxMessage, { id: In(rows.map((r) => r.id)), status: 'sending' }, { status: 'sent', sentAt: now, lastError: null });
            const to = new Map(sent.map((x) => [x.id, x.to]));
            await this.ctx.services.chat.logMany(rows.map((r) => ({ stationId: this.stationId, contactId: to.get(r.id) ?? r.toContactId, direction: 'out' as const, text: r.text, at: now })), em);
          }
          await em.update(OutboxMessage, { status: 'sending', claimedBy: In(tokens) }, { status: 'pending', claimedBy: null, claimedAt: null });
          marked += rows.length;
        });
      }
      SentJournal.remove(file);
      this.ctx.logger.info({ stationId: this.stationId, marked }, 'outbox journal of a stopped sender recovered');
    }
    return marked;
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

  /**
   * One cycle: claims due rows and sends them in order. Returns how many were sent (0: nothing to
   * do now). Exposed for tests and the benchmark.
   */
  async tick(): Promise<number> {
    if (!this.transport.isUp()) return 0;
    // Rows are moved out of the quiet hours when queued; a sender that was down since the evening
    // still must not send them at night.
    const quiet = inQuietHours(this.ctx.clock.now());
    const budget: Budget = quiet ? { hour: 0, day: 0, broadcasts: 0 } : await this.ctx.services.outbox.budget(this.stationId, this.opts);
    let left = Math.min(budget.hour, budget.day);
    let broadcastsLeft = Math.min(left, budget.broadcasts);
    const rows = await this.ctx.services.outbox.claimDue(this.stationId, this.owner, this.opts.batch, {
      urgentOnly: left <= 0, belowPriority: broadcastsLeft <= 0 ? PRIORITY.broadcast : undefined,
    });
    if (rows.length) this.journal.claimed(rows[0].claimedBy!);
    let sent = 0;
    try {
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i];
        if (this.stopping) {
          await this.release(rows.slice(i));
          break;
        }
        const broadcast = row.priority >= PRIORITY.broadcast;
        if (!row.urgent && (left <= 0 || (broadcast && broadcastsLeft <= 0))) {
          await this.release([row]);
          continue;
        }
        await this.pace();
        const ok = await this.sendOne(row);
        if (ok) {
          sent++;
          if (!row.urgent) left--;
          if (!row.urgent && broadcast) broadcastsLeft--;
        }
      }
    } finally {
      await this.flush();
    }
    return sent;
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
    // Journaled before the next send; committed as sent with its group (one commit per group, not per row).
    this.journal.sent(row.id, to);
    this.unflushed.push({ id: row.id, to, text: row.text });
    if (this.unflushed.length >= this.opts.flushRows || Date.now() - this.lastFlush >= this.opts.flushMs) await this.flush();
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
