import { createSecretKey, KeyObject } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import jwt from 'jsonwebtoken';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { Worker, WorkerRole } from '../entities';
import type { Infra } from './infra';
import { AppError, tooMany, unauthorized } from './errors';

/**
 * Who is calling: a signed-in worker, a mini-program resident, a WeChat contact writing to a
 * station's bot account (a resident, a family member or a stranger; bound workers act as workers),
 * or nobody.
 */
export type Actor =
  | { kind: 'worker'; id: number; role: WorkerRole; stationId: number | null; county: string; name: string }
  | { kind: 'resident'; openid: string; residentId: number | null; stationId: number | null }
  | { kind: 'contact'; stationId: number; contactId: string; residentId: number | null }
  | { kind: 'anonymous' };

interface WorkerClaims { sub: string; typ: 'worker'; ver: number }
interface ResidentClaims { sub: string; typ: 'resident' }
/** What a verified token says, with the subject already checked and typed. */
export type TokenClaims = { typ: 'worker'; workerId: number; ver: number } | { typ: 'resident'; openid: string };

const TOKEN_TTL = '12h';
/** Verified tokens remembered (about 0.5 KB each); beyond this the oldest are checked anew. */
const VERIFIED_TOKENS = 10_000;
/** Failed logins are counted over this window (real time). */
const LOGIN_WINDOW_SECONDS = 15 * 60;
/** One address may fail this many times more than one username, across usernames (password spraying). */
const IP_FAILURE_FACTOR = 10;
/** One username may fail this many times more from all addresses together (guessing from many addresses). */
const USER_FAILURE_FACTOR = 2;

/** Password hashing (argon2id) and tokens (JWT, HS256) for both doors. */
export class AuthService {
  private readonly loginFailures: RateLimiterMemory;
  private readonly ipFailures: RateLimiterMemory;
  private readonly userFailures: RateLimiterMemory;
  private dummyHash?: Promise<string>;
  /** The secret as a prepared key: given a string, jsonwebtoken re-parses it (about 3 ms) on every call. */
  private readonly key: KeyObject;
  /** Tokens whose signature and claims were checked, with their expiry (ms). */
  private readonly verified = new Map<string, { claims: TokenClaims; expiresAt: number }>();

  constructor(private readonly ctx: Infra) {
    this.key = createSecretKey(Buffer.from(ctx.config.jwtSecret, 'utf8'));
    const max = ctx.config.loginMaxFailures;
    this.loginFailures = new RateLimiterMemory({ points: max, duration: LOGIN_WINDOW_SECONDS });
    this.ipFailures = new RateLimiterMemory({ points: max * IP_FAILURE_FACTOR, duration: LOGIN_WINDOW_SECONDS });
    this.userFailures = new RateLimiterMemory({ points: max * USER_FAILURE_FACTOR, duration: LOGIN_WINDOW_SECONDS });
  }

  /**
   * Signs a worker in. Failures are counted per username and address, per address alone and per
   * username alone; past `LOGIN_MAX_FAILURES` for one username from one address (twice that from all
   * addresses, ten times that from one address) in 15 minutes the answer is 429 with Retry-After,
   * even for the right password. An unknown username costs the same time as a wrong password, so neither is told apart.
   */
  async login(username: string, password: string, ip: string): Promise<{ token: string; worker: Worker }> {
    const name = username.toLowerCase();
    const userKey = `${name}|${ip}`;
    await this.assertLoginAllowed(userKey, ip, name);
    const worker = await this.ctx.db.manager.findOne(Worker, { where: { username: username.toLowerCase() } });
    this.dummyHash ??= this.hashPassword('not-a-password-of-anyone');
    const ok = await this.verifyPassword(worker?.passwordHash ?? (await this.dummyHash), password);
    if (!worker || !ok) {
      await Promise.all([this.loginFailures.penalty(userKey, 1), this.ipFailures.penalty(ip, 1), this.userFailures.penalty(name, 1)]);
      this.ctx.logger.info({ ip }, 'login failed');
      throw unauthorized('用户名或密码错误', 'invalid_credentials');
    }
    if (!worker.active) throw new AppError(403, 'account_disabled', '该账号已停用，请联系站长');
    await this.loginFailures.delete(userKey);
    return { token: this.workerToken(worker), worker };
  }

