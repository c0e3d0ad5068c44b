import { In, IsNull, MoreThan } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { Conversation, OutboxMessage, PRIORITY, Resident, SatisfactionRating, WaitlistEntry } from '../entities';
import type { ServiceRecord } from '../entities';
import type { Actor } from './auth';
import type { Infra } from './infra';
import type { NotifyService } from './notify';
import { addressResident } from './address';
import { CONVERSATION_TTL_MS } from './conversations';
import { isUniqueViolation } from './errors';
import { satisfactionKey } from './messaging/keys';
import { chatResident } from './permissions';
import { localDate, toIso } from './time';

const HOUR = 3600_000;
/** A rating answers a question seen within this long (elders answer late, but a bare digit days later means something else). */
const RATING_WINDOW_MS = 12 * HOUR;
/** At most one question per resident in this long, whatever the number of services (no flood after a busy day). */
const ASK_GAP_MS = 20 * HOUR;

const TYPE_WORDS: Record<ServiceRecord['type'], string> = { case: '个案服务', group: '小组活动', community: '社区活动', home_visit: '入户走访' };
const SCORE_WORDS: Record<number, string> = { 5: '非常满意', 4: '满意', 3: '一般', 2: '不太满意', 1: '不满意' };

/** The question (one message, a phone screen). */
function satisfactionQuestion(who: string, record: Pick<ServiceRecord, 'type' | 'date'>): string {
  const [, m, d] = record.date.split('-').map(Number);
  return [
    `【服务评价】${who}，您好！您对${m}月${d}日的${TYPE_WORDS[record.type]}满意吗？`,
    '请回复一个数字打分：5 非常满意，4 满意，3 一般，2 不太满意，1 不满意。',
    '不想评价可以不回复。',
  ].join('\n');
}

/** The thanks for a rating; a low one is passed on to the workers (said so), and a mistaken digit can be undone by asking for the menu. */
export function satisfactionThanks(rating: number): string {
  const lines = [`谢谢您的评价！已记录：${rating}分（${SCORE_WORDS[rating]}）。`];
  if (rating <= 2) lines.push('社工会看到您的意见，努力改进。');
  lines.push('如果您刚才是想选菜单，请回复“菜单”。');
  return lines.join('\n');
}

/**
 * Satisfaction (绩效评估): after a service record each resident served who has WeChat is asked
 * once to rate it 1–5 (optional; at most one question a day per resident); a bare `1`–`5` is a
 * rating only while a question seen in the last 12 hours is unanswered and nothing asked later (a
 * booking or activity list, a seat offered from the waiting list) owns the digit.
 */
export class SatisfactionService {
  constructor(
    private readonly ctx: Infra,
    private readonly deps: { notify: NotifyService },
  ) {}

  /**
   * Queues the question about `record` to its residents who can be asked; returns how many were.
   * A failure here never undoes the service recorded: it is logged and nobody is asked.
   */
  async askAfter(record: ServiceRecord): Promise<number> {
    try {
      return await this.ask(record);
    } catch (err) {
      this.ctx.logger.warn({ err, recordId: record.id }, 'satisfaction question not queued');
      return 0;
    }
  }

  private async ask(record: ServiceRecord): Promise<number> {
    const ids = [...new Set(record.residentIds)];
    if (!ids.length) return 0;
    const now = this.ctx.clock.now();
    const m = this.ctx.db.manager;
    const residents = await m.find(Resident, { where: { id: In(ids), stationId: record.stationId, status: 'active', erasedAt: IsNull() } });
    const reachable = residents.filter((r) => r.wechatContactId);
    if (!reachable.length) return 0;
    const recent = new Set((await m.find(SatisfactionRating, {
      where: { residentId: In(reachable.map((r) => r.id)), askedAt: MoreThan(new Date(now.getTime() - ASK_GAP_MS)) }, select: { residentId: true },
    })).map((x) => x.residentId));
    let asked = 0;
    for (const r of reachable) {
      if (recent.has(r.id)) continue;
      try {
        await m.insert(SatisfactionRating, { stationId: record.stationId, recordId: record.id, residentId: r.id, date: record.date, outboxId: null, askedAt: now, rating: null, ratedAt: null });
      } catch (err) {
        if (isUniqueViolation(err)) continue; // asked about this record already
        throw err;
      }
      const key = satisfactionKey(record.id, r.id);
      await this.deps.notify.resident(r, satisfactionQuestion(addressResident(r, localDate(now)), record), {
        kind: 'satisfaction', priority: PRIORITY.reminder, dedupeKey: key, refType: 'service_record', refId: record.id,
      });
      const row = await m.findOne(OutboxMessage, { where: { dedupeKey: key }, select: { id: true } });
      if (row) await m.update(SatisfactionRating, { recordId: record.id, residentId: r.id }, { outboxId: row.id });
      asked++;
    }
    return asked;
  }

  /**
   * The unanswered question a bare digit from this resident answers, or null: delivered within the
   * window, and later than the contact's live dialogue (its last step) and any seat offered to them.
   */
  async pending(actor: Actor): Promise<SatisfactionRating | null> {
    const chat = chatResident(actor);
    if (!chat) return null;
    const { stationId, contactId, residentId } = chat;
    const now = this.ctx.clock.now();
    const m = this.ctx.db.manager;
    const open = await m.find(SatisfactionRating, {
      where: { residentId, stationId, rating: IsNull(), askedAt: MoreThan(new Date(now.getTime() - RATING_WINDOW_MS - 12 * HOUR)) }, order: { id: 'DESC' }, take: 5,
    });
    const outbox = open.length ? await m.find(OutboxMessage, { where: { id: In(open.map((o) => o.outboxId ?? 0)), status: 'sent' } }) : [];
    const sentAt = new Map(outbox.map((o) => [o.id, o.sentAt]));
    const seen = open
      .map((o) => ({ o, at: o.outboxId !== null ? sentAt.get(o.outboxId) ?? null : null }))
      .filter((x): x is { o: SatisfactionRating; at: Date } => x.at !== null && x.at <= now && now.getTime() - x.at.getTime() <= RATING_WINDOW_MS)
      .sort((a, b) => b.at.getTime() - a.at.getTime())[0];
    if (!seen) return null;
    const conv = await m.findOne(Conversation, { where: { stationId, contactId } });
    if (conv && conv.expiresAt > now && conv.expiresAt.getTime() - CONVERSATION_TTL_MS >= seen.at.getTime()) return null;
    const offer = await m.findOne(WaitlistEntry, { where: { residentId, status: 'offered', offerExpiresAt: MoreThan(now) }, order: { id: 'DESC' } });
    if (offer?.offeredAt && offer.offeredAt >= seen.at) return null;
    return seen.o;
  }

  /** A resident's questions and scores, for the export of everything held on them (PIPL). */
  async exportFor(em: EntityManager, resident: Resident): Promise<unknown> {
    const rows = await em.find(SatisfactionRating, { where: { residentId: resident.id, stationId: resident.stationId }, order: { id: 'ASC' } });
    return rows.map((r) => ({ recordId: r.recordId, date: r.date, askedAt: toIso(r.askedAt), rating: r.rating, ratedAt: toIso(r.ratedAt) }));
  }

  /** Records the rating on the pending question (once: a second answer finds none); false when none was pending. */
  async rate(row: SatisfactionRating, rating: number): Promise<boolean> {
    const res = await this.ctx.db.manager.update(SatisfactionRating, { id: row.id, rating: IsNull() }, { rating, ratedAt: this.ctx.clock.now() });
    return Boolean(res.affected);
  }
}
