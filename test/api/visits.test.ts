import request from 'supertest';
import { Alert, ServiceRecord } from '../../entities';
import { actorOf, sentTo } from '../checkin-fixtures';
import { createWorker } from '../factories';
import { useTestEnv } from '../helpers';
import { visitScene } from '../visit-fixtures';

const at = (s: string) => new Date(`${s}+08:00`);

describe('home visits', () => {
  const env = useTestEnv({ now: '2026-12-03T09:00:00+08:00' });
  const api = () => request(env().app.callback());
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  let k = 0;

  it('lists visits due and overdue by risk tier, per worker', async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-03T09:00:00'));
    const s = await visitScene(ctx, ++k);
    const forA = await api().get(`/api/visits/due?workerId=${s.a.id}`).set(auth(s.a.token));
    expect(forA.status).toBe(200);
    expect(forA.body).toMatchObject({ date: '2026-12-03', intervals: { high: 7, priority: 30, general: 90 }, total: 2 });
    expect(forA.body.items).toEqual([
      expect.objectContaining({ name: '张桂兰', riskTier: 'general', riskTierLabel: '一般', intervalDays: 90, lastVisitDate: '2026-09-01', dueDate: '2026-11-30', daysOverdue: 3, status: 'overdue', caseWorkerId: null }),
      expect.objectContaining({ name: '王秀英', riskTier: 'high', intervalDays: 7, lastVisitDate: '2026-11-26', dueDate: '2026-12-03', daysOverdue: 0, status: 'due' }),
    ]);
    const forB = await api().get(`/api/visits/due?workerId=${s.b.id}`).set(auth(s.a.token));
    expect(forB.body.items.map((i: { name: string }) => i.name)).toEqual(['张桂兰']);
    const soon = await api().get(`/api/visits/due?workerId=${s.b.id}&withinDays=30`).set(auth(s.a.token));
    expect(soon.body.items).toEqual([expect.objectContaining({ name: '张桂兰' }), expect.objectContaining({ name: '李德福', status: 'upcoming', dueDate: '2026-12-20' })]);
    const all = await api().get('/api/visits/due').set(auth(s.a.token));
    expect(all.body.items.map((i: { name: string }) => i.name)).toEqual(['张桂兰', '王秀英']);

    const other = await visitScene(ctx, ++k);
    expect((await api().get(`/api/visits/due?workerId=${other.a.id}`).set(auth(s.a.token))).status).toBe(404);
    expect((await api().get('/api/visits/due?workerId=abc').set(auth(s.a.token))).status).toBe(400);
    const county = await createWorker(ctx, { role: 'county_admin' });
    expect((await api().get('/api/visits/due').set(auth(county.token))).status).toBe(403);
  });

  it('a recorded home visit resets the clock: through the API and by resolving an alert as visited', async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-03T09:00:00'));
    const s = await visitScene(ctx, ++k);
    const rec = await api().post('/api/service-records').set(auth(s.a.token)).send({ type: 'home_visit', residentIds: [s.zhang.id], date: '2026-12-02', summary: '家中整洁，身体尚可' });
    expect(rec.status).toBe(201);
    expect(rec.body).toMatchObject({ type: 'home_visit', residentIds: [s.zhang.id], date: '2026-12-02', summary: '家中整洁，身体尚可', createdBy: s.a.id });
    const { alert } = await ctx.services.alerts.raise({ stationId: s.station.id, residentId: s.wang.id, type: 'checkin_missed', summary: '王秀英未报平安' });
    const resolved = await api().post(`/api/alerts/${alert.id}/resolve`).set(auth(s.a.token)).send({ outcome: 'visited', note: '上门看过，平安' });
    expect(resolved.status).toBe(200);
    const due = await api().get(`/api/visits/due?workerId=${s.a.id}`).set(auth(s.a.token));
    expect(due.body.items).toEqual([]);
    const later = await api().get(`/api/visits/due?workerId=${s.a.id}&date=2026-12-10`).set(auth(s.a.token));
    expect(later.body.items).toEqual([expect.objectContaining({ name: '王秀英', lastVisitDate: '2026-12-03', dueDate: '2026-12-10', status: 'due' })]);
    const list = await api().get(`/api/service-records?type=home_visit&residentId=${s.wang.id}`).set(auth(s.a.token));
    expect(list.body).toMatchObject({ total: 2, items: [{ date: '2026-12-03', alertId: alert.id }, { date: '2026-11-26' }] });
    const ranged = await api().get('/api/service-records?from=2026-12-01&to=2026-12-02').set(auth(s.a.token));
    expect(ranged.body.items.map((r: { summary: string }) => r.summary)).toEqual(['家中整洁，身体尚可']);
    expect(await ctx.db.manager.count(Alert, { where: { id: alert.id, status: 'resolved' } })).toBe(1);
  });

  it('refuses bad service records with a clear 400 and writes nothing', async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-03T09:00:00'));
    const s = await visitScene(ctx, ++k);
    const other = await visitScene(ctx, ++k);
    const before = await ctx.db.manager.count(ServiceRecord);
    for (const [body, message] of [
      [{ type: 'home_visit', residentIds: [other.wang.id], date: '2026-12-02', summary: '走访' }, /不是本站居民/],
      [{ type: 'home_visit', residentIds: [s.wang.id, 999999], date: '2026-12-02', summary: '走访' }, /999999 不是本站居民/],
      [{ type: 'home_visit', residentIds: [s.wang.id], date: '2026-12-04', summary: '走访' }, /不能晚于今天/],
      [{ type: 'home_visit', residentIds: [s.wang.id], date: '2026-02-30', summary: '走访' }, /YYYY-MM-DD/],
      [{ type: 'visit', residentIds: [s.wang.id], date: '2026-12-02', summary: '走访' }, /应为以下之一/],
      [{ type: 'home_visit', residentIds: [], date: '2026-12-02', summary: '走访' }, /至少一位居民/],
      [{ type: 'home_visit', residentIds: [s.wang.id], date: '2026-12-02', summary: ' ' }, /不能为空/],
      [{ type: 'case', residentIds: [s.wang.id], date: '2026-12-02', summary: '个案', resourcesYuan: -5 }, /不能为负/],
    ] as [object, RegExp][]) {
      const res = await api().post('/api/service-records').set(auth(s.a.token)).send(body);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(message);
    }
    expect(await ctx.db.manager.count(ServiceRecord)).toBe(before);
  });

  it('intervals are configurable per station by its admin', async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-03T09:00:00'));
    const s = await visitScene(ctx, ++k);
    const other = await visitScene(ctx, ++k);
    const put = (body: object, token = s.admin.token, id = s.station.id) => api().put(`/api/stations/${id}/visit-intervals`).set(auth(token)).send(body);
    expect((await put({ high: 3, priority: 14, general: 60 })).body).toEqual({ high: 3, priority: 14, general: 60 });
    expect((await api().get(`/api/stations/${s.station.id}/visit-intervals`).set(auth(s.a.token))).body).toEqual({ high: 3, priority: 14, general: 60 });
    const due = await api().get(`/api/visits/due?workerId=${s.b.id}`).set(auth(s.a.token));
    // 李德福 (priority, 11-20) is now due 12-04: not yet; 张桂兰 (general, 09-01) is 33 days overdue.
    expect(due.body.items).toEqual([expect.objectContaining({ name: '张桂兰', intervalDays: 60, daysOverdue: 33 })]);
    expect((await put({ high: 30, priority: 14, general: 60 })).status).toBe(400);
    expect((await put({ high: 0, priority: 14, general: 60 })).status).toBe(400);
    expect((await put({ high: 3, priority: 14 })).status).toBe(400);
    expect((await put({ high: 3, priority: 14, general: 60 }, s.a.token)).status).toBe(403);
    expect((await put({ high: 3, priority: 14, general: 60 }, s.admin.token, other.station.id)).status).toBe(404);
  });

  it('assigns the worker who visits a resident (own station only)', async () => {
    const { ctx } = env();
    const s = await visitScene(ctx, ++k);
    const other = await visitScene(ctx, ++k);
    const put = (id: number, body: object) => api().put(`/api/residents/${id}/case-worker`).set(auth(s.a.token)).send(body);
    expect((await put(s.zhang.id, { workerId: s.b.id })).body).toEqual({ residentId: s.zhang.id, caseWorkerId: s.b.id });
    expect((await put(s.zhang.id, { workerId: other.a.id })).status).toBe(400);
    expect((await put(other.zhang.id, { workerId: s.a.id })).status).toBe(404);
    const forA = await api().get(`/api/visits/due?workerId=${s.a.id}`).set(auth(s.a.token));
    expect(forA.body.items.map((i: { name: string }) => i.name)).toEqual(['王秀英']);
  });

  it('the visits job sends each bound worker their morning list, once', async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-03T09:00:00'));
    const s = await visitScene(ctx, ++k);
    const lonely = await createWorker(ctx, { stationId: s.station.id, wechatContactId: `vc-${k}` });
    await ctx.services.visits.setCaseWorker(actorOf(s.a), s.zhang.id, s.a.id);
    clock.set(at('2026-12-04T08:00:00'));
    await Promise.all([ctx.services.jobs.runNow('visits'), ctx.services.jobs.runNow('visits')]);
    await ctx.services.jobs.runNow('visits');
    const toA = await sentTo(ctx, s.a.wechatContactId!);
    expect(toA.map((m) => m.text)).toEqual([[
      '【今日走访】赵敏，早上好！需要走访 2 户（逾期 2 户）：',
      `1. 张桂兰（沙河村${k}，一般·每季度）逾期4天，上次9月1日`,
      `2. 王秀英（沙河村${k}，高风险·每周）逾期1天，上次11月26日`,
      '走访后回复“走访 姓名 情况”记录，例如“走访 王秀英 情况良好”。',
    ].join('\n')]);
    expect(toA[0].notBefore.toISOString()).toBe(at('2026-12-04T08:00:00').toISOString());
    expect(await sentTo(ctx, s.b.wechatContactId!)).toHaveLength(0);
    expect(await sentTo(ctx, lonely.wechatContactId!)).toHaveLength(0);
  });
});
