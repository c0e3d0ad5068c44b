/**
 * 居民: search and filters; create and edit; the detail (masked data, 显示号码, family, check-in plan,
 * family reminders, history, needs, bookings); a printable binding code with its QR code; Excel import.
 */
import qrcode from 'qrcode-generator';
import { currentSession, get, List, patch, post, put, qs, request } from '../api';
import { $, $$, formValues, html, Safe, setHtml, toast, when } from '../dom';
import { errorBlock, onSubmit, showError } from '../forms';
import { ALERT_OUTCOME, ALERT_STATUS, BOOKING_STATUS, CHECKIN_STATUS, GENDER, NEED_TYPE, NEED_URGENCY, RESIDENT_STATUS, RISK_TIER, TAGS, WEEKDAYS } from '../labels';
import { badge, checkinTone, option, options, revealPhones, table, tagList } from '../widgets';

interface Resident {
  id: number; name: string; communityId: number; phone: string | null; birthDate: string | null; age: number | null; gender: string | null;
  tags: string[]; address: string | null; status: string; riskTier: string; hasIdNumber: boolean; wechatBound: boolean; miniProgramBound: boolean;
  optedOut: boolean; erased: boolean; createdAt: string;
}
interface Community { id: number; name: string }
interface Family { id: number; name: string; relation: string; phone: string | null; wechatBound: boolean; optedOut: boolean }
interface Plan {
  enabled: boolean; remindAt: string; secondReminderMinutes: number; graceMinutes: number; weekdays: number[] | null; paused: boolean;
  pausedUntil: string | null; pauseReason: string | null; secondReminderAt: string; deadline: string; appliesFrom: string;
  escalation: { familyContactIds: number[] };
}
interface Schedule { familyContactId: number; weekday: number; time: string; message: string | null }
interface Code { code: string; expiresAt: string }

const filters: Record<string, string> = { q: '', tag: '', communityId: '', status: '', riskTier: '' };
let communitiesCache: Community[] | null = null;

/** Forgets the cached communities (after one is added). */
export function forgetCommunities(): void {
  communitiesCache = null;
}

export async function communities(): Promise<Community[]> {
  if (communitiesCache) return communitiesCache;
  const stationId = currentSession()?.worker.stationId;
  communitiesCache = stationId ? (await get<List<Community>>(`/api/stations/${stationId}/communities?limit=500`)).items : [];
  return communitiesCache;
}

export async function residentsPage(view: HTMLElement, args: string[]): Promise<void> {
  if (args[0] === 'new') return editPage(view, null);
  if (args[0] === 'import') return importPage(view);
  const id = Number(args[0]);
  if (id && args[1] === 'edit') return editPage(view, id);
  if (id) return detailPage(view, id);
  return listPage(view);
}

