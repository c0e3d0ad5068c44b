/** 今日: the check-in board of a day, the alerts (open and acknowledged first), the home visits due. */
import { get, List, post, qs } from '../api';
import { $, changed, dateOf, formValues, html, setHtml, timeOf, toast, when } from '../dom';
import { errorBlock, onSubmit } from '../forms';
import { ALERT_OUTCOME, ALERT_OUTCOMES, ALERT_STATUS, BOARD_GROUPS, CHECKIN_STATUS } from '../labels';
import { badge, checkinTone, revealPhones, table } from '../widgets';

interface BoardItem {
  residentId: number; name: string; status: string; remindedAt: string | null; confirmedAt: string | null; communityName: string | null;
  remindAt: string | null; deadline: string | null; reason: string | null; note: string | null; wechatBound: boolean;
}
interface Board { date: string; items: BoardItem[]; total: number; counts: Record<string, number> }
interface Alert {
  id: number; residentId: number | null; residentName: string | null; communityName: string | null; type: string; typeLabel: string;
  status: string; summary: string | null; createdAt: string; acknowledgedAt: string | null; resolvedAt: string | null; outcome: string | null;
  note: string | null; reply: { at: string; text: string | null } | null; escalationLevel: number;
}
interface VisitDue { residentId: number; name: string; communityName: string | null; riskTierLabel: string; dueDate: string; daysOverdue: number; lastVisitDate: string | null; status: string }

let group = '';

export async function todayPage(view: HTMLElement, args: string[]): Promise<void> {
  const date = /^\d{4}-\d{2}-\d{2}$/.test(args[0] ?? '') ? args[0] : '';
  setHtml(view, html`
    <section class="card" id="alerts-card"><h2>告警</h2><div id="alerts"><p class="muted">加载中…</p></div></section>
    <section class="card">
      <div class="bar"><h2 class="grow" style="margin:0">报平安看板</h2>
        <label style="margin:0">日期 <input type="date" id="board-date" value="${date}" style="display:inline-block;width:auto"></label>
        <button class="btn plain small" id="board-today" type="button">今天</button></div>
      <div id="board"><p class="muted">加载中…</p></div>
    </section>
    <section class="card"><h2>今天到期的入户走访</h2><div id="visits"><p class="muted">加载中…</p></div></section>`);
  $<HTMLInputElement>('#board-date', view).addEventListener('change', (e) => {
    const v = (e.target as HTMLInputElement).value;
    location.hash = v ? `#/today/${v}` : '#/today';
  });
  $('#board-today', view).addEventListener('click', () => (location.hash = '#/today'));
  await Promise.all([renderAlerts($('#alerts', view)), renderBoard($('#board', view), date, view), renderVisits($('#visits', view))]);
}

