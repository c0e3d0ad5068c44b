import request from 'supertest';
import { Alert, Broadcast, OutboxMessage, Resident } from '../../entities';
import { OutboxSender } from '../../bot/sender';
import { atLocal } from '../../services/time';
import { createCommunity, createResident, createStation, createWorker } from '../factories';
import { useTestEnv } from '../helpers';

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
let seq = 0;

/** A transport that delivers, failing for the contacts in `failFor`. */
function transport(failFor = new Set<string>()) {
  const sent: { to: string; text: string }[] = [];
  return {
    sent,
    deliver: async (row: { toContactId: string; text: string }) => {
      if (failFor.has(row.toContactId)) throw new Error('对方账号异常');
      sent.push({ to: row.toContactId, text: row.text });
      return row.toContactId;
    },
    isUp: () => true,
  };
}

describe('broadcasts and the delivery report', () => {
  const env = useTestEnv();

  async function scene() {
    const { ctx, clock } = env();
    clock.set(atLocal('2026-12-03', '10:00'));
    const s = await createStation(ctx);
    const village = await createCommunity(ctx, { stationId: s.id });
    const other = await createCommunity(ctx, { stationId: s.id });
    const worker = await createWorker(ctx, { stationId: s.id, wechatContactId: `wx-w-${++seq}` });
    const foreign = await createWorker(ctx);
    const n = seq;
    const elder = await createResident(ctx, { stationId: s.id, communityId: village.id, name: '王秀英', gender: 'female', birthDate: '1944-03-12', tags: ['living_alone'], wechatContactId: `wx-b-${n}-1` });
    const young = await createResident(ctx, { stationId: s.id, communityId: village.id, name: '周丽娟', gender: 'female', birthDate: '1988-05-20', tags: ['left_behind_woman'], wechatContactId: `wx-b-${n}-2` });
    const out = await createResident(ctx, { stationId: s.id, communityId: village.id, name: '赵永福', tags: ['living_alone'], wechatContactId: `wx-b-${n}-3`, optedOut: true });
    const unbound = await createResident(ctx, { stationId: s.id, communityId: village.id, name: '刘振华', tags: ['living_alone'] });
    const neighbour = await createResident(ctx, { stationId: s.id, communityId: other.id, name: '马德才', tags: ['disabled'], wechatContactId: `wx-b-${n}-4` });
    await createResident(ctx, { stationId: s.id, communityId: village.id, name: '何秀兰', status: 'in_hospital', wechatContactId: `wx-b-${n}-5` });
    return { ctx, clock, s, village, other, worker, foreign, elder, young, out, unbound, neighbour, http: request(env().app.callback()) };
  }

  it('previews an audience: who will be messaged, who opted out, who cannot be reached; bad audiences are 4xx in Chinese', async () => {
    const { http, worker, foreign, village, other } = await scene();
    const preview = (audience: unknown, token = worker.token) => http.post('/api/broadcasts/preview').set(bearer(token)).send({ audience });
    const all = await preview({ communityIds: [village.id] });
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ recipients: 2, optedOut: 1, unreachable: 1, messages: 2, budget: { days: 1 }, warning: null });
    expect((await preview({ all: true })).body).toMatchObject({ recipients: 3, optedOut: 1, unreachable: 1 });
    expect((await preview({ tags: ['living_alone'] })).body).toMatchObject({ recipients: 1, optedOut: 1, unreachable: 1 });
    expect((await preview({ tags: ['disabled'], communityIds: [village.id] })).body.recipients).toBe(0);
    expect((await preview({ communityIds: [other.id], tags: ['disabled'] })).body.recipients).toBe(1);
    const empty = await preview({});
    expect([empty.status, empty.body.error.code]).toEqual([400, 'empty_audience']);
    expect(empty.body.error.message).toContain('请选择发给谁');
    const tag = await preview({ tags: ['vip'] });
    expect(tag.status).toBe(400);
    expect(tag.body.error.message).toContain('未知的标签：vip');
    const foreignVillage = await createCommunity(env().ctx);
    expect((await preview({ communityIds: [foreignVillage.id] })).status).toBe(404);
    const stranger = await createResident(env().ctx);
    expect((await preview({ residentIds: [stranger.id] })).status).toBe(404);
    expect((await preview({ all: true }, foreign.token)).body.recipients).toBe(0);
  });

  it('sends now: one keyed outbox row per recipient with {name} filled in; a retried request or a second release adds nothing', async () => {
    const { ctx, http, worker, village, elder, young, s } = await scene();
    const body = { text: '{name}您好！明天上午8点到12点停水，请提前储水。', audience: { communityIds: [village.id] } };
    const res = await http.post('/api/broadcasts').set(bearer(worker.token)).set('Idempotency-Key', `stop-water-${seq}`).send(body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id: expect.any(Number), recipients: 2, optedOut: 1, unreachable: 1, status: 'queued' });
    const rows = await ctx.db.manager.find(OutboxMessage, { where: { refType: 'broadcast', refId: res.body.id }, order: { id: 'ASC' } });
    expect(rows.map((r) => [r.toContactId, r.text, r.dedupeKey])).toEqual([
      [elder.wechatContactId, '王奶奶您好！明天上午8点到12点停水，请提前储水。', `broadcast:${res.body.id}:r${elder.id}`],
      [young.wechatContactId, '周丽娟您好！明天上午8点到12点停水，请提前储水。', `broadcast:${res.body.id}:r${young.id}`],
    ]);
    const again = await http.post('/api/broadcasts').set(bearer(worker.token)).set('Idempotency-Key', `stop-water-${seq}`).send(body);
    expect(again.body.id).toBe(res.body.id);
    // Without a key, the same request a moment later is the same broadcast too.
    const plain1 = await http.post('/api/broadcasts').set(bearer(worker.token)).send({ ...body, text: '另一条' });
    const plain2 = await http.post('/api/broadcasts').set(bearer(worker.token)).send({ ...body, text: '另一条' });
    expect(plain2.body.id).toBe(plain1.body.id);
    await ctx.services.broadcasts.release(await ctx.db.manager.findOneByOrFail(Broadcast, { id: res.body.id }));
    await ctx.services.jobs.runNow('broadcasts');
    await ctx.services.jobs.runNow('broadcasts');
    expect(await ctx.db.manager.count(OutboxMessage, { where: { refType: 'broadcast', stationId: s.id } })).toBe(4);
  });

  it('reports delivery: sent, failed after the retries (and the workers told whom to phone), opted out, unreachable, each recipient\'s state', async () => {
    const { ctx, clock, http, worker, elder, young, s, village } = await scene();
    const res = await http.post('/api/broadcasts').set(bearer(worker.token)).send({ text: '防诈骗提醒：陌生电话要钱一律挂断。', audience: { communityIds: [village.id] } });
    const id = res.body.id;
    const queued = await http.get(`/api/broadcasts/${id}`).set(bearer(worker.token));
    expect(queued.body).toEqual(expect.objectContaining({ id, status: 'sending', recipients: 2, queued: 2, sent: 0, failed: 0, optedOut: 1, unreachable: 1 }));
    const t = transport(new Set([young.wechatContactId!]));
    const sender = new OutboxSender(ctx, s.id, t, { gapMs: 0, alertAfterFailures: 100 });
    for (let i = 0; i < 6; i++) {
      await sender.tick();
      clock.set(new Date(clock.now().getTime() + 60 * 60_000));
    }
    await sender.stop();
    expect(t.sent.filter((x) => x.to === elder.wechatContactId)).toHaveLength(1);
    const report = (await http.get(`/api/broadcasts/${id}`).set(bearer(worker.token))).body;
    expect(report).toMatchObject({ status: 'done', recipients: 2, queued: 0, sent: 1, failed: 1, optedOut: 1, unreachable: 1 });
    const list = (await http.get(`/api/broadcasts/${id}/recipients`).set(bearer(worker.token))).body;
    expect(list.total).toBe(4);
    const states = Object.fromEntries(list.items.map((r: { name: string; state: string }) => [r.name, r.state]));
    expect(states).toEqual({ 王秀英: 'sent', 周丽娟: 'failed', 赵永福: 'opted_out', 刘振华: 'unreachable' });
    expect((await http.get(`/api/broadcasts/${id}/recipients?state=failed`).set(bearer(worker.token))).body.items[0]).toMatchObject({ name: '周丽娟', attempts: 5, error: '对方账号异常' });
    await ctx.services.jobs.runNow('broadcasts');
    await ctx.services.jobs.runNow('broadcasts');
    const told = await ctx.db.manager.find(OutboxMessage, { where: { kind: 'broadcast_failures', refId: id } });
    expect(told).toHaveLength(1);
    expect(told[0].toContactId).toBe(worker.wechatContactId);
    expect(told[0].text).toContain('周丽娟');
    expect(await ctx.db.manager.countBy(Alert, { stationId: s.id })).toBe(0);
    expect((await http.get(`/api/broadcasts/${id}`).set(bearer((await createWorker(ctx)).token))).status).toBe(404);
  });

  it('schedules: refuses times in the past or too far ahead; releases when due; a cancelled one never goes', async () => {
    const { ctx, clock, http, worker, village, s } = await scene();
    const post = (sendAt: string, text = '医保缴费12月31日截止') => http.post('/api/broadcasts').set(bearer(worker.token)).send({ text, audience: { communityIds: [village.id] }, sendAt });
    const past = await post('2026-12-02T10:00:00+08:00');
    expect([past.status, past.body.error.code]).toEqual([400, 'send_at_past']);
    const far = await post('2029-12-03T10:00:00+08:00');
    expect([far.status, far.body.error.code]).toEqual([400, 'send_at_too_far']);
    const later = await post('2026-12-03T14:00:00+08:00');
    expect(later.body).toMatchObject({ status: 'scheduled', recipients: 2 });
    const dropped = await post('2026-12-03T15:00:00+08:00', '会撤回的通知');
    expect((await http.post(`/api/broadcasts/${dropped.body.id}/cancel`).set(bearer(worker.token))).body.status).toBe('cancelled');
    expect((await http.post(`/api/broadcasts/${dropped.body.id}/cancel`).set(bearer(worker.token))).status).toBe(409);
    clock.set(atLocal('2026-12-03', '13:59'));
    expect((await ctx.services.jobs.runNow('broadcasts')).released).toBe(0);
    expect((await http.get(`/api/broadcasts/${later.body.id}`).set(bearer(worker.token))).body).toMatchObject({ status: 'scheduled', recipients: 2, queued: 2, sent: 0 });
    clock.set(atLocal('2026-12-03', '16:00'));
    expect((await ctx.services.jobs.runNow('broadcasts')).released).toBe(1);
    expect(await ctx.db.manager.count(OutboxMessage, { where: { refType: 'broadcast', stationId: s.id } })).toBe(2);
  });

  it('splits a long notice into WeChat-sized parts, refuses a 5,000-character one with the reason, keeps quiet hours and 退订', async () => {
    const { ctx, clock, http, worker, village, elder, s } = await scene();
    const long = Array.from({ length: 50 }, (_, i) => `第${i + 1}条：冬季取暖注意通风，防止一氧化碳中毒。`).join('');
    const split = await http.post('/api/broadcasts').set(bearer(worker.token)).send({ text: long, audience: { residentIds: [elder.id] } });
    expect(split.body.parts).toBe(2);
    const parts = await ctx.db.manager.find(OutboxMessage, { where: { refType: 'broadcast', refId: split.body.id }, order: { id: 'ASC' } });
    expect(parts).toHaveLength(2);
    expect(parts.every((p) => p.text.length <= 1000)).toBe(true);
    expect(parts[0].text.endsWith('（1/2）')).toBe(true);
    const huge = await http.post('/api/broadcasts').set(bearer(worker.token)).send({ text: '字'.repeat(5000), audience: { all: true } });
    expect([huge.status, huge.body.error.code]).toEqual([400, 'text_too_long']);
    expect(huge.body.error.message).toContain('5000字');
    clock.set(atLocal('2026-12-03', '22:00'));
    const night = await http.post('/api/broadcasts').set(bearer(worker.token)).send({ text: '夜里写的通知', audience: { communityIds: [village.id] } });
    const rows = await ctx.db.manager.find(OutboxMessage, { where: { refType: 'broadcast', refId: night.body.id } });
    expect(rows.every((r) => r.notBefore.getTime() === atLocal('2026-12-04', '08:00').getTime())).toBe(true);
    await ctx.services.broadcasts.setOptedOut(elder, true);
    expect((await ctx.db.manager.findOneByOrFail(OutboxMessage, { toContactId: elder.wechatContactId!, refId: night.body.id })).status).toBe('cancelled');
    expect((await http.get(`/api/broadcasts/${night.body.id}`).set(bearer(worker.token))).body).toMatchObject({ recipients: 1, optedOut: 2 });
    expect((await ctx.db.manager.findOneByOrFail(Resident, { id: elder.id })).optedOut).toBe(true);
    const nobody = await http.post('/api/broadcasts').set(bearer(worker.token)).send({ text: '没人收', audience: { residentIds: [elder.id] } });
    expect([nobody.status, nobody.body.error.code]).toEqual([400, 'no_recipients']);
    expect(await ctx.db.manager.count(Broadcast, { where: { stationId: s.id, text: '没人收' } })).toBe(0);
  });

  it('sends an activity\'s notice to its audience and to community WeChat groups when asked', async () => {
    const { ctx, http, worker, village, s, foreign } = await scene();
    const act = (await http.post('/api/activities').set(bearer(worker.token)).send({
      title: '义诊', description: '量血压', startsAt: '2026-12-05T09:00:00+08:00', endsAt: '2026-12-05T11:00:00+08:00', location: '村委会', capacity: 30,
      audience: { communityIds: [village.id] },
    })).body;
    expect((await http.put(`/api/communities/${village.id}/room`).set(bearer(worker.token)).send({ roomId: 'bad-room' })).status).toBe(400);
    expect((await http.put(`/api/communities/${village.id}/room`).set(bearer(foreign.token)).send({ roomId: `v${seq}@chatroom` })).status).toBe(404);
    expect((await http.put(`/api/communities/${village.id}/room`).set(bearer(worker.token)).send({ roomId: `v${seq}@chatroom` })).body.roomId).toBe(`v${seq}@chatroom`);
    const res = await http.post('/api/broadcasts').set(bearer(worker.token)).send({ activityId: act.id, audience: { communityIds: [village.id], rooms: true } });
    expect(res.status).toBe(201);
    const rows = await ctx.db.manager.find(OutboxMessage, { where: { refType: 'broadcast', refId: res.body.id }, order: { id: 'ASC' } });
    expect(rows.map((r) => r.toContactId)).toContain(`v${seq}@chatroom`);
    expect(rows[0].text).toContain('王奶奶您好！12月5日（周六）上午9:00，村委会有“义诊”（限30人）');
    expect(rows.find((r) => r.toContactId.endsWith('@chatroom'))!.text).toContain('大家您好');
    const foreignAct = await http.post('/api/broadcasts').set(bearer(foreign.token)).send({ activityId: act.id, audience: { all: true } });
    expect(foreignAct.status).toBe(404);
    expect(await ctx.db.manager.count(OutboxMessage, { where: { refType: 'broadcast', stationId: s.id } })).toBe(3);
  });
});

