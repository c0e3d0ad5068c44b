import { MoreThan } from 'typeorm';
import { SUBSCRIPTION_PURPOSES, SubscriptionPurpose, SubscriptionQuota } from '../entities';
import type { Actor } from './auth';
import type { Infra } from './infra';
import { forbidden } from './errors';

/**
 * Past this many unspent acceptances a purpose stops counting up: a reminder a day for two
 * months is plenty, and a client looping on the prompt cannot grow a count without end.
 */
export const MAX_QUOTA = 60;

export type Quota = Record<SubscriptionPurpose, number>;

/**
 * The one-time subscription messages mini-program users accepted (`wx.requestSubscribeMessage`):
 * one send each, counted per openid and purpose with atomic updates (two prompts answered at
 * once both count; two senders never spend one acceptance twice).
 */
export class SubscriptionService {
  constructor(private readonly ctx: Infra) {}

  private openidOf(actor: Actor): string {
    if (actor.kind !== 'resident') throw forbidden('仅限小程序用户使用');
    return actor.openid;
  }

  /** Adds one acceptance per purpose the user just accepted; answers the quota after it. */
  async accept(actor: Actor, purposes: SubscriptionPurpose[]): Promise<Quota> {
    const openid = this.openidOf(actor);
    const repo = this.ctx.db.manager.getRepository(SubscriptionQuota);
    for (const purpose of new Set(purposes)) {
      await this.ctx.db.affected(this.ctx.db.manager.createQueryBuilder().insert().into(SubscriptionQuota)
        .values({ openid, purpose, remaining: 0, accepted: 0, spent: 0 }).orIgnore());
      await this.ctx.db.affected(repo.createQueryBuilder().update()
        .set({ remaining: () => `remaining + 1`, accepted: () => `accepted + 1` })
        .where('openid = :openid AND purpose = :purpose AND remaining < :max', { openid, purpose, max: MAX_QUOTA }));
    }
    return this.quotaOf(openid);
  }

  /** The caller's quota. */
  quota(actor: Actor): Promise<Quota> {
    return this.quotaOf(this.openidOf(actor));
  }

  /** Unspent acceptances of one user, every purpose listed (0 when none). */
  async quotaOf(openid: string): Promise<Quota> {
    const rows = await this.ctx.db.manager.find(SubscriptionQuota, { where: { openid } });
    const quota = Object.fromEntries(SUBSCRIPTION_PURPOSES.map((p) => [p, 0])) as Quota;
    for (const r of rows) quota[r.purpose] = r.remaining;
    return quota;
  }

  /** True when the user has an acceptance left for the purpose (no spending). */
  async has(openid: string, purpose: SubscriptionPurpose): Promise<boolean> {
    return (await this.ctx.db.manager.count(SubscriptionQuota, { where: { openid, purpose, remaining: MoreThan(0) } })) > 0;
  }

  /** Spends one acceptance; false when none is left (nobody else can spend the same one). */
  async spend(openid: string, purpose: SubscriptionPurpose): Promise<boolean> {
    const changed = await this.ctx.db.affected(this.ctx.db.manager.getRepository(SubscriptionQuota).createQueryBuilder().update()
      .set({ remaining: () => `remaining - 1`, spent: () => `spent + 1` })
      .where('openid = :openid AND purpose = :purpose AND remaining > 0', { openid, purpose }));
    return changed > 0;
  }

  /** Gives back an acceptance spent on a send that never reached WeChat (a timeout, a 5xx). */
  async refund(openid: string, purpose: SubscriptionPurpose): Promise<void> {
    await this.ctx.db.manager.getRepository(SubscriptionQuota).createQueryBuilder().update()
      .set({ remaining: () => `remaining + 1`, spent: () => `spent - 1` })
      .where('openid = :openid AND purpose = :purpose', { openid, purpose })
      .execute();
  }

  /** WeChat said 43101 (no acceptance left): our count was ahead of WeChat's, so it drops to zero. */
  async exhaust(openid: string, purpose: SubscriptionPurpose): Promise<void> {
    await this.ctx.db.manager.getRepository(SubscriptionQuota).update({ openid, purpose }, { remaining: 0 });
  }
}
