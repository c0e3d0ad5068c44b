import { createHash } from 'node:crypto';
import { z } from 'zod';
import { In, IsNull } from 'typeorm';
import { Activity, Broadcast, BroadcastRecipient, Community, CommunityRoom, OutboxMessage, PRIORITY, Resident } from '../entities';
import type { Audience, OutboxStatus } from '../entities';
import type { Actor } from './auth';
import { activityNoticeText } from './activity-texts';
import type { ActivityService } from './activities';
import { audienceSchema, AudienceService, describeAudience } from './audience';
import { budgetWarning, failuresText, MAX_PARTS, noticeReplyText, personalise, splitNotice, tooLongMessage } from './broadcast-texts';
import { addressResident } from './address';
import { dbInstant, parseInstant } from './db';
import { badRequest, conflict, isUniqueViolation, notFound } from './errors';
import type { Infra } from './infra';
import { aliasFor } from './messaging/audience';
import { broadcastFailuresKey, broadcastKey, broadcastPartKey, broadcastReplyKey, broadcastRoomKey } from './messaging/keys';
import type { NotifyService } from './notify';
import type { OutboxService, OutgoingMessage, SendPlan } from './outbox';
import { assertCases, ownStationId, selfResident } from './permissions';
import { formatForChat, localDate } from './time';

const DAY_MS = 86400_000;
/** A notice may be set this far ahead at most (a typo in the year is refused). */
const SEND_AT_HORIZON_DAYS = 90;
/** A send time this far in the past is still "now" (a slow form); further back is refused. */
const PAST_TOLERANCE_MS = 5 * 60_000;
/** A retried request without an Idempotency-Key is the same broadcast within this window. */
const IMPLICIT_IDEMPOTENCY_MS = 10 * 60_000;
/** A reply within this long after a notice reaches the workers; `我去` signs up within it. */
const NOTICE_REPLY_MS = 48 * 3600_000;
/** Recipients inserted per statement. */
const BATCH = 2000;

/** A broadcast as both doors take it: free text or an activity's notice, to an audience, now or later. */
export const broadcastCreateSchema = z.object({
  activityId: z.number().int().positive().optional(),
  text: z.string().trim().min(1, '不能为空').max(20_000, '最多 20000 个字').optional(),
  audience: audienceSchema.optional(),
  sendAt: z.string().refine((s) => !Number.isNaN(Date.parse(s)), '需要 ISO 8601 时间，例如 2026-12-05T09:00:00+08:00').transform((s) => new Date(s)).optional(),
}).strict();
export type BroadcastCreate = Omit<z.output<typeof broadcastCreateSchema>, 'audience'> & { audience?: Audience };

export const previewSchema = broadcastCreateSchema.omit({ sendAt: true });

/** Who would be messaged, who not, and how long the sends take under the account's budget. */
export interface Preview {
  recipients: number;
  optedOut: number;
  unreachable: number;
  rooms: number;
  parts: number;
  messages: number;
  audienceText: string;
  plan: SendPlan;
  warning: string | null;
}

/** The delivery report of a broadcast. */
export interface Report {
  broadcast: Broadcast;
  status: 'scheduled' | 'sending' | 'done' | 'cancelled';
  recipients: number;
  queued: number;
  sent: number;
  failed: number;
  cancelled: number;
  optedOut: number;
  unreachable: number;
  rooms: number;
}

export type RecipientView = 'queued' | 'sent' | 'failed' | 'cancelled' | 'opted_out' | 'unreachable';

/** One recipient of a broadcast, for the station's workers. */
export interface RecipientRow {
  id: number;
  residentId: number | null;
  name: string | null;
  room: boolean;
  state: RecipientView;
  sentAt: Date | null;
  attempts: number;
  error: string | null;
  repliedAt: Date | null;
}

function deliveryView(state: string, status: OutboxStatus | null): RecipientView {
  if (state !== 'queued') return state as RecipientView;
  if (status === 'sent' || status === 'failed' || status === 'cancelled') return status;
  return 'queued';
}

/**
 * Broadcasts: a notice (free text or an activity) to an audience, now or at a set time. Release
 * writes one recipient row and one outbox row per recipient (and part), each with its dedupe key,
 * in set-based batches: a retried request (Idempotency-Key), a job run twice or a release cut
 * short and run again sends nobody anything twice. The report reads the outbox rows.
 */
export class BroadcastService {
  constructor(
    private readonly ctx: Infra,
    private readonly deps: { outbox: OutboxService; audience: AudienceService; notify: NotifyService; activities: ActivityService },
  ) {}

