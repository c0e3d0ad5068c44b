/** 组织: stations and their communities and workers (station admins for their own, county admins for the county). */
import { currentSession, get, List } from '../api';
import { html, setHtml } from '../dom';
import { ROLE } from '../labels';
import { badge, table } from '../widgets';

interface Station { id: number; name: string; township: string; county: string; phone: string | null; address: string | null; openHours: string | null }
interface Worker { id: number; name: string; username: string; role: string; stationId: number | null; active: boolean; wechatBound: boolean }

export async function orgPage(view: HTMLElement): Promise<void> {
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
  ])}</section>`);
}
