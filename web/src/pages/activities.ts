/** 活动与通知: activities and their sign-ups; compose a broadcast (audience, count and send time first), its delivery report. */
import { get, List, post } from '../api';
import { $, $$, formValues, html, localInputToIso, Safe, setHtml, toast, when } from '../dom';
import { onSubmit } from '../forms';
import { BROADCAST_STATUS, TAGS } from '../labels';
import { badge, option, residentPicker, table, wirePicker } from '../widgets';
import { communities } from './residents';

interface Activity { id: number; title: string; startsAt: string; endsAt: string; location: string; capacity: number | null; signedUp: number; status: string; description: string }
interface Signup { id: number; residentId: number; residentName?: string; status: string; source: string; signedUpAt: string }
interface Broadcast { id: number; text: string | null; activityId: number | null; status: string; recipients: number; sendAt: string | null; createdAt: string }
interface Preview { recipients: number; optedOut: number; unreachable: number; audience: string; messages: number; budget: { finishesAt: string; estimatedMinutes: number }; warning: string | null; exceedsDailyBudget: boolean }
interface Recipient { id: number; residentId: number | null; name: string | null; room: string | null; state: string; sentAt: string | null; repliedAt: string | null; error: string | null }
const RECIPIENT_STATE: Record<string, string> = { queued: '排队中', sent: '已发出', failed: '发送失败', cancelled: '已撤回', opted_out: '已退订', unreachable: '联系不上' };
interface Report { id: number; status: string; recipients: number; queued: number; sent: number; failed: number; optedOut: number; unreachable: number; cancelled: number; text: string | null; sendAt: string | null; createdAt: string }

