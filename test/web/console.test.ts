/**
 * The worker console and the simulator in a real browser: playwright-core driving Debian's Chromium
 * (`apt-get install chromium`) against the app on a random local port. Without /usr/bin/chromium
 * (or CHROMIUM_PATH) the suite is skipped with a notice.
 *
 * SCREENSHOT_DIR=/tmp/shots saves what the browser saw on a phone (375 px) and a laptop (1280 px).
 */
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { Alert, CheckinPlan, Handoff, Resident, Worker } from '../../entities';
import { buildWeb } from '../../web/build';
import { startTestBot, TestBot } from '../bot/harness';
import { createBookableService, createCommunity, createFamily, createResident, createSlot, createStation, createWorker } from '../factories';
import { createTestEnv, TestEnv } from '../helpers';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  console.warn(`⚠ Browser tests of the console skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH).`);
}
const describeInBrowser = haveChromium ? describe : describe.skip;
const SHOTS = process.env.SCREENSHOT_DIR;

jest.setTimeout(120_000);

/** `GET /api/stats` as API.md documents it, for a server that does not have it yet. */
const SAMPLE_STATS = {
  peopleServed: 12, personTimes: 30, caseWork: 8, groupSessions: 2, communityActivities: 3, homeVisits: 14, needsFound: 5, needsMet: 3,
  bookings: 9, attended: 7, signups: 20, checkinRate: 0.93, alertsRaised: 4, alertsResolved: 4, resourcesYuan: 1200,
  byCategory: [{ category: 'case', personTimes: 8 }, { category: 'group', personTimes: 6 }, { category: 'community', personTimes: 10 }, { category: 'home_visit', personTimes: 14 }],
  byCommunity: [{ communityName: '沙河村', personTimes: 18 }, { communityName: '新丰村', personTimes: 12 }],
  monthly: [{ month: '2026-10', personTimes: 8, homeVisits: 4 }, { month: '2026-11', personTimes: 10, homeVisits: 5 }, { month: '2026-12', personTimes: 12, homeVisits: 5 }],
};

