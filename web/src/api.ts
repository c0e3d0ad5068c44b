/**
 * The HTTP client of the console: the session's token on every call, the API's error shape turned
 * into `ApiError` (with the per-field messages of a 400), and an expired session handled in place:
 * the login dialog opens over the page (which keeps what was typed), and the call is retried once
 * signed in again.
 */

export type Role = 'worker' | 'station_admin' | 'county_admin';

export interface Session {
  token: string;
  worker: { id: number; name: string; role: Role; stationId: number | null };
}

export interface FieldError {
  in?: string;
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldError[] = [],
  ) {
    super(message);
  }
}

const KEY = 'station-console';

let session: Session | null = load();
/** Opens the login dialog and resolves once signed in again (set by main.ts). */
let relogin: (() => Promise<void>) | null = null;

function load(): Session | null {
  try {
    return JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Session | null;
  } catch {
    return null;
  }
}

export function currentSession(): Session | null {
  return session;
}

export function setSession(s: Session | null): void {
  session = s;
  if (s) sessionStorage.setItem(KEY, JSON.stringify(s));
  else sessionStorage.removeItem(KEY);
}

export function onSessionExpired(fn: () => Promise<void>): void {
  relogin = fn;
}

async function errorOf(res: Response): Promise<ApiError> {
  const data = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string; details?: unknown } };
  const details = Array.isArray(data.error?.details) ? (data.error?.details as FieldError[]) : [];
  const message = data.error?.message ?? (res.status === 404 ? '没有找到' : `请求失败（${res.status}）`);
  return new ApiError(res.status, data.error?.code ?? 'http_' + res.status, message, details.filter((d) => d && typeof d.message === 'string'));
}

/** Sends a request; `body` may be JSON-able or FormData. Answers the raw response (for files). */
export async function request(method: string, path: string, body?: unknown, retried = false): Promise<Response> {
  const headers: Record<string, string> = {};
  if (session) headers.Authorization = `Bearer ${session.token}`;
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: payload });
  } catch {
    throw new ApiError(0, 'network', '网络连接失败，请检查网络后重试');
  }
  if (res.status === 401 && path !== '/api/auth/login' && relogin && !retried) {
    await relogin();
    return request(method, path, body, true);
  }
  if (!res.ok) throw await errorOf(res);
  return res;
}

async function api<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await request(method, path, body);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

export const get = <T>(path: string) => api<T>('GET', path);
export const post = <T>(path: string, body?: unknown) => api<T>('POST', path, body ?? {});
export const put = <T>(path: string, body: unknown) => api<T>('PUT', path, body);
export const patch = <T>(path: string, body: unknown) => api<T>('PATCH', path, body);

/** `?a=1&b=2`, leaving out empty values. */
export function qs(params: Record<string, string | number | undefined | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

export interface List<T> {
  items: T[];
  total: number;
}