async function listPage(view: HTMLElement): Promise<void> {
  const comms = await communities();
  setHtml(view, html`<section class="card">
    <div class="bar"><h2 class="grow" style="margin:0">居民</h2>
      <a class="btn" href="#/residents/new">新建居民</a><a class="btn plain" href="#/residents/import">Excel 导入</a></div>
    <form id="filters" class="filters" role="search">
      <label class="wide">查找<input name="q" value="${filters.q}" placeholder="姓名、地址、完整电话或尾号四位"></label>
      <label>类别<select name="tag">${options(TAGS, filters.tag, '全部类别')}</select></label>
      <label>村（社区）<select name="communityId">${option('', '全部村（社区）', filters.communityId)}${comms.map((c) => option(c.id, c.name, filters.communityId))}</select></label>
      <label>状态<select name="status">${options(RESIDENT_STATUS, filters.status, '全部状态')}</select></label>
      <label>风险等级<select name="riskTier">${options(RISK_TIER, filters.riskTier, '全部等级')}</select></label>
      <div class="btns wide" style="margin-bottom:.55em"><button class="btn" type="submit">查找</button><button class="btn plain" type="reset">清空</button></div>
    </form>
    <div id="results"><p class="muted">加载中…</p></div></section>`);
  const form = $<HTMLFormElement>('#filters', view);
  const results = $('#results', view);
  const load = async () => {
    Object.assign(filters, formValues(form));
    try {
      const d = await get<List<Resident>>(`/api/residents${qs({ ...filters, limit: 200 })}`);
      const name = (id: number) => comms.find((c) => c.id === id)?.name ?? '';
      setHtml(results, html`<p class="muted">共 ${d.total} 人${d.total > d.items.length ? `，显示前 ${d.items.length} 人` : ''}</p>${table(d.items, [
        { label: '姓名', main: true, cell: (r) => html`<a href="#/residents/${r.id}">${r.name}</a>${r.age !== null ? html` <span class="muted">${r.age}岁</span>` : ''}` },
        { label: '村（社区）', cell: (r) => name(r.communityId) },
        { label: '类别', cell: (r) => tagList(r.tags, TAGS) },
        { label: '电话', cell: (r) => r.phone ?? '' },
        { label: '状态', cell: (r) => html`${RESIDENT_STATUS[r.status] ?? r.status} · ${RISK_TIER[r.riskTier] ?? r.riskTier}` },
        { label: '微信', cell: (r) => (r.wechatBound ? badge('已绑定', 'green') : badge('未绑定')) },
      ], undefined, '没有符合条件的居民')}`);
    } catch (err) {
      results.innerHTML = errorBlock(err);
    }
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void load();
  });
  form.addEventListener('change', () => void load());
  form.addEventListener('reset', () => setTimeout(() => void load()));
  await load();
}

function residentForm(r: Resident | null, comms: Community[]): Safe {
  return html`<form id="resident-form" novalidate>
    <div class="grid2">
      <label>姓名<input name="name" required maxlength="50" value="${r?.name ?? ''}"></label>
      <label>村（社区）<select name="communityId" required>${option('', '请选择', r?.communityId)}${comms.map((c) => option(c.id, c.name, r?.communityId))}</select></label>
      <label>电话<input name="phone" inputmode="tel" placeholder="${r?.phone ? '已登记 ' + r.phone + '（不改请留空）' : '手机号或带区号的座机'}"></label>
      <label>出生日期<input name="birthDate" type="date" value="${r?.birthDate ?? ''}"></label>
      <label>性别<select name="gender">${options(GENDER, r?.gender, '未填')}</select></label>
      <label>身份证号<input name="idNumber" autocomplete="off" placeholder="${r?.hasIdNumber ? '已登记（不显示；不改请留空）' : '可不填'}"></label>
      <label>状态<select name="status">${options(RESIDENT_STATUS, r?.status ?? 'active')}</select></label>
      <label>风险等级<select name="riskTier">${options(RISK_TIER, r?.riskTier ?? 'general')}</select></label>
    </div>
    <label>住址<input name="address" maxlength="200" value="${r?.address ?? ''}"></label>
    <fieldset data-field="tags"><legend>类别（可多选）</legend>${Object.entries(TAGS).map(([v, t]) => html`<label class="check"><input type="checkbox" name="tag" value="${v}"${r?.tags.includes(v) ? new Safe(' checked') : ''}>${t}</label>`)}</fieldset>
    <p class="form-err" role="alert"></p>
    <div class="btns"><button class="btn" type="submit">保存</button><a class="btn plain" href="${r ? `#/residents/${r.id}` : '#/residents'}">取消</a></div>
  </form>`;
}

async function editPage(view: HTMLElement, id: number | null): Promise<void> {
  const [comms, r] = await Promise.all([communities(), id ? get<Resident>(`/api/residents/${id}`) : Promise.resolve(null)]);
  setHtml(view, html`<section class="card"><h2>${r ? `编辑：${r.name}` : '新建居民'}</h2>${residentForm(r, comms)}</section>`);
  onSubmit($<HTMLFormElement>('#resident-form', view), async (form) => {
    const v = formValues(form);
    const body: Record<string, unknown> = {
      name: v.name, communityId: v.communityId ? Number(v.communityId) : undefined, birthDate: v.birthDate || null, gender: v.gender || null,
      address: v.address || null, status: v.status, riskTier: v.riskTier, tags: $$<HTMLInputElement>('[name=tag]:checked', form).map((c) => c.value),
    };
    if (v.phone) body.phone = v.phone;
    else if (!r) body.phone = null;
    if (v.idNumber) body.idNumber = v.idNumber;
    const saved = r ? await patch<Resident>(`/api/residents/${r.id}`, body) : await api201(body);
    toast(r ? '已保存' : '已新建居民');
    location.hash = `#/residents/${saved.id}`;
  });
}

