/** 组织: stations and their communities and workers (station admins for their own, county admins for the county). */
import { currentSession, get, List, post } from '../api';
import { $, formValues, html, setHtml, toast } from '../dom';
import { onSubmit } from '../forms';
import { ROLE } from '../labels';
import { badge, option, table } from '../widgets';
import { forgetCommunities } from './residents';

interface Station { id: number; name: string; township: string; county: string; phone: string | null; address: string | null; openHours: string | null }
interface Worker { id: number; name: string; username: string; role: string; stationId: number | null; active: boolean; wechatBound: boolean }

export async function orgPage(view: HTMLElement): Promise<void> {
  const me = currentSession()?.worker;
  const [stations, workers] = await Promise.all([get<List<Station>>('/api/stations?limit=500'), get<List<Worker>>('/api/workers?limit=500')]);
  const name = (id: number | null) => stations.items.find((s) => s.id === id)?.name ?? (id ? `站点 ${id}` : '县民政局');
  setHtml(view, html`<section class="card"><h2>${currentSession()?.worker.role === 'county_admin' ? '全县社工站' : '本站'}</h2>${table(stations.items, [
    { label: '站点', main: true, cell: (s) => s.name },
    { label: '乡镇', cell: (s) => `${s.county} ${s.township}` },
    { label: '电话', cell: (s) => s.phone ?? '' },
    { label: '开放时间', cell: (s) => s.openHours ?? '' },
  ])}</section>
  <section class="card"><h2>工作人员</h2>${table(workers.items, [
    { label: '姓名', main: true, cell: (w) => w.name },
    { label: '账号', cell: (w) => w.username },
    { label: '角色', cell: (w) => ROLE[w.role] ?? w.role },
    { label: '站点', cell: (w) => name(w.stationId) },
    { label: '状态', cell: (w) => html`${w.active ? badge('在岗', 'green') : badge('已停用')} ${w.wechatBound ? badge('微信已绑定', 'blue') : ''}` },
  ])}
    <details><summary>添加工作人员</summary><form id="worker-form" style="margin-top:.5em"><div class="grid2">
      <label>站点<select name="stationId">${stations.items.map((s) => option(s.id, s.name, me?.stationId))}</select></label>
      <label>角色<select name="role">${option('worker', '社工', 'worker')}${option('station_admin', '站长', '')}</select></label>
      <label>姓名<input name="name" required maxlength="50"></label><label>电话<input name="phone" inputmode="tel"></label>
      <label>账号<input name="username" required autocomplete="off"></label><label>初始密码<input name="password" type="password" required autocomplete="new-password"></label></div>
      <p class="form-err" role="alert"></p><button class="btn" type="submit">添加</button></form></details></section>
  <section class="card"><h2>村（社区）</h2><div id="communities"></div>
    <form id="community-form" class="bar"><select name="stationId" aria-label="站点">${stations.items.map((s) => option(s.id, s.name, me?.stationId))}</select>
      <input name="name" required maxlength="50" placeholder="村（社区）名称" class="grow"><button class="btn" type="submit">添加村（社区）</button>
      <p class="form-err" role="alert" style="flex-basis:100%"></p></form></section>`);
  const comms = await Promise.all(stations.items.map((s) => get<List<{ id: number; name: string }>>(`/api/stations/${s.id}/communities?limit=500`).then((d) => ({ s, d }), () => ({ s, d: { items: [], total: 0 } }))));
  setHtml($('#communities', view), html`${comms.map(({ s, d }) => html`<p><b>${s.name}</b>：${d.items.map((c) => c.name).join('、') || '尚未添加'}</p>`)}`);
  onSubmit($<HTMLFormElement>('#worker-form', view), async (form) => {
    const v = formValues(form);
    await post('/api/workers', { stationId: Number(v.stationId), role: v.role, name: v.name, username: v.username, password: v.password, ...(v.phone ? { phone: v.phone } : {}) });
    toast('已添加工作人员');
    await orgPage(view);
  });
  onSubmit($<HTMLFormElement>('#community-form', view), async (form) => {
    const v = formValues(form);
    await post(`/api/stations/${v.stationId}/communities`, { name: v.name });
    forgetCommunities();
    toast('已添加村（社区）');
    await orgPage(view);
  });
}
