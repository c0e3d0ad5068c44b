import type { Infra } from './infra';

const TIMEOUT_MS = 5000;
/** Refresh a little before WeChat's expiry, so no send goes out with a token dying on the way. */
const EXPIRY_MARGIN_MS = 5 * 60_000;
/** Token errors: invalid (40001), not the latest (40014), expired (42001). */
const TOKEN_ERRORS = new Set([40001, 40014, 42001]);

/** WeChat answered with an error code (`errcode`), or could not be reached (`errcode` null). */
export class WechatApiError extends Error {
  constructor(
    readonly errcode: number | null,
    message: string,
  ) {
    super(message);
  }

  /** Worth trying again later: unreachable, timed out, a 5xx, or WeChat busy (-1). */
  get transient(): boolean {
    return this.errcode === null || this.errcode === -1;
  }
}

/**
 * The mini-program's server-side WeChat API (`WECHAT_API_BASE`): the access token from
 * `cgi-bin/stable_token`, cached until shortly before it expires and fetched again when WeChat
 * calls it invalid or expired, and `subscribeMessage.send`. One in-flight token fetch is shared.
 */
export class WechatApiClient {
  private token: { value: string; expiresAt: number } | null = null;
  private fetching: Promise<string> | null = null;
  /** Token fetches made (for tests and metrics). */
  tokenFetches = 0;

  constructor(private readonly ctx: Infra) {}

  /** True when the app id and secret are configured. */
  get configured(): boolean {
    return !!(this.ctx.config.wechatAppId && this.ctx.config.wechatAppSecret);
  }

  private async call<T extends { errcode?: number; errmsg?: string }>(path: string, init: { method: 'GET' | 'POST'; query?: Record<string, string>; body?: unknown }): Promise<T> {
    const url = new URL(path, this.ctx.config.wechatApiBase);
    if (init.query) url.search = new URLSearchParams(init.query).toString();
    let res: Response;
    try {
      res = await fetch(url, {
        method: init.method,
        headers: init.body === undefined ? undefined : { 'Content-Type': 'application/json' },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (err) {
      throw new WechatApiError(null, `wechat unreachable: ${(err as Error).name === 'TimeoutError' ? 'timeout' : (err as Error).message}`);
    }
    if (res.status >= 500) throw new WechatApiError(null, `wechat http ${res.status}`);
    let body: T;
    try {
      body = (await res.json()) as T;
    } catch {
      throw new WechatApiError(null, `wechat http ${res.status}: not json`);
    }
    if (body.errcode) throw new WechatApiError(body.errcode, `wechat ${body.errcode}: ${String(body.errmsg ?? '').slice(0, 200)}`);
    return body;
  }

  /** A valid access token (cached; real time, as WeChat counts it). */
  async accessToken(force = false): Promise<string> {
    if (!force && this.token && this.token.expiresAt > Date.now()) return this.token.value;
    this.fetching ??= this.fetchToken(force).finally(() => (this.fetching = null));
    return this.fetching;
  }

  /** `force`: WeChat rejected the cached one, so ask stable_token for a new one (force_refresh). */
  private async fetchToken(force: boolean): Promise<string> {
    const { wechatAppId, wechatAppSecret } = this.ctx.config;
    if (!wechatAppId || !wechatAppSecret) throw new WechatApiError(null, 'WECHAT_APP_ID / WECHAT_APP_SECRET not configured');
    this.tokenFetches++;
    const body = await this.call<{ access_token?: string; expires_in?: number; errcode?: number }>('/cgi-bin/stable_token', {
      method: 'POST', body: { grant_type: 'client_credential', appid: wechatAppId, secret: wechatAppSecret, force_refresh: force },
    });
    if (!body.access_token) throw new WechatApiError(null, 'wechat token answer without access_token');
    const lifeMs = Math.max(60_000, (body.expires_in ?? 7200) * 1000 - EXPIRY_MARGIN_MS);
    this.token = { value: body.access_token, expiresAt: Date.now() + lifeMs };
    return body.access_token;
  }

  /**
   * Sends one subscription message. A token WeChat calls invalid or expired is dropped and the
   * send tried once more with a fresh one; other errors are thrown as WechatApiError.
   */
  async sendSubscribeMessage(input: { openid: string; templateId: string; page?: string; data: Record<string, { value: string }> }): Promise<void> {
    const body = { touser: input.openid, template_id: input.templateId, page: input.page, data: input.data, lang: 'zh_CN' };
    const send = async (token: string) => this.call('/cgi-bin/message/subscribe/send', { method: 'POST', query: { access_token: token }, body });
    try {
      await send(await this.accessToken());
    } catch (err) {
      if (!(err instanceof WechatApiError) || err.errcode === null || !TOKEN_ERRORS.has(err.errcode)) throw err;
      this.token = null;
      await send(await this.accessToken(true));
    }
  }
}
