import { createHash } from 'node:crypto';
import { LessThan } from 'typeorm';
import { IdempotencyKey } from '../entities';
import type { Infra } from './infra';
import { AppError, conflict, isUniqueViolation } from './errors';

/** How long an answer is kept for replay. */
const IDEMPOTENCY_TTL_MS = 24 * 3600_000;

export interface StoredAnswer {
  status: number;
  body: unknown;
}

/** A stable hash of what a request asked, to tell a replay from a different request under the same key. */
export function requestHash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value ?? null)).digest('hex');
}

/**
 * `Idempotency-Key` for creates that must not happen twice (a booking retried by a flaky
 * mini-program connection): the first request under a key runs and its answer is kept; the same
 * key again gets that answer; a second request while the first still runs gets 409. The unique
 * (scope, key) row decides, so this holds across API instances. Keys live a day (real time).
 */
export class IdempotencyService {
  constructor(private readonly infra: Infra) {}

  async run(scope: string, key: string, hash: string, fn: () => Promise<StoredAnswer>): Promise<StoredAnswer> {
    const repo = this.infra.db.manager.getRepository(IdempotencyKey);
    try {
      await repo.insert({ scope, idemKey: key, requestHash: hash, status: 'pending', responseStatus: null, responseBody: null, createdAt: new Date() });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const row = await repo.findOne({ where: { scope, idemKey: key } });
      if (!row) return this.run(scope, key, hash, fn); // it was just released after a failure
      if (row.requestHash !== hash) throw new AppError(422, 'idempotency_key_reused', '这个 Idempotency-Key 已用于另一个不同的请求');
      if (row.status === 'pending') throw conflict('idempotency_in_flight', '同样的请求正在处理中，请稍候再试');
      const body = JSON.parse(row.responseBody ?? 'null') as unknown;
      const status = row.responseStatus ?? 200;
      if (status >= 400) {
        const e = (body as { error: { code: string; message: string; details?: unknown } }).error;
        throw new AppError(status, e.code, e.message, e.details);
      }
      return { status, body };
    }
    let answer: StoredAnswer;
    try {
      answer = await fn();
    } catch (err) {
      if (err instanceof AppError && err.status < 500) {
        const body = { error: { code: err.code, message: err.message, ...(err.details === undefined ? {} : { details: err.details }) } };
        await repo.update({ scope, idemKey: key }, { status: 'done', responseStatus: err.status, responseBody: JSON.stringify(body) });
      } else {
        // Nothing was decided: let the client try again with the same key.
        await repo.delete({ scope, idemKey: key });
      }
      throw err;
    }
    await repo.update({ scope, idemKey: key }, { status: 'done', responseStatus: answer.status, responseBody: JSON.stringify(answer.body) });
    return answer;
  }

  /** Forgets answers older than a day. */
  async purge(before: Date = new Date(Date.now() - IDEMPOTENCY_TTL_MS)): Promise<number> {
    const res = await this.infra.db.manager.delete(IdempotencyKey, { createdAt: LessThan(before) });
    return res.affected ?? 0;
  }
}