async function renderBoard(el: HTMLElement, date: string, view: HTMLElement): Promise<void> {
  let board: Board;
  try {
    board = await get<Board>(`/api/checkins${qs({ date })}`);
  } catch (err) {
    el.innerHTML = errorBlock(err);
    return;
  }
  const input = $<HTMLInputElement>('#board-date', view);
  if (!input.value) input.value = board.date;
  const isToday = board.date === dateOf(new Date()) || !date;
  const count = (statuses: string[]) => statuses.reduce((n, s) => n + (board.counts[s] ?? 0), 0);
  const tone: Record<string, string> = { missed: 'red', unreachable: 'purple', waiting: 'amber', confirmed: 'green', paused: '' };
  const draw = () => {
    const shown = BOARD_GROUPS.find((g) => g.key === group);
    const rows = shown ? board.items.filter((i) => shown.statuses.includes(i.status)) : board.items;
    const order = BOARD_GROUPS.flatMap((g) => g.statuses);
    rows.sort((a, b) => order.indexOf(a.status) - order.indexOf(b.status));
    setHtml(el, html`
      <div class="counts" role="group" aria-label="按状态筛选">${BOARD_GROUPS.map((g) => html`<button type="button" class="${tone[g.key]}" data-group="${g.key}" aria-pressed="${group === g.key}">${g.label}<b>${count(g.statuses)}</b></button>`)}</div>
      <p class="muted">${board.date} · 共 ${board.total} 位居民有报平安计划${shown ? html` · 只看“${shown.label}” <a href="javascript:void 0" data-group="">看全部</a>` : ''}</p>
      ${table(rows, [
        { label: '姓名', main: true, cell: (i) => html`<a href="#/residents/${i.residentId}">${i.name}</a>` },
        { label: '村（社区）', cell: (i) => i.communityName },
        { label: '状态', cell: (i) => html`${badge(CHECKIN_STATUS[i.status] ?? i.status, checkinTone(i.status) as never)}${i.reason ? html` <span class="muted">${i.reason}</span>` : ''}` },
        { label: '提醒 / 截止', cell: (i) => `${i.remindAt ?? ''}${i.deadline ? ' / ' + i.deadline : ''}` },
        { label: '报平安', cell: (i) => (i.confirmedAt ? `${timeOf(i.confirmedAt)}${i.note ? ' · ' + i.note : ''}` : '') },
        { label: '', cell: (i) => (isToday && i.status !== 'confirmed' && i.status !== 'paused'
          ? html`<button class="btn light small" data-confirm="${i.residentId}" type="button">已联系，平安</button>` : '') },
      ], undefined, '这一天没有需要报平安的居民')}`);
  };
  draw();
  el.onclick = async (e) => {
    const t = e.target as HTMLElement;
    const g = t.closest<HTMLElement>('[data-group]');
    if (g) {
      group = group === g.dataset.group ? '' : (g.dataset.group ?? '');
      draw();
      return;
    }
    const id = t.closest<HTMLElement>('[data-confirm]')?.dataset.confirm;
    if (!id) return;
    try {
      await post(`/api/checkins/${id}/confirm`, { note: '社工已联系，平安' });
      toast('已记为平安');
      await renderBoard(el, date, view);
    } catch (err) {
      toast((err as Error).message, 'err');
    }
  };
}

function alertCard(a: Alert): string {
  const tone = a.status === 'open' ? 'red' : a.status === 'acknowledged' ? 'amber' : '';
  return html`<article class="card alert ${a.status}" data-alert="${a.id}">
    <div class="head"><b>${a.residentName ?? '站点'}</b>${badge(a.typeLabel)}${badge(ALERT_STATUS[a.status] ?? a.status, tone as never)}
      <span class="muted">${a.communityName ?? ''} ${when(a.createdAt)}</span></div>
    ${a.summary ? html`<div>${a.summary}</div>` : ''}
    ${a.reply?.text ? html`<div class="reply">回复（${when(a.reply.at)}）：${a.reply.text}</div>` : ''}
    ${a.status === 'resolved' ? html`<div class="muted">结果：${ALERT_OUTCOME[a.outcome ?? ''] ?? a.outcome ?? ''}${a.note ? ' · ' + a.note : ''}（${when(a.resolvedAt)}）</div>` : ''}
    <div class="phone-slot"></div>
    ${a.status !== 'resolved' ? html`<div class="btns">
      ${a.status === 'open' ? html`<button class="btn" type="button" data-ack="${a.id}">确认收到</button>` : html`<span class="muted">${when(a.acknowledgedAt)} 已确认收到</span>`}
      ${a.residentId ? html`<button class="btn light" type="button" data-phone="${a.residentId}">显示号码</button>` : ''}
      <button class="btn plain" type="button" data-resolve-open="${a.id}">处理完毕…</button></div>
    <form class="resolve" data-resolve="${a.id}" hidden>
      <label>处理说明（可不填）<textarea name="note" rows="2" placeholder="如：电话联系上，老人在邻居家"></textarea></label>
      <div class="btns" role="group" aria-label="处理结果">${ALERT_OUTCOMES.map((o) => html`<button class="btn light" type="submit" name="outcome" value="${o.value}">${o.label}</button>`)}</div>
      <p class="form-err" role="alert"></p>
    </form>` : ''}
  </article>`.value;
}