describeInBrowser('worker console in Chromium', () => {
  let env: TestEnv;
  let bot: TestBot;
  let server: Server;
  let base: string;
  let context: BrowserContext;
  let page: Page;
  let stationId: number;
  let communityName: string;
  let resident: Resident;
  let worker: Awaited<ReturnType<typeof createWorker>>;
  let county: Awaited<ReturnType<typeof createWorker>>;

  async function shoot(name: string): Promise<void> {
    if (!SHOTS) return;
    mkdirSync(SHOTS, { recursive: true });
    for (const width of [375, 1280]) {
      await page.setViewportSize({ width, height: width < 500 ? 800 : 900 });
      await page.waitForTimeout(150);
      await page.screenshot({ path: path.join(SHOTS, `${name}-${width}.png`), fullPage: true });
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  }

  async function login(p: Page, username: string, password: string): Promise<void> {
    await p.goto(`${base}/console`);
    await p.fill('#loginForm [name=username]', username);
    await p.fill('#loginForm [name=password]', password);
    await p.click('#loginForm button[type=submit]');
    await p.waitForSelector('#tabs a[aria-current=page]');
  }

  beforeAll(async () => {
    await buildWeb({ quiet: true });
    env = await createTestEnv();
    const { ctx } = env;
    const station = await createStation(ctx, { name: '沙河镇社工站' });
    stationId = station.id;
    const community = await createCommunity(ctx, { stationId, name: '沙河村' });
    communityName = community.name;
    worker = await createWorker(ctx, { stationId, name: '赵敏' });
    county = await createWorker(ctx, { role: 'county_admin', name: '县民政局' });
    resident = await createResident(ctx, {
      stationId, communityId: community.id, name: '王秀英', phone: '13800001001', tags: ['living_alone'], wechatContactId: 'wx-wang', birthDate: '1944-03-12',
    });
    await createFamily(ctx, { residentId: resident.id, name: '王小明', relation: '儿子', phone: '13900002001' });
    bot = await startTestBot(ctx);
    server = env.app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { chromium } = await import('playwright-core');
    // A fresh profile each run: nothing cached or remembered from an earlier run.
    context = await chromium.launchPersistentContext(mkdtempSync(path.join(tmpdir(), 'console-chromium-')), {
      executablePath: CHROMIUM, headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 1280, height: 900 }, acceptDownloads: true,
    });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
  });

  afterAll(async () => {
    await context?.close();
    await bot?.stop();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    await env?.ctx.close();
  });

  it('logs in and shows the board of the day, with the date picker', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await env.ctx.services.checkinPlans.savePlan(
      { kind: 'worker', id: worker.id, role: 'worker', stationId, county: worker.county, name: worker.name },
      resident.id, { enabled: true, remindAt: '08:00', secondReminderMinutes: 60, graceMinutes: 120 },
    ).catch(() => undefined);
    await login(page, worker.username, worker.password);
    expect(await page.textContent('#who')).toContain('赵敏');
    expect(await page.locator('#tabs a').allTextContents()).toEqual(['今日', '转人工', '居民', '预约', '活动与通知', '政策', '统计', '组织'].filter((t) => t !== '组织'));
    await page.waitForSelector('#board .counts');
    expect(await page.inputValue('#board-date')).toBe('2026-12-03');
    expect(await page.textContent('#board')).toContain('未报平安');
    expect(errors).toEqual([]);
  });

  it('acknowledges an alert, which stays visible, shows the numbers, then resolves it with a Chinese outcome', async () => {
    const { alert } = await env.ctx.services.alerts.raise({ stationId, residentId: resident.id, type: 'checkin_missed', summary: '王秀英今天 11:00 前没有报平安' });
    await page.goto(`${base}/console#/today`);
    await page.reload();
    const card = page.locator(`[data-alert="${alert.id}"]`);
    await card.waitFor();
    expect(await card.textContent()).toContain('待处理');
    await page.waitForFunction(() => document.querySelector('#tabs a[data-page=today] .count')?.textContent === '1');
    await card.getByRole('button', { name: '确认收到' }).click();
    await page.waitForSelector(`[data-alert="${alert.id}"].acknowledged`);
    expect(await page.locator(`[data-alert="${alert.id}"]`).textContent()).toContain('已确认收到');
    await page.locator(`[data-alert="${alert.id}"]`).getByRole('button', { name: '显示号码' }).click();
    await page.waitForSelector(`[data-alert="${alert.id}"] .phones`);
    const phones = await page.locator(`[data-alert="${alert.id}"] .phones`).textContent();
    expect(phones).toContain('13800001001');
    expect(phones).toContain('13900002001');
    await shoot('today');
    await page.locator(`[data-alert="${alert.id}"]`).getByRole('button', { name: '处理完毕…' }).click();
    await page.fill(`[data-resolve="${alert.id}"] textarea`, '电话联系上，在邻居家');
    await page.locator(`[data-resolve="${alert.id}"]`).getByRole('button', { name: '平安无事' }).click();
    await page.waitForSelector(`details [data-alert="${alert.id}"].resolved`, { state: 'attached' });
    await page.waitForSelector('#tabs a[data-page=today] .count', { state: 'hidden' });
    const saved = await env.ctx.db.manager.findOneByOrFail(Alert, { id: alert.id });
    expect(saved.status).toBe('resolved');
    expect(saved.outcome).toBe('safe');
    expect(await page.locator('#alerts').textContent()).not.toMatch(/\bsafe\b/);
  });

  it('replies to a hand-off and sees the whole conversation', async () => {
    await bot.say(stationId, 'wx-wang', '找社工', '王奶奶');
    const h = await env.ctx.db.manager.findOneByOrFail(Handoff, { stationId, contactId: 'wx-wang' });
    await page.goto(`${base}/console#/handoffs`);
    await page.getByRole('link', { name: /王秀英/ }).click();
    await page.waitForSelector('#reply-form');
    expect(await page.textContent('#chat')).toContain('找社工');
    await page.fill('#reply-form textarea', '王奶奶您好，我是社工赵敏，马上给您打电话');
    await page.click('#reply-form button[type=submit]');
    await page.waitForSelector('.msg.out');
    expect(await page.textContent('#chat')).toContain('马上给您打电话');
    await shoot('handoff');
    const after = await env.ctx.db.manager.findOneByOrFail(Handoff, { id: h.id });
    expect(after.status).toBe('taken');
  });

  it('shows the API message next to the field, then creates a resident with a check-in plan', async () => {
    await page.goto(`${base}/console#/residents/new`);
    await page.fill('#resident-form [name=name]', '李德福');
    await page.fill('#resident-form [name=phone]', '12345');
    await page.click('#resident-form button[type=submit]');
    await page.waitForSelector('#resident-form .field-err');
    const fieldErrors = await page.locator('#resident-form .field-err').allTextContents();
    expect(fieldErrors.join(' ')).toContain('电话号码格式不正确');
    expect(await page.getAttribute('#resident-form [name=phone]', 'aria-invalid')).toBe('true');
    await page.fill('#resident-form [name=phone]', '13700003003');
    await page.selectOption('#resident-form [name=communityId]', { label: communityName });
    await page.check('#resident-form input[value=empty_nest_elder]');
    await page.click('#resident-form button[type=submit]');
    await page.waitForSelector('#plan-form');
    const created = await env.ctx.db.manager.findOneByOrFail(Resident, { name: '李德福' });
    expect(created.tags).toEqual(['empty_nest_elder']);
    expect(await page.textContent('main')).toContain('137****3003');
    await page.fill('#plan-form [name=remindAt]', '08:30');
    await page.uncheck('#plan-form input[name=weekday][value="0"]');
    await page.click('#plan-form button[type=submit]');
    await page.waitForFunction(() => document.querySelector('#plan')?.textContent?.includes('每天 08:30 提醒'));
    const plan = await env.ctx.db.manager.findOneByOrFail(CheckinPlan, { residentId: created.id });
    expect(plan.remindAt).toBe('08:30');
    await page.click('#bind-code');
    await page.waitForSelector('.bindcard svg');
    await shoot('resident');
  });

  it('opens the login dialog over the page when the session has expired, with the API\'s refusal shown', async () => {
    await page.goto(`${base}/console#/residents/new`);
    await page.waitForSelector('#resident-form');
    await page.evaluate(() => {
      const s = JSON.parse(sessionStorage.getItem('station-console') ?? '{}') as { token: string };
      s.token = 'expired.token.value';
      sessionStorage.setItem('station-console', JSON.stringify(s));
    });
    await page.reload();
    await page.waitForSelector('#relogin[open]');
    expect(await page.isVisible('#relogin')).toBe(true);
    await page.fill('#relogin [name=username]', worker.username);
    await page.fill('#relogin [name=password]', 'wrong-password');
    await page.click('#relogin button[type=submit]');
    await page.waitForFunction(() => document.querySelector('#relogin .form-err')?.textContent?.includes('用户名或密码不对'));
    await page.fill('#relogin [name=password]', worker.password);
    await page.click('#relogin button[type=submit]');
    await page.waitForSelector('#resident-form');
  });

  it('submits a form after signing in again, with what was typed', async () => {
    await page.goto(`${base}/console#/residents/new`);
    await page.waitForSelector('#resident-form');
    await page.fill('#resident-form [name=name]', '孙凤英');
    await page.selectOption('#resident-form [name=communityId]', { label: communityName });
    // The session ends under the open form (tokens revoked, as when an admin resets the account).
    await env.ctx.db.manager.increment(Worker, { id: worker.id }, 'tokenVersion', 1);
    await page.click('#resident-form button[type=submit]');
    await page.waitForSelector('#relogin[open]');
    expect(await page.inputValue('#resident-form [name=name]')).toBe('孙凤英');
    await page.fill('#relogin [name=username]', worker.username);
    await page.fill('#relogin [name=password]', worker.password);
    await page.click('#relogin button[type=submit]');
    await page.waitForSelector('#plan-form');
    expect(await env.ctx.db.manager.countBy(Resident, { name: '孙凤英' })).toBe(1);
  });

  it('imports residents from a spreadsheet and shows the per-row report', async () => {
    await page.goto(`${base}/console#/residents/import`);
    await page.setInputFiles('#import-form [name=file]', {
      name: '居民.csv', mimeType: 'text/csv',
      buffer: Buffer.from(`姓名,村（社区）,电话\n陈玉珍,${communityName},13600004004\n无名村民,不存在村,\n`, 'utf8'),
    });
    await page.click('#import-form button[type=submit]');
    await page.waitForSelector('#import-report p');
    const report = await page.textContent('#import-report');
    expect(report).toContain('新建 1 人');
    expect(report).toContain('第 3 行');
    expect(report).toContain('不存在村');
    expect(await env.ctx.db.manager.countBy(Resident, { name: '陈玉珍' })).toBe(1);
  });

  it('books a slot on behalf of a resident and records attendance', async () => {
    const service = await createBookableService(env.ctx, { stationId, name: '义剪理发' });
    const slot = await createSlot(env.ctx, { serviceId: service.id, startsAt: new Date('2026-12-04T09:00:00+08:00'), endsAt: new Date('2026-12-04T09:30:00+08:00'), capacity: 2 });
    await page.goto(`${base}/console#/bookings/2026-12-04/${service.id}`);
    await page.click(`[data-book="${slot.id}"]`);
    await page.fill('#book-form [data-picker-q]', '王秀英');
    await page.click('#book-form [data-picker-find]');
    await page.waitForFunction(() => (document.querySelector('#book-form select[name=residentId]') as HTMLSelectElement | null)?.value !== '');
    await page.click('#book-form button[type=submit]');
    await page.waitForSelector('#day-bookings [data-attend]');
    expect(await page.textContent('#day-bookings')).toContain('王秀英');
    // Too early: the API's refusal is shown as it is.
    await page.click('#day-bookings [data-status=attended]');
    await page.waitForFunction(() => document.querySelector('.toast.err')?.textContent?.includes('服务开始后才能登记'));
    env.clock.set(new Date('2026-12-04T09:10:00+08:00'), { frozen: true });
    try {
      await page.click('#day-bookings [data-status=attended]');
      await page.waitForFunction(() => document.querySelector('#day-bookings')?.textContent?.includes('已到场'));
    } finally {
      env.clock.set(new Date('2026-12-03T09:00:00+08:00'), { frozen: true });
    }
  });

  it('composes a broadcast, sees the count and the send time, sends it and sees the report', async () => {
    await page.goto(`${base}/console#/activities`);
    await page.fill('#broadcast-form [name=text]', '{name}，本周五上午社工站有义诊，欢迎来');
    await page.click('#do-preview');
    await page.waitForSelector('#preview .phones');
    const preview = await page.textContent('#preview');
    expect(preview).toMatch(/将发给 \d+ 人/);
    expect(preview).toContain('预计');
    expect(await page.isDisabled('#send')).toBe(false);
    await shoot('broadcast');
    await page.click('#send');
    await page.waitForSelector('#report');
    expect(await page.textContent('#report')).toContain('收件人');
    expect(await page.textContent('#report .counts')).toMatch(/收件人\s*1/);
  });

  it('shows the statistics with a chart and downloads the xlsx (or says statistics are not there yet)', async () => {
    const http = (await import('supertest')).default(env.app.callback());
    const token = env.ctx.services.auth.workerToken(await env.ctx.db.manager.findOneByOrFail(Worker, { id: worker.id }));
    await http.post('/api/service-records').set('Authorization', `Bearer ${token}`)
      .send({ type: 'home_visit', residentIds: [resident.id], date: '2026-12-02', summary: '入户走访，身体尚可' }).expect(201);
    const stats = await http.get('/api/stats').set('Authorization', `Bearer ${token}`);
    await page.goto(`${base}/console#/stats/2026-01-01/2026-12-31`);
    if (stats.status === 404) {
      console.log('note: GET /api/stats is not on this server yet: the page shows its notice; the charts are drawn from API.md\'s shape answered in the browser; the xlsx download is skipped');
      await page.waitForFunction(() => document.querySelector('#stats-body')?.textContent?.includes('统计功能尚未'));
      expect(await page.isDisabled('#xlsx')).toBe(true);
      await page.route((url) => url.pathname === '/api/stats', (route) => route.fulfill({ json: SAMPLE_STATS }));
      await page.goto(`${base}/console#/stats/2026-01-01/2026-12-30`);
      await page.waitForSelector('#chart-monthly canvas');
      await page.waitForSelector('#chart-category canvas');
      expect(await page.textContent('.kpis')).toContain('服务人次');
      await shoot('stats');
      await page.unroute((url) => url.pathname === '/api/stats');
      return;
    }
    await page.waitForSelector('.chart canvas');
    await shoot('stats');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#xlsx')]);
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
    const file = await download.path();
    expect(file).toBeTruthy();
  });

  it('shows a county admin statistics and organisation, never residents', async () => {
    const p = await context.newPage();
    await login(p, county.username, county.password);
    const tabs = await p.locator('#tabs a').allTextContents();
    expect(tabs).toEqual(['政策', '统计', '组织']);
    expect(await p.getAttribute('#tabs a[aria-current=page]', 'data-page')).toBe('stats');
    await p.route((url) => url.pathname === '/api/stats', (route) => route.fulfill({ json: SAMPLE_STATS }));
    await p.reload();
    await p.waitForSelector('#chart-stations canvas');
    expect(await p.textContent('#stations')).toContain('沙河镇社工站');
    await p.goto(`${base}/console#/residents`);
    await p.waitForSelector('#tabs a[aria-current=page]');
    expect(p.url()).not.toContain('#/residents');
    expect(await p.textContent('main')).not.toContain('王秀英');
    await p.goto(`${base}/console#/org`);
    await p.waitForFunction(() => document.querySelector('main')?.textContent?.includes('沙河镇社工站'));
    await p.close();
  });

  it('chats in the simulator', async () => {
    await page.goto(`${base}/simulator`);
    await page.waitForFunction(() => (document.querySelector('#station') as HTMLSelectElement | null)?.options.length);
    await page.fill('#from', 'sim-browser');
    await page.click('#switch');
    await page.fill('#text', '你好');
    await page.click('#send');
    await page.waitForFunction(() => document.querySelector('#log')?.textContent?.includes('小助手'));
  });
});