  private get db() {
    return this.ctx.db;
  }

  /** The text and audience a request stands for, checked: 400 / 404 / 409 with the reason. */
  private async resolve(stationId: number, input: Omit<BroadcastCreate, 'sendAt'>): Promise<{ text: string; audience: Audience; parts: string[]; activity: Activity | null }> {
    let activity: Activity | null = null;
    if (input.activityId) {
      activity = await this.db.manager.findOne(Activity, { where: { id: input.activityId } });
      if (!activity || activity.stationId !== stationId) throw notFound('活动');
      if (activity.status !== 'scheduled' || activity.endsAt <= this.ctx.clock.now()) throw conflict('activity_closed', '该活动已取消或已结束，不能再通知');
    }
    const text = input.text ?? (activity ? activityNoticeText(activity) : null);
    if (!text) throw badRequest('text_required', '请填写通知内容，或选择一个活动');
    const parts = splitNotice(text);
    if (parts.length > MAX_PARTS) throw badRequest('text_too_long', tooLongMessage(text.length), { length: text.length });
    const audience = input.audience ?? activity?.audience;
    if (!audience) throw badRequest('empty_audience', '请选择发给谁：全站、某些村（社区）、某类居民或指定居民');
    await this.deps.audience.validate(stationId, audience);
    return { text, audience, parts, activity };
  }

  /** Counts of an audience now, and the send plan under the account's budget. */
  async preview(actor: Actor, input: Omit<BroadcastCreate, 'sendAt'>): Promise<Preview> {
    const stationId = ownStationId(actor);
    const { audience, parts } = await this.resolve(stationId, { ...input, text: input.text ?? (input.activityId ? undefined : '（预览）') });
    return this.count(stationId, audience, parts.length);
  }

  private async count(stationId: number, audience: Audience, parts: number): Promise<Preview> {
    const [members, rooms, names] = await Promise.all([
      this.deps.audience.members(stationId, audience), this.deps.audience.rooms(stationId, audience), this.deps.audience.communityNames(stationId),
    ]);
    let recipients = 0;
    let optedOut = 0;
    let unreachable = 0;
    for (const m of members) {
      if (m.optedOut) optedOut++;
      else if (!m.wechatContactId) unreachable++;
      else recipients++;
    }
    const messages = (recipients + rooms.length) * parts;
    const plan = await this.deps.outbox.plan(stationId, messages, PRIORITY.broadcast);
    const warning = plan.days > 1 && plan.dailyCap ? budgetWarning(messages, plan.dailyCap, plan.days, formatForChat(plan.finishesAt)) : null;
    return { recipients, optedOut, unreachable, rooms: rooms.length, parts, messages, audienceText: describeAudience(audience, names), plan, warning };
  }

  /**
   * Creates a broadcast, released at once when due (or by the `broadcasts` job at `sendAt`). The
   * same Idempotency-Key (or, without one, the same request within ten minutes) returns the same
   * broadcast. 400 when nobody could receive it.
   */
  async create(actor: Actor, input: BroadcastCreate, idempotencyKey?: string): Promise<{ broadcast: Broadcast; preview: Preview; created: boolean }> {
    const stationId = ownStationId(actor);
    const now = this.ctx.clock.now();
    if (input.sendAt && input.sendAt.getTime() < now.getTime() - PAST_TOLERANCE_MS) throw badRequest('send_at_past', '发送时间已经过去了；立即发送请不填发送时间');
    if (input.sendAt && input.sendAt.getTime() > now.getTime() + SEND_AT_HORIZON_DAYS * DAY_MS) throw badRequest('send_at_too_far', `发送时间太远了（最多${SEND_AT_HORIZON_DAYS}天以内），请检查日期`);
    const { text, audience, parts, activity } = await this.resolve(stationId, input);
    const preview = await this.count(stationId, audience, parts.length);
    if (!preview.recipients && !preview.rooms) {
      throw badRequest('no_recipients', `没有人能收到这条通知：${preview.optedOut}人已退订，${preview.unreachable}人没有绑定微信`, { optedOut: preview.optedOut, unreachable: preview.unreachable });
    }
    const workerId = actor.kind === 'worker' ? actor.id : null;
    const sendAt = input.sendAt && input.sendAt > now ? input.sendAt : now;
    const key = idempotencyKey ? `h:${idempotencyKey}` : `auto:${createHash('sha256')
      .update(JSON.stringify([workerId, activity?.id ?? null, text, audience, input.sendAt?.toISOString() ?? null, Math.floor(now.getTime() / IMPLICIT_IDEMPOTENCY_MS)]))
      .digest('hex').slice(0, 40)}`;
    const repo = this.db.manager.getRepository(Broadcast);
    let broadcast: Broadcast;
    try {
      broadcast = await repo.save(repo.create({
        stationId, activityId: activity?.id ?? null, text, audience, sendAt, status: 'scheduled', recipients: preview.recipients,
        optedOut: preview.optedOut, unreachable: preview.unreachable, rooms: preview.rooms, parts: parts.length, idempotencyKey: key,
        failuresReported: false, createdBy: workerId, queuedAt: null, cancelledAt: null,
      }));
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const existing = await repo.findOneByOrFail({ stationId, idempotencyKey: key });
      return { broadcast: existing, preview, created: false };
    }
    if (sendAt <= now) broadcast = await this.release(broadcast);
    return { broadcast, preview, created: true };
  }