async function renderAlerts(el: HTMLElement): Promise<void> {
  let open: List<Alert>, acked: List<Alert>, resolved: List<Alert>;
  try {
    [open, acked, resolved] = await Promise.all([
      get<List<Alert>>('/api/alerts?status=open&limit=200'),
      get<List<Alert>>('/api/alerts?status=acknowledged&limit=200'),
      get<List<Alert>>('/api/alerts?status=resolved&limit=5'),
    ]);
  } catch (err) {
    el.innerHTML = errorBlock(err);
    return;
  }
  const active = [...open.items, ...acked.items];
  el.innerHTML = (active.length ? active.map(alertCard).join('') : '<p class="muted">没有待处理的告警。</p>')
    + (resolved.items.length ? `<details><summary class="muted">最近处理的 ${resolved.items.length} 条</summary>${resolved.items.map(alertCard).join('')}</details>` : '');
  el.onclick = async (e) => {
    const t = (e.target as HTMLElement).closest<HTMLElement>('button');
    if (!t) return;
    const card = t.closest<HTMLElement>('[data-alert]');
    try {
      if (t.dataset.ack) {
        await post(`/api/alerts/${t.dataset.ack}/ack`);
        toast('已确认收到，告警停止升级');
        changed();
        await renderAlerts(el);
      } else if (t.dataset.phone && card) {
        await revealPhones(Number(t.dataset.phone), $('.phone-slot', card));
        t.remove();
      } else if (t.dataset.resolveOpen && card) {
        const form = $<HTMLFormElement>('form.resolve', card);
        form.hidden = !form.hidden;
        if (!form.hidden) $<HTMLTextAreaElement>('textarea', form).focus();
      }
    } catch (err) {
      toast((err as Error).message, 'err');
    }
  };
  el.onsubmit = async (e) => {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const outcome = ((e as SubmitEvent).submitter as HTMLButtonElement | null)?.value;
    if (!outcome) return;
    try {
      await post(`/api/alerts/${form.dataset.resolve}/resolve`, { outcome, note: new FormData(form).get('note') || null });
      toast(`已处理：${ALERT_OUTCOME[outcome]}`);
      changed();
      await renderAlerts(el);
    } catch (err) {
      $('.form-err', form).textContent = (err as Error).message;
    }
  };
}

async function renderVisits(el: HTMLElement): Promise<void> {
  try {
    const d = await get<{ date: string; items: VisitDue[] }>('/api/visits/due');
    setHtml(el, html`${table(d.items, [
      { label: '姓名', main: true, cell: (v) => html`<a href="#/residents/${v.residentId}">${v.name}</a>` },
      { label: '村（社区）', cell: (v) => v.communityName },
      { label: '风险等级', cell: (v) => v.riskTierLabel },
      { label: '上次走访', cell: (v) => v.lastVisitDate ?? '从未' },
      { label: '应走访', cell: (v) => html`${v.dueDate}${v.daysOverdue > 0 ? html` ${badge(`逾期 ${v.daysOverdue} 天`, 'red')}` : ''}` },
      { label: '', cell: (v) => html`<button class="btn light small" type="button" data-visit="${v.residentId}" data-name="${v.name}">记一次走访</button>` },
    ], undefined, '今天没有到期的走访')}
    <form id="visit-form" hidden><h3 id="visit-title"></h3>
      <div class="grid2"><label>日期<input type="date" name="date" required value="${d.date}"></label></div>
      <label>走访情况<textarea name="summary" rows="2" required maxlength="2000" placeholder="如：身体尚可，家中取暖正常"></textarea></label>
      <p class="form-err" role="alert"></p><div class="btns"><button class="btn" type="submit">保存走访记录</button><button class="btn plain" type="button" id="visit-cancel">取消</button></div></form>`);
    const form = $<HTMLFormElement>('#visit-form', el);
    let residentId = 0;
    el.onclick = (e) => {
      const b = (e.target as HTMLElement).closest<HTMLElement>('[data-visit]');
      if (!b) return;
      residentId = Number(b.dataset.visit);
      $('#visit-title', form).textContent = `记录入户走访：${b.dataset.name ?? ''}`;
      form.hidden = false;
      form.scrollIntoView({ block: 'center' });
      $<HTMLTextAreaElement>('textarea', form).focus();
    };
    $('#visit-cancel', form).addEventListener('click', () => (form.hidden = true));
    onSubmit(form, async (f) => {
      const v = formValues(f);
      await post('/api/service-records', { type: 'home_visit', residentIds: [residentId], date: v.date, summary: v.summary });
      toast('已记录走访');
      await renderVisits(el);
    });
  } catch (err) {
    el.innerHTML = errorBlock(err);
  }
}
