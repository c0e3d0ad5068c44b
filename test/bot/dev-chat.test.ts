import request from 'supertest';
import { actorOf, createFamily, createResident, createStation, createWorker } from '../factories';
import { useTestEnv } from '../helpers';
import { startTestBot, TestBot } from './harness';

describe('simulator endpoints through a started bot', () => {
  const env = useTestEnv();
  let bot: TestBot;
  afterAll(async () => {
    await bot?.stop();
  });

  it('answers 503 before the bot runs, then chats and lists what was sent, ids increasing', async () => {
    const { app, ctx } = env();
    const s1 = await createStation(ctx, { name: '沙河镇社工站' });
    const s2 = await createStation(ctx, { name: '鸭暖镇社工站' });
    const http = request(app.callback());
    expect((await http.post('/api/dev/chat').send({ from: 'x', text: '你好' })).status).toBe(503);
    bot = await startTestBot(ctx);

    const stations = await http.get('/api/dev/stations');
    expect(stations.body.items).toEqual(expect.arrayContaining([{ id: s1.id, name: '沙河镇社工站' }, { id: s2.id, name: '鸭暖镇社工站' }]));

    const first = await http.post('/api/dev/chat').send({ from: 'sim-wang', name: '王奶奶', text: '你好', stationId: s2.id });
    expect(first.status).toBe(200);
    expect(first.body.replies).toHaveLength(1);
    expect(first.body.replies[0]).toContain('鸭暖镇社工站小助手');

    const sent = await http.get('/api/dev/sent').query({ to: 'sim-wang' });
    expect(sent.body.items).toHaveLength(1);
    const lastId = sent.body.items[0].id;
    expect(sent.body.items[0].sentAt).toMatch(/\+08:00$/);

    // A proactive message queued in the outbox is pushed within a second (mock: no gap).
    await ctx.services.outbox.enqueue({ stationId: s2.id, toContactId: 'sim-wang', text: '活动通知：周五包饺子', kind: 'test' });
    let pushed: { id: number; text: string }[] = [];
    for (let i = 0; i < 50 && !pushed.length; i++) {
      pushed = (await http.get('/api/dev/sent').query({ to: 'sim-wang', after: lastId })).body.items;
      if (!pushed.length) await new Promise((r) => setTimeout(r, 20));
    }
    expect(pushed.map((p) => p.text)).toEqual(['活动通知：周五包饺子']);
    expect(pushed[0].id).toBeGreaterThan(lastId);

    expect((await http.post('/api/dev/chat').send({ from: 'a@b', text: 'x' })).status).toBe(400);
    expect((await http.post('/api/dev/chat').send({ from: 'x', text: '你好', stationId: 99999 })).status).toBe(404);
  });

  it('lists the bound contacts to pick from, and takes a voice note and a picture', async () => {
    const { app, ctx } = env();
    bot ??= await startTestBot(ctx);
    const s = await createStation(ctx, { name: '平川镇社工站' });
    const elder = await createResident(ctx, { stationId: s.id, name: '王秀英', wechatContactId: `sim-elder-${s.id}` });
    await ctx.services.checkinPlans.savePlan(actorOf(await createWorker(ctx, { stationId: s.id })), elder.id, { enabled: true, remindAt: '10:00', secondReminderMinutes: 60, graceMinutes: 120 });
    await createFamily(ctx, { residentId: elder.id, name: '王小明', relation: '儿子', wechatContactId: `sim-son-${s.id}` });
    await createWorker(ctx, { stationId: s.id, name: '赵敏', wechatContactId: `sim-worker-${s.id}` });
    const http = request(app.callback());
    const contacts = await http.get('/api/dev/contacts').query({ stationId: s.id });
    expect(contacts.status).toBe(200);
    expect(contacts.body.items).toEqual([
      { id: `sim-elder-${s.id}`, name: '王秀英', role: 'resident', label: '王秀英（居民）' },
      { id: `sim-son-${s.id}`, name: '王小明', role: 'family', label: '王小明（王秀英的儿子）' },
      { id: `sim-worker-${s.id}`, name: '赵敏', role: 'worker', label: '赵敏（社工）' },
    ]);
    expect((await http.get('/api/dev/contacts').query({ stationId: 99999 })).status).toBe(404);

    const voice = await http.post('/api/dev/chat').send({ from: `sim-elder-${s.id}`, kind: 'voice', stationId: s.id });
    expect(voice.status).toBe(200);
    // A voice note is a sign of life: the day is confirmed, and the bot says it cannot listen yet.
    expect(voice.body.replies.join('\n')).toContain('平安');
    expect(voice.body.replies.join('\n')).toContain('听不了语音');
    const picture = await http.post('/api/dev/chat').send({ from: 'sim-newcomer', kind: 'image', stationId: s.id });
    expect(picture.body.replies).toEqual([expect.stringContaining('看不了图片')]);
    expect((await http.post('/api/dev/chat').send({ from: 'x', kind: 'video' })).status).toBe(400);
  });
});
