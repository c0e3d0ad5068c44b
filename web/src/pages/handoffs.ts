/** 转人工: residents who asked for a person, open and taken; the whole conversation and a reply box. */
import { get, List, post } from '../api';
import { $, changed, html, setHtml, toast, when } from '../dom';
import { errorBlock, onSubmit } from '../forms';
import { HANDOFF_REASON, HANDOFF_STATUS, label } from '../labels';
import { badge } from '../widgets';

interface Handoff {
  id: number; status: string; reason: string | null; name: string; residentId: number | null; residentName: string | null; contactName: string | null;
  createdAt: string; takenAt: string | null; takenBy: number | null; lastMessageAt: string | null;
  /** What was said just before the hand-off opened. */
  transcript: { direction: 'in' | 'out'; text: string; at: string }[];
}
interface Message { id: number; direction: 'in' | 'out'; text: string; at: string }

export async function handoffsPage(view: HTMLElement, args: string[]): Promise<void> {
  const [open, taken] = await Promise.all([get<List<Handoff>>('/api/handoffs?status=open&limit=200'), get<List<Handoff>>('/api/handoffs?status=taken&limit=200')]);
  const all = [...open.items, ...taken.items];
  const selected = Number(args[0]) || null;
  const item = (h: Handoff) => html`<a class="list-item" href="#/handoffs/${h.id}" aria-current="${h.id === selected}" style="text-decoration:none">
    <b>${h.name}</b> ${badge(HANDOFF_STATUS[h.status] ?? h.status, h.status === 'open' ? 'red' : 'amber')}
    <div class="muted">${label(HANDOFF_REASON, h.reason)} · ${when(h.lastMessageAt ?? h.createdAt)}</div></a>`;
  setHtml(view, html`<div class="cols narrow-left">
    <section class="card" id="handoff-list"><h2>转人工</h2>
      <h3>等待接手（${open.total}）</h3>${open.items.length ? open.items.map(item) : html`<p class="muted">没有等待接手的居民。</p>`}
      <h3>处理中（${taken.total}）</h3>${taken.items.length ? taken.items.map(item) : html`<p class="muted">没有处理中的对话。</p>`}
    </section>
    <section class="card${selected ? ' first-on-phone' : ''}" id="handoff-detail">${selected ? html`<p class="muted">加载中…</p>` : html`<p class="muted">${all.length ? '选择左侧的一位居民，查看对话并回复。' : '居民在微信里说“找社工”或“人工”时会出现在这里。'}</p>`}</section>
  </div>`);
  if (selected) await renderDetail($('#handoff-detail', view), selected);
}

async function renderDetail(el: HTMLElement, id: number): Promise<void> {
  let h: Handoff & { messages: Message[] };
  try {
    h = await get(`/api/handoffs/${id}`);
  } catch (err) {
    el.innerHTML = errorBlock(err);
    return;
  }
  const closed = h.status === 'closed';
  setHtml(el, html`<div class="bar"><h2 class="grow" style="margin:0">${h.name}</h2>${badge(HANDOFF_STATUS[h.status] ?? h.status, h.status === 'open' ? 'red' : h.status === 'taken' ? 'amber' : '')}</div>
    <p class="muted">${label(HANDOFF_REASON, h.reason)} · ${when(h.createdAt)} 转人工${h.residentId ? html` · <a href="#/residents/${h.residentId}">居民档案</a>` : html` · 尚未绑定居民档案${h.contactName ? '（微信昵称：' + h.contactName + '）' : ''}`}</p>
    <div class="chat" id="chat" aria-live="polite">
      ${h.transcript.map((m) => html`<div class="msg ${m.direction}"><small>${m.direction === 'in' ? h.name : '小助手'} · ${when(m.at)}</small>${m.text}</div>`)}
      <p class="muted" style="text-align:center;margin:.2em 0">—— ${when(h.createdAt)} 转人工 ——</p>
      ${h.messages.map((m) => html`<div class="msg ${m.direction}"><small>${m.direction === 'in' ? h.name : '社工'} · ${when(m.at)}</small>${m.text}</div>`)}</div>
    ${closed ? html`<p class="muted">对话已结束，机器人已恢复自动回复。</p>` : html`<form id="reply-form">
      <label>回复（发到居民微信）<textarea name="text" rows="3" required placeholder="您好，我是社工站的社工……"></textarea></label>
      <div class="btns"><button class="btn" type="submit">发送</button>
        ${h.status === 'open' ? html`<button class="btn light" type="button" id="take">我来接手</button>` : ''}
        <button class="btn plain" type="button" id="close">结束对话</button></div>
    </form>`}`);
  const chat = $('#chat', el);
  chat.scrollTop = chat.scrollHeight;
  if (closed) return;
  onSubmit($<HTMLFormElement>('#reply-form', el), async (form) => {
    const text = String(new FormData(form).get('text') ?? '');
    await post(`/api/handoffs/${id}/reply`, { text });
    toast('已发送');
    changed();
    await renderDetail(el, id);
  });
  el.querySelector('#take')?.addEventListener('click', () => void post(`/api/handoffs/${id}/take`).then(() => {
    toast('已接手，居民会收到通知');
    changed();
    return refresh(id);
  }, (err: Error) => toast(err.message, 'err')));
  $('#close', el).addEventListener('click', () => void post(`/api/handoffs/${id}/close`).then(() => {
    toast('对话已结束');
    location.hash = '#/handoffs';
  }, (err: Error) => toast(err.message, 'err')));
}

function refresh(id: number): void {
  window.dispatchEvent(new HashChangeEvent('hashchange'));
  void id;
}
