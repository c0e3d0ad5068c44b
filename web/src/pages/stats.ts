/**
 * 统计: the station's figures for a period, by month and by category, with the xlsx download; for a
 * county admin every station side by side. Built on `GET /api/stats` (API.md); a server without it
 * answers 404 and the page says so.
 */
import { ApiError, currentSession, get, List, qs, request } from '../api';
import { $, dateOf, html, setHtml, toast } from '../dom';
import { errorBlock } from '../forms';

type Stats = Record<string, unknown>;
interface Station { id: number; name: string }

/** The figures API.md names, in report order, with their Chinese names and units. */
const METRICS: [string, string][] = [
  ['peopleServed', '服务人数'], ['personTimes', '服务人次'], ['caseWork', '个案（人次）'], ['groupSessions', '小组（场次）'],
  ['communityActivities', '社区活动（场次）'], ['homeVisits', '入户走访（次）'], ['needsFound', '发现需求'], ['needsMet', '需求已解决'],
  ['bookings', '预约'], ['attended', '预约到场'], ['signups', '活动报名'], ['checkinRate', '报平安率'], ['alertsRaised', '告警'],
  ['alertsResolved', '告警已处理'], ['resourcesYuan', '链接资源（元）'],
];
const MONTHLY_SERIES: Record<string, string> = {
  personTimes: '服务人次', caseWork: '个案', groupSessions: '小组', communityActivities: '社区活动', homeVisits: '入户走访', peopleServed: '服务人数',
};
const CATEGORY_WORDS: Record<string, string> = { case: '个案', group: '小组', community: '社区活动', home_visit: '入户走访' };

function fmt(key: string, v: unknown): string {
  if (typeof v !== 'number') return v === null || v === undefined ? '—' : String(v);
  if (key === 'checkinRate') return `${(v <= 1 ? v * 100 : v).toFixed(1)}%`;
  if (key === 'resourcesYuan') return v.toLocaleString('zh-CN', { maximumFractionDigits: 2 });
  return v.toLocaleString('zh-CN');
}

/** Rows of a breakdown, whether the API gives an array of objects or a map: `[label, { field: n }]`. */
function rowsOf(x: unknown): [string, Record<string, number>][] {
  const numeric = (o: unknown): Record<string, number> => {
    if (typeof o === 'number') return { count: o };
    const out: Record<string, number> = {};
    if (o && typeof o === 'object') for (const [k, v] of Object.entries(o)) if (typeof v === 'number' && !/id$/i.test(k)) out[k] = v;
    return out;
  };
  if (Array.isArray(x)) {
    return x.map((o) => {
      const rec = (o ?? {}) as Record<string, unknown>;
      const labelKey = ['month', 'label', 'categoryLabel', 'typeLabel', 'name', 'communityName', 'category', 'type', 'key'].find((k) => typeof rec[k] === 'string');
      const label = labelKey ? String(rec[labelKey]) : '';
      return [CATEGORY_WORDS[label] ?? label, numeric(rec)];
    });
  }
  if (x && typeof x === 'object') return Object.entries(x).map(([k, v]) => [CATEGORY_WORDS[k] ?? k, numeric(v)]);
  return [];
}

/** The main figure of a breakdown row. */
function mainValue(r: Record<string, number>): number {
  for (const k of ['personTimes', 'count', 'total', 'value', 'sessions', 'records']) if (typeof r[k] === 'number') return r[k];
  return Object.values(r)[0] ?? 0;
}

function period(): { from: string; to: string } {
  const today = dateOf(new Date());
  return { from: `${today.slice(0, 4)}-01-01`, to: today };
}

