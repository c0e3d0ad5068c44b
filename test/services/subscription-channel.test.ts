import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { CheckinDay, OutboxMessage } from '../../entities';
import { elderScene, runCheckins } from '../checkin-fixtures';
import { useTestEnv } from '../helpers';

/** A stand-in for api.weixin.qq.com: code2session, stable_token and subscribeMessage.send, with the failures the test asks for. */
class FakeWechat {
  server!: Server;
  base = '';
  tokens = 0;
  forced: boolean[] = [];
  expired = new Set<string>();
  refuse = new Set<string>();
  drop = new Set<string>();
  sent: { touser: string; template_id: string; page: string; data: Record<string, { value: string }>; token: string }[] = [];

  async start(): Promise<void> {
    this.server = createServer(async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' ? JSON.parse((await read(req)) || '{}') : {};
      const answer = (o: unknown) => {
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify(o));
      };
      if (url.pathname === '/sns/jscode2session') {
        const code = url.searchParams.get('js_code') ?? '';
        return answer(code.startsWith('code-') ? { openid: `o-${code.slice(5)}`, session_key: 'k' } : { errcode: 40029, errmsg: 'invalid code' });
      }
      if (url.pathname === '/cgi-bin/stable_token') {
        if (body.appid !== 'wx-app' || body.secret !== 'app-secret') return answer({ errcode: 40013, errmsg: 'invalid appid' });
        this.forced.push(body.force_refresh === true);
        return answer({ access_token: `tok-${++this.tokens}`, expires_in: 7200 });
      }
      if (url.pathname === '/cgi-bin/message/subscribe/send') {
        const token = url.searchParams.get('access_token') ?? '';
        if (this.expired.has(token)) return answer({ errcode: 42001, errmsg: 'access_token expired' });
        if (this.drop.has(body.touser)) return req.socket.destroy();
        if (this.refuse.has(body.touser)) return answer({ errcode: 43101, errmsg: 'user refuse to accept the msg' });
        this.sent.push({ ...body, token });
        return answer({ errcode: 0, errmsg: 'ok' });
      }
      res.statusCode = 404;
      answer({ errcode: 404 });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function read(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let s = '';
    req.on('data', (c) => (s += c));
    req.on('end', () => resolve(s));
  });
}