const api201 = (body: unknown) => post<Resident>('/api/residents', body);

async function detailPage(view: HTMLElement, id: number): Promise<void> {
  const [r, comms, family] = await Promise.all([get<Resident>(`/api/residents/${id}`), communities(), get<List<Family>>(`/api/residents/${id}/family`)]);
  const comm = comms.find((c) => c.id === r.communityId)?.name ?? '';
  setHtml(view, html`<p class="no-print"><a href="#/residents">← 居民列表</a></p>
    <div class="cols wide-left">
      <div>
        <section class="card"><div class="bar"><h2 class="grow" style="margin:0">${r.name}</h2>${badge(RESIDENT_STATUS[r.status] ?? r.status, r.status === 'active' ? 'green' : '')}${badge(RISK_TIER[r.riskTier] ?? r.riskTier, r.riskTier === 'high' ? 'red' : r.riskTier === 'priority' ? 'amber' : '')}</div>
          <dl class="facts">
            <dt>村（社区）</dt><dd>${comm}</dd>
            <dt>性别 / 年龄</dt><dd>${GENDER[r.gender ?? ''] ?? '未填'} / ${r.age !== null ? `${r.age}岁（${r.birthDate}）` : '未填'}</dd>
            <dt>电话</dt><dd>${r.phone ?? '未登记'}</dd>
            <dt>身份证号</dt><dd>${r.hasIdNumber ? '已登记（不显示）' : '未登记'}</dd>
            <dt>住址</dt><dd>${r.address ?? '未填'}</dd>
            <dt>类别</dt><dd>${r.tags.length ? tagList(r.tags, TAGS) : '无'}</dd>
            <dt>微信</dt><dd>${r.wechatBound ? '已绑定' : '未绑定'}${r.miniProgramBound ? ' · 小程序已绑定' : ''}${r.optedOut ? ' · 已退订通知' : ''}</dd>
          </dl>
          <div id="phones"></div>
          <div class="btns" style="margin-top:.6em"><button class="btn light" id="show-phone" type="button">显示号码</button>
            <a class="btn plain" href="#/residents/${id}/edit">编辑</a><button class="btn plain" id="bind-code" type="button">打印绑定码</button></div>
          <div id="bind"></div>
        </section>
        <section class="card" id="plan"><h2>报平安计划</h2><p class="muted">加载中…</p></section>
        <section class="card" id="history"><h2>报平安记录</h2><p class="muted">加载中…</p></section>
        <section class="card" id="alerts-history"><h2>告警记录</h2><p class="muted">加载中…</p></section>
      </div>
      <div>
        <section class="card" id="family"></section>
        <section class="card" id="reminders"><h2>每周提醒家属</h2><p class="muted">加载中…</p></section>
        <section class="card" id="needs"><h2>帮扶需求</h2><p class="muted">加载中…</p></section>
        <section class="card" id="bookings"><h2>预约</h2><p class="muted">加载中…</p></section>
        <section class="card" id="signups"><h2>活动报名</h2><p class="muted">加载中…</p></section>
      </div>
    </div>`);
  $('#show-phone', view).addEventListener('click', (e) => {
    revealPhones(id, $('#phones', view)).then(() => (e.target as HTMLElement).remove(), (err: Error) => toast(err.message, 'err'));
  });
  $('#bind-code', view).addEventListener('click', () => void bindingCode(r, $('#bind', view)));
  renderFamily($('#family', view), r, family.items);
  await Promise.all([
    renderPlan($('#plan', view), r, family.items),
    renderHistory($('#history', view), id),
    renderReminders($('#reminders', view), r, family.items),
    renderNeeds($('#needs', view), id),
    renderAlerts($('#alerts-history', view), id),
    renderBookings($('#bookings', view), id),
    renderSignups($('#signups', view), id),
  ]);
}

