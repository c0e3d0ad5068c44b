import request from 'supertest';
import { OutboxMessage, SatisfactionRating, ServiceRecordResident } from '../../entities';
import { actorOf, createBookableService, createResident, createSlot, createStation, createWorker } from '../factories';
import { useTestEnv } from '../helpers';

const at = (s: string) => new Date(`${s}+08:00`);

describe('service records (/api/service-records)', () => {
  const env = useTestEnv();
  const api = () => request(env().app.callback());
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  let k = 0;

  async function scene() {
    const { ctx, clock } = env();
    clock.set(at('2026-12-03T09:00:00'));
    k++;
    const station = await createStation(ctx);
    const other = await createStation(ctx);
    const worker = await createWorker(ctx, { stationId: station.id, name: '赵敏' });
    const colleague = await createWorker(ctx, { stationId: station.id, name: '何静' });
    const stranger = await createWorker(ctx, { stationId: other.id });
    const wang = await createResident(ctx, { stationId: station.id, name: '王秀英', wechatContactId: `sr-wang-${k}` });
    const li = await createResident(ctx, { stationId: station.id, name: '李德福' });
    const post = (body: object, token = worker.token) => api().post('/api/service-records').set(auth(token)).send(body);
    const list = (query: string, token = worker.token) => api().get(`/api/service-records?${query}`).set(auth(token));
    return { ctx, station, worker, colleague, stranger, wang, li, post, list };
  }

  it('records a service by hand: residents, worker, duration, summary, resources in yuan with the giver', async () => {
    const s = await scene();
    const res = await s.post({
      type: 'case', residentIds: [s.wang.id, s.li.id], date: '2026-12-02', summary: '链接图书捐赠', durationMinutes: 90,
      workerId: s.colleague.id, resourcesYuan: 110000, resourcesGiver: '县图书馆', resourcesNote: '图书 2000 册',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      type: 'case', typeLabel: '个案', residentIds: [s.wang.id, s.li.id], personTimes: 2, date: '2026-12-02', summary: '链接图书捐赠',
      durationMinutes: 90, workerId: s.colleague.id, createdBy: s.worker.id, resourcesYuan: 110000, resourcesGiver: '县图书馆',
      resourcesNote: '图书 2000 册', source: 'manual', sourceLabel: '手工登记', link: null,
    });
    expect(await s.ctx.db.manager.count(ServiceRecordResident, { where: { recordId: res.body.id } })).toBe(2);
    // The resident with WeChat is asked to rate it; the other is not.
    expect(await s.ctx.db.manager.count(SatisfactionRating, { where: { recordId: res.body.id } })).toBe(1);
    expect(await s.ctx.db.manager.count(OutboxMessage, { where: { kind: 'satisfaction', refId: res.body.id } })).toBe(1);
    // The worker defaults to the caller; the question may be left out.
    const exported = await api().get(`/api/residents/${s.wang.id}/export`).set(auth(s.worker.token));
    expect(exported.status).toBe(200);
    expect(JSON.stringify(exported.body)).toContain('链接图书捐赠');
    expect(JSON.stringify(exported.body)).toContain('"satisfaction"');
    const plain = await s.post({ type: 'group', residentIds: [s.wang.id], date: '2026-12-03', summary: '小组', askSatisfaction: false });
    expect(plain.body).toMatchObject({ workerId: s.worker.id, durationMinutes: null, resourcesYuan: null, resourcesGiver: null });
    expect(await s.ctx.db.manager.count(SatisfactionRating, { where: { recordId: plain.body.id } })).toBe(0);
  });

  it('refuses bad records with a 400 in Chinese naming the field', async () => {
    const s = await scene();
    const base = { type: 'case', residentIds: [s.wang.id], date: '2026-12-02', summary: '个案' };
    const cases: [object, string, RegExp][] = [
      [{ ...base, resourcesYuan: 500 }, 'resourcesGiver', /请写明捐赠方/],
      [{ ...base, resourcesYuan: -1, resourcesGiver: '某人' }, 'resourcesYuan', /金额不能为负/],
      [{ ...base, workerId: s.stranger.id }, 'workerId', /不是本站社工/],
      [{ ...base, date: '2026-12-04' }, 'date', /不能晚于今天/],
      [{ ...base, date: '2026-02-30' }, 'date', /日期格式/],
      [{ ...base, durationMinutes: 0 }, 'durationMinutes', /至少 1 分钟/],
      [{ ...base, residentIds: [s.wang.id, s.wang.id] }, 'residentIds', /居民不能重复/],
    ];
    for (const [body, path, message] of cases) {
      const res = await s.post(body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.message).toMatch(message);
      expect(JSON.stringify(res.body.error.details)).toContain(path);
    }
  });

  it('links each automatic record to what made it: an alert visited, a booking attended, an activity, a 走访 by chat', async () => {
    const s = await scene();
    const { ctx, clock } = env();
    const a = actorOf(s.worker);
    const { alert } = await ctx.services.alerts.raise({ stationId: s.station.id, residentId: s.li.id, type: 'checkin_missed', summary: '未报平安' });
    await ctx.services.alerts.resolve(a, alert.id, 'visited', '上门看过');
    const visit = await ctx.services.visits.recordByName(a, '王秀英', '情况良好');
    const activity = await ctx.services.activities.create(a, {
      title: '健康讲座', description: '', startsAt: at('2026-12-03T10:00:00'), endsAt: at('2026-12-03T11:00:00'), location: '站里',
      capacity: null, signupDeadline: null, audience: { all: true }, kind: 'group',
    });
    const service = await createBookableService(ctx, { stationId: s.station.id, recordType: 'case', name: '理发' });
    const slot = await createSlot(ctx, { serviceId: service.id, startsAt: at('2026-12-03T10:30:00') });
    const booking = await ctx.services.bookings.book(a, { slotId: slot.id, residentId: s.li.id, channel: 'console' });
    clock.set(at('2026-12-03T11:00:00'));
    await ctx.services.activities.recordAttendance(a, activity.id, { attended: [s.wang.id, s.li.id], noShow: [] });
    await ctx.services.bookings.attendance(a, booking.booking.id, 'attended');
    const all = await s.list('');
    expect(all.status).toBe(200);
    const bySource = Object.fromEntries(all.body.items.map((r: { source: string }) => [r.source, r]));
    expect(bySource.alert).toMatchObject({ type: 'home_visit', sourceLabel: '告警上门', link: { kind: 'alert', id: alert.id }, summary: '上门看过', residentIds: [s.li.id] });
    expect(bySource.activity).toMatchObject({ type: 'group', sourceLabel: '活动签到', link: { kind: 'activity', id: activity.id }, personTimes: 2 });
    expect(bySource.booking).toMatchObject({ type: 'case', sourceLabel: '预约到场', link: { kind: 'booking', id: booking.booking.id }, durationMinutes: service.durationMinutes });
    expect(bySource.chat).toMatchObject({ type: 'home_visit', sourceLabel: '微信登记', link: null });
    expect(visit.kind).toBe('recorded');
    expect((await s.list('source=alert')).body.items.map((r: { id: number }) => r.id)).toEqual([bySource.alert.id]);
  });

  it('lists with filters: dates, type, source, worker, resident; bad ranges refused; only the own station', async () => {
    const s = await scene();
    await s.post({ type: 'case', residentIds: [s.wang.id], date: '2026-11-10', summary: '十一月个案' });
    await s.post({ type: 'home_visit', residentIds: [s.li.id], date: '2026-12-01', summary: '走访李德福', workerId: s.colleague.id });
    await s.post({ type: 'group', residentIds: [s.wang.id, s.li.id], date: '2026-12-02', summary: '小组' });
    const summaries = async (q: string) => (await s.list(q)).body.items.map((r: { summary: string }) => r.summary);
    expect(await summaries('')).toEqual(['小组', '走访李德福', '十一月个案']);
    expect(await summaries('from=2026-12-01&to=2026-12-31')).toEqual(['小组', '走访李德福']);
    expect(await summaries('type=case')).toEqual(['十一月个案']);
    expect(await summaries(`workerId=${s.colleague.id}`)).toEqual(['走访李德福']);
    expect(await summaries(`residentId=${s.li.id}`)).toEqual(['小组', '走访李德福']);
    expect(await summaries(`residentId=${s.li.id}&limit=1&offset=1`)).toEqual(['走访李德福']);
    expect((await s.list(`residentId=${s.li.id}&limit=1`)).body.total).toBe(2);
    const bad = await s.list('from=2026-12-05&to=2026-12-01');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('晚于结束日期');
    expect((await s.list('source=robot')).status).toBe(400);
    expect((await s.list('', s.stranger.token)).body.items).toEqual([]);
  });
});
