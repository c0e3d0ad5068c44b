import { randomInt } from 'node:crypto';
import { IsNull, MoreThan } from 'typeorm';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { BindingCode, BindingTarget, FamilyContact, Resident, Worker } from '../entities';
import type { Infra } from './infra';
import { tooMany } from './errors';
import { DataCrypto } from './crypto';

/** Codes live three days: long enough for a family member far away to get round to it. */
const BINDING_CODE_TTL_MS = 72 * 3600_000;
const MAX_FAILURES = 5;
/** Wrong tries from one address across contacts (fresh openids cost nothing to make). */
const MAX_ADDRESS_FAILURES = 20;

export interface BoundTarget {
  targetType: BindingTarget;
  targetId: number;
  stationId: number;
  name: string;
}

/**
 * One-time binding codes that link a WeChat contact or a mini-program user to a resident, family
 * contact or worker. Six digits, so wrong tries are throttled per contact and, for the mini-program,
 * per client address too (real time, 15 minutes).
 */
export class BindingService {
  private readonly crypto: DataCrypto;
  private readonly failures: RateLimiterMemory;
  private readonly addressFailures: RateLimiterMemory;

  constructor(private readonly ctx: Infra) {
    this.crypto = new DataCrypto(ctx.config.dataKey);
    this.failures = new RateLimiterMemory({ points: MAX_FAILURES, duration: 15 * 60 });
    this.addressFailures = new RateLimiterMemory({ points: MAX_ADDRESS_FAILURES, duration: 15 * 60 });
  }

  private codeHash(code: string): string {
    return this.crypto.hash(`binding:${code}`);
  }

  /** Issues a fresh code for a record; earlier unused codes of the same record stop working. */
  async issue(stationId: number, targetType: BindingTarget, targetId: number): Promise<{ code: string; expiresAt: Date }> {
    const repo = this.ctx.db.manager.getRepository(BindingCode);
    const now = this.ctx.clock.now();
    await repo.update({ targetType, targetId, usedAt: IsNull() }, { usedAt: now });
    for (let i = 0; i < 20; i++) {
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      const codeHash = this.codeHash(code);
      const live = await repo.count({ where: { codeHash, usedAt: IsNull(), expiresAt: MoreThan(now) } });
      if (live) continue;
      const expiresAt = new Date(now.getTime() + BINDING_CODE_TTL_MS);
      await repo.insert({ stationId, targetType, targetId, codeHash, expiresAt, usedAt: null });
      return { code, expiresAt };
    }
    throw new Error('could not find a free binding code');
  }

  /** Throws 429 when `key` (a contact or openid), or the client `address`, has failed too often. */
  async assertNotThrottled(key: string, address?: string): Promise<void> {
    const [state, byAddress] = await Promise.all([this.failures.get(key), address ? this.addressFailures.get(address) : null]);
    const blocked = [state && state.consumedPoints >= MAX_FAILURES ? state : null, byAddress && byAddress.consumedPoints >= MAX_ADDRESS_FAILURES ? byAddress : null]
      .filter((x) => x !== null);
    if (blocked.length) throw tooMany(Math.ceil(Math.max(...blocked.map((b) => b.msBeforeNext)) / 1000), '错误次数太多，请15分钟后再试');
  }

  /**
   * Redeems a code for a WeChat contact (`contactId`, on station `stationId`'s account) or a
   * mini-program user (`openid`). Wrong, used and expired codes look the same to the caller (null).
   */
  async redeem(input: { code: string; throttleKey: string; address?: string; stationId?: number; contactId?: string; openid?: string }): Promise<BoundTarget | null> {
    await this.assertNotThrottled(input.throttleKey, input.address);
    const code = input.code.replace(/\s+/g, '');
    const now = this.ctx.clock.now();
    const repo = this.ctx.db.manager.getRepository(BindingCode);
    const row = /^\d{6}$/.test(code)
      ? await repo.findOne({ where: { codeHash: this.codeHash(code), usedAt: IsNull(), expiresAt: MoreThan(now) } })
      : null;
    // In the mini-program a resident binds their own record and a relative their family contact; workers bind on the bot.
    const usable = row && (input.stationId === undefined || row.stationId === input.stationId) && (!input.openid || row.targetType !== 'worker');
    if (!row || !usable) {
      await Promise.all([this.failures.penalty(input.throttleKey, 1), input.address ? this.addressFailures.penalty(input.address, 1) : null]);
      return null;
    }
    const claimed = await repo.update({ id: row.id, usedAt: IsNull() }, { usedAt: now });
    if (!claimed.affected) return null;
    await this.failures.delete(input.throttleKey);
    return this.attach(row, input);
  }

  private async attach(row: BindingCode, input: { contactId?: string; openid?: string }): Promise<BoundTarget> {
    const m = this.ctx.db.manager;
    const base = { targetType: row.targetType, targetId: row.targetId, stationId: row.stationId };
    if (row.targetType === 'resident') {
      if (input.contactId) await m.update(Resident, { wechatContactId: input.contactId, stationId: row.stationId }, { wechatContactId: null });
      if (input.openid) await m.update(Resident, { openid: input.openid }, { openid: null });
      await m.update(Resident, { id: row.targetId }, input.contactId ? { wechatContactId: input.contactId } : { openid: input.openid });
      const r = await m.findOneByOrFail(Resident, { id: row.targetId });
      return { ...base, name: r.name };
    }
    if (row.targetType === 'family') {
      await m.update(FamilyContact, { id: row.targetId }, input.openid ? { openid: input.openid } : { wechatContactId: input.contactId ?? null });
      const f = await m.findOneByOrFail(FamilyContact, { id: row.targetId });
      return { ...base, name: f.name };
    }
    await m.update(Worker, { id: row.targetId }, { wechatContactId: input.contactId ?? null });
    const w = await m.findOneByOrFail(Worker, { id: row.targetId });
    return { ...base, name: w.name };
  }
}
