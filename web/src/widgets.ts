/** Pieces several pages share: badges, the audited phone reveal, tables that stack on a phone. */
import { get } from './api';
import { html, Safe } from './dom';

export function badge(text: string, tone: '' | 'green' | 'red' | 'amber' | 'blue' | 'purple' = ''): Safe {
  return html`<span class="badge${tone ? ' b-' + tone : ''}">${text}</span>`;
}

const CHECKIN_TONE: Record<string, 'green' | 'red' | 'amber' | 'purple' | ''> = {
  confirmed: 'green', missed: 'red', escalated: 'red', reminded: 'amber', pending: 'amber', unreachable: 'purple', paused: '',
};
export const checkinTone = (s: string) => CHECKIN_TONE[s] ?? '';

export interface Column<T> {
  label: string;
  cell: (row: T) => Safe | string | number | null | undefined;
  main?: boolean;
}

/** A table that turns into cards on a phone; `rowAttrs` adds e.g. a link. */
export function table<T>(rows: T[], cols: Column<T>[], rowAttrs?: (row: T) => Safe, empty = '没有记录'): Safe {
  if (!rows.length) return html`<p class="muted">${empty}</p>`;
  return html`<div class="table-wrap"><table class="stack"><thead><tr>${cols.map((c) => html`<th>${c.label}</th>`)}</tr></thead><tbody>${rows.map(
    (r) => html`<tr ${rowAttrs ? rowAttrs(r) : ''}>${cols.map((c) => html`<td data-label="${c.label}"${c.main ? new Safe(' class="main"') : ''}>${c.cell(r)}</td>`)}</tr>`,
  )}</tbody></table></div>`;
}

interface Contact {
  phone: string | null;
  family: { id: number; name: string; relation: string; phone: string | null }[];
}

/** "显示号码": reads the full numbers (the server writes an audit entry) and shows them as call links. */
export async function revealPhones(residentId: number, into: HTMLElement): Promise<void> {
  const c = await get<Contact>(`/api/residents/${residentId}/contact`);
  const tel = (p: string | null) => (p ? html`<a href="tel:${p}">${p}</a>` : html`<span class="muted">未登记</span>`);
  into.innerHTML = html`<div class="phones" role="status">本人：${tel(c.phone)}${c.family.map(
    (f) => html`<br>${f.relation} ${f.name}：${tel(f.phone)}`,
  )}<br><span class="muted">查看号码已记入审计日志</span></div>`.value;
}

export function tagList(tags: string[], labels: Record<string, string>): Safe {
  return html`${tags.map((t) => html`<span class="tag">${labels[t] ?? t}</span>`)}`;
}

export function option(value: string | number, text: string, selected: unknown): Safe {
  return html`<option value="${value}"${String(value) === String(selected ?? '') ? new Safe(' selected') : ''}>${text}</option>`;
}

export function options(map: Record<string, string>, selected: unknown, blank?: string): Safe {
  return html`${blank !== undefined ? option('', blank, selected) : ''}${Object.entries(map).map(([v, t]) => option(v, t, selected))}`;
}


/** A resident picker for booking or signing up on someone's behalf: type a name, pick from the matches. */
export function residentPicker(): Safe {
  return html`<div class="picker bar" style="margin-bottom:.4em">
    <input class="grow" data-picker-q placeholder="居民姓名或电话尾号四位" aria-label="查找居民">
    <button class="btn plain small" type="button" data-picker-find>查找</button>
    <select name="residentId" required aria-label="选择居民" style="min-width:9em"><option value="">先查找居民</option></select></div>`;
}

export function wirePicker(root: HTMLElement): void {
  const q = root.querySelector<HTMLInputElement>('[data-picker-q]');
  const select = root.querySelector<HTMLSelectElement>('select[name=residentId]');
  if (!q || !select) return;
  const find = async () => {
    const term = q.value.trim();
    if (!term) return;
    const d = await get<{ items: { id: number; name: string; age: number | null; phone: string | null }[] }>(`/api/residents?q=${encodeURIComponent(term)}&status=active&limit=20`);
    select.innerHTML = d.items.length
      ? d.items.map((r) => option(r.id, `${r.name}${r.age !== null ? ' ' + r.age + '岁' : ''}${r.phone ? ' ' + r.phone : ''}`, '').value).join('')
      : '<option value="">没有找到</option>';
  };
  root.querySelector('[data-picker-find]')?.addEventListener('click', () => void find());
  q.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      void find();
    }
  });
}