  /**
   * Writes the recipients and their outbox rows (set-based, in batches; every row keyed, so a
   * second release adds nothing), then marks the broadcast queued. A broadcast cancelled
   * meanwhile has its rows cancelled again.
   */
  async release(b: Broadcast): Promise<Broadcast> {
    const now = this.ctx.clock.now();
    const members = await this.deps.audience.members(b.stationId, b.audience);
    const rooms = await this.deps.audience.rooms(b.stationId, b.audience);
    const parts = splitNotice(b.text);
    for (let i = 0; i < members.length; i += BATCH) {
      const chunk = members.slice(i, i + BATCH);
      const rows = chunk.map((m) => {
        const state = m.optedOut ? 'opted_out' : m.wechatContactId ? 'queued' : 'unreachable';
        return [b.id, b.stationId, m.id, null, state, state === 'queued' ? broadcastKey(b.id, m.id) : null, null];
      });
      await this.db.insertMany('broadcast_recipients', ['broadcastId', 'stationId', 'residentId', 'roomId', 'state', 'outboxKey', 'repliedAt'], rows, { ignore: true });
      const messages: OutgoingMessage[] = [];
      for (const m of chunk) {
        if (m.optedOut || !m.wechatContactId) continue;
        const name = addressResident(m, localDate(now));
        parts.forEach((p, k) => messages.push({
          stationId: b.stationId, toContactId: m.wechatContactId!, toAlias: aliasFor('resident', m.id), text: personalise(p, name),
          kind: k === 0 ? 'broadcast' : 'broadcast_part', priority: PRIORITY.broadcast, dedupeKey: broadcastPartKey(broadcastKey(b.id, m.id), k + 1),
          refType: 'broadcast', refId: b.id,
        }));
      }
      await this.deps.outbox.enqueue(messages);
    }
    if (rooms.length) {
      await this.db.insertMany('broadcast_recipients', ['broadcastId', 'stationId', 'residentId', 'roomId', 'state', 'outboxKey', 'repliedAt'],
        rooms.map((r) => [b.id, b.stationId, null, r.roomId, 'queued', broadcastRoomKey(b.id, r.roomId), null]), { ignore: true });
      await this.deps.outbox.enqueue(rooms.flatMap((r) => parts.map((p, k) => ({
        stationId: b.stationId, toContactId: r.roomId, text: personalise(p, '大家'), kind: k === 0 ? 'broadcast_room' : 'broadcast_part',
        priority: PRIORITY.broadcast, dedupeKey: broadcastPartKey(broadcastRoomKey(b.id, r.roomId), k + 1), refType: 'broadcast', refId: b.id,
      }))));
    }
    const counts = await this.recipientCounts(b.id);
    const res = await this.db.manager.update(Broadcast, { id: b.id, status: 'scheduled' }, {
      status: 'queued', queuedAt: now, recipients: counts.queued, optedOut: counts.opted_out, unreachable: counts.unreachable, rooms: rooms.length,
    });
    const after = await this.db.manager.findOneByOrFail(Broadcast, { id: b.id });
    if (!res.affected && after.status === 'cancelled') await this.deps.outbox.cancel('broadcast', [b.id]);
    return after;
  }

  private async recipientCounts(broadcastId: number): Promise<Record<'queued' | 'opted_out' | 'unreachable', number>> {
    const rows = await this.db.rows<{ state: string; n: number | string }>(
      'SELECT state, COUNT(*) AS n FROM broadcast_recipients WHERE broadcastId = ? AND residentId IS NOT NULL GROUP BY state', [broadcastId],
    );
    const out = { queued: 0, opted_out: 0, unreachable: 0 };
    for (const r of rows) out[r.state as keyof typeof out] = Number(r.n);
    return out;
  }