function qrSvg(text: string): Safe {
  const qr = qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  return new Safe(qr.createSvgTag({ cellSize: 4, margin: 2, scalable: true }));
}

async function bindingCode(r: Resident, el: HTMLElement): Promise<void> {
  try {
    const c = await post<Code>(`/api/residents/${r.id}/binding-code`);
    const card = html`<div class="bindcard"><h3>${r.name} 的微信绑定码</h3><div class="code">${c.code}</div>
      ${qrSvg(`pages/mine/index?bindingCode=${c.code}`)}
      <p>方法一：用微信给社工站发送<br><b>绑定 ${c.code}</b></p><p>方法二：打开社工站小程序“我的”，输入绑定码</p>
      <p class="muted">${when(c.expiresAt)} 前有效，只能用一次</p></div>`;
    setHtml(el, html`${card}<div class="btns no-print"><button class="btn" id="print" type="button">打印</button></div>`);
    $('#print', el).addEventListener('click', () => {
      let area = document.getElementById('print-area');
      if (!area) {
        area = document.createElement('div');
        area.id = 'print-area';
        document.body.append(area);
      }
      setHtml(area, card);
      document.body.classList.add('printing');
      window.print();
      document.body.classList.remove('printing');
    });
  } catch (err) {
    toast((err as Error).message, 'err');
  }
}

function renderFamily(el: HTMLElement, r: Resident, family: Family[]): void {
  setHtml(el, html`<h2>家属联系人</h2>${table(family, [
    { label: '姓名', main: true, cell: (f) => `${f.relation} ${f.name}` },
    { label: '电话', cell: (f) => f.phone ?? '未登记' },
    { label: '微信', cell: (f) => (f.wechatBound ? badge(f.optedOut ? '已退订' : '已绑定', f.optedOut ? '' : 'green') : html`<button class="btn light small" type="button" data-family-code="${f.id}">绑定码</button>`) },
  ], undefined, '还没有家属联系人')}
  <div id="family-code"></div>
  <details><summary>添加家属</summary>
    <form id="family-form" class="grid2" style="margin-top:.5em">
      <label>姓名<input name="name" required maxlength="50"></label>
      <label>关系<input name="relation" required maxlength="20" placeholder="如：儿子、女儿、侄子"></label>
      <label>电话<input name="phone" inputmode="tel"></label>
      <div style="align-self:end;margin-bottom:.55em"><button class="btn" type="submit">添加</button></div>
      <p class="form-err" role="alert"></p>
    </form></details>`);
  onSubmit($<HTMLFormElement>('#family-form', el), async (form) => {
    const v = formValues(form);
    const f = await post<Family & { bindingCode: string; bindingCodeExpiresAt: string }>(`/api/residents/${r.id}/family`, { name: v.name, relation: v.relation, phone: v.phone || null });
    toast(`已添加家属。请家属向站点微信发送“绑定 ${f.bindingCode}”`);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  });
  el.onclick = async (e) => {
    const id = (e.target as HTMLElement).closest<HTMLElement>('[data-family-code]')?.dataset.familyCode;
    if (!id) return;
    try {
      const c = await post<Code>(`/api/family-contacts/${id}/binding-code`);
      setHtml($('#family-code', el), html`<p class="phones">请家属用微信给社工站发送 <b>绑定 ${c.code}</b>（${when(c.expiresAt)} 前有效）</p>`);
    } catch (err) {
      toast((err as Error).message, 'err');
    }
  };
}

