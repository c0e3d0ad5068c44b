/** 政策: the policies (edit, with the local amount), a try-out search, the unanswered queue → new policy or example question. */
import { currentSession, get, List, patch, post, qs } from '../api';
import { $, formValues, html, setHtml, toast, when } from '../dom';
import { errorBlock, onSubmit } from '../forms';
import { badge, option, table } from '../widgets';

interface PolicySummary { id: number; stationId: number | null; title: string; category: string; summary: string }
interface Policy extends PolicySummary { content: string; keywords: string[]; questions: string[]; amount: string | null; source: string | null; effectiveFrom: string | null; shared: boolean }
interface Unanswered { id: number; text: string; count: number; lastAskedAt: string; status: string }

const lines = (s: string) => s.split(/\n/).map((x) => x.trim()).filter(Boolean);
const words = (s: string) => s.split(/[,，、\s]+/).map((x) => x.trim()).filter(Boolean);

export async function policiesPage(view: HTMLElement, args: string[]): Promise<void> {
  if (args[0] === 'new') return editPage(view, null, Number(args[1]) || null);
  if (Number(args[0])) return editPage(view, Number(args[0]), null);
  const s = currentSession();
  const county = s?.worker.role === 'county_admin';
  const [policies, unanswered] = await Promise.all([
    get<List<PolicySummary>>('/api/policies?limit=500'),
    county ? Promise.resolve(null) : get<List<Unanswered>>('/api/policies/unanswered?limit=100').catch(() => null),
  ]);
  const open = unanswered?.items.filter((q) => q.status === 'open' || !q.status) ?? [];
  setHtml(view, html`<div class="cols narrow-left">
    ${county ? '' : html`<section class="card"><h2>居民没问到答案的问题（${open.length}）</h2>
      ${open.length ? open.map((q) => html`<div class="list-item" data-q="${q.id}"><b>${q.text}</b> <span class="muted">问了 ${q.count} 次 · 最近 ${when(q.lastAskedAt)}</span>
        <div class="btns" style="margin-top:.4em">
          <select aria-label="加到哪条政策" data-policy-for="${q.id}" style="max-width:14em">${option('', '选择政策…', '')}${policies.items.map((p) => option(p.id, p.title, ''))}</select>
          <button class="btn light small" type="button" data-add="${q.id}">加为示例问法</button>
          <a class="btn light small" href="#/policies/new/${q.id}">据此新建政策</a>
          <button class="btn plain small" type="button" data-dismiss="${q.id}">忽略</button></div></div>`) : html`<p class="muted">居民的问题都找到了答案。</p>`}
    </section>`}
    <section class="card"><div class="bar"><h2 class="grow" style="margin:0">政策（${policies.total}）</h2><a class="btn" href="#/policies/new">新建政策</a></div>
      <form id="try" class="bar" role="search"><input name="q" class="grow" placeholder="像居民那样问，试试能否答上：低保咋申请"><button class="btn light" type="submit">试一试</button></form>
      <div id="try-result"></div>
      ${table(policies.items, [
        { label: '政策', main: true, cell: (p) => html`<a href="#/policies/${p.id}">${p.title}</a>` },
        { label: '类别', cell: (p) => p.category },
        { label: '范围', cell: (p) => (p.stationId === null ? badge('全县') : badge('本站', 'blue')) },
      ])}</section></div>`);
  $<HTMLFormElement>('#try', view).addEventListener('submit', async (e) => {
    e.preventDefault();
    const q = formValues(e.target as HTMLFormElement).q;
    if (!q) return;
    const out = $('#try-result', view);
    try {
      const r = await get<{ answered: boolean; items: { id: number; title: string; summary: string; score: number }[] }>(`/api/policies/search${qs({ q, stationId: s?.worker.stationId })}`);
      setHtml(out, html`<div class="phones">${r.answered ? '能答上：' : html`<span class="err">没有把握答上，居民会被转给社工，问题记入上面的队列。</span>`}
        ${r.items.slice(0, 3).map((i) => html`<br><a href="#/policies/${i.id}">${i.title}</a> <span class="muted">${i.summary.slice(0, 60)}</span>`)}</div>`);
    } catch (err) {
      out.innerHTML = errorBlock(err);
    }
  });
  view.onclick = async (e) => {
    const b = (e.target as HTMLElement).closest<HTMLElement>('button');
    if (!b) return;
    try {
      if (b.dataset.dismiss) {
        await post(`/api/policies/unanswered/${b.dataset.dismiss}/resolve`, { dismiss: true });
        toast('已忽略');
      } else if (b.dataset.add) {
        const sel = $<HTMLSelectElement>(`[data-policy-for="${b.dataset.add}"]`, view);
        if (!sel.value) {
          toast('请先选择政策', 'err');
          return;
        }
        await post(`/api/policies/unanswered/${b.dataset.add}/resolve`, { policyId: Number(sel.value) });
        toast('已加为该政策的示例问法，下次能答上了');
      } else return;
      await policiesPage(view, []);
    } catch (err) {
      toast((err as Error).message, 'err');
    }
  };
}

