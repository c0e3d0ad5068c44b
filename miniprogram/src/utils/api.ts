import { config } from '../config';

/** An error the pages can show as it is: `message` is always plain Chinese. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
export type Query = Record<string, string | number | boolean | undefined | null>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** Sends the stored token (default true). */
  auth?: boolean;
  headers?: Record<string, string>;
}

const TOKEN_KEY = 'token';

/** The stored resident token, or '' before the first login. */
export function storedToken(): string {
  return (wx.getStorageSync(TOKEN_KEY) as string) || '';
}

export function storeToken(token: string): void {
  if (token) wx.setStorageSync(TOKEN_KEY, token);
  else wx.removeStorageSync(TOKEN_KEY);
}

/** `?a=1&b=2` for the defined values of `query`. */
export function queryString(query: Query | undefined): string {
  if (!query) return '';
  const parts = Object.keys(query)
    .filter((k) => query[k] !== undefined && query[k] !== null && query[k] !== '')
    .map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(String(query[k]))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

const STATUS_WORDS: Record<number, string> = {
  401: '登录已失效，请重新打开小程序',
  403: '没有权限进行这个操作',
  404: '没有找到相关内容',
  409: '操作冲突，请刷新后再试',
  429: '操作太频繁，请稍后再试',
};

/** The API's one error shape `{ error: { code, message } }` as an ApiError; anything else gets words by status. */
export function toApiError(status: number, data: unknown): ApiError {
  const err = (data as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (err && typeof err.message === 'string' && err.message) {
    return new ApiError(status, typeof err.code === 'string' ? err.code : 'error', err.message);
  }
  const words = STATUS_WORDS[status] ?? (status >= 500 ? '服务器开小差了，请稍后再试' : '请求没有成功，请稍后再试');
  return new ApiError(status, 'http_' + status, words);
}

function send<T>(method: Method, path: string, options: RequestOptions): Promise<T> {
  const header: Record<string, string> = { 'Content-Type': 'application/json', ...(options.headers ?? {}) };
  const token = options.auth === false ? '' : storedToken();
  if (token) header.Authorization = `Bearer ${token}`;
  return new Promise<T>((resolve, reject) => {
    wx.request({
      url: config.apiBase + path + queryString(options.query),
      method,
      data: options.body === undefined ? undefined : (options.body as WechatMiniprogram.IAnyObject),
      header,
      timeout: config.timeoutMs,
      success(res) {
        if (res.statusCode >= 200 && res.statusCode < 300) resolve(res.data as T);
        else reject(toApiError(res.statusCode, res.data));
      },
      fail() {
        reject(new ApiError(0, 'network', '网络不通，请检查网络后再试'));
      },
    });
  });
}

type Relogin = () => Promise<void>;
let relogin: Relogin | null = null;

/** Lets the session module log in again when a token has expired (no import cycle). */
export function onExpiredToken(fn: Relogin): void {
  relogin = fn;
}

/**
 * Calls the station API. A 401 on an authenticated call logs in once more and retries, so a token
 * that expired overnight never shows the elder an error.
 */
export async function api<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
  try {
    return await send<T>(method, path, options);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401 && options.auth !== false && relogin) {
      await relogin();
      return send<T>(method, path, options);
    }
    throw err;
  }
}

/** The message to show for any failure. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  return '出了点问题，请稍后再试';
}
