import path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Page = any;
interface Simulate {
  load(componentPath: string, options: { rootPath: string; compiler: 'official' | 'simulate' }): string;
  render(id: string): Page;
}
// Required untyped: the package's types pull in the mini-program's globals (its own `require`),
// which clash with Node's in the server's compilation.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const simulate: Simulate = require('miniprogram-simulate');

/** One request a page made through wx.request. */
export interface Call {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  header: Record<string, string>;
}

export type Reply = { status?: number; body?: unknown } | 'network';
type Handler = (call: Call) => Reply;

/**
 * A stand-in for the `wx` global: wx.request answers from routes the test declares (anything
 * else is a 404 in the API's error shape) and every call is recorded; storage is a map; login,
 * modals and subscription prompts answer as the test says.
 */
export class FakeWx {
  calls: Call[] = [];
  storage = new Map<string, unknown>();
  toasts: string[] = [];
  modals: string[] = [];
  modalConfirm = true;
  subscribePrompts: string[][] = [];
  subscribeAnswer: 'accept' | 'reject' = 'accept';
  private routes: { method: string; path: string | RegExp; handler: Handler }[] = [];

  /** Answers `method path` (exact path or a pattern); a later declaration wins. */
  on(method: string, p: string | RegExp, reply: Reply | Handler): this {
    this.routes.unshift({ method, path: p, handler: typeof reply === 'function' ? reply : () => reply });
    return this;
  }

  callsTo(method: string, p: string): Call[] {
    return this.calls.filter((c) => c.method === method && c.path === p);
  }

  readonly wx = {
    request: (o: { url: string; method?: string; data?: unknown; header?: Record<string, string>; success?: (r: unknown) => void; fail?: (e: unknown) => void }) => {
      const url = new URL(o.url);
      const call: Call = {
        method: o.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), body: o.data, header: o.header ?? {},
      };
      this.calls.push(call);
      const route = this.routes.find((r) => r.method === call.method && (typeof r.path === 'string' ? r.path === call.path : r.path.test(call.path)));
      const reply = route ? route.handler(call) : { status: 404, body: { error: { code: 'not_found', message: '没有找到' } } };
      Promise.resolve().then(() => {
        if (reply === 'network') o.fail?.({ errMsg: 'request:fail' });
        else o.success?.({ statusCode: reply.status ?? 200, data: reply.body ?? {}, header: {} });
      });
    },
    getStorageSync: (k: string) => (this.storage.has(k) ? this.storage.get(k) : ''),
    setStorageSync: (k: string, v: unknown) => void this.storage.set(k, v),
    removeStorageSync: (k: string) => void this.storage.delete(k),
    login: (o: { success?: (r: { code: string }) => void }) => Promise.resolve().then(() => o.success?.({ code: 'wx-code' })),
    showToast: (o: { title: string }) => void this.toasts.push(o.title),
    showModal: (o: { content?: string; success?: (r: { confirm: boolean; cancel: boolean }) => void }) => {
      this.modals.push(o.content ?? '');
      Promise.resolve().then(() => o.success?.({ confirm: this.modalConfirm, cancel: !this.modalConfirm }));
    },
    requestSubscribeMessage: (o: { tmplIds: string[]; success?: (r: Record<string, string>) => void }) => {
      this.subscribePrompts.push(o.tmplIds);
      const answer: Record<string, string> = { errMsg: 'requestSubscribeMessage:ok' };
      for (const id of o.tmplIds) answer[id] = this.subscribeAnswer;
      Promise.resolve().then(() => o.success?.(answer));
    },
  };
}

/** Installs a fresh fake `wx` with a logged-in token and the common routes. */
export function installWx(options: { bound?: { id: number; name: string; stationId: number } | null } = {}): FakeWx {
  const fake = new FakeWx();
  (globalThis as unknown as { wx: unknown }).wx = fake.wx;
  const resident = options.bound === undefined ? { id: 11, name: '王秀英', stationId: 3 } : options.bound;
  fake.on('POST', '/api/miniapp/login', { body: { token: 'tok-1', openid: 'o-1', resident } });
  fake.on('GET', '/api/miniapp/templates', { body: { templates: { booking_reminder: 'T-BOOK', activity_reminder: 'T-ACT', checkin_reminder: 'T-CHECK' } } });
  fake.on('POST', '/api/me/subscriptions', (c) => ({
    body: { quota: Object.fromEntries(((c.body as { templates: string[] }).templates).map((t) => [t, 1])) },
  }));
  fake.on('GET', '/api/me/family', { body: { items: [], total: 0 } });
  return fake;
}

const ROOT = path.join(__dirname, '../../miniprogram/src');

/** Loads a page's definition once per test file (its module runs once); render it as often as needed. */
export function loadPage(name: string): string {
  return simulate.load(path.join(ROOT, 'pages', name, 'index'), { rootPath: ROOT, compiler: 'official' });
}

/** Renders a page, attaches it and runs its onShow as WeChat would on opening it. */
export async function openPage(id: string, options?: Record<string, string>): Promise<Page> {
  const page = simulate.render(id);
  page.attach(document.createElement('parent-wrapper'));
  if (options) page.instance.onLoad(options);
  await page.instance.onShow();
  await settle();
  return page;
}

/** Lets every queued answer and the page code after it run (no timers involved). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise<void>((resolve) => setTimeout(resolve, 0));
}

/** The text of the first element with the class, '' when there is none. */
export function textOf(page: Page, selector: string): string {
  const el = page.querySelector(selector);
  return el ? String(el.dom.textContent).trim() : '';
}

export async function tap(page: Page, selector: string, index = 0): Promise<void> {
  const el = page.querySelectorAll(selector)[index];
  if (!el) throw new Error(`nothing matches ${selector}[${index}]`);
  el.dispatchEvent('tap');
  await settle();
}

export async function type(page: Page, selector: string, value: string): Promise<void> {
  page.querySelector(selector).dispatchEvent('input', { detail: { value } });
  await settle();
}