  /** The job `broadcasts`: releases scheduled broadcasts now due, and reports finished ones' failures. */
  async releaseDue(at: Date): Promise<{ released: number; failuresReported: number }> {
    const due = await this.db.manager.createQueryBuilder(Broadcast, 'b')
      .where(`b.status = 'scheduled' AND b.sendAt <= :at`, { at: dbInstant(at) }).orderBy('b.sendAt', 'ASC').take(100).getMany();
    for (const b of due) await this.release(b);
    return { released: due.length, failuresReported: await this.reportFailures() };
  }

  /**
   * Once every first part of a broadcast is sent or failed for good, the workers are told who
   * could not be reached (once: a conditional update claims the report).
   */
  async reportFailures(): Promise<number> {
    const candidates = await this.db.rows<{ id: number }>(
      `SELECT b.id FROM broadcasts b WHERE b.status = 'queued' AND b.failuresReported = ?
         AND EXISTS (SELECT 1 FROM outbox o WHERE o.refType = 'broadcast' AND o.refId = b.id AND o.kind = 'broadcast' AND o.status = 'failed')
         AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.refType = 'broadcast' AND o.refId = b.id AND o.status IN ('pending', 'sending'))
       LIMIT 50`, [this.db.sqlite ? 0 : false],
    );
    let told = 0;
    for (const { id } of candidates) {
      const claim = await this.db.manager.update(Broadcast, { id: Number(id), failuresReported: false }, { failuresReported: true });
      if (!claim.affected) continue;
      const b = await this.db.manager.findOneByOrFail(Broadcast, { id: Number(id) });
      const failed = await this.db.rows<{ name: string }>(
        `SELECT r.name FROM broadcast_recipients br JOIN outbox o ON o.dedupeKey = br.outboxKey JOIN residents r ON r.id = br.residentId
         WHERE br.broadcastId = ? AND o.status = 'failed' ORDER BY br.id`, [b.id],
      );
      await this.deps.notify.workers(b.stationId, failuresText(b.text, failed.map((f) => f.name), failed.length), {
        kind: 'broadcast_failures', priority: PRIORITY.reminder, dedupeKey: broadcastFailuresKey(b.id), refType: 'broadcast', refId: b.id,
      });
      told++;
    }
    return told;
  }

  /** A broadcast of the worker's station, or 404. */
  async get(actor: Actor, id: number): Promise<Broadcast> {
    const b = await this.db.manager.findOne(Broadcast, { where: { id } });
    if (!b) throw notFound('通知');
    assertCases(actor, b.stationId, '通知');
    return b;
  }

  /** The station's broadcasts, newest first. */
  async list(actor: Actor, page: { limit: number; offset: number }): Promise<{ items: Broadcast[]; total: number }> {
    const stationId = ownStationId(actor);
    const [items, total] = await this.db.manager.findAndCount(Broadcast, { where: { stationId }, order: { id: 'DESC' }, take: page.limit, skip: page.offset });
    return { items, total };
  }

  /** Withdraws a broadcast: a scheduled one never goes; a queued one's unsent rows are cancelled. 409 when already cancelled. */
  async cancel(actor: Actor, id: number): Promise<Broadcast> {
    const b = await this.get(actor, id);
    const res = await this.db.manager.update(Broadcast, { id: b.id, status: In(['scheduled', 'queued']) }, { status: 'cancelled', cancelledAt: this.ctx.clock.now() });
    if (!res.affected) throw conflict('broadcast_cancelled', '该通知已经撤回了');
    await this.deps.outbox.cancel('broadcast', [b.id]);
    return this.db.manager.findOneByOrFail(Broadcast, { id: b.id });
  }

