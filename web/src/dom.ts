/** Small DOM helpers: escaped HTML templates, element lookup, dates in Asia/Shanghai. */

/** Markup that is already safe (built by `html`). */
export class Safe {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export function esc(s: unknown): string {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

function part(v: unknown): string {
  if (v instanceof Safe) return v.value;
  if (Array.isArray(v)) return v.map(part).join('');
  if (v === null || v === undefined || v === false) return '';
  return esc(v);
}

/** A template whose interpolations are escaped, unless they are `Safe` (or arrays of them). */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Safe {
  let out = strings[0];
  values.forEach((v, i) => {
    out += part(v) + strings[i + 1];
  });
  return new Safe(out);
}

export function $<T extends Element = HTMLElement>(sel: string, root: ParentNode = document): T {
  const el = root.querySelector<T>(sel);
  if (!el) throw new Error(`页面缺少元素 ${sel}`);
  return el;
}

export function $$<T extends Element = HTMLElement>(sel: string, root: ParentNode = document): T[] {
  return Array.from(root.querySelectorAll<T>(sel));
}

export function setHtml(el: Element, content: Safe): void {
  el.innerHTML = content.value;
}

const TZ = 'Asia/Shanghai';

/** `12月3日 09:00` (with the year when it is not this year). */
export function when(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  const parts = new Intl.DateTimeFormat('zh-CN', { timeZone: TZ, year: 'numeric', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false })
    .formatToParts(d);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const year = get('year');
  const thisYear = new Intl.DateTimeFormat('zh-CN', { timeZone: TZ, year: 'numeric' }).formatToParts(new Date()).find((p) => p.type === 'year')?.value;
  return `${year !== thisYear ? year + '年' : ''}${get('month')}月${get('day')}日 ${get('hour')}:${get('minute')}`;
}

/** `09:00` of an instant, in Shanghai. */
export function timeOf(iso: string | null | undefined): string {
  if (!iso) return '';
  return new Intl.DateTimeFormat('zh-CN', { timeZone: TZ, hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(iso));
}

/** `YYYY-MM-DD` of an instant, in Shanghai. */
export function dateOf(d: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

/** `2026-12-03` + n days. */
export function addDays(date: string, n: number): string {
  const d = new Date(`${date}T12:00:00+08:00`);
  d.setUTCDate(d.getUTCDate() + n);
  return dateOf(d);
}

/** A `datetime-local` value (Shanghai wall time) as ISO 8601 with offset. */
export function localInputToIso(v: string): string {
  return `${v.length === 16 ? v + ':00' : v}+08:00`;
}

export function formValues(form: HTMLFormElement): Record<string, string> {
  const out: Record<string, string> = {};
  new FormData(form).forEach((v, k) => {
    if (typeof v === 'string') out[k] = v.trim();
  });
  return out;
}

/** A short message at the bottom of the screen. */
export function toast(text: string, kind: 'ok' | 'err' = 'ok'): void {
  document.querySelector('.toast')?.remove();
  const el = document.createElement('div');
  el.className = `toast ${kind}`;
  el.setAttribute('role', 'status');
  el.textContent = text;
  document.body.append(el);
  setTimeout(() => el.remove(), 3500);
}

/** Tells the shell that work changed (an alert handled, a hand-off answered): the tab counts refresh. */
export function changed(): void {
  window.dispatchEvent(new Event('console:changed'));
}
