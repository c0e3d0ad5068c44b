/** 预约: services and their weekly slot patterns, the slots, the bookings of a day and attendance. */
import { get, List, post } from '../api';
import { $, $$, addDays, dateOf, formValues, html, setHtml, timeOf, toast, when } from '../dom';
import { errorBlock, onSubmit } from '../forms';
import { BOOKING_STATUS, WEEKDAYS } from '../labels';
import { badge, option, residentPicker, table, wirePicker } from '../widgets';

interface Service { id: number; name: string; description: string; durationMinutes: number; location: string | null }
interface Slot { id: number; startsAt: string; endsAt: string; capacity: number; booked: number; available: number; status: string }
interface Booking { id: number; serviceName: string; residentId: number; residentName?: string; status: string; startsAt: string; location: string | null; repeatedNoShows?: boolean; noShows?: number }

export async function bookingsPage(view: HTMLElement, args: string[]): Promise<void> {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(args[0] ?? '') ? args[0] : dateOf(new Date());
  const services = (await get<List<Service>>('/api/services')).items;
  const serviceId = Number(args[1]) || services[0]?.id || 0;
  setHtml(view, html`<div class="cols">
    <section class="card"><h2>预约名单</h2>
      <div class="bar daybar"><button class="btn plain small" type="button" id="prev">‹ 前一天</button>
      <input type="date" id="day" value="${day}" aria-label="日期">
      <button class="btn plain small" type="button" id="next">后一天 ›</button></div>
      <div id="day-bookings"><p class="muted">加载中…</p></div></section>
    <section class="card"><h2>服务与时段</h2>
      <label>服务<select id="service">${services.map((s) => option(s.id, `${s.name}（${s.durationMinutes} 分钟）`, serviceId))}</select></label>
      <div id="slots"></div>
      <details><summary>按周批量开放时段</summary>
        <form id="weekly-form" style="margin-top:.5em">
          <div class="grid2"><label>从<input type="date" name="from" required value="${day}"></label><label>到<input type="date" name="to" required value="${addDays(day, 27)}"></label>
          <label>开始时间<input type="time" name="startTime" required value="09:00"></label><label>结束时间<input type="time" name="endTime" required value="11:30"></label>
          <label>每个时段（分钟）<input type="number" name="slotMinutes" min="5" value=""></label><label>每个时段人数<input type="number" name="capacity" min="1" required value="2"></label></div>
          <fieldset data-field="weekdays"><legend>星期</legend>${WEEKDAYS.map((w, i) => html`<label class="check"><input type="checkbox" name="weekday" value="${i}"${i === 2 || i === 4 ? html` checked` : ''}>${w}</label>`)}</fieldset>
          <p class="form-err" role="alert"></p><button class="btn" type="submit">开放时段</button></form></details>
      <details><summary>新建服务</summary>
        <form id="service-form" style="margin-top:.5em"><div class="grid2">
          <label>名称<input name="name" required maxlength="100" placeholder="如：义剪理发"></label>
          <label>时长（分钟）<input type="number" name="durationMinutes" min="5" required value="30"></label>
          <label>地点<input name="location" maxlength="200"></label></div>
          <label>说明<textarea name="description" rows="2" maxlength="1000"></textarea></label>
          <p class="form-err" role="alert"></p><button class="btn" type="submit">新建服务</button></form></details>
    </section></div>`);
  const go = (d: string, s = serviceId) => (location.hash = `#/bookings/${d}/${s}`);
  $('#prev', view).addEventListener('click', () => go(addDays(day, -1)));
  $('#next', view).addEventListener('click', () => go(addDays(day, 1)));
  $<HTMLInputElement>('#day', view).addEventListener('change', (e) => go((e.target as HTMLInputElement).value || day));
  $<HTMLSelectElement>('#service', view).addEventListener('change', (e) => go(day, Number((e.target as HTMLSelectElement).value)));
  onSubmit($<HTMLFormElement>('#service-form', view), async (form) => {
    const v = formValues(form);
    const s = await post<Service>('/api/services', { name: v.name, durationMinutes: Number(v.durationMinutes), location: v.location || null, description: v.description });
    toast('已新建服务');
    go(day, s.id);
  });
  onSubmit($<HTMLFormElement>('#weekly-form', view), async (form) => {
    const v = formValues(form);
    const r = await post<List<Slot> & { created?: number }>(`/api/services/${serviceId}/slots/weekly`, {
      from: v.from, to: v.to, startTime: v.startTime, endTime: v.endTime, capacity: Number(v.capacity),
      ...(v.slotMinutes ? { slotMinutes: Number(v.slotMinutes) } : {}),
      weekdays: $$<HTMLInputElement>('[name=weekday]:checked', form).map((c) => Number(c.value)),
    });
    toast(`已开放 ${r.items?.length ?? r.created ?? ''} 个时段`);
    await renderSlots($('#slots', view), serviceId, day);
  });
  await Promise.all([renderDay($('#day-bookings', view), day), serviceId ? renderSlots($('#slots', view), serviceId, day) : Promise.resolve()]);
}