export async function activitiesPage(view: HTMLElement, args: string[]): Promise<void> {
  if (args[0] === 'broadcast' && Number(args[1])) return reportPage(view, Number(args[1]));
  if (args[0] === 'activity' && Number(args[1])) return activityPage(view, Number(args[1]));
  const [acts, casts, comms] = await Promise.all([get<List<Activity>>('/api/activities?limit=100'), get<List<Broadcast>>('/api/broadcasts?limit=20'), communities()]);
  const audience = html`<fieldset data-field="audience"><legend>发给谁</legend>
      <label class="check"><input type="radio" name="who" value="all" checked>全站居民</label>
      <label class="check"><input type="radio" name="who" value="some">按类别 / 村（社区）</label>
      <div class="who-some" hidden>
        <div>${Object.entries(TAGS).map(([v, t]) => html`<label class="check"><input type="checkbox" name="tag" value="${v}">${t}</label>`)}</div>
        <div>${comms.map((c) => html`<label class="check"><input type="checkbox" name="community" value="${c.id}">${c.name}</label>`)}</div>
      </div></fieldset>`;
  setHtml(view, html`<div class="cols">
    <section class="card"><h2>发通知</h2>
      <form id="broadcast-form">
        <label>关联活动（可不选）<select name="activityId">${option('', '不关联，只发文字', '')}${acts.items.map((a) => option(a.id, `${a.title}（${when(a.startsAt)}）`, ''))}</select></label>
        <label>通知内容<textarea name="text" rows="4" maxlength="20000" placeholder="{name} 会换成居民的称呼，如：{name}，本周五上午社工站有义诊……"></textarea></label>
        ${audience}
        <label>发送时间（不填则马上发送）<input type="datetime-local" name="sendAt"></label>
        <div id="preview" aria-live="polite"></div>
        <p class="form-err" role="alert"></p>
        <div class="btns"><button class="btn light" type="button" id="do-preview">预览人数</button><button class="btn" type="submit" id="send" disabled>确认发送</button></div>
      </form></section>
    <div>
      <section class="card"><h2>近期活动</h2>${table(acts.items, [
        { label: '活动', main: true, cell: (a) => html`<a href="#/activities/activity/${a.id}">${a.title}</a>` },
        { label: '时间', cell: (a) => when(a.startsAt) },
        { label: '报名', cell: (a) => `${a.signedUp}${a.capacity ? ' / ' + a.capacity : ''} 人` },
      ], undefined, '没有近期活动')}
        <details><summary>发布活动</summary>
          <form id="activity-form" style="margin-top:.5em">
            <label>名称<input name="title" required maxlength="100"></label>
            <div class="grid2"><label>开始<input type="datetime-local" name="startsAt" required></label><label>结束<input type="datetime-local" name="endsAt" required></label>
            <label>地点<input name="location" required maxlength="200"></label><label>名额（不填不限）<input type="number" name="capacity" min="1"></label></div>
            <label>介绍<textarea name="description" rows="2"></textarea></label>
            <p class="form-err" role="alert"></p><button class="btn" type="submit">发布</button></form></details></section>
      <section class="card"><h2>已发的通知</h2>${table(casts.items, [
        { label: '内容', main: true, cell: (b) => html`<a href="#/activities/broadcast/${b.id}">${(b.text ?? '活动通知').slice(0, 40)}</a>` },
        { label: '时间', cell: (b) => when(b.sendAt ?? b.createdAt) },
        { label: '人数', cell: (b) => `${b.recipients} 人` },
        { label: '状态', cell: (b) => BROADCAST_STATUS[b.status] ?? b.status },
      ], undefined, '还没有发过通知')}</section>
    </div></div>`);

  const form = $<HTMLFormElement>('#broadcast-form', view);
  const send = $<HTMLButtonElement>('#send', form);
  const body = () => {
    const v = formValues(form);
    const some = v.who === 'some';
    const tags = $$<HTMLInputElement>('[name=tag]:checked', form).map((c) => c.value);
    const communityIds = $$<HTMLInputElement>('[name=community]:checked', form).map((c) => Number(c.value));
    return {
      ...(v.activityId ? { activityId: Number(v.activityId) } : {}), ...(v.text ? { text: v.text } : {}),
      audience: some ? { ...(tags.length ? { tags } : {}), ...(communityIds.length ? { communityIds } : {}) } : { all: true },
      ...(v.sendAt ? { sendAt: localInputToIso(v.sendAt) } : {}),
    };
  };
  form.addEventListener('change', (e) => {
    $('.who-some', form).hidden = formValues(form).who !== 'some';
    if ((e.target as HTMLElement).closest('[name]')) {
      send.disabled = true;
      $('#preview', form).textContent = '';
    }
  });
  form.addEventListener('input', () => {
    send.disabled = true;
  });
  $('#do-preview', form).addEventListener('click', async () => {
    const b = body();
    try {
      const p = await post<Preview>('/api/broadcasts/preview', { ...b, sendAt: undefined });
      setHtml($('#preview', form), html`<div class="phones">将发给 <b>${p.recipients}</b> 人（${p.audience}）；已退订 ${p.optedOut} 人、联系不上 ${p.unreachable} 人不发。<br>
        ${'sendAt' in b ? html`定时 ${when(b.sendAt as string)} 开始发送` : html`马上开始发送`}，为免被微信限制逐条发出，预计 ${when(p.budget.finishesAt)} 发完${p.exceedsDailyBudget ? '（超过一天的发送量，分几天发完）' : ''}。
        ${p.warning ? html`<br><span class="err">${p.warning}</span>` : ''}</div>`);
      send.disabled = p.recipients === 0 && !('activityId' in b);
    } catch (err) {
      $('.form-err', form).textContent = (err as Error).message;
    }
  });
  onSubmit(form, async () => {
    const created = await post<{ id: number; recipients: number }>('/api/broadcasts', body());
    toast(`已发送给 ${created.recipients} 人`);
    location.hash = `#/activities/broadcast/${created.id}`;
  });
  onSubmit($<HTMLFormElement>('#activity-form', view), async (f) => {
    const v = formValues(f);
    const a = await post<Activity>('/api/activities', {
      title: v.title, location: v.location, description: v.description, audience: { all: true },
      startsAt: v.startsAt ? localInputToIso(v.startsAt) : '', endsAt: v.endsAt ? localInputToIso(v.endsAt) : '',
      ...(v.capacity ? { capacity: Number(v.capacity) } : {}),
    });
    toast('活动已发布');
    location.hash = `#/activities/activity/${a.id}`;
  });
}

