import { Station, Worker, WorkerRole } from '../entities';
import type { Actor } from './auth';
import type { Infra } from './infra';
import type { AuthService } from './auth';
import type { BindingService } from './binding';

import { badRequest, conflict, forbidden, isUniqueViolation, notFound, unauthorized } from './errors';
import { assertWorker, canManageStation } from './permissions';
import { normalisePhone } from './phone';

export interface WorkerInput {
  stationId?: number | null;
  username: string;
  password: string;
  name: string;
  role: WorkerRole;
  phone?: string | null;
}

/** A new account as written by `WorkerService.insertAccount`, whoever asks for it. */
export interface NewAccount {
  stationId: number | null;
  county: string;
  username: string;
  name: string;
  role: WorkerRole;
  password: string;
  phone?: string | null;
  wechatContactId?: string | null;
}

export interface WorkerPatch {
  name?: string;
  role?: WorkerRole;
  phone?: string | null;
  active?: boolean;
}

/** Worker accounts: creation, roles, deactivation and passwords (both revoke tokens). */
export class WorkerService {
  constructor(
    private readonly ctx: Infra,
    private readonly deps: { auth: AuthService; binding: BindingService },
  ) {}

  /**
   * Creates an account. A county admin creates any role in their county; a station admin creates
   * workers and station admins of their own station (the default when `stationId` is left out).
   */
  async create(actor: Actor, input: WorkerInput): Promise<Worker> {
    if (actor.kind !== 'worker') throw forbidden('仅限社工使用');
    const m = this.ctx.db.manager;
    let stationId: number | null = null;
    let county: string;
    if (input.role === 'county_admin') {
      if (actor.role !== 'county_admin') throw forbidden('只有县管理员可以创建县管理员');
      if (input.stationId) throw badRequest('validation_failed', '县管理员不属于任何站点，请不要填写 stationId');
      county = actor.county;
    } else {
      // A station admin creates accounts of their own station: it need not be named.
      const wanted = input.stationId ?? (actor.role === 'station_admin' ? actor.stationId : null);
      if (!wanted) throw badRequest('validation_failed', '请填写 stationId', [{ in: 'body', path: 'stationId', message: '请填写 stationId' }]);
      const station = await m.findOne(Station, { where: { id: wanted } });
      if (!station || !canManageStation(actor, station)) throw notFound('站点');
      stationId = station.id;
      county = station.county;
    }
    return this.insertAccount({ ...input, stationId, county });
  }

  /**
   * The one place an account is written (the API, `admin:create`, the first start and the demo):
   * the username lower-cased, the phone normalised, the password hashed; a taken username is a 409.
   * Callers decide who may create it.
   */
  async insertAccount(input: NewAccount): Promise<Worker> {
    const m = this.ctx.db.manager;
    try {
      return await m.save(Worker, m.create(Worker, {
        stationId: input.stationId, county: input.county, username: input.username.toLowerCase(), name: input.name, role: input.role,
        phone: input.phone ? normalisePhone(input.phone) : null, wechatContactId: input.wechatContactId ?? null, active: true, tokenVersion: 0,
        passwordHash: await this.deps.auth.hashPassword(input.password),
      }));
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict('username_taken', `用户名 ${input.username} 已被使用`);
      throw err;
    }
  }

  /** The accounts the caller can see: the county's for a county admin, their station's otherwise. */
  async list(actor: Actor, filter: { stationId?: number; limit: number; offset: number }): Promise<{ items: Worker[]; total: number }> {
    if (actor.kind !== 'worker') throw forbidden('仅限社工使用');
    const qb = this.ctx.db.manager.createQueryBuilder(Worker, 'w').orderBy('w.id', 'ASC').take(filter.limit).skip(filter.offset);
    if (actor.role === 'county_admin') {
      qb.where('w.county = :county', { county: actor.county });
      if (filter.stationId) qb.andWhere('w.stationId = :sid', { sid: filter.stationId });
    } else {
      // A station's worker asking for another station simply gets nothing.
      if (filter.stationId && filter.stationId !== actor.stationId) return { items: [], total: 0 };
      qb.where('w.stationId = :sid', { sid: actor.stationId ?? -1 });
    }
    const [items, total] = await qb.getManyAndCount();
    return { items, total };
  }