  /** The delivery report: recipients by state, and the outbox rows (first parts) by status. */
  async report(actor: Actor, id: number): Promise<Report> {
    const b = await this.get(actor, id);
    const byStatus: Record<string, number> = {};
    const rows = await this.db.rows<{ status: string; n: number | string }>(
      `SELECT status, COUNT(*) AS n FROM outbox WHERE refType = 'broadcast' AND refId = ? AND kind = 'broadcast' GROUP BY status`, [b.id],
    );
    for (const r of rows) byStatus[r.status] = Number(r.n);
    const counts = b.status === 'scheduled' ? { queued: b.recipients, opted_out: b.optedOut, unreachable: b.unreachable } : await this.recipientCounts(b.id);
    const queued = b.status === 'scheduled' ? counts.queued : (byStatus.pending ?? 0) + (byStatus.sending ?? 0);
    const status = b.status === 'scheduled' ? 'scheduled' : b.status === 'cancelled' ? 'cancelled' : queued ? 'sending' : 'done';
    return {
      broadcast: b, status, recipients: counts.queued, queued, sent: byStatus.sent ?? 0, failed: byStatus.failed ?? 0,
      cancelled: byStatus.cancelled ?? 0, optedOut: counts.opted_out, unreachable: counts.unreachable, rooms: b.rooms,
    };
  }

  /** The recipients with their state (one page), optionally of one state. */
  async recipients(actor: Actor, id: number, page: { limit: number; offset: number; state?: RecipientView }): Promise<{ items: RecipientRow[]; total: number }> {
    const b = await this.get(actor, id);
    const where = ['br.broadcastId = ?'];
    const params: unknown[] = [b.id];
    if (page.state === 'opted_out' || page.state === 'unreachable') {
      where.push('br.state = ?');
      params.push(page.state);
    } else if (page.state === 'queued') {
      where.push(`br.state = 'queued' AND (o.status IS NULL OR o.status IN ('pending', 'sending'))`);
    } else if (page.state) {
      where.push(`br.state = 'queued' AND o.status = ?`);
      params.push(page.state);
    }
    const from = `FROM broadcast_recipients br LEFT JOIN outbox o ON o.dedupeKey = br.outboxKey LEFT JOIN residents r ON r.id = br.residentId WHERE ${where.join(' AND ')}`;
    const [rows, total] = await Promise.all([
      this.db.rows<Record<string, unknown>>(
        `SELECT br.id, br.residentId, br.roomId, br.state, br.repliedAt, r.name, o.status, o.sentAt, o.attempts, o.lastError ${from} ORDER BY br.id LIMIT ? OFFSET ?`,
        [...params, page.limit, page.offset],
      ),
      this.db.rows<{ n: number | string }>(`SELECT COUNT(*) AS n ${from}`, params),
    ]);
    return {
      total: Number(total[0]?.n ?? 0),
      items: rows.map((r) => ({
        id: Number(r.id), residentId: r.residentId === null ? null : Number(r.residentId), name: r.roomId ? '村（社区）微信群' : (r.name as string | null) ?? null,
        room: r.roomId !== null, state: deliveryView(String(r.state), (r.status as OutboxStatus | null) ?? null), sentAt: parseInstant(r.sentAt),
        attempts: Number(r.attempts ?? 0), error: (r.lastError as string | null) ?? null, repliedAt: parseInstant(r.repliedAt),
      })),
    };
  }

  /** `退订` / `订阅`: the flag, and on opting out the resident's unsent notices are withdrawn. */
  async setOptedOut(resident: Pick<Resident, 'id' | 'wechatContactId'>, optedOut: boolean): Promise<void> {
    await this.db.manager.update(Resident, { id: resident.id }, { optedOut });
    if (!optedOut || !resident.wechatContactId) return;
    const pending = await this.db.manager.find(BroadcastRecipient, { where: { residentId: resident.id, state: 'queued' }, select: { id: true, outboxKey: true }, order: { id: 'DESC' }, take: 100 });
    const keys = pending.map((p) => p.outboxKey).filter((k): k is string => !!k);
    if (!keys.length) return;
    const cancelled = await this.db.manager.update(OutboxMessage, { toContactId: resident.wechatContactId, refType: 'broadcast', status: 'pending', dedupeKey: In(keys) }, { status: 'cancelled' });
    if (!cancelled.affected) return;
    // Later parts of those notices go too; the recipients count as opted out.
    const gone = await this.db.manager.find(OutboxMessage, { where: { dedupeKey: In(keys), status: 'cancelled' }, select: { refId: true, dedupeKey: true } });
    await this.db.manager.update(OutboxMessage, { toContactId: resident.wechatContactId, refType: 'broadcast', status: 'pending', refId: In(gone.map((g) => g.refId!)) }, { status: 'cancelled' });
    await this.db.manager.update(BroadcastRecipient, { residentId: resident.id, outboxKey: In(gone.map((g) => g.dedupeKey!)) }, { state: 'opted_out' });
  }