describe('subscription messages: the outbox\'s mini-program channel', () => {
  const wechat = new FakeWechat();
  beforeAll(() => wechat.start());
  afterAll(() => wechat.stop());
  const env = useTestEnv({
    env: {
      WECHAT_APP_ID: 'wx-app', WECHAT_APP_SECRET: 'app-secret',
      WECHAT_TEMPLATES: JSON.stringify({ checkin_reminder: 'T-CHECK', booking_reminder: 'T-BOOK' }),
    },
  });
  beforeEach(async () => {
    env().ctx.config.wechatApiBase = wechat.base;
    env().clock.set(new Date('2026-12-03T09:00:00+08:00'), { frozen: true });
    // each case counts its own sends: what an earlier case left queued is set aside
    await env().ctx.db.manager.update(OutboxMessage, { status: 'pending' }, { status: 'cancelled' });
  });

  /** An elder on the mini-program only (no bot contact), logged in through code2session, who accepted `accepted` check-in reminders. */
  async function miniappElder(name: string, accepted: number, resident: Record<string, unknown> = {}) {
    const { app, ctx } = env();
    const login = await request(app.callback()).post('/api/miniapp/login').send({ code: `code-${name}` });
    expect(login.status).toBe(200);
    const openid = login.body.openid as string;
    const scene = await elderScene(ctx, { family: false, plan: { remindAt: '09:30' }, resident: { wechatContactId: null, openid, ...resident } });
    for (let i = 0; i < accepted; i++) {
      expect((await request(app.callback()).post('/api/me/subscriptions').set('Authorization', `Bearer ${login.body.token}`).send({ templates: ['checkin_reminder'] })).status).toBe(200);
    }
    return { ...scene, openid };
  }

  const day = (residentId: number) => env().ctx.db.manager.findOneOrFail(CheckinDay, { where: { residentId, date: '2026-12-03' } });
  const rowsOf = (refId: number) => env().ctx.db.manager.find(OutboxMessage, { where: { refType: 'checkin_day', refId }, order: { id: 'ASC' } });
  const at = (time: string) => env().clock.set(new Date(`2026-12-03T${time}:00+08:00`), { frozen: true });
  const runChannel = () => env().ctx.services.jobs.runNow('subscription-messages');

  it('reminds an elder who is only on the mini-program by subscription message, spending one acceptance', async () => {
    const { ctx } = env();
    const elder = await miniappElder('zhang', 2);
    at('09:30');
    await runCheckins(ctx);
    const d = await day(elder.resident.id);
    expect(d.status).toBe('reminded');
    const [row] = await rowsOf(d.id);
    expect(row).toMatchObject({ channel: 'miniapp', toOpenid: 'o-zhang', purpose: 'checkin_reminder', status: 'pending', priority: 1, dedupeKey: `checkin:${elder.resident.id}:2026-12-03:first` });
    const sentBefore = wechat.sent.length;
    expect(await runChannel()).toMatchObject({ sent: 1, failed: 0 });
    const msg = wechat.sent[sentBefore];
    expect(msg).toMatchObject({ touser: 'o-zhang', template_id: 'T-CHECK', page: 'pages/checkin/index' });
    expect([...msg.data.thing1.value].length).toBeLessThanOrEqual(20);
    expect(msg.data.time2.value).toBe('2026-12-03 09:30');
    expect((await rowsOf(d.id))[0].status).toBe('sent');
    expect((await ctx.services.subscriptions.quotaOf('o-zhang')).checkin_reminder).toBe(1);
    // a second run of either job sends nothing more
    await runCheckins(ctx);
    expect(await runChannel()).toMatchObject({ sent: 0 });
    expect(wechat.sent.length).toBe(sentBefore + 1);
    // Nor a second reminder later: each one would spend an acceptance the elder gave.
    at('10:45');
    await runCheckins(ctx);
    expect(await rowsOf(d.id)).toHaveLength(1);
  });

  it('an elder with no acceptance left and no bot contact is unreachable for that reminder, shown on the workers\' board', async () => {
    const { app, ctx } = env();
    const elder = await miniappElder('li', 0);
    at('09:30');
    await runCheckins(ctx);
    const d = await day(elder.resident.id);
    expect(d).toMatchObject({ status: 'unreachable', unreachableReason: 'no_wechat' });
    expect(await rowsOf(d.id)).toHaveLength(0);
    const board = await request(app.callback()).get('/api/checkins').set('Authorization', `Bearer ${elder.worker.token}`);
    expect(board.body.items.find((i: { residentId: number }) => i.residentId === elder.resident.id)).toMatchObject({ status: 'unreachable' });
  });

  it('a resident reached both ways gets the reminder once, on the bot; a bot failure for good falls over to the mini-program', async () => {
    const { ctx } = env();
    const elder = await miniappElder('wang', 1, { wechatContactId: 'wang-contact' });
    at('09:30');
    await runCheckins(ctx);
    const d = await day(elder.resident.id);
    const rows = await rowsOf(d.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ channel: 'bot', toContactId: 'wang-contact', toOpenid: 'o-wang', purpose: 'checkin_reminder' });
    expect(await runChannel()).toMatchObject({ sent: 0 });
    expect(wechat.sent.filter((m) => m.touser === 'o-wang')).toHaveLength(0);
    // the bot's sender gives up on it (the contact deleted the station account)
    const claimed = await ctx.services.outbox.claimDue(elder.station.id, 'test-bot', 10);
    expect(claimed.map((r) => r.id)).toEqual([rows[0].id]);
    expect(await ctx.services.outbox.markFailed(claimed[0], 'contact not found', { final: true })).toBe('retry');
    expect(await ctx.services.outbox.claimDue(elder.station.id, 'test-bot', 10)).toHaveLength(0);
    expect(await runChannel()).toMatchObject({ sent: 1 });
    expect(wechat.sent.filter((m) => m.touser === 'o-wang')).toHaveLength(1);
    expect((await rowsOf(d.id))).toMatchObject([{ status: 'sent', channel: 'miniapp' }]);
  });

  it('43101 from WeChat: the count drops to zero, the row fails with the reason, the day turns unreachable', async () => {
    const { ctx } = env();
    const elder = await miniappElder('zhao', 3);
    wechat.refuse.add('o-zhao');
    at('09:30');
    await runCheckins(ctx);
    expect(await runChannel()).toMatchObject({ sent: 0, failed: 1 });
    const d = await day(elder.resident.id);
    expect((await rowsOf(d.id))[0]).toMatchObject({ status: 'failed', lastError: expect.stringContaining('43101') });
    expect((await ctx.services.subscriptions.quotaOf('o-zhao')).checkin_reminder).toBe(0);
    at('09:31');
    await runCheckins(ctx);
    expect(await day(elder.resident.id)).toMatchObject({ status: 'unreachable', unreachableReason: 'not_delivered' });
  });

  it('an expired token is fetched again (force_refresh) and the send retried once; the token is cached otherwise', async () => {
    const { ctx } = env();
    const first = await miniappElder('qian', 1);
    const second = await miniappElder('sun', 1);
    await ctx.services.wechat.accessToken();
    const fetches = wechat.tokens;
    wechat.expired.add(`tok-${wechat.tokens}`);
    at('09:30');
    await runCheckins(ctx);
    expect(await runChannel()).toMatchObject({ sent: 2, failed: 0 });
    expect(wechat.tokens).toBe(fetches + 1);
    expect(wechat.forced[wechat.forced.length - 1]).toBe(true);
    const sent = wechat.sent.filter((m) => m.touser === first.openid || m.touser === second.openid);
    expect(sent.map((m) => m.token)).toEqual([`tok-${fetches + 1}`, `tok-${fetches + 1}`]);
  });

  it('WeChat unreachable: the acceptance is kept, the row retried with back-off and its error recorded, then sent', async () => {
    const { ctx } = env();
    const elder = await miniappElder('zhou', 1);
    wechat.drop.add('o-zhou');
    at('09:30');
    await runCheckins(ctx);
    expect(await runChannel()).toMatchObject({ sent: 0, retried: 1 });
    const d = await day(elder.resident.id);
    const [row] = await rowsOf(d.id);
    expect(row).toMatchObject({ status: 'pending', attempts: 1, lastError: expect.stringContaining('wechat unreachable') });
    expect(row.notBefore.getTime()).toBeGreaterThan(ctx.clock.now().getTime());
    expect((await ctx.services.subscriptions.quotaOf('o-zhou')).checkin_reminder).toBe(1);
    expect(await runChannel()).toMatchObject({ sent: 0, retried: 0 });
    wechat.drop.delete('o-zhou');
    at('09:31');
    expect(await runChannel()).toMatchObject({ sent: 1 });
    expect((await ctx.services.subscriptions.quotaOf('o-zhou')).checkin_reminder).toBe(0);
  });

  it('keeps quiet hours and records rows it cannot send (no template for the purpose)', async () => {
    const { ctx } = env();
    at('22:00');
    await ctx.services.outbox.enqueue([
      { stationId: 1, toContactId: 'mp:o-night', channel: 'miniapp', toOpenid: 'o-night', purpose: 'checkin_reminder', text: '夜里不发', kind: 'test', dedupeKey: 'mp-test:night' },
      { stationId: 1, toContactId: 'mp:o-act', channel: 'miniapp', toOpenid: 'o-act', purpose: 'activity_reminder', text: '活动提醒', kind: 'test', dedupeKey: 'mp-test:act', urgent: true },
    ]);
    const [night] = await ctx.db.manager.find(OutboxMessage, { where: { dedupeKey: 'mp-test:night' } });
    expect(night.notBefore.toISOString()).toBe('2026-12-04T00:00:00.000Z');
    expect(await runChannel()).toMatchObject({ sent: 0, failed: 1 });
    const [act] = await ctx.db.manager.find(OutboxMessage, { where: { dedupeKey: 'mp-test:act' } });
    expect(act).toMatchObject({ status: 'failed', lastError: expect.stringContaining('no_template') });
    expect((await ctx.db.manager.findOneByOrFail(OutboxMessage, { id: night.id })).status).toBe('pending');
  });
});