  /** Loads an account the caller may read (404 otherwise) or manage (403 when read-only). */
  async get(actor: Actor, id: number, mode: 'read' | 'manage'): Promise<Worker> {
    const w = await this.ctx.db.manager.findOne(Worker, { where: { id } });
    assertWorker(actor, w, mode);
    return w as Worker;
  }

  /**
   * Changes name, phone, role or active flag. Deactivation revokes every token of the account
   * (its token version moves on); nobody deactivates or demotes themselves.
   */
  async update(actor: Actor, id: number, patch: WorkerPatch): Promise<Worker> {
    const target = await this.get(actor, id, 'manage');
    const a = actor as Extract<Actor, { kind: 'worker' }>;
    if (patch.role !== undefined && patch.role !== target.role) {
      if (a.id === target.id) throw forbidden('不能修改自己的角色', 'cannot_change_own_role');
      // Station roles and the county role are different kinds of account (a station or none).
      if (patch.role === 'county_admin' || target.role === 'county_admin') {
        throw badRequest('role_change_not_allowed', '站点账号与县管理员账号不能互相转换，请另建账号');
      }
    }
    if (patch.active === false && a.id === target.id) throw forbidden('不能停用自己的账号', 'cannot_deactivate_self');
    const changes: Partial<Worker> = {};
    if (patch.name !== undefined) changes.name = patch.name;
    if (patch.phone !== undefined) changes.phone = patch.phone ? normalisePhone(patch.phone) : null;
    if (patch.role !== undefined) changes.role = patch.role;
    if (patch.active !== undefined) changes.active = patch.active;
    const m = this.ctx.db.manager;
    if (Object.keys(changes).length) await m.update(Worker, { id }, changes);
    if (patch.active === false && target.active) await this.revokeTokens(id);
    return m.findOneByOrFail(Worker, { id });
  }

  /**
   * Sets a new password. A worker changing their own must give the current one; an admin resets
   * another's. Either way every earlier token stops working; the caller's own change gets a new one.
   */
  async setPassword(actor: Actor, id: number, input: { password: string; currentPassword?: string }): Promise<{ token?: string }> {
    if (actor.kind !== 'worker') throw forbidden('仅限社工使用');
    const self = actor.id === id;
    const target = self ? await this.get(actor, id, 'read') : await this.get(actor, id, 'manage');
    const auth = this.deps.auth;
    if (self) {
      if (!input.currentPassword || !(await auth.verifyPassword(target.passwordHash, input.currentPassword))) {
        throw unauthorized('当前密码不正确', 'invalid_credentials');
      }
    }
    const passwordHash = await auth.hashPassword(input.password);
    const m = this.ctx.db.manager;
    await m.createQueryBuilder().update(Worker).set({ passwordHash, tokenVersion: () => 'tokenVersion + 1' }).where('id = :id', { id }).execute();
    if (!self) return {};
    return { token: auth.workerToken(await m.findOneByOrFail(Worker, { id })) };
  }

  /** A binding code so the worker can link their WeChat and answer alerts from it. */
  async bindingCode(actor: Actor, id: number): Promise<{ code: string; expiresAt: Date }> {
    const target = actor.kind === 'worker' && actor.id === id ? await this.get(actor, id, 'read') : await this.get(actor, id, 'manage');
    if (target.stationId === null) throw badRequest('no_station', '县管理员账号没有站点微信可绑定');
    if (!target.active) throw conflict('account_disabled', '该账号已停用');
    return this.deps.binding.issue(target.stationId, 'worker', target.id);
  }

  /** Moves the account's token version on: every token issued before is refused from now on. */
  async revokeTokens(id: number): Promise<void> {
    await this.ctx.db.manager.createQueryBuilder().update(Worker).set({ tokenVersion: () => 'tokenVersion + 1' }).where('id = :id', { id }).execute();
  }
}