export async function statsPage(view: HTMLElement, args: string[]): Promise<void> {
  const p = period();
  const from = /^\d{4}-\d{2}-\d{2}$/.test(args[0] ?? '') ? args[0] : p.from;
  const to = /^\d{4}-\d{2}-\d{2}$/.test(args[1] ?? '') ? args[1] : p.to;
  const county = currentSession()?.worker.role === 'county_admin';
  setHtml(view, html`<section class="card"><div class="bar"><h2 class="grow" style="margin:0">${county ? '全县统计' : '本站统计'}</h2>
      <form id="period" class="btns"><label style="margin:0">从 <input type="date" name="from" value="${from}" style="width:auto;display:inline-block"></label>
      <label style="margin:0">到 <input type="date" name="to" value="${to}" style="width:auto;display:inline-block"></label>
      <button class="btn plain small" type="submit">查看</button></form>
      <button class="btn light" type="button" id="xlsx">下载 Excel</button></div>
    <div id="stats-body"><p class="muted">加载中…</p></div></section>
    ${county ? html`<section class="card"><h2>各站对比</h2><div id="stations"><p class="muted">加载中…</p></div></section>` : ''}`);
  $<HTMLFormElement>('#period', view).addEventListener('submit', (e) => {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    location.hash = `#/stats/${f.get('from')}/${f.get('to')}`;
  });
  $('#xlsx', view).addEventListener('click', () => void download(from, to));
  const body = $('#stats-body', view);
  let stats: Stats;
  try {
    stats = await get<Stats>(`/api/stats${qs({ from, to })}`);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      setHtml(body, html`<p class="card muted" role="status">统计功能尚未在服务器上启用（服务器没有提供 /api/stats）。升级后这里会显示服务人次、按月和按类别的图表。</p>`);
      $<HTMLButtonElement>('#xlsx', view).disabled = true;
      view.querySelector('#stations')?.replaceChildren();
      return;
    }
    body.innerHTML = errorBlock(err);
    return;
  }
  const monthly = rowsOf(stats.monthly);
  const byCategory = rowsOf(stats.byCategory);
  const byCommunity = rowsOf(stats.byCommunity);
  setHtml(body, html`<div class="kpis">${METRICS.filter(([k]) => k in stats).map(([k, l]) => html`<div>${l}<b>${fmt(k, stats[k])}</b></div>`)}</div>
    <div class="cols">
      <div><h3>按月</h3>${monthly.length ? html`<div class="chart" id="chart-monthly" role="img" aria-label="按月统计图"></div>` : html`<p class="muted">这段时间没有记录</p>`}</div>
      <div><h3>按类别</h3>${byCategory.length ? html`<div class="chart" id="chart-category" role="img" aria-label="按类别统计图"></div>` : html`<p class="muted">这段时间没有记录</p>`}</div>
    </div>
    ${byCommunity.length ? html`<h3>按村（社区）</h3><div class="chart" id="chart-community" role="img" aria-label="按村（社区）统计图"></div>` : ''}`);
  const charts = await import('../charts');
  if (monthly.length) {
    const keys = Object.keys(MONTHLY_SERIES).filter((k) => monthly.some(([, r]) => k in r));
    const series = (keys.length ? keys : Object.keys(monthly[0][1])).map((k) => ({ name: MONTHLY_SERIES[k] ?? k, values: monthly.map(([, r]) => r[k] ?? 0) }));
    charts.barChart($('#chart-monthly', body), monthly.map(([l]) => l), series);
  }
  if (byCategory.length) charts.barChart($('#chart-category', body), byCategory.map(([l]) => l), [{ name: '人次', values: byCategory.map(([, r]) => mainValue(r)) }], { horizontal: true });
  if (byCommunity.length) charts.barChart($('#chart-community', body), byCommunity.map(([l]) => l), [{ name: '人次', values: byCommunity.map(([, r]) => mainValue(r)) }], { horizontal: true });
  if (county) await compareStations($('#stations', view), from, to, charts);
}

async function compareStations(el: HTMLElement, from: string, to: string, charts: typeof import('../charts')): Promise<void> {
  try {
    const stations = (await get<List<Station>>('/api/stations?limit=500')).items;
    const all = await Promise.all(stations.map((s) => get<Stats>(`/api/stats${qs({ from, to, stationId: s.id })}`)));
    const keys = METRICS.filter(([k]) => all.some((s) => k in s));
    setHtml(el, html`<div class="chart" id="chart-stations" role="img" aria-label="各站服务人次对比"></div>
      <div class="table-wrap"><table><thead><tr><th>指标</th>${stations.map((s) => html`<th>${s.name}</th>`)}</tr></thead>
      <tbody>${keys.map(([k, l]) => html`<tr><td>${l}</td>${all.map((s) => html`<td>${fmt(k, s[k])}</td>`)}</tr>`)}</tbody></table></div>`);
    const shown = ['personTimes', 'homeVisits', 'caseWork', 'groupSessions', 'communityActivities'].filter((k) => all.some((s) => typeof s[k] === 'number'));
    charts.barChart($('#chart-stations', el), stations.map((s) => s.name), shown.map((k) => ({ name: MONTHLY_SERIES[k] ?? k, values: all.map((s) => Number(s[k] ?? 0)) })));
  } catch (err) {
    el.innerHTML = errorBlock(err);
  }
}

async function download(from: string, to: string): Promise<void> {
  try {
    const res = await request('GET', `/api/stats/export.xlsx${qs({ from, to })}`);
    const blob = await res.blob();
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `统计-${from}-${to}.xlsx`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  } catch (err) {
    toast(err instanceof ApiError && err.status === 404 ? '服务器还没有提供统计导出' : (err as Error).message, 'err');
  }
}