  private async assertLoginAllowed(userKey: string, ip: string, name: string): Promise<void> {
    const [u, a, n] = await Promise.all([this.loginFailures.get(userKey), this.ipFailures.get(ip), this.userFailures.get(name)]);
    const max = this.ctx.config.loginMaxFailures;
    const blocked = [
      u && u.consumedPoints >= max ? u : null,
      a && a.consumedPoints >= max * IP_FAILURE_FACTOR ? a : null,
      n && n.consumedPoints >= max * USER_FAILURE_FACTOR ? n : null,
    ].filter((x) => x !== null);
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
    return jwt.sign(claims, this.key, { expiresIn: TOKEN_TTL, algorithm: 'HS256' });
  }

  /** A token for a mini-program user, keyed by their openid. */
  residentToken(openid: string): string {
    const claims: ResidentClaims = { sub: openid, typ: 'resident' };
    return jwt.sign(claims, this.key, { expiresIn: '30d', algorithm: 'HS256' });
  }

  /**
   * Checks a token's signature, expiry and claims, once per request (the rate limit and the route
   * share the answer). Null for anything not signed by us or not shaped as we sign it: a subject that
   * is not a worker id is as bad as a wrong signature. Checks no database.
   */
  verify(token: string): TokenClaims | null {
    // A signature checked once holds for the token's life: only the expiry is looked at again.
    // (Revocation is not a property of the token: `actorFor` reads the account on every request.)
    const known = this.verified.get(token);
    if (known) return Date.now() < known.expiresAt ? known.claims : null;
    let raw: { typ?: unknown; sub?: unknown; ver?: unknown; exp?: unknown };
    try {
      raw = jwt.verify(token, this.key, { algorithms: ['HS256'] }) as typeof raw;
    } catch {
      return null;
    }
    let claims: TokenClaims | null = null;
    if (raw.typ === 'worker' && typeof raw.sub === 'string' && /^[1-9]\d{0,9}$/.test(raw.sub) && Number.isSafeInteger(raw.ver)) {
      claims = { typ: 'worker', workerId: Number(raw.sub), ver: raw.ver as number };
    } else if (raw.typ === 'resident' && typeof raw.sub === 'string' && raw.sub.length > 0 && raw.sub.length <= 128) {
      claims = { typ: 'resident', openid: raw.sub };
    }
    // Only tokens we signed reach here, so the map cannot be filled by guessing; it is bounded anyway.
    if (claims && typeof raw.exp === 'number') {
      if (this.verified.size >= VERIFIED_TOKENS) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(token, { claims, expiresAt: raw.exp * 1000 });
    }
    return claims;
  }

  /** Who a token was signed for (`worker:12`, `resident:openid`), for keys such as the rate limit's. */
  static subject(claims: TokenClaims): string {
    return claims.typ === 'worker' ? `worker:${claims.workerId}` : `resident:${claims.openid}`;
  }

  /** Resolves a bearer token to its actor; a bad, expired or revoked token is a 401. */
  async authenticate(token: string | undefined): Promise<Actor> {
    return this.actorFor(token === undefined ? undefined : this.verify(token));
  }

  /**
   * The actor of already verified claims (`undefined`: no token was sent, anonymous; `null`: the token
   * was bad, 401). A worker's token also dies with their account or token version.
   */
  async actorFor(claims: TokenClaims | null | undefined): Promise<Actor> {
    if (claims === undefined) return { kind: 'anonymous' };
    if (claims === null) throw unauthorized('登录已失效，请重新登录', 'invalid_token');
    // Every authenticated request runs one of these two reads, fresh (a deactivation or a new
    // password revokes at once): raw, prepared, and only the columns the actor needs.
    if (claims.typ === 'worker') {
      const [w] = await this.ctx.db.rows<{ id: number; role: WorkerRole; stationId: number | null; county: string; name: string; active: unknown; tokenVersion: unknown }>(
        'SELECT id, role, stationId, county, name, active, tokenVersion FROM workers WHERE id = ?', [claims.workerId],
      );
      if (!w || !Number(w.active) || Number(w.tokenVersion) !== claims.ver) throw unauthorized('登录已失效，请重新登录', 'invalid_token');
      return { kind: 'worker', id: Number(w.id), role: w.role, stationId: w.stationId === null ? null : Number(w.stationId), county: w.county, name: w.name };
    }
    const [resident] = await this.ctx.db.rows<{ id: number; stationId: number }>(
      'SELECT id, stationId FROM residents WHERE openid = ? AND erasedAt IS NULL LIMIT 1', [claims.openid],
    );
    return { kind: 'resident', openid: claims.openid, residentId: resident ? Number(resident.id) : null, stationId: resident ? Number(resident.stationId) : null };
  }
}
