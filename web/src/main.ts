/**
 * The worker console: a login, a navigation by role, and one page per task. Pages are plain
 * TypeScript modules that render into `#view`; the address (`#/residents/12`) says which.
 */
import './console.css';
import { ApiError, currentSession, get, List, onSessionExpired, post, Role, Session, setSession } from './api';
import { $, html, setHtml } from './dom';
import { errorBlock } from './forms';
import { ROLE } from './labels';
import { activitiesPage } from './pages/activities';
import { bookingsPage } from './pages/bookings';
import { handoffsPage } from './pages/handoffs';
import { orgPage } from './pages/org';
import { policiesPage } from './pages/policies';
import { residentsPage } from './pages/residents';
import { statsPage } from './pages/stats';
import { todayPage } from './pages/today';

export interface Page {
  label: string;
  roles: Role[];
  /** Renders into `view`; `args` are the address parts after the page name. */
  render(view: HTMLElement, args: string[]): Promise<void>;
}

const STATION: Role[] = ['worker', 'station_admin'];
const ALL: Role[] = ['worker', 'station_admin', 'county_admin'];

const PAGES: Record<string, Page> = {
  today: { label: '今日', roles: STATION, render: todayPage },
  handoffs: { label: '转人工', roles: STATION, render: handoffsPage },
  residents: { label: '居民', roles: STATION, render: residentsPage },
  bookings: { label: '预约', roles: STATION, render: bookingsPage },
  activities: { label: '活动与通知', roles: STATION, render: activitiesPage },
  policies: { label: '政策', roles: ALL, render: policiesPage },
  stats: { label: '统计', roles: ALL, render: statsPage },
  org: { label: '组织', roles: ['station_admin', 'county_admin'], render: orgPage },
};

function pagesFor(role: Role): string[] {
  return Object.keys(PAGES).filter((k) => PAGES[k].roles.includes(role));
}

/** Where a role starts: the day's work for a station, the statistics for the county. */
function homeOf(role: Role): string {
  return role === 'county_admin' ? 'stats' : pagesFor(role)[0];
}

let rendering = 0;

async function route(): Promise<void> {
  const s = currentSession();
  if (!s) return showLogin();
  const names = pagesFor(s.worker.role);
  const [name, ...args] = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (!name || !names.includes(name)) {
    location.replace(`#/${homeOf(s.worker.role)}`);
    return;
  }
  for (const a of document.querySelectorAll<HTMLAnchorElement>('#tabs a')) {
    if (a.dataset.page === name) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  document.title = `${PAGES[name].label} · 社工站工作台`;
  const view = $('#view');
  const n = ++rendering;
  view.dataset.page = name;
  setHtml(view, html`<p class="muted loading">加载中…</p>`);
  try {
    await PAGES[name].render(view, args);
  } catch (err) {
    if (n === rendering) view.innerHTML = errorBlock(err);
  }
  void refreshCounts();
}

function showApp(s: Session): void {
  $('#login').hidden = true;
  $('#app').hidden = false;
  $('#logout').hidden = false;
  $('#who').textContent = `${s.worker.name} · ${ROLE[s.worker.role] ?? s.worker.role}`;
  setHtml($('#tabs'), html`${pagesFor(s.worker.role).map((k) => html`<a href="#/${k}" data-page="${k}">${PAGES[k].label}</a>`)}`);
  if (counting === undefined && s.worker.role !== 'county_admin') counting = setInterval(() => void refreshCounts(), 60_000);
}

/** What waits for a worker, on the tabs: open alerts on 今日, open hand-offs on 转人工 (refreshed every minute). */
let counting: ReturnType<typeof setInterval> | undefined;
async function refreshCounts(): Promise<void> {
  const s = currentSession();
  if (!s || s.worker.role === 'county_admin' || document.hidden) return;
  const [alerts, handoffs] = await Promise.all([
    get<List<unknown>>('/api/alerts?status=open&limit=1'),
    get<List<unknown>>('/api/handoffs?status=open&limit=1'),
  ]).catch(() => [null, null]);
  const mark = (page: string, n: number | undefined) => {
    const a = document.querySelector<HTMLElement>(`#tabs a[data-page="${page}"]`);
    if (!a || n === undefined) return;
    let b = a.querySelector<HTMLElement>('.count');
    if (!b) {
      b = document.createElement('span');
      b.className = 'count';
      a.append(b);
    }
    b.textContent = n ? String(n) : '';
    b.hidden = !n;
    b.title = page === 'today' ? `${n} 条告警待处理` : `${n} 位居民等待接手`;
  };
  mark('today', alerts?.total);
  mark('handoffs', handoffs?.total);
}

function showLogin(): void {
  $('#app').hidden = true;
  $('#login').hidden = false;
  $<HTMLInputElement>('#login [name=username]').focus();
}

/** Signs in with the login form; answers the session. */
async function signIn(form: HTMLFormElement): Promise<Session> {
  const f = new FormData(form);
  const err = $('.form-err', form);
  err.textContent = '';
  try {
    const s = await post<Session>('/api/auth/login', { username: String(f.get('username') ?? '').trim(), password: String(f.get('password') ?? '') });
    setSession(s);
    ($<HTMLInputElement>('[name=password]', form)).value = '';
    return s;
  } catch (e) {
    err.textContent = e instanceof ApiError && e.status === 401 ? '用户名或密码不对' : e instanceof Error ? e.message : String(e);
    throw e;
  }
}

/** An expired session: the dialog over the page (what was typed stays), resolved once signed in again. */
let pending: Promise<void> | null = null;
function relogin(): Promise<void> {
  if (pending) return pending;
  const dialog = $<HTMLDialogElement>('#relogin');
  const form = $<HTMLFormElement>('form', dialog);
  const previous = currentSession();
  pending = new Promise<void>((resolve) => {
    form.onsubmit = (e) => {
      e.preventDefault();
      signIn(form).then((s) => {
        if (previous && s.worker.id !== previous.worker.id) {
          location.reload();
          return;
        }
        showApp(s);
        dialog.close();
        pending = null;
        resolve();
      }, () => undefined);
    };
  });
  if (!dialog.open) dialog.showModal();
  $<HTMLInputElement>('[name=username]', form).focus();
  return pending;
}

function init(): void {
  onSessionExpired(relogin);
  $<HTMLFormElement>('#loginForm').addEventListener('submit', (e) => {
    e.preventDefault();
    signIn(e.target as HTMLFormElement).then((s) => {
      showApp(s);
      void route();
    }, () => undefined);
  });
  $('#logout').addEventListener('click', () => {
    setSession(null);
    location.hash = '';
    location.reload();
  });
  $<HTMLDialogElement>('#relogin').addEventListener('cancel', (e) => e.preventDefault());
  window.addEventListener('hashchange', () => void route());
  window.addEventListener('console:changed', () => void refreshCounts());
  const s = currentSession();
  if (s) showApp(s);
  void route();
}

init();
