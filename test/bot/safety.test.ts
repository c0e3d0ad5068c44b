import request from 'supertest';
import { In } from 'typeorm';
import { Alert, AlertEntry, Handoff, HandoffMessage, OutboxMessage, UnansweredQuestion } from '../../entities';
import { actorOf, createFamily, createResident, createStation, createWorker } from '../factories';
import { useTestEnv } from '../helpers';
import { useTestBot } from './harness';

describe('distress is never lost or misread (bot on the mock puppet)', () => {
  const env = useTestEnv();
  const bot = useTestBot(env);

  async function elder() {
    const { ctx } = env();
    const s = await createStation(ctx, { phone: '0936-5521001' });
    const r = await createResident(ctx, { stationId: s.id, name: '赵桂芳', gender: 'female', phone: '13912345678', wechatContactId: `elder-${s.id}` });
    const f = await createFamily(ctx, { residentId: r.id, name: '赵强', relation: '儿子', phone: '13800001111', wechatContactId: `son-${s.id}` });
    const w = await createWorker(ctx, { stationId: s.id, name: '刘芳', wechatContactId: `worker-${s.id}` });
    return { s, r, f, w, elderId: `elder-${s.id}`, sonId: `son-${s.id}`, workerId: `worker-${s.id}` };
  }

  it('a second emergency within the half hour joins the alert and is sent to workers and family at once', async () => {
    const { ctx } = env();
    const { s, elderId, sonId, workerId } = await elder();
    expect((await bot().say(s.id, elderId, '家里着火了'))[0]).toContain('119');
    expect((await bot().say(s.id, elderId, '我摔倒了起不来'))[0]).toContain('120');
    const alerts = await ctx.db.manager.find(Alert, { where: { stationId: s.id, type: 'help_call' } });
    expect(alerts).toHaveLength(1);
    const entries = await ctx.db.manager.find(AlertEntry, { where: { alertId: alerts[0].id }, order: { id: 'ASC' } });
    expect(entries.map((e) => e.text)).toEqual(['家里着火了', '我摔倒了起不来']);
    const more = await ctx.db.manager.find(OutboxMessage, { where: { stationId: s.id, kind: 'alert_help_call_more' } });
    expect(more.map((m) => m.toContactId).sort()).toEqual([sonId, workerId].sort());
    expect(more.every((m) => m.urgent && m.text.includes('我摔倒了起不来'))).toBe(true);
    // The workers' texts carry the numbers to call, in full.
    const first = await ctx.db.manager.findOneOrFail(OutboxMessage, { where: { toContactId: workerId, kind: 'alert_help_call' } });
    expect(first.text).toContain('赵桂芳 13912345678');
    expect(first.text).toContain('赵强（儿子）13800001111');
    // Closed, then another call: a new alert.
    await ctx.services.alerts.resolve(actorOf(await createWorker(ctx, { stationId: s.id })), alerts[0].id, 'safe', null);
    await bot().say(s.id, elderId, '救命');
    expect(await ctx.db.manager.count(Alert, { where: { stationId: s.id, type: 'help_call' } })).toBe(2);
  });

  it.each(['不想活了', '活着没意思', '我真想死', '活着真没意思啊', '不如死了算了'])('"%s" gets a warm reply with 12356 and 120 and an urgent crisis alert', async (text) => {
    const { ctx, app } = env();
    const { s, workerId, sonId } = await elder();
    const replies = await bot().say(s.id, `elder-${s.id}`, text);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain('12356');
    expect(replies[0]).toContain('120');
    const alert = await ctx.db.manager.findOneOrFail(Alert, { where: { stationId: s.id, type: 'crisis' } });
    const sent = await ctx.db.manager.find(OutboxMessage, { where: { refType: 'alert', refId: alert.id } });
    expect(sent.map((m) => m.toContactId).sort()).toEqual([sonId, workerId].sort());
    expect(sent.every((m) => m.urgent)).toBe(true);
    const w = await createWorker(ctx, { stationId: s.id });
    const res = await request(app.callback()).get(`/api/alerts/${alert.id}`).set('Authorization', `Bearer ${w.token}`);
    expect(res.body).toMatchObject({ type: 'crisis', typeLabel: '心理危机' });
    expect(res.body.entries[0].text).toBe(text);
  });

  it('"想死你了" and "我不想死" are not a crisis', async () => {
    const { ctx } = env();
    const s = await createStation(ctx);
    await bot().say(s.id, 'miss', '想死你了');
    expect(await ctx.db.manager.count(Alert, { where: { stationId: s.id, type: 'crisis' } })).toBe(0);
  });

  it('a crisis during a hand-off is answered and alerted, never silent', async () => {
    const { ctx } = env();
    const { s, elderId } = await elder();
    await bot().say(s.id, elderId, '人工');
    const replies = await bot().say(s.id, elderId, '我不想活了');
    expect(replies[0]).toContain('12356');
    expect(await ctx.db.manager.count(Alert, { where: { stationId: s.id, type: 'crisis' } })).toBe(1);
    const h = await ctx.db.manager.findOneOrFail(Handoff, { where: { stationId: s.id, contactId: elderId } });
    expect((await ctx.services.handoffs.messages(h)).map((m) => m.text)).toContain('我不想活了');
  });

  it.each(['我一个人在家害怕', '没人说话', '心里难受'])('"%s" gets a kind reply and reaches a worker through a hand-off, not the policy queue', async (text) => {
    const { ctx } = env();
    const { s, elderId, workerId } = await elder();
    const replies = await bot().say(s.id, elderId, text);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain('社工看到后会在这里回复您');
    expect(replies[0]).toContain('急事请打 0936-5521001');
    expect(replies[0]).not.toContain('有事随时找我们');
    const h = await ctx.db.manager.findOneOrFail(Handoff, { where: { stationId: s.id, contactId: elderId } });
    expect(h).toMatchObject({ reason: 'lonely', status: 'open' });
    const notice = await ctx.db.manager.findOneOrFail(OutboxMessage, { where: { toContactId: workerId, kind: 'handoff' } });
    expect(notice.text).toContain(text);
    expect(await ctx.db.manager.count(UnansweredQuestion, { where: { stationId: s.id } })).toBe(0);
    expect(await ctx.db.manager.count(Alert, { where: { stationId: s.id, type: 'help_call' } })).toBe(0);
  });

  it("an unbound contact's help call says there is no phone and lets the workers reply in WeChat", async () => {
    const { ctx } = env();
    const s = await createStation(ctx);
    await createWorker(ctx, { stationId: s.id, wechatContactId: `w-${s.id}` });
    await bot().say(s.id, 'stranger', '救命啊', '老李');
    const text = (await ctx.db.manager.findOneOrFail(OutboxMessage, { where: { toContactId: `w-${s.id}`, kind: 'alert_help_call' } })).text;
    expect(text).toContain('没有登记电话');
    expect(text).not.toContain('请立即电话联系');
    const h = await ctx.db.manager.findOneOrFail(Handoff, { where: { stationId: s.id, contactId: 'stranger' } });
    expect(text).toContain(`回复 ${h.id}`);
    // The worker answers from WeChat; the stranger receives it.
    expect((await bot().say(s.id, `w-${s.id}`, `回复 ${h.id} 老李您在哪个村？我们马上过去`))[0]).toContain('已发给');
    const out = await ctx.db.manager.findOneOrFail(OutboxMessage, { where: { toContactId: 'stranger', kind: 'handoff_reply' } });
    expect(out.text).toContain('老李您在哪个村？我们马上过去');
  });
});

