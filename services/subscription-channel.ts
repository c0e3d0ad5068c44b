import { In, LessThanOrEqual } from 'typeorm';
import { OutboxMessage, SUBSCRIPTION_PURPOSES, SubscriptionPurpose } from '../entities';
import type { Infra } from './infra';
import type { OutboxService } from './outbox';
import type { SubscriptionService } from './subscriptions';
import { WechatApiClient, WechatApiError } from './wechat-api';
import { inQuietHours, localDate, localTime } from './time';

/** The page a subscription message opens, by purpose. */
const PAGE: Record<SubscriptionPurpose, string> = {
  booking_reminder: 'pages/booking/index',
  activity_reminder: 'pages/activities/index',
  checkin_reminder: 'pages/checkin/index',
};
/** WeChat's `thing` fields hold at most 20 characters. */
const THING_MAX = 20;

export interface ChannelSummary {
  sent: number;
  retried: number;
  failed: number;
}

function clip(text: string, max: number): string {
  const chars = [...text.replace(/\s+/g, ' ').trim()];
  return chars.length <= max ? chars.join('') : chars.slice(0, max - 1).join('') + '…';
}

function isPurpose(p: string | null): p is SubscriptionPurpose {
  return (SUBSCRIPTION_PURPOSES as readonly string[]).includes(p ?? '');
}

/**
 * The outbox's second channel: rows for mini-program users go out as WeChat subscription
 * messages (`subscribeMessage.send`), one accepted subscription spent per send. Same rows, same
 * dedupe keys, priorities and quiet hours as the bot's; every row ends sent, retried or failed
 * with its reason (`no_quota`, `43101`…), never dropped. The `subscription-messages` job runs it.
 *
 * Templates must have a `thing1` field (the message, up to 20 characters) and a `time2` field
 * (when it was sent): the message's full text is in the mini-program page it opens.
 */
export class SubscriptionChannel {
  private claims = 0;

  constructor(
    private readonly ctx: Infra,
    private readonly deps: { outbox: OutboxService; subscriptions: SubscriptionService; wechat: WechatApiClient },
  ) {}

  /** Sends due rows until none is left (at most `maxRows`); outside quiet hours unless urgent. */
  async run(maxRows = 1000): Promise<ChannelSummary> {
    const summary: ChannelSummary = { sent: 0, retried: 0, failed: 0 };
    while (summary.sent + summary.retried + summary.failed < maxRows) {
      const rows = await this.claim(50);
      if (!rows.length) break;
      for (const row of rows) summary[await this.sendOne(row)]++;
    }
    return summary;
  }

  private async claim(limit: number): Promise<OutboxMessage[]> {
    const repo = this.ctx.db.manager.getRepository(OutboxMessage);
    const now = this.ctx.clock.now();
    const candidates = await repo.find({
      select: { id: true },
      where: { channel: 'miniapp', status: 'pending', notBefore: LessThanOrEqual(now), ...(inQuietHours(now) ? { urgent: true } : {}) },
      order: { priority: 'ASC', notBefore: 'ASC', id: 'ASC' },
      take: limit,
    });
    if (!candidates.length) return [];
    const token = `mp-${process.pid}#${++this.claims}`;
    const ids = candidates.map((c) => c.id);
    await repo.update({ id: In(ids), status: 'pending', channel: 'miniapp' }, { status: 'sending', claimedBy: token, claimedAt: new Date() });
    const claimed = await repo.find({ where: { id: In(ids), status: 'sending', claimedBy: token } });
    return claimed.sort((a, b) => a.priority - b.priority || a.id - b.id);
  }

  private async fail(row: OutboxMessage, reason: string, final: boolean): Promise<'retried' | 'failed'> {
    const outcome = await this.deps.outbox.markFailed(row, reason, { final });
    this.ctx.logger.warn({ outboxId: row.id, kind: row.kind, purpose: row.purpose, outcome, reason }, 'subscription message not sent');
    return outcome === 'retry' ? 'retried' : 'failed';
  }

  private async sendOne(row: OutboxMessage): Promise<keyof ChannelSummary> {
    const { openid, purpose } = { openid: row.toOpenid, purpose: row.purpose };
    if (!openid || !isPurpose(purpose)) return this.fail(row, 'no_openid: 该消息没有小程序收件人', true);
    const templateId = this.ctx.config.wechatTemplates[purpose];
    if (!templateId || !this.deps.wechat.configured) return this.fail(row, `no_template: 未配置 ${purpose} 的订阅消息模板或小程序 AppID`, true);
    if (!(await this.deps.subscriptions.spend(openid, purpose))) return this.fail(row, 'no_quota: 订阅消息次数已用完，且没有绑定微信', true);
    const at = this.ctx.clock.now();
    try {
      await this.deps.wechat.sendSubscribeMessage({
        openid, templateId, page: PAGE[purpose],
        data: { thing1: { value: clip(row.text, THING_MAX) }, time2: { value: `${localDate(at)} ${localTime(at)}` } },
      });
    } catch (err) {
      const e = err instanceof WechatApiError ? err : new WechatApiError(null, (err as Error).message);
      if (e.errcode === 43101) {
        // WeChat holds no acceptance for this user (refused, or spent elsewhere): our count was ahead.
        await this.deps.subscriptions.exhaust(openid, purpose);
        return this.fail(row, `wechat 43101: 用户未订阅或次数已用完`, true);
      }
      // Not sent: the acceptance is still the user's.
      await this.deps.subscriptions.refund(openid, purpose);
      return this.fail(row, e.message, !e.transient);
    }
    await this.deps.outbox.markSent(row.id);
    return 'sent';
  }
}
