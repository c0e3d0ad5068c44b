import { hash, verify } from '@node-rs/argon2';
import jwt from 'jsonwebtoken';
import { IsNull } from 'typeorm';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { Resident, Worker, WorkerRole } from '../entities';
import type { Infra } from './infra';
import { AppError, tooMany, unauthorized } from './errors';

/** Who is calling: a signed-in worker, a mini-program resident, or nobody. */
export type Actor =
  | { kind: 'worker'; id: number; role: WorkerRole; stationId: number | null; county: string; name: string }
  | { kind: 'resident'; openid: string; residentId: number | null; stationId: number | null }
  | { kind: 'anonymous' };

interface WorkerClaims { sub: string; typ: 'worker'; ver: number }
interface ResidentClaims { sub: string; typ: 'resident' }

const TOKEN_TTL = '12h';
/** Failed logins are counted over this window (real time). */
export const LOGIN_WINDOW_SECONDS = 15 * 60;
/** One address may fail this many times more than one username, across usernames (password spraying). */
const IP_FAILURE_FACTOR = 10;

/** Password hashing (argon2id) and tokens (JWT, HS256) for both doors. */
export class AuthService {
  private readonly loginFailures: RateLimiterMemory;
  private readonly ipFailures: RateLimiterMemory;
  private dummyHash?: Promise<string>;

  constructor(private readonly ctx: Infra) {
    const max = ctx.config.loginMaxFailures;
    this.loginFailures = new RateLimiterMemory({ points: max, duration: LOGIN_WINDOW_SECONDS });
    this.ipFailures = new RateLimiterMemory({ points: max * IP_FAILURE_FACTOR, duration: LOGIN_WINDOW_SECONDS });
  }

  /**
   * Signs a worker in. Failures are counted per username and address and per address alone; past
   * `LOGIN_MAX_FAILURES` in 15 minutes the answer is 429 with Retry-After, even for the right
   * password. An unknown username costs the same time as a wrong password, so neither is told apart.
   */
  async login(username: string, password: string, ip: string): Promise<{ token: string; worker: Worker }> {
    const userKey = `${username.toLowerCase()}|${ip}`;
    await this.assertLoginAllowed(userKey, ip);
    const worker = await this.ctx.db.manager.findOne(Worker, { where: { username: username.toLowerCase() } });
    this.dummyHash ??= this.hashPassword('not-a-password-of-anyone');
    const ok = await this.verifyPassword(worker?.passwordHash ?? (await this.dummyHash), password);
    if (!worker || !ok) {
      await Promise.all([this.loginFailures.penalty(userKey, 1), this.ipFailures.penalty(ip, 1)]);
      this.ctx.logger.info({ ip }, 'login failed');
      throw unauthorized('用户名或密码错误', 'invalid_credentials');
    }
    if (!worker.active) throw new AppError(403, 'account_disabled', '该账号已停用，请联系站长');
    await this.loginFailures.delete(userKey);
    return { token: this.workerToken(worker), worker };
  }

  private async assertLoginAllowed(userKey: string, ip: string): Promise<void> {
    const [u, a] = await Promise.all([this.loginFailures.get(userKey), this.ipFailures.get(ip)]);
    const max = this.ctx.config.loginMaxFailures;
    const blocked = [u && u.consumedPoints >= max ? u : null, a && a.consumedPoints >= max * IP_FAILURE_FACTOR ? a : null]
      .filter((x) => x !== null);
    if (blocked.length) {
      const ms = Math.max(...blocked.map((b) => b.msBeforeNext));
      throw tooMany(Math.max(1, Math.ceil(ms / 1000)), '登录失败次数太多，请稍后再试');
    }
  }

  hashPassword(password: string): Promise<string> {
    return hash(password);
  }

  async verifyPassword(stored: string, password: string): Promise<boolean> {
    try {
      return await verify(stored, password);
    } catch {
      return false;
    }
  }

  /** A token for a worker; it dies with the worker's token version (deactivation, new password). */
  workerToken(worker: Pick<Worker, 'id' | 'tokenVersion'>): string {
    const claims: WorkerClaims = { sub: String(worker.id), typ: 'worker', ver: worker.tokenVersion };
    return jwt.sign(claims, this.ctx.config.jwtSecret, { expiresIn: TOKEN_TTL, algorithm: 'HS256' });
  }

  /** A token for a mini-program user, keyed by their openid. */
  residentToken(openid: string): string {
    const claims: ResidentClaims = { sub: openid, typ: 'resident' };
    return jwt.sign(claims, this.ctx.config.jwtSecret, { expiresIn: '30d', algorithm: 'HS256' });
  }

  /** Who a token was signed for (`worker:12`, `resident:openid`), or null for a bad or expired token. Checks no database. */
  tokenSubject(token: string): string | null {
    try {
      const claims = jwt.verify(token, this.ctx.config.jwtSecret, { algorithms: ['HS256'] }) as WorkerClaims | ResidentClaims;
      return `${claims.typ}:${claims.sub}`;
    } catch {
      return null;
    }
  }

  /** Resolves a bearer token to its actor; a bad, expired or revoked token is a 401. */
  async authenticate(token: string | undefined): Promise<Actor> {
    if (!token) return { kind: 'anonymous' };
    let claims: WorkerClaims | ResidentClaims;
    try {
      claims = jwt.verify(token, this.ctx.config.jwtSecret, { algorithms: ['HS256'] }) as WorkerClaims | ResidentClaims;
    } catch {
      throw unauthorized('登录已失效，请重新登录', 'invalid_token');
    }
    if (claims.typ === 'worker') {
      const w = await this.ctx.db.manager.findOne(Worker, { where: { id: Number(claims.sub) } });
      if (!w || !w.active || w.tokenVersion !== claims.ver) throw unauthorized('登录已失效，请重新登录', 'invalid_token');
      return { kind: 'worker', id: w.id, role: w.role, stationId: w.stationId, county: w.county, name: w.name };
    }
    if (claims.typ === 'resident') {
      const resident = await this.ctx.db.manager.findOne(Resident, { where: { openid: claims.sub, erasedAt: IsNull() } });
      return { kind: 'resident', openid: claims.sub, residentId: resident?.id ?? null, stationId: resident?.stationId ?? null };
    }
    throw unauthorized('登录已失效，请重新登录', 'invalid_token');
  }
}