describe('a hand-off is a conversation', () => {
  const env = useTestEnv();
  const bot = useTestBot(env);

  async function setup() {
    const { ctx } = env();
    const s = await createStation(ctx, { phone: '0936-5520001', openHours: '周一至周五 8:30-17:30' });
    const r = await createResident(ctx, { stationId: s.id, name: '钱大爷', wechatContactId: `qian-${s.id}` });
    const w = await createWorker(ctx, { stationId: s.id, name: '周敏', wechatContactId: `zm-${s.id}` });
    return { s, r, w, contact: `qian-${s.id}` };
  }

  it('tells the resident once, keeps everything they write, and the worker replies through the API', async () => {
    const { ctx, app } = env();
    const { s, r, w, contact } = await setup();
    const opened = await bot().say(s.id, contact, '找社工');
    expect(opened).toEqual(['好的，已通知社工，社工看到后会在这里回复您。工作时间：周一至周五 8:30-17:30。急事请打 0936-5520001。']);
    expect(await bot().say(s.id, contact, '在吗')).toEqual([]);
    expect(await bot().say(s.id, contact, '低保怎么申请')).toEqual([]);
    expect((await bot().say(s.id, contact, '菜单'))[0]).toContain('1 政策咨询');
    expect((await bot().say(s.id, contact, '退订'))[0]).toContain('已退订');
    const h = await ctx.db.manager.findOneOrFail(Handoff, { where: { stationId: s.id, contactId: contact } });
    const http = request(app.callback());
    const detail = await http.get(`/api/handoffs/${h.id}`).set('Authorization', `Bearer ${w.token}`);
    expect(detail.status).toBe(200);
    expect(detail.body.name).toBe('钱大爷');
    expect(detail.body.messages.map((m: { direction: string; text: string }) => [m.direction, m.text])).toEqual([
      ['in', '在吗'], ['in', '低保怎么申请'], ['in', '菜单'], ['in', '退订'],
    ]);
    expect(detail.body.messages[0].at).toMatch(/\+08:00$/);
    const sent = await http.post(`/api/handoffs/${h.id}/reply`).set('Authorization', `Bearer ${w.token}`).send({ text: '钱大爷，低保我下午去您家细说' });
    expect(sent.status).toBe(201);
    expect(sent.body.handoff).toMatchObject({ status: 'taken', takenBy: w.id });
    const row = await ctx.db.manager.findOneOrFail(OutboxMessage, { where: { toContactId: contact, kind: 'handoff_reply' } });
    expect(row.text).toBe('社工周敏：钱大爷，低保我下午去您家细说');
    const after = await http.get(`/api/handoffs/${h.id}`).set('Authorization', `Bearer ${w.token}`);
    expect(after.body.messages.at(-1)).toMatchObject({ direction: 'out', text: '钱大爷，低保我下午去您家细说' });
    // The resident answers; the worker who took it hears of it on WeChat.
    await bot().say(s.id, contact, '好的谢谢');
    const toWorker = await ctx.db.manager.findOneOrFail(OutboxMessage, { where: { toContactId: `zm-${s.id}`, kind: 'handoff_message' } });
    expect(toWorker.text).toContain('好的谢谢');
    // Validation and boundaries.
    expect((await http.post(`/api/handoffs/${h.id}/reply`).set('Authorization', `Bearer ${w.token}`).send({ text: ' ' })).status).toBe(400);
    const foreign = await createWorker(ctx);
    expect((await http.post(`/api/handoffs/${h.id}/reply`).set('Authorization', `Bearer ${foreign.token}`).send({ text: 'x' })).status).toBe(404);
    expect((await http.get(`/api/handoffs/${h.id}`).set('Authorization', `Bearer ${foreign.token}`)).status).toBe(404);
    await http.post(`/api/handoffs/${h.id}/close`).set('Authorization', `Bearer ${w.token}`);
    const late = await http.post(`/api/handoffs/${h.id}/reply`).set('Authorization', `Bearer ${w.token}`).send({ text: '还在吗' });
    expect(late.status).toBe(409);
    void r;
  });

  it('报平安 and emergencies still work during a hand-off', async () => {
    const { ctx } = env();
    const { s, r, contact } = await setup();
    await ctx.services.checkinPlans.savePlan({ kind: 'worker', id: 0, role: 'worker', stationId: s.id, county: '临泽县', name: 'x' }, r.id, { enabled: true, remindAt: '10:00', secondReminderMinutes: 60, graceMinutes: 120 });
    await bot().say(s.id, contact, '5');
    expect((await bot().say(s.id, contact, '报平安'))[0]).toContain('平安');
    expect((await bot().say(s.id, contact, '我摔倒了'))[0]).toContain('120');
    expect(await ctx.db.manager.count(Alert, { where: { stationId: s.id, type: 'help_call' } })).toBe(1);
  });

  it('nobody takes it: reminded once after two hours, closed with a note after a day, the bot saying so; taking cancels the reminder', async () => {
    const { ctx, clock } = env();
    const { s, w, contact } = await setup();
    const start = clock.now();
    try {
      await bot().say(s.id, contact, '人工');
      const h = await ctx.db.manager.findOneOrFail(Handoff, { where: { stationId: s.id, contactId: contact } });
      const reminded = () => ctx.db.manager.count(OutboxMessage, { where: { refType: 'handoff', refId: h.id, kind: 'handoff_reminder' } });
      clock.set(new Date(start.getTime() + 60 * 60_000));
      await ctx.services.jobs.runNow('handoffs', clock.now());
      expect(await reminded()).toBe(0);
      clock.set(new Date(start.getTime() + 2 * 3600_000 + 60_000));
      await ctx.services.jobs.runNow('handoffs', clock.now());
      await ctx.services.jobs.runNow('handoffs', new Date(clock.now().getTime() + 5 * 60_000));
      const reminders = await ctx.db.manager.find(OutboxMessage, { where: { refType: 'handoff', refId: h.id, kind: 'handoff_reminder' } });
      expect(reminders).toHaveLength(1);
      expect(reminders[0].text).toContain('还没有人接手');
      clock.set(new Date(start.getTime() + 24 * 3600_000 + 60_000));
      await ctx.services.jobs.runNow('handoffs', clock.now());
      const closed = await ctx.db.manager.findOneByOrFail(Handoff, { id: h.id });
      expect(closed).toMatchObject({ status: 'closed', note: '无人接手，已自动结束' });
      const told = await ctx.db.manager.findOneOrFail(OutboxMessage, { where: { toContactId: contact, kind: 'handoff_closed' } });
      expect(told.text).toContain('0936-5520001');

      // A second one, taken before the reminder went: the queued notices are cancelled.
      await bot().say(s.id, contact, '人工');
      const h2 = await ctx.db.manager.findOneOrFail(Handoff, { where: { stationId: s.id, contactId: contact, status: 'open' } });
      await ctx.services.handoffs.take(actorOf(w), h2.id);
      const noticesOf = () => ctx.db.manager.find(OutboxMessage, { where: { refType: 'handoff', refId: h2.id, kind: In(['handoff', 'handoff_reminder']) } });
      // The bot's sender may have had a notice in flight when the hand-off was taken: let it land (bounded wait).
      let notices = await noticesOf();
      for (let i = 0; i < 100 && notices.some((n) => n.status === 'sending'); i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        notices = await noticesOf();
      }
      expect(notices.every((n) => n.status === 'cancelled' || n.status === 'sent')).toBe(true);
      expect(await ctx.db.manager.count(HandoffMessage, { where: { handoffId: h2.id } })).toBe(0);
    } finally {
      clock.set(start);
    }
  });
});
