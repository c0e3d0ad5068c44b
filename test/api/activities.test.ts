import request from 'supertest';
import { Activity, ActivitySignup, OutboxMessage, ServiceRecord } from '../../entities';
import { atLocal } from '../../services/time';
import { createCommunity, createResident, createStation, createWorker } from '../factories';
import { useTestEnv } from '../helpers';

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
let seq = 0;

describe('activities and sign-ups', () => {
  const env = useTestEnv();

  async function setup() {
    const { ctx, clock } = env();
    clock.set(atLocal('2026-12-03', '10:00'));
    const s = await createStation(ctx);
    const village = await createCommunity(ctx, { stationId: s.id, name: `沙河村${++seq}` });
    const other = await createCommunity(ctx, { stationId: s.id, name: `化音村${seq}` });
    const worker = await createWorker(ctx, { stationId: s.id });
    const foreign = await createWorker(ctx);
    const openid = `openid-act-${seq}`;
    const elder = await createResident(ctx, { stationId: s.id, communityId: village.id, name: '王秀英', gender: 'female', birthDate: '1944-03-12', tags: ['living_alone'], openid, wechatContactId: `wx-act-${seq}` });
    const resident = { ...elder, token: ctx.services.auth.residentToken(openid) };
    return { s, village, other, worker, foreign, resident };
  }

  const body = (over: Record<string, unknown> = {}) => ({
    title: '义诊', description: '县医院医生来村里量血压', startsAt: '2026-12-05T09:00:00+08:00', endsAt: '2026-12-05T11:00:00+08:00',
    location: '沙河村委会', capacity: 10, audience: { all: true }, ...over,
  });

  it('creates an activity (201) and refuses bad input with a Chinese reason', async () => {
    const { app } = env();
    const { worker, village, foreign } = await setup();
    const http = request(app.callback());
    const ok = await http.post('/api/activities').set(bearer(worker.token)).send(body({ audience: { communityIds: [village.id] }, kind: 'group' }));
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ id: expect.any(Number), title: '义诊', capacity: 10, signedUp: 0, available: 10, kind: 'group', startsAt: '2026-12-05T09:00:00+08:00' });
    const bad = async (over: Record<string, unknown>, status: number, code: string) => {
      const res = await http.post('/api/activities').set(bearer(worker.token)).send(body(over));
      expect([res.status, res.body.error.code]).toEqual([status, code]);
      expect(res.body.error.message).toMatch(/[\u4e00-\u9fa5]/);
    };
    await bad({ startsAt: '2026-12-01T09:00:00+08:00', endsAt: '2026-12-01T10:00:00+08:00' }, 400, 'starts_in_past');
    await bad({ startsAt: '2029-12-05T09:00:00+08:00', endsAt: '2029-12-05T10:00:00+08:00' }, 400, 'starts_too_far');
    await bad({ endsAt: '2026-12-05T08:00:00+08:00' }, 400, 'ends_before_start');
    await bad({ audience: {} }, 400, 'empty_audience');
    await bad({ audience: { tags: ['rich_people'] } }, 400, 'validation_failed');
    const foreignCommunity = await createCommunity(env().ctx);
    await bad({ audience: { communityIds: [foreignCommunity.id] } }, 404, 'not_found');
    await bad({ signupDeadline: '2026-12-06T09:00:00+08:00' }, 400, 'bad_deadline');
    await bad({ title: '' }, 400, 'validation_failed');
    expect((await http.post('/api/activities').send(body())).status).toBe(401);
    expect((await http.post('/api/activities').set(bearer(foreign.token)).send(body({ stationId: worker.stationId }))).status).toBe(404);
  });

  it('lists upcoming activities publicly per station, each reader seeing what is for them', async () => {
    const { app } = env();
    const { s, worker, village, other, resident, foreign } = await setup();
    const http = request(app.callback());
    const post = (over: Record<string, unknown>) => http.post('/api/activities').set(bearer(worker.token)).send(body(over));
    await post({ title: '全站读书角', audience: { all: true } });
    await post({ title: '本村义诊', audience: { communityIds: [village.id] } });
    await post({ title: '邻村义诊', audience: { communityIds: [other.id] } });
    await post({ title: '独居老人关爱', audience: { tags: ['living_alone'] } });
    await post({ title: '留守儿童小组', audience: { tags: ['left_behind_child'] } });
    const titles = (res: request.Response) => res.body.items.map((a: { title: string }) => a.title).sort();
    expect(titles(await http.get(`/api/activities?stationId=${s.id}`))).toEqual(['全站读书角', '本村义诊', '邻村义诊'].sort());
    expect(titles(await http.get('/api/activities').set(bearer(resident.token)))).toEqual(['全站读书角', '本村义诊', '独居老人关爱'].sort());
    expect((await http.get('/api/activities').set(bearer(worker.token))).body.total).toBe(5);
    expect((await http.get(`/api/activities?stationId=${s.id}`).set(bearer(foreign.token))).body.total).toBe(3);
    const none = await http.get('/api/activities');
    expect(none.status).toBe(400);
  });

  it('signs up a resident (self or by a worker), refuses duplicates, full, closed and other stations', async () => {
    const { app, ctx, clock } = env();
    const { s, worker, foreign, resident, village } = await setup();
    const http = request(app.callback());
    const act = (await http.post('/api/activities').set(bearer(worker.token)).send(body({ capacity: 2, signupDeadline: '2026-12-04T18:00:00+08:00' }))).body;
    const self = await http.post(`/api/activities/${act.id}/signups`).set(bearer(resident.token)).send({});
    expect(self.status).toBe(201);
    expect(self.body).toMatchObject({ activityId: act.id, residentId: resident.id, status: 'signed_up' });
    const again = await http.post(`/api/activities/${act.id}/signups`).set(bearer(resident.token)).send({});
    expect([again.status, again.body.error.code]).toEqual([409, 'already_signed_up']);
    const other = await createResident(ctx, { stationId: s.id, communityId: village.id });
    expect((await http.post(`/api/activities/${act.id}/signups`).set(bearer(resident.token)).send({ residentId: other.id })).status).toBe(403);
    expect((await http.post(`/api/activities/${act.id}/signups`).set(bearer(worker.token)).send({})).status).toBe(400);
    expect((await http.post(`/api/activities/${act.id}/signups`).set(bearer(worker.token)).send({ residentId: other.id })).status).toBe(201);
    const third = await createResident(ctx, { stationId: s.id, communityId: village.id });
    const full = await http.post(`/api/activities/${act.id}/signups`).set(bearer(worker.token)).send({ residentId: third.id });
    expect([full.status, full.body.error.code, full.body.error.message]).toEqual([409, 'activity_full', '名额已满']);
    // Another station's worker, or a resident of another station.
    expect((await http.post(`/api/activities/${act.id}/signups`).set(bearer(foreign.token)).send({ residentId: third.id })).status).toBe(404);
    const stranger = await createResident(ctx);
    const cancel = await http.post(`/api/activities/${act.id}/signups/cancel`).set(bearer(resident.token)).send({});
    expect(cancel.body.status).toBe('cancelled');
    expect((await http.post(`/api/activities/${act.id}/signups`).set(bearer(worker.token)).send({ residentId: stranger.id })).status).toBe(404);
    // The freed seat is taken; the list shows names to the station only.
    expect((await http.post(`/api/activities/${act.id}/signups`).set(bearer(worker.token)).send({ residentId: third.id })).status).toBe(201);
    const list = await http.get(`/api/activities/${act.id}/signups?status=signed_up`).set(bearer(worker.token));
    expect(list.body.total).toBe(2);
    expect(list.body.items[0].residentName).toBeTruthy();
    expect((await http.get(`/api/activities/${act.id}/signups`).set(bearer(foreign.token))).status).toBe(404);
    expect((await ctx.db.manager.findOneByOrFail(Activity, { id: act.id })).signedUp).toBe(2);
    // Past the deadline: closed, even with a seat free.
    await http.post(`/api/activities/${act.id}/signups/cancel`).set(bearer(worker.token)).send({ residentId: third.id });
    clock.set(atLocal('2026-12-04', '18:00'));
    const late = await http.post(`/api/activities/${act.id}/signups`).set(bearer(resident.token)).send({});
    expect([late.status, late.body.error.code]).toEqual([409, 'signup_closed']);
    const mine = await http.get('/api/me/signups').set(bearer(resident.token));
    expect(mine.body.total).toBe(0);
  });

  it('keeps capacity under concurrent sign-ups: exactly the seats, one per resident', async () => {
    const { app, ctx } = env();
    const { s, worker, village } = await setup();
    const http = request(app.callback());
    const act = (await http.post('/api/activities').set(bearer(worker.token)).send(body({ capacity: 10 }))).body;
    const people = [];
    for (let i = 0; i < 30; i++) people.push(await createResident(ctx, { stationId: s.id, communityId: village.id }));
    const results = await Promise.all([...people, people[0], people[0], people[1]].map((r) =>
      http.post(`/api/activities/${act.id}/signups`).set(bearer(worker.token)).send({ residentId: r.id })));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((x) => x === 201)).toHaveLength(10);
    expect(statuses.filter((x) => x !== 201 && x !== 409)).toEqual([]);
    expect((await ctx.db.manager.findOneByOrFail(Activity, { id: act.id })).signedUp).toBe(10);
    expect(await ctx.db.manager.count(ActivitySignup, { where: { activityId: act.id, status: 'signed_up' } })).toBe(10);
  });

  it('reminds those signed up the day before, once however often the job runs', async () => {
    const { app, ctx, clock } = env();
    const { worker, resident } = await setup();
    const http = request(app.callback());
    const act = (await http.post('/api/activities').set(bearer(worker.token)).send(body())).body;
    await http.post(`/api/activities/${act.id}/signups`).set(bearer(resident.token)).send({});
    clock.set(atLocal('2026-12-03', '17:00'));
    expect((await ctx.services.jobs.runNow('activity-reminders')).queued).toBe(0);
    clock.set(atLocal('2026-12-04', '09:00'));
    expect((await ctx.services.jobs.runNow('activity-reminders')).queued).toBe(1);
    expect((await ctx.services.jobs.runNow('activity-reminders')).queued).toBe(0);
    const rows = await ctx.db.manager.find(OutboxMessage, { where: { refType: 'activity', refId: act.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0].toContactId).toBe(resident.wechatContactId);
    expect(rows[0].text).toContain('王奶奶');
    expect(rows[0].text).toContain('明天12月5日（周六）上午9:00');
  });

  it('reminds a mini-program-only resident by subscription message, and one on both on the bot with the fall-over', async () => {
    const { app, ctx, clock } = env();
    const { s, village, worker, resident } = await setup();
    const http = request(app.callback());
    const miniOnly = await createResident(ctx, { stationId: s.id, communityId: village.id, name: '刘桂兰', openid: `openid-mini-${seq}` });
    const neither = await createResident(ctx, { stationId: s.id, communityId: village.id, name: '赵大山' });
    const act = (await http.post('/api/activities').set(bearer(worker.token)).send(body())).body;
    for (const r of [resident, miniOnly, neither]) {
      expect((await http.post(`/api/activities/${act.id}/signups`).set(bearer(worker.token)).send({ residentId: r.id })).status).toBe(201);
    }
    clock.set(atLocal('2026-12-04', '09:00'));
    expect((await ctx.services.jobs.runNow('activity-reminders')).queued).toBe(2);
    const rows = await ctx.db.manager.find(OutboxMessage, { where: { refType: 'activity', refId: act.id, kind: 'activity_reminder' }, order: { id: 'ASC' } });
    expect(rows.map((r) => [r.channel, r.toContactId, r.toOpenid, r.purpose])).toEqual([
      ['bot', resident.wechatContactId, resident.openid, 'activity_reminder'],
      ['miniapp', `mp:${miniOnly.openid}`, miniOnly.openid, 'activity_reminder'],
    ]);
  });

  it('lists a resident\'s sign-ups for the workers of their station only', async () => {
    const { app } = env();
    const { worker, foreign, resident } = await setup();
    const http = request(app.callback());
    const act = (await http.post('/api/activities').set(bearer(worker.token)).send(body({ title: '读书角' }))).body;
    await http.post(`/api/activities/${act.id}/signups`).set(bearer(resident.token)).send({});
    const own = await http.get(`/api/residents/${resident.id}/signups`).set(bearer(worker.token));
    expect(own.status).toBe(200);
    expect(own.body.items.map((x: { activity: { title: string } }) => x.activity.title)).toEqual(['读书角']);
    expect((await http.get(`/api/residents/${resident.id}/signups`).set(bearer(foreign.token))).status).toBe(404);
  });

  it('records attendance after the start as one service record of the activity', async () => {
    const { app, ctx, clock } = env();
    const { s, worker, resident, village, foreign } = await setup();
    const http = request(app.callback());
    const act = (await http.post('/api/activities').set(bearer(worker.token)).send(body({ kind: 'group' }))).body;
    const b = await createResident(ctx, { stationId: s.id, communityId: village.id });
    const walkIn = await createResident(ctx, { stationId: s.id, communityId: village.id });
    await http.post(`/api/activities/${act.id}/signups`).set(bearer(resident.token)).send({});
    await http.post(`/api/activities/${act.id}/signups`).set(bearer(worker.token)).send({ residentId: b.id });
    const early = await http.post(`/api/activities/${act.id}/attendance`).set(bearer(worker.token)).send({ attended: [resident.id] });
    expect([early.status, early.body.error.code]).toEqual([400, 'not_started']);
    clock.set(atLocal('2026-12-05', '11:30'));
    expect((await http.post(`/api/activities/${act.id}/attendance`).set(bearer(foreign.token)).send({ attended: [resident.id] })).status).toBe(404);
    const stranger = await createResident(ctx);
    expect((await http.post(`/api/activities/${act.id}/attendance`).set(bearer(worker.token)).send({ attended: [stranger.id] })).status).toBe(404);
    const first = await http.post(`/api/activities/${act.id}/attendance`).set(bearer(worker.token)).send({ attended: [resident.id, walkIn.id], noShow: [b.id] });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ attended: 2, noShow: 1, type: 'group' });
    const again = await http.post(`/api/activities/${act.id}/attendance`).set(bearer(worker.token)).send({ attended: [b.id], noShow: [] });
    expect(again.body.serviceRecordId).toBe(first.body.serviceRecordId);
    const records = await ctx.db.manager.find(ServiceRecord, { where: { activityId: act.id } });
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ type: 'group', date: '2026-12-05', stationId: s.id });
    expect([...records[0].residentIds].sort((x, y) => x - y)).toEqual([resident.id, b.id, walkIn.id].sort((x, y) => x - y));
  });

  it('cancels an activity and tells those signed up', async () => {
    const { app, ctx } = env();
    const { worker, resident } = await setup();
    const http = request(app.callback());
    const act = (await http.post('/api/activities').set(bearer(worker.token)).send(body())).body;
    await http.post(`/api/activities/${act.id}/signups`).set(bearer(resident.token)).send({});
    const res = await http.post(`/api/activities/${act.id}/cancel`).set(bearer(worker.token));
    expect(res.body.status).toBe('cancelled');
    expect((await http.post(`/api/activities/${act.id}/cancel`).set(bearer(worker.token))).status).toBe(409);
    const told = await ctx.db.manager.find(OutboxMessage, { where: { refType: 'activity', refId: act.id, kind: 'activity_cancelled' } });
    expect(told).toHaveLength(1);
    expect((await http.post(`/api/activities/${act.id}/signups`).set(bearer(worker.token)).send({ residentId: resident.id })).body.error.code).toBe('activity_cancelled');
  });
});