async function renderPlan(el: HTMLElement, r: Resident, family: Family[]): Promise<void> {
  let plan: Plan | null = null;
  try {
    plan = await get<Plan>(`/api/residents/${r.id}/checkin-plan`);
  } catch (err) {
    if ((err as { status?: number }).status !== 404) {
      el.innerHTML = '<h2>报平安计划</h2>' + errorBlock(err);
      return;
    }
  }
  const days = plan?.weekdays ?? [0, 1, 2, 3, 4, 5, 6];
  const notify = plan?.escalation.familyContactIds ?? [];
  setHtml(el, html`<h2>报平安计划</h2>
    <p class="muted">${plan ? html`${plan.enabled ? (plan.paused ? `暂停到 ${plan.pausedUntil}${plan.pauseReason ? '（' + plan.pauseReason + '）' : ''}` : `每天 ${plan.remindAt} 提醒，${plan.secondReminderAt} 再提醒，${plan.deadline} 仍未回复则通知家属与社工`) : '计划已停用'} · ${when(plan.appliesFrom)} 起生效` : '还没有报平安计划。独居、空巢老人建议设置。'}</p>
    <form id="plan-form">
      <label class="check"><input type="checkbox" name="enabled"${!plan || plan.enabled ? new Safe(' checked') : ''}>启用每日报平安</label>
      <div class="grid3">
        <label>提醒时间<input type="time" name="remindAt" required value="${plan?.remindAt ?? '09:00'}"></label>
        <label>再次提醒（分钟后）<input type="number" name="secondReminderMinutes" min="1" max="720" value="${plan?.secondReminderMinutes ?? 60}"></label>
        <label>截止（分钟后）<input type="number" name="graceMinutes" min="2" max="1439" value="${plan?.graceMinutes ?? 120}"></label>
      </div>
      <fieldset data-field="weekdays"><legend>哪几天</legend>${WEEKDAYS.map((w, i) => html`<label class="check"><input type="checkbox" name="weekday" value="${i}"${days.includes(i) ? new Safe(' checked') : ''}>${w}</label>`)}</fieldset>
      <div class="grid2">
        <label>暂停到（住院、外出时）<input type="date" name="pausedUntil" value="${plan?.pausedUntil ?? ''}"></label>
        <label>暂停原因<input name="pauseReason" maxlength="100" value="${plan?.pauseReason ?? ''}" placeholder="如：住院"></label>
      </div>
      ${family.length ? html`<fieldset data-field="escalation"><legend>未回复时先通知的家属（其余已绑定微信的家属随后通知）</legend>${family.map((f) => html`<label class="check"><input type="checkbox" name="family" value="${f.id}"${notify.includes(f.id) ? new Safe(' checked') : ''}>${f.relation} ${f.name}</label>`)}</fieldset>` : ''}
      <p class="form-err" role="alert"></p>
      <button class="btn" type="submit">保存计划</button>
    </form>`);
  onSubmit($<HTMLFormElement>('#plan-form', el), async (form) => {
    const v = formValues(form);
    const body: Record<string, unknown> = {
      enabled: $<HTMLInputElement>('[name=enabled]', form).checked, remindAt: v.remindAt,
      secondReminderMinutes: Number(v.secondReminderMinutes), graceMinutes: Number(v.graceMinutes),
      weekdays: $$<HTMLInputElement>('[name=weekday]:checked', form).map((c) => Number(c.value)),
      pausedUntil: v.pausedUntil || null, pauseReason: v.pauseReason || null,
    };
    if (family.length) body.escalation = { familyContactIds: $$<HTMLInputElement>('[name=family]:checked', form).map((c) => Number(c.value)) };
    await put(`/api/residents/${r.id}/checkin-plan`, body);
    toast('报平安计划已保存');
    await renderPlan(el, r, family);
  });
}

async function renderHistory(el: HTMLElement, id: number): Promise<void> {
  try {
    const h = await get<{ hasPlan: boolean; streak: number; missesIn30Days: number; unreachableIn30Days: number; confirmedIn30Days: number; items: { date: string; status: string; confirmedAt: string | null; note: string | null; reason: string | null }[] }>(`/api/residents/${id}/checkins?days=30`);
    setHtml(el, html`<h2>报平安记录</h2>
      <div class="kpis"><div>连续报平安<b>${h.streak} 天</b></div><div>30 天内报平安<b>${h.confirmedIn30Days}</b></div><div>30 天内未报<b>${h.missesIn30Days}</b></div><div>联系不上<b>${h.unreachableIn30Days}</b></div></div>
      ${table(h.items.slice(0, 14), [
        { label: '日期', main: true, cell: (d) => d.date },
        { label: '状态', cell: (d) => badge(CHECKIN_STATUS[d.status] ?? d.status, checkinTone(d.status) as never) },
        { label: '说明', cell: (d) => [d.confirmedAt ? when(d.confirmedAt) : '', d.note ?? '', d.reason ?? ''].filter(Boolean).join(' · ') },
      ], undefined, '还没有报平安记录')}`);
  } catch (err) {
    el.innerHTML = '<h2>报平安记录</h2>' + errorBlock(err);
  }
}

