import { AppError, badRequest, unauthorized } from './errors';
import type { Actor } from './auth';
import type { Infra } from './infra';
import type { AuthService } from './auth';
import type { BindingService } from './binding';
import type { ResidentService } from './residents';
import type { CheckinBoardService } from './checkin-board';

import { IsNull } from 'typeorm';
import { CheckinStatus, FamilyContact, Resident } from '../entities';
import { boundResidentId } from './permissions';

/** What a binding code bound in the mini-program: the user's own record, or a relative's family contact. */
export type MiniappBinding =
  | { kind: 'resident'; resident: Resident }
  | { kind: 'family'; contact: FamilyContact; elder: Resident };

/** An elder a family member follows in the mini-program, with today's check-in state. */
export interface FollowedElder {
  contact: FamilyContact;
  elder: Resident;
  today: { date: string; status: CheckinStatus | 'none'; confirmedAt: Date | null };
}

const CODE2SESSION_TIMEOUT_MS = 5000;

/**
 * The mini-program door: a `wx.login` code becomes an openid through WeChat's code2session; the
 * openid gets a resident token; a binding code links it to the resident's record.
 */
export class MiniappService {
  constructor(
    private readonly ctx: Infra,
    private readonly deps: { auth: AuthService; binding: BindingService; residents: ResidentService; checkinBoard: CheckinBoardService },
  ) {}

  /**
   * Exchanges a login code for the user's openid. In the embedded default with no app id, a code
   * `dev:<openid>` stands in for WeChat; anywhere else such a code is just an invalid one.
   */
  async code2session(code: string): Promise<string> {
    const { config } = this.ctx;
    const dev = /^dev:([\w-]{1,64})$/.exec(code);
    if (config.devEndpoints && !config.wechatAppId) {
      if (dev) return dev[1];
      throw unauthorized('登录码无效（开发模式请使用 dev:<openid>）', 'invalid_code');
    }
    if (!config.wechatAppId || !config.wechatAppSecret) {
      throw new AppError(503, 'miniapp_not_configured', '小程序登录未配置（WECHAT_APP_ID / WECHAT_APP_SECRET）');
    }
    const url = new URL('/sns/jscode2session', config.wechatApiBase);
    url.search = new URLSearchParams({
      appid: config.wechatAppId, secret: config.wechatAppSecret, js_code: code, grant_type: 'authorization_code',
    }).toString();
    let body: { openid?: string; errcode?: number; errmsg?: string };
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(CODE2SESSION_TIMEOUT_MS) });
      body = (await res.json()) as typeof body;
    } catch (err) {
      this.ctx.logger.warn({ err: (err as Error).message }, 'code2session unreachable');
      throw new AppError(503, 'wechat_unavailable', '暂时无法连接微信，请稍后再试');
    }
    if (body.errcode || !body.openid) {
      // 40029 invalid code, 40163 code used, 45011 too frequent: all mean "log in again" to the user.
      this.ctx.logger.info({ errcode: body.errcode }, 'code2session refused');
      throw unauthorized('微信登录失败，请重新打开小程序', 'invalid_code');
    }
    return body.openid;
  }

  /** Logs a mini-program user in: a resident token and the bound record, if any. */
  async login(code: string): Promise<{ token: string; openid: string; resident: Resident | null }> {
    const openid = await this.code2session(code);
    const resident = await this.deps.residents.byOpenid(openid);
    return { token: this.deps.auth.residentToken(openid), openid, resident };
  }

  /**
   * Binds the caller's openid with a binding code: a resident's code binds their own record, a
   * family contact's code makes the caller that contact (they then follow the elder's check-ins).
   * Wrong codes are throttled per openid and per `address`.
   */
  async bind(actor: Actor, bindingCode: string, address?: string): Promise<MiniappBinding> {
    if (actor.kind !== 'resident') throw badRequest('not_resident', '仅限居民使用');
    const bound = await this.deps.binding.redeem({ code: bindingCode, throttleKey: `openid:${actor.openid}`, address: address && `ip:${address}`, openid: actor.openid });
    if (!bound) throw badRequest('invalid_binding_code', '绑定码无效或已过期，请向社工索取新的绑定码');
    const m = this.ctx.db.manager;
    if (bound.targetType === 'family') {
      const contact = await m.findOneByOrFail(FamilyContact, { id: bound.targetId });
      return { kind: 'family', contact, elder: await m.findOneByOrFail(Resident, { id: contact.residentId }) };
    }
    return { kind: 'resident', resident: await m.findOneByOrFail(Resident, { id: bound.targetId }) };
  }

  /**
   * The elders the caller follows as a family contact (bound in the mini-program with a family
   * code), each with today's check-in state. Only contacts bound to the caller's own openid, of an
   * elder on the same station and not erased: nobody reads another family's elder.
   */
  async followed(actor: Actor): Promise<FollowedElder[]> {
    if (actor.kind !== 'resident') throw badRequest('not_resident', '仅限居民使用');
    const m = this.ctx.db.manager;
    const contacts = await m.find(FamilyContact, { where: { openid: actor.openid }, order: { id: 'ASC' } });
    if (!contacts.length) return [];
    const elders = await m.find(Resident, { where: contacts.map((c) => ({ id: c.residentId, stationId: c.stationId, erasedAt: IsNull() })) });
    const elderOf = new Map(elders.map((r) => [r.id, r]));
    const today = await this.deps.checkinBoard.todayStates(elders);
    return contacts.flatMap((contact) => {
      const elder = elderOf.get(contact.residentId);
      const state = elder && today.get(elder.id);
      return elder && state ? [{ contact, elder, today: state }] : [];
    });
  }

  /** The caller's own record (a bound resident only). */
  async me(actor: Actor): Promise<Resident> {
    const id = boundResidentId(actor);
    return this.ctx.db.manager.findOneByOrFail(Resident, { id });
  }
}