describe('broadcasts over the send budget', () => {
  const env = useTestEnv({ env: { SEND_DAILY_CAP: '100', SEND_HOURLY_CAP: '50', SEND_GAP_MS: '3000' } });

  it('says how long it will take and warns before sending', async () => {
    const { ctx, clock, app } = env();
    clock.set(atLocal('2026-12-03', '10:00'));
    const s = await createStation(ctx);
    const village = await createCommunity(ctx, { stationId: s.id });
    const worker = await createWorker(ctx, { stationId: s.id });
    await ctx.db.manager.insert(Resident, Array.from({ length: 250 }, (_, i) => ({
      stationId: s.id, communityId: village.id, name: `居民${i}`, tags: [], status: 'active' as const, riskTier: 'general' as const, optedOut: false, wechatContactId: `cap-${i}`,
    })));
    const http = request(app.callback());
    const preview = await http.post('/api/broadcasts/preview').set(bearer(worker.token)).send({ audience: { all: true } });
    expect(preview.body).toMatchObject({ recipients: 250, messages: 250, exceedsDailyBudget: true, budget: { dailyCap: 100, hourlyCap: 50, days: 4 } });
    expect(preview.body.warning).toContain('每天最多发100条');
    expect(preview.body.warning).toContain('预计4天发完');
    const res = await http.post('/api/broadcasts').set(bearer(worker.token)).send({ text: '通知', audience: { all: true } });
    expect(res.status).toBe(201);
    expect(res.body.warning).toContain('预计4天发完');
  });
});