async function renderReminders(el: HTMLElement, r: Resident, family: Family[]): Promise<void> {
  let rows: Schedule[];
  try {
    rows = (await get<List<Schedule>>(`/api/residents/${r.id}/family-reminders`)).items;
  } catch (err) {
    el.innerHTML = '<h2>每周提醒家属</h2>' + errorBlock(err);
    return;
  }
  const row = (s: Partial<Schedule>, i: number) => html`<div class="grid3 reminder-row" data-i="${i}">
    <label>家属<select name="familyContactId">${family.map((f) => option(f.id, `${f.relation} ${f.name}`, s.familyContactId))}</select></label>
    <label>星期<select name="weekday">${WEEKDAYS.map((w, d) => option(d, w, s.weekday ?? 0))}</select></label>
    <label>时间<input type="time" name="time" value="${s.time ?? '19:00'}"></label>
    <label style="grid-column:1/-1">提醒的话（可不填，用默认的）<input name="message" maxlength="200" value="${s.message ?? ''}"></label>
  </div>`;
  setHtml(el, html`<h2>每周提醒家属</h2>
    ${family.length ? html`<p class="muted">如提醒外出务工的父母每周和孩子视频。</p>
    <form id="reminders-form"><div id="rows">${rows.map(row)}</div>
      <div class="btns"><button class="btn plain" type="button" id="add-row">添加一条</button><button class="btn" type="submit">保存提醒</button></div>
      <p class="form-err" role="alert"></p></form>` : html`<p class="muted">先添加家属联系人，才能设置提醒。</p>`}`);
  if (!family.length) return;
  const form = $<HTMLFormElement>('#reminders-form', el);
  $('#add-row', el).addEventListener('click', () => $('#rows', form).insertAdjacentHTML('beforeend', row({}, $$('.reminder-row', form).length).value));
  onSubmit(form, async () => {
    const body = $$('.reminder-row', form).map((div) => {
      const val = (n: string) => $<HTMLInputElement>(`[name=${n}]`, div).value.trim();
      return { familyContactId: Number(val('familyContactId')), weekday: Number(val('weekday')), time: val('time'), ...(val('message') ? { message: val('message') } : {}) };
    });
    try {
      await put(`/api/residents/${r.id}/family-reminders`, body);
    } catch (err) {
      showError(form, err);
      return;
    }
    toast('每周提醒已保存');
    await renderReminders(el, r, family);
  });
}

async function renderNeeds(el: HTMLElement, id: number): Promise<void> {
  try {
    const d = await get<List<{ id: number; typeLabel: string; urgencyLabel: string; description: string; statusLabel: string; createdAt: string }>>(`/api/needs?residentId=${id}&limit=50`);
    setHtml(el, html`<h2>帮扶需求</h2>${table(d.items, [
      { label: '类型', main: true, cell: (n) => `${n.typeLabel} · ${n.urgencyLabel}` },
      { label: '内容', cell: (n) => n.description },
      { label: '状态', cell: (n) => n.statusLabel },
    ], undefined, '没有登记的需求')}
    <details><summary>登记需求</summary><form id="need-form" style="margin-top:.5em">
      <div class="grid2"><label>类型<select name="type">${options(NEED_TYPE, 'living')}</select></label>
      <label>紧急程度<select name="urgency">${options(NEED_URGENCY, 'medium')}</select></label></div>
      <label>需求描述<textarea name="description" rows="2" maxlength="1000" required></textarea></label>
      <p class="form-err" role="alert"></p><button class="btn" type="submit">登记</button></form></details>`);
    onSubmit($<HTMLFormElement>('#need-form', el), async (form) => {
      const v = formValues(form);
      await post('/api/needs', { residentId: id, type: v.type, urgency: v.urgency, description: v.description });
      toast('已登记需求');
      await renderNeeds(el, id);
    });
  } catch (err) {
    el.innerHTML = '<h2>帮扶需求</h2>' + errorBlock(err);
  }
}

