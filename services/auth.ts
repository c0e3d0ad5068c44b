import { hash, verify } from '@node-rs/argon2';
import jwt from 'jsonwebtoken';
import { IsNull } from 'typeorm';
import { Resident, Worker, WorkerRole } from '../entities';
import type { AppContext } from './context';
import { unauthorized } from './errors';

/** Who is calling: a signed-in worker, a mini-program resident, or nobody. */
export type Actor =
  | { kind: 'worker'; id: number; role: WorkerRole; stationId: number | null; county: string; name: string }
  | { kind: 'resident'; openid: string; residentId: number | null; stationId: number | null }
  | { kind: 'anonymous' };

interface WorkerClaims { sub: string; typ: 'worker'; ver: number }
interface ResidentClaims { sub: string; typ: 'resident' }

const TOKEN_TTL = '12h';

/** Password hashing (argon2id) and tokens (JWT, HS256) for both doors. */
export class AuthService {
  constructor(private readonly ctx: AppContext) {}

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