async function renderSlots(el: HTMLElement, serviceId: number, day: string): Promise<void> {
  try {
    const d = await get<List<Slot>>(`/api/services/${serviceId}/slots?from=${day}&to=${addDays(day, 6)}`);
    setHtml(el, html`<p class="muted">${day} 起 7 天的时段</p>${table(d.items, [
      { label: '时间', main: true, cell: (s) => `${when(s.startsAt)}–${timeOf(s.endsAt)}` },
      { label: '已约 / 名额', cell: (s) => `${s.booked} / ${s.capacity}` },
      { label: '', cell: (s) => (s.status === 'cancelled' ? badge('已取消') : s.available > 0
        ? html`${badge(`余 ${s.available}`, 'green')} <button class="btn light small" type="button" data-book="${s.id}">代预约</button>` : badge('已满', 'amber')) },
    ], undefined, '这 7 天没有时段')}
    <form id="book-form" hidden><h3 id="book-title"></h3>${residentPicker()}<p class="form-err" role="alert"></p>
      <div class="btns"><button class="btn" type="submit">预约</button><button class="btn plain" type="button" id="book-cancel">取消</button></div></form>`);
    const form = $<HTMLFormElement>('#book-form', el);
    wirePicker(form);
    let slotId = 0;
    el.onclick = (e) => {
      const b = (e.target as HTMLElement).closest<HTMLElement>('[data-book]');
      if (!b) return;
      slotId = Number(b.dataset.book);
      const slot = d.items.find((x) => x.id === slotId);
      $('#book-title', form).textContent = `代居民预约：${slot ? `${when(slot.startsAt)}–${timeOf(slot.endsAt)}` : ''}`;
      form.hidden = false;
      form.scrollIntoView({ block: 'center' });
      form.querySelector<HTMLInputElement>('[data-picker-q]')?.focus();
    };
    $('#book-cancel', form).addEventListener('click', () => (form.hidden = true));
    onSubmit(form, async (f) => {
      const residentId = Number(formValues(f).residentId);
      if (!residentId) throw new Error('请先查找并选择居民');
      await post('/api/bookings', { slotId, residentId });
      toast('已预约，居民会收到提醒');
      await renderSlots(el, serviceId, day);
      const list = document.getElementById('day-bookings');
      if (list) await renderDay(list, day);
    });
  } catch (err) {
    el.innerHTML = errorBlock(err);
  }
}

async function renderDay(el: HTMLElement, day: string): Promise<void> {
  let d: List<Booking>;
  try {
    d = await get<List<Booking>>(`/api/bookings?from=${day}&to=${day}&limit=500`);
  } catch (err) {
    el.innerHTML = errorBlock(err);
    return;
  }
  const rows = d.items.filter((b) => b.status !== 'cancelled').sort((a, b) => a.startsAt.localeCompare(b.startsAt));
  setHtml(el, table(rows, [
    { label: '时间', main: true, cell: (b) => `${timeOf(b.startsAt)} ${b.serviceName}` },
    { label: '居民', cell: (b) => html`<a href="#/residents/${b.residentId}">${b.residentName ?? '居民'}</a>${b.repeatedNoShows ? html` ${badge(`近期爽约 ${b.noShows} 次`, 'amber')}` : ''}` },
    { label: '状态', cell: (b) => badge(BOOKING_STATUS[b.status] ?? b.status, b.status === 'attended' ? 'green' : b.status === 'no_show' ? 'red' : 'blue') },
    { label: '签到', cell: (b) => (b.status === 'booked' ? html`<span class="btns"><button class="btn light small" type="button" data-attend="${b.id}" data-status="attended">到场</button><button class="btn plain small" type="button" data-attend="${b.id}" data-status="no_show">未到</button></span>` : '') },
  ], undefined, '这一天没有预约'));
  el.onclick = async (e) => {
    const b = (e.target as HTMLElement).closest<HTMLElement>('[data-attend]');
    if (!b) return;
    try {
      await post(`/api/bookings/${b.dataset.attend}/attendance`, { status: b.dataset.status });
      toast(b.dataset.status === 'attended' ? '已记到场' : '已记未到');
      await renderDay(el, day);
    } catch (err) {
      toast((err as Error).message, 'err');
    }
  };
}