  /**
   * The notice a resident may be answering: the latest broadcast sent to them within 48 hours
   * that they have not replied to yet (with its recipient row); null for anyone but a resident.
   */
  async openNotice(actor: Actor): Promise<{ recipient: BroadcastRecipient; broadcast: Broadcast } | null> {
    const self = selfResident(actor);
    if (!self) return null;
    const since = new Date(this.ctx.clock.now().getTime() - NOTICE_REPLY_MS);
    const rows = await this.db.rows<{ id: number }>(
      `SELECT br.id FROM broadcast_recipients br JOIN outbox o ON o.dedupeKey = br.outboxKey
       WHERE br.residentId = ? AND br.state = 'queued' AND br.repliedAt IS NULL AND o.status = 'sent' AND o.sentAt > ?
       ORDER BY br.id DESC LIMIT 1`, [self.residentId, dbInstant(since)],
    );
    if (!rows.length) return null;
    const recipient = await this.db.manager.findOneByOrFail(BroadcastRecipient, { id: Number(rows[0].id) });
    const broadcast = await this.db.manager.findOneByOrFail(Broadcast, { id: recipient.broadcastId });
    return broadcast.status === 'cancelled' ? null : { recipient, broadcast };
  }

  /**
   * The activity of the notice a resident is answering with `我去` / `报名`: the latest activity
   * notice sent to them within 48 hours, still open, that they are not signed up for; null when
   * none, or when the caller is not a resident.
   */
  async noticeActivity(actor: Actor): Promise<number | null> {
    const self = selfResident(actor);
    if (!self) return null;
    const since = new Date(this.ctx.clock.now().getTime() - NOTICE_REPLY_MS);
    const rows = await this.db.rows<{ activityId: number }>(
      `SELECT b.activityId FROM broadcast_recipients br JOIN broadcasts b ON b.id = br.broadcastId JOIN outbox o ON o.dedupeKey = br.outboxKey
       JOIN activities a ON a.id = b.activityId
       WHERE br.residentId = ? AND b.activityId IS NOT NULL AND b.status <> 'cancelled' AND o.status = 'sent' AND o.sentAt > ?
         AND a.status = 'scheduled' AND a.startsAt > ?
         AND NOT EXISTS (SELECT 1 FROM activity_signups s WHERE s.activityId = b.activityId AND s.residentId = br.residentId AND s.status IN ('signed_up', 'attended'))
       ORDER BY br.id DESC LIMIT 1`, [self.residentId, dbInstant(since), dbInstant(this.ctx.clock.now())],
    );
    return rows.length ? Number(rows[0].activityId) : null;
  }

  /**
   * A resident's reply to a notice reaches the station's workers (their first reply to each
   * notice; later ones go on as ordinary messages). False when there is no notice to answer.
   */
  async replyToNotice(actor: Actor, said: string): Promise<boolean> {
    const open = await this.openNotice(actor);
    if (!open) return false;
    // The open notice was found by the caller's resident id, so its row has one.
    const resident = await this.db.manager.findOneByOrFail(Resident, { id: open.recipient.residentId! });
    const claim = await this.db.manager.update(BroadcastRecipient, { id: open.recipient.id, repliedAt: IsNull() }, { repliedAt: this.ctx.clock.now() });
    if (!claim.affected) return false;
    const community = await this.db.manager.findOne(Community, { where: { id: resident.communityId }, select: { id: true, name: true } });
    const who = `${community ? `${community.name} ` : ''}${resident.name}`;
    await this.deps.notify.workers(resident.stationId, noticeReplyText(who, open.broadcast.text, said), {
      kind: 'broadcast_reply', priority: PRIORITY.reminder, dedupeKey: broadcastReplyKey(open.broadcast.id, resident.id), refType: 'broadcast', refId: open.broadcast.id,
    });
    return true;
  }

  /** Links a community's WeChat group (the station account is in it) as a broadcast audience; null unlinks. */
  async setRoom(actor: Actor, communityId: number, roomId: string | null): Promise<CommunityRoom | null> {
    const community = await this.db.manager.findOne(Community, { where: { id: communityId } });
    if (!community) throw notFound('村（社区）');
    assertCases(actor, community.stationId, '村（社区）');
    await this.db.manager.delete(CommunityRoom, { communityId });
    if (!roomId) return null;
    try {
      await this.db.manager.insert(CommunityRoom, { stationId: community.stationId, communityId, roomId });
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict('room_linked', '该村（社区）刚刚已关联了微信群');
      throw err;
    }
    return this.db.manager.findOneByOrFail(CommunityRoom, { communityId });
  }
}