async function activityPage(view: HTMLElement, id: number): Promise<void> {
  const [a, s] = await Promise.all([get<Activity>(`/api/activities/${id}`), get<List<Signup>>(`/api/activities/${id}/signups?limit=500`)]);
  setHtml(view, html`<p><a href="#/activities">← 活动与通知</a></p><section class="card"><h2>${a.title}</h2>
    <p>${when(a.startsAt)}–${when(a.endsAt)} · ${a.location} · 报名 ${a.signedUp}${a.capacity ? ' / ' + a.capacity : ''} 人</p>
    ${a.description ? html`<p class="muted">${a.description}</p>` : ''}
    <h3>报名名单</h3>${table(s.items.filter((x) => x.status !== 'cancelled'), [
      { label: '居民', main: true, cell: (x) => html`<a href="#/residents/${x.residentId}">${x.residentName ?? '居民'}</a>` },
      { label: '报名时间', cell: (x) => when(x.signedUpAt) },
      { label: '方式', cell: (x) => ({ chat: '微信', miniapp: '小程序', worker: '社工代报', notice: '回复通知' })[x.source] ?? x.source },
    ], undefined, '还没有人报名')}
    <details><summary>代居民报名</summary><form id="signup-form" style="margin-top:.5em">${residentPicker()}<p class="form-err" role="alert"></p>
      <button class="btn" type="submit">报名</button></form></details></section>`);
  const form = $<HTMLFormElement>('#signup-form', view);
  wirePicker(form);
  onSubmit(form, async (f) => {
    const residentId = Number(formValues(f).residentId);
    if (!residentId) throw new Error('请先查找并选择居民');
    await post(`/api/activities/${id}/signups`, { residentId });
    toast('已报名');
    await activityPage(view, id);
  });
}

async function reportPage(view: HTMLElement, id: number): Promise<void> {
  const r = await get<Report>(`/api/broadcasts/${id}`);
  const cell = (label: string, n: number, tone = '') => html`<div class="${tone}">${label}<b>${n}</b></div>`;
  setHtml(view, html`<p><a href="#/activities">← 活动与通知</a></p><section class="card" id="report">
    <div class="bar"><h2 class="grow" style="margin:0">送达情况</h2>${badge(BROADCAST_STATUS[r.status] ?? r.status, r.status === 'cancelled' ? '' : 'blue')}
      <button class="btn plain small" type="button" id="refresh">刷新</button></div>
    <p class="muted">${r.sendAt ? `定时 ${when(r.sendAt)}` : `${when(r.createdAt)} 发出`}</p>
    ${r.text ? html`<blockquote class="reply">${r.text}</blockquote>` : ''}
    <div class="counts">${cell('收件人', r.recipients)}${cell('排队中', r.queued, 'amber')}${cell('已发出', r.sent, 'green')}${cell('失败', r.failed, 'red')}${cell('已退订', r.optedOut)}${cell('联系不上', r.unreachable, 'purple')}</div>
    ${r.status !== 'cancelled' && r.queued > 0 ? html`<button class="btn danger" type="button" id="cancel">撤回未发出的</button>` : new Safe('')}
  </section>
  <section class="card"><h2>收件人</h2><div id="recipients"><p class="muted">加载中…</p></div></section>`);
  void get<List<Recipient>>(`/api/broadcasts/${id}/recipients?limit=500`).then((d) => {
    const el = view.querySelector<HTMLElement>('#recipients');
    if (!el) return;
    setHtml(el, table(d.items, [
      { label: '居民', main: true, cell: (x) => (x.residentId ? html`<a href="#/residents/${x.residentId}">${x.name ?? '居民'}</a>` : x.name ?? x.room ?? '') },
      { label: '状态', cell: (x) => badge(RECIPIENT_STATE[x.state] ?? x.state, x.state === 'sent' ? 'green' : x.state === 'failed' ? 'red' : x.state === 'queued' ? 'amber' : '') },
      { label: '发出时间', cell: (x) => when(x.sentAt) },
      { label: '回复', cell: (x) => (x.repliedAt ? `${when(x.repliedAt)} 已回复` : x.error ?? '') },
    ], undefined, '没有收件人'));
  }, () => undefined);
  $('#refresh', view).addEventListener('click', () => void reportPage(view, id));
  view.querySelector('#cancel')?.addEventListener('click', () => {
    if (!confirm('撤回后，还没发出的不再发送。确定撤回？')) return;
    post(`/api/broadcasts/${id}/cancel`).then(() => reportPage(view, id), (err: Error) => toast(err.message, 'err'));
  });
}

