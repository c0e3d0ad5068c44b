import type { EntityManager } from 'typeorm';
import { PolicyAmount, Station } from '../entities';
import type { Policy } from '../entities';
import type { Actor } from './auth';
import { isUniqueViolation } from './errors';
import type { Infra } from './infra';

/**
 * Questions about how much (a benefit pays, a contribution costs): "高龄补贴多少钱", "今年医保交多少钱",
 * "一个月能领几百", "标准是多少". Such a question is answered with the local amount first.
 */
const AMOUNT_QUESTION =
  /多少钱|多钱|几多钱|好多钱|几块钱|几个钱|几百|几千|多少块|多少元|钱数|金额|标准(?:是)?(?:多少|几)|(?:交|缴|领|发|给|补|报|拿|有)(?:多少|好多|几多|几个)(?![年岁天次回个月人])|(?:一个月|每个月|每月|一年|每年|一次)[^，。？！?!,]{0,4}(?:多少|几)/;

/** True when a message asks for an amount. */
export function isAmountQuestion(text: string): boolean {
  return AMOUNT_QUESTION.test(text.replace(/\s+/g, ''));
}

type AmountOf = Pick<Policy, 'id' | 'stationId' | 'amount'>;

/**
 * Local amounts of policies. A station's own policy carries its amount on its row; a shared policy's
 * amount differs from county to county, so each county admin sets their county's (one row per policy
 * and county).
 */
export class PolicyAmountService {
  constructor(private readonly infra: Infra) {}

  /** The amount the people of `county` see for a policy, or null when none was set. */
  async forCounty(policy: AmountOf, county: string | null): Promise<string | null> {
    if (policy.stationId !== null) return policy.amount;
    if (!county) return null;
    const row = await this.infra.db.manager.findOne(PolicyAmount, { where: { policyId: policy.id, county } });
    return row?.amount ?? null;
  }

  /** The amount for whoever reads: a worker's county, or the county of the station the reader belongs to or names. */
  async forReader(actor: Actor, policy: AmountOf, stationId?: number): Promise<string | null> {
    if (policy.stationId !== null) return policy.amount;
    if (actor.kind === 'worker' && stationId === undefined) return this.forCounty(policy, actor.county);
    const sid = stationId ?? (actor.kind === 'resident' ? actor.stationId : null);
    if (!sid) return null;
    const station = await this.infra.db.manager.findOne(Station, { where: { id: sid }, select: { id: true, county: true } });
    return this.forCounty(policy, station?.county ?? null);
  }

  /**
   * Sets a county's amount of a shared policy; an empty or null amount removes it. Atomic on both
   * engines (update, else insert, and an insert that lost a race updates).
   */
  async setForCounty(policyId: number, county: string, amount: string | null | undefined, em: EntityManager = this.infra.db.manager): Promise<void> {
    const text = amount?.trim() || null;
    if (!text) {
      await em.delete(PolicyAmount, { policyId, county });
      return;
    }
    const now = this.infra.clock.now();
    const update = () => em.createQueryBuilder().update(PolicyAmount).set({ amount: text, updatedAt: now }).where({ policyId, county }).execute();
    if ((await update()).affected) return;
    try {
      await em.insert(PolicyAmount, { policyId, county, amount: text, updatedAt: now });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      await update();
    }
  }
}
