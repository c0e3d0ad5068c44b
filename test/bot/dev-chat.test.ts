import request from 'supertest';
import { createStation } from '../factories';
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
});