async function editPage(view: HTMLElement, id: number | null, fromQuestion: number | null): Promise<void> {
  const p = id ? await get<Policy>(`/api/policies/${id}`) : null;
  let question = '';
  if (fromQuestion) {
    const list = await get<List<Unanswered>>('/api/policies/unanswered?limit=500');
    question = list.items.find((q) => q.id === fromQuestion)?.text ?? '';
  }
  const county = currentSession()?.worker.role === 'county_admin';
  setHtml(view, html`<p><a href="#/policies">← 政策</a></p><section class="card"><h2>${p ? p.title : '新建政策'}</h2>
    ${p ? html`<p class="muted">${p.shared ? '全县共用的政策（县民政局维护）' : '本站自己的政策'}</p>` : question ? html`<p class="muted">据居民的问题“${question}”新建；这句话会成为示例问法。</p>` : ''}
    <form id="policy-form">
      <div class="grid2"><label>名称<input name="title" required maxlength="200" value="${p?.title ?? ''}"></label>
      <label>类别<input name="category" required maxlength="50" value="${p?.category ?? ''}" placeholder="如：社会救助、养老服务"></label></div>
      <label>当地标准（金额）<input name="amount" maxlength="200" value="${p?.amount ?? ''}" placeholder="如：80–89周岁每人每月100元"></label>
      <p class="muted" style="margin-top:-.4em">${county ? '全县政策的金额由县民政局填写。' : '本站政策的金额由本站填写；全县政策的金额由县民政局填写。'}居民问“多少钱”时先答这一句。</p>
      <label>摘要<textarea name="summary" required rows="2" maxlength="1000">${p?.summary ?? ''}</textarea></label>
      <label>正文<textarea name="content" required rows="6">${p?.content ?? ''}</textarea></label>
      <label>示例问法（每行一句）<textarea name="questions" rows="3">${(p?.questions ?? (question ? [question] : [])).join('\n')}</textarea></label>
      <label>关键词（用逗号或空格分开）<input name="keywords" value="${(p?.keywords ?? []).join('，')}"></label>
      <div class="grid2"><label>来源<input name="source" maxlength="300" value="${p?.source ?? ''}"></label>
      <label>生效日期<input type="date" name="effectiveFrom" value="${p?.effectiveFrom ?? ''}"></label></div>
      <p class="form-err" role="alert"></p><button class="btn" type="submit">保存</button>
    </form></section>`);
  onSubmit($<HTMLFormElement>('#policy-form', view), async (form) => {
    const v = formValues(form);
    const body = {
      title: v.title, category: v.category, summary: v.summary, content: v.content, amount: v.amount || null,
      questions: lines(v.questions), keywords: words(v.keywords), source: v.source || null, effectiveFrom: v.effectiveFrom || null,
    };
    if (p) await patch(`/api/policies/${p.id}`, body);
    else if (fromQuestion) await post(`/api/policies/unanswered/${fromQuestion}/resolve`, { policy: body });
    else await post('/api/policies', body);
    toast('政策已保存');
    location.hash = '#/policies';
  });
}