async function renderAlerts(el: HTMLElement, id: number): Promise<void> {
  try {
    const d = await get<List<{ id: number; typeLabel: string; status: string; createdAt: string; outcome: string | null; note: string | null; summary: string | null }>>(`/api/alerts?residentId=${id}&limit=20`);
    setHtml(el, html`<h2>告警记录</h2>${table(d.items, [
      { label: '时间', main: true, cell: (a) => `${when(a.createdAt)} ${a.typeLabel}` },
      { label: '状态', cell: (a) => badge(ALERT_STATUS[a.status] ?? a.status, a.status === 'open' ? 'red' : a.status === 'acknowledged' ? 'amber' : '') },
      { label: '结果', cell: (a) => [a.outcome ? ALERT_OUTCOME[a.outcome] ?? a.outcome : '', a.note ?? ''].filter(Boolean).join(' · ') },
    ], undefined, '没有告警')}`);
  } catch (err) {
    el.innerHTML = '<h2>告警记录</h2>' + errorBlock(err);
  }
}

async function renderBookings(el: HTMLElement, id: number): Promise<void> {
  try {
    const d = await get<List<{ id: number; serviceName: string; startsAt: string; status: string }>>(`/api/bookings?residentId=${id}&limit=50`);
    setHtml(el, html`<h2>预约</h2>${table(d.items, [
      { label: '服务', main: true, cell: (b) => b.serviceName },
      { label: '时间', cell: (b) => when(b.startsAt) },
      { label: '状态', cell: (b) => BOOKING_STATUS[b.status] ?? b.status },
    ], undefined, '没有预约')}`);
  } catch (err) {
    el.innerHTML = '<h2>预约</h2>' + errorBlock(err);
  }
}

async function renderSignups(el: HTMLElement, id: number): Promise<void> {
  try {
    const d = await get<List<{ id: number; status: string; activity: { title: string; startsAt: string; location: string | null } }>>(`/api/residents/${id}/signups`);
    setHtml(el, html`<h2>活动报名</h2>${table(d.items, [
      { label: '活动', main: true, cell: (s) => s.activity.title },
      { label: '时间', cell: (s) => when(s.activity.startsAt) },
      { label: '地点', cell: (s) => s.activity.location ?? '' },
    ], undefined, '没有报名近期活动')}`);
  } catch (err) {
    el.innerHTML = '<h2>活动报名</h2>' + errorBlock(err);
  }
}

async function importPage(view: HTMLElement): Promise<void> {
  setHtml(view, html`<p><a href="#/residents">← 居民列表</a></p><section class="card"><h2>Excel 导入居民</h2>
    <p class="muted">支持 .xlsx 或 .csv。第一行为表头：姓名、村（社区）、电话、出生日期、性别、类别、住址……已有的居民（同名同村或同电话）会更新。</p>
    <form id="import-form"><label>文件<input type="file" name="file" accept=".xlsx,.csv" required></label>
      <p class="form-err" role="alert"></p><button class="btn" type="submit">导入</button></form>
    <div id="import-report"></div></section>`);
  onSubmit($<HTMLFormElement>('#import-form', view), async (form) => {
    const file = $<HTMLInputElement>('[name=file]', form).files?.[0];
    if (!file) throw new Error('请选择文件');
    const fd = new FormData();
    fd.append('file', file, file.name);
    const res = await request('POST', '/api/residents/import', fd);
    const rep = (await res.json()) as { created: number; updated: number; errors: { row: number; message: string }[] };
    setHtml($('#import-report', view), html`<p>新建 <b>${rep.created}</b> 人，更新 <b>${rep.updated}</b> 人${rep.errors.length ? html`，<span class="err">${rep.errors.length} 行有问题</span>` : ''}。</p>
      ${rep.errors.length ? table(rep.errors, [{ label: '行', main: true, cell: (e) => `第 ${e.row} 行` }, { label: '问题', cell: (e) => e.message }]) : ''}`);
  });
}
