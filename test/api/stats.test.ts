import request from 'supertest';
import ExcelJS from 'exceljs';
import { SatisfactionRating, ServiceRecord, ServiceRecordResident } from '../../entities';
import { median, monthsBetween } from '../../services/stats';
import { createResident } from '../factories';
import { useTestEnv } from '../helpers';
import { statsScene } from '../stats-fixtures';

type Scene = Awaited<ReturnType<typeof statsScene>>;

describe('statistics (GET /api/stats): the counting rules of the README, each one', () => {
  const env = useTestEnv();
  const api = () => request(env().app.callback());
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  let s: Scene;
  const stats = (query: string, token = s.worker.token) => api().get(`/api/stats?${query}`).set(auth(token));
  const RANGE = 'from=2026-11-01&to=2026-12-31';

  beforeAll(async () => {
    s = await statsScene(env(), 1);
  });

  it('counts case work in person-times, groups and activities in sessions, home visits per record', async () => {
    const res = await stats(RANGE);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      from: '2026-11-01', to: '2026-12-31', stationId: s.stationA.id, county: '临泽县',
      // 个案: 2 + 1 (manual) + 1 (the attended booking) person-times over 3 records; the October one is out of range.
      caseWork: 4, caseRecords: 3,
      // 小组: one session of three; 社区活动: the activity's one record, two attended.
      groupSessions: 1, groupPersonTimes: 3, communityActivities: 1, communityPersonTimes: 2,
      // 入户走访: the manual one and the alert resolved as visited, one per record.
      homeVisits: 2, homeVisitResidents: 2,
      // 人次: the sum of residents over all records; 人数: distinct residents in any record.
      personTimes: 11, peopleServed: 4,
    });
  });

  it('links resources in yuan with their giver, summed over records', async () => {
    const res = await stats(RANGE);
    expect(res.body).toMatchObject({ resourcesYuan: 110500, resourceRecords: 2 });
    expect(res.body.resourcesByGiver).toEqual([
      { giver: '县图书馆', resourcesYuan: 110000, records: 1 }, { giver: '爱心企业', resourcesYuan: 500, records: 1 },
    ]);
  });

  it('needs found by the date they were recorded, met by the date they were met', async () => {
    expect((await stats(RANGE)).body).toMatchObject({ needsFound: 2, needsMet: 1 });
    expect((await stats('from=2026-11-01&to=2026-11-30')).body).toMatchObject({ needsFound: 0, needsMet: 0 });
  });

  it('bookings by the slot date, cancelled ones left out; sign-ups by the activity date, cancelled ones left out', async () => {
    expect((await stats(RANGE)).body).toMatchObject({ bookings: 2, attended: 1, noShows: 1, signups: 3, signupsAttended: 2 });
  });

  it('check-in rate: confirmed days over due days, paused days and today before its deadline left out', async () => {
    const res = await stats(RANGE);
    expect(res.body).toMatchObject({ checkinDays: 3, checkinConfirmed: 2, checkinRate: 0.667 });
    expect((await stats('from=2026-10-01&to=2026-10-31')).body.checkinRate).toBeNull();
  });

  it('alerts raised and resolved in the range, with the median minutes to resolve', async () => {
    const res = await stats(RANGE);
    expect(res.body).toMatchObject({ alertsRaised: 3, alertsResolved: 2, medianResolveMinutes: 60 });
    expect(res.body.alertsByType).toEqual([{ type: 'help_call', raised: 2 }, { type: 'checkin_missed', raised: 1 }]);
    expect(median([])).toBeNull();
    expect(median([5, 1, 3])).toBe(3);
  });

  it('splits by resident category (a resident in every category they hold) and by community', async () => {
    const res = await stats(RANGE);
    const cat = Object.fromEntries(res.body.byCategory.map((c: { category: string }) => [c.category, c]));
    expect(cat.living_alone).toEqual({ category: 'living_alone', label: '独居老人', peopleServed: 1, personTimes: 5 });
    expect(cat.empty_nest_elder).toMatchObject({ peopleServed: 1, personTimes: 5 });
    expect(cat.low_income).toMatchObject({ label: '低保对象', peopleServed: 1, personTimes: 3 });
    expect(cat.disabled).toMatchObject({ peopleServed: 1, personTimes: 2 });
    expect(cat.general).toMatchObject({ label: '一般居民', peopleServed: 1, personTimes: 1 });
    expect(cat.orphan).toMatchObject({ peopleServed: 0, personTimes: 0 });
    expect(res.body.byCommunity).toEqual([
      { communityId: s.shahe.id, name: s.shahe.name, stationId: s.stationA.id, peopleServed: 2, personTimes: 8, caseWork: 4, homeVisits: 2 },
      { communityId: s.pingchuan.id, name: s.pingchuan.name, stationId: s.stationA.id, peopleServed: 2, personTimes: 3, caseWork: 0, homeVisits: 0 },
    ]);
  });

  it('gives every month of the range, empty ones as zeros', async () => {
    const res = await stats('from=2026-10-15&to=2027-01-10');
    expect(res.body.monthly.map((m: { month: string }) => m.month)).toEqual(['2026-10', '2026-11', '2026-12', '2027-01']);
    expect(res.body.monthly[0]).toMatchObject({ personTimes: 1, peopleServed: 1, caseWork: 1 });
    expect(res.body.monthly[1]).toEqual({
      month: '2026-11', peopleServed: 3, personTimes: 6, caseWork: 3, groupSessions: 1, communityActivities: 0, homeVisits: 0, resourcesYuan: 110000,
    });
    expect(res.body.monthly[2]).toEqual({
      month: '2026-12', peopleServed: 4, personTimes: 5, caseWork: 1, groupSessions: 0, communityActivities: 1, homeVisits: 2, resourcesYuan: 500,
    });
    expect(res.body.monthly[3]).toMatchObject({ personTimes: 0, peopleServed: 0 });
    expect(monthsBetween('2026-12-31', '2027-02-01')).toEqual(['2026-12', '2027-01', '2027-02']);
  });

  it('defaults to this month so far; the station admin sees the same figures as the worker', async () => {
    const res = await stats('', s.admin.token);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ from: '2026-12-01', to: '2026-12-03', personTimes: 5, homeVisits: 2, caseWork: 1 });
  });

  it('satisfaction: asked once a day per resident with WeChat, the average of the scores given', async () => {
    const { ctx } = env();
    const asked = await ctx.db.manager.find(SatisfactionRating, { where: { residentId: s.wang.id }, order: { id: 'ASC' } });
    // 王秀英 (the only one with WeChat): the 11-05 case record (asked 11-25), not the two recorded beside it the same
    // day, then the booking attended on 12-02; the home visit of 12-03 08:30 came within 20 hours of it.
    expect(asked.map((r) => r.date)).toEqual(['2026-11-05', '2026-12-02']);
    expect((await stats(RANGE)).body).toMatchObject({ satisfactionAsked: 2, satisfactionRatings: 0, satisfactionAverage: null });
    await ctx.services.satisfaction.rate(asked[0], 4);
    await ctx.db.manager.insert(SatisfactionRating, { stationId: s.stationA.id, recordId: 999_999, residentId: s.li.id, date: '2026-11-30', outboxId: null, askedAt: new Date(), rating: 1, ratedAt: new Date() });
    expect((await stats(RANGE)).body).toMatchObject({ satisfactionAsked: 3, satisfactionRatings: 2, satisfactionAverage: 2.5 });
    await ctx.db.manager.delete(SatisfactionRating, { recordId: 999_999 });
  });

  it('an activity attendance changed later moves its person-times; a booking turned no-show takes its record away', async () => {
    const { ctx } = env();
    const rows = async () => ctx.db.manager.count(ServiceRecordResident, { where: { recordId: s.activityRecord.id } });
    expect(await rows()).toBe(2);
    await ctx.services.activities.recordAttendance({ kind: 'worker', id: s.worker.id, role: 'worker', stationId: s.stationA.id, county: '临泽县', name: '赵敏' }, s.activity.id, { attended: [s.li.id], noShow: [] });
    expect(await rows()).toBe(3);
    expect((await stats(RANGE)).body).toMatchObject({ communityPersonTimes: 3, personTimes: 12 });
    const bookingRecord = await ctx.db.manager.findOneByOrFail(ServiceRecord, { bookingId: s.bookingId });
    await ctx.services.bookings.attendance({ kind: 'worker', id: s.worker.id, role: 'worker', stationId: s.stationA.id, county: '临泽县', name: '赵敏' }, s.bookingId, 'no_show');
    expect(await ctx.db.manager.count(ServiceRecordResident, { where: { recordId: bookingRecord.id } })).toBe(0);
    expect((await stats(RANGE)).body).toMatchObject({ caseWork: 3, personTimes: 11, bookings: 2, attended: 0, noShows: 2 });
  });

  describe('scope: a station, or the county', () => {
    it('a county admin without stationId gets the county: one row per station, totals summed', async () => {
      const res = await stats(RANGE, s.county.token);
      expect(res.status).toBe(200);
      expect(res.body.stationId).toBeNull();
      expect(res.body.stations.map((x: { stationId: number }) => x.stationId)).toEqual(expect.arrayContaining([s.stationA.id, s.stationB.id]));
      expect(res.body.stations.map((x: { stationId: number }) => x.stationId)).not.toContain(s.stationC.id);
      const a = res.body.stations.find((x: { stationId: number }) => x.stationId === s.stationA.id);
      const b = res.body.stations.find((x: { stationId: number }) => x.stationId === s.stationB.id);
      expect(b).toMatchObject({ caseWork: 1, personTimes: 1, peopleServed: 1, resourcesYuan: 1000 });
      const sum = (k: string) => res.body.stations.reduce((n: number, x: Record<string, number>) => n + x[k], 0);
      for (const k of ['caseWork', 'personTimes', 'peopleServed', 'homeVisits', 'alertsRaised', 'resourcesYuan']) expect(res.body[k]).toBe(sum(k));
      expect(res.body.caseWork).toBe(a.caseWork + 1);
      expect(res.body.byCategory.find((c: { category: string }) => c.category === 'living_alone')).toMatchObject({ peopleServed: 2 });
    });

    it('a county admin may name one station of the county; another county\'s is 404', async () => {
      const one = await stats(`${RANGE}&stationId=${s.stationB.id}`, s.county.token);
      expect(one.status).toBe(200);
      expect(one.body).toMatchObject({ stationId: s.stationB.id, caseWork: 1 });
      expect(one.body.stations).toHaveLength(1);
      const other = await stats(`${RANGE}&stationId=${s.stationC.id}`, s.county.token);
      expect(other.status).toBe(404);
      expect(other.body.error.message).toBe('站点不存在');
      const theirs = await stats(RANGE, s.otherCounty.token);
      expect(theirs.body.stations.map((x: { stationId: number }) => x.stationId)).toEqual([s.stationC.id]);
    });

    it('a station admin asking for another station is refused in words; a resident token and no token too', async () => {
      const res = await stats(`${RANGE}&stationId=${s.stationB.id}`, s.admin.token);
      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({ code: 'other_station', message: '只能查看本站的统计；全县统计由县管理员查看' });
      expect((await stats(`${RANGE}&stationId=${s.stationA.id}`, s.admin.token)).status).toBe(200);
      const { ctx } = env();
      const resident = await createResident(ctx, { stationId: s.stationA.id, openid: 'stats-openid' });
      const token = ctx.services.auth.residentToken('stats-openid');
      expect(resident.openid).toBe('stats-openid');
      const asResident = await stats(RANGE, token);
      expect(asResident.status).toBe(403);
      expect(asResident.body.error.message).toMatch(/[\u4e00-\u9fa5]/);
      expect((await api().get('/api/stats')).status).toBe(401);
    });
  });

  describe('bad input: a clear 400 in Chinese', () => {
    it.each([
      ['an impossible date', 'from=2026-02-30&to=2026-03-01', /日期格式应为 YYYY-MM-DD/],
      ['a date that is not one', 'from=tomorrow', /日期格式应为/],
      ['from after to', 'from=2026-12-02&to=2026-12-01', /开始日期 2026-12-02 晚于结束日期 2026-12-01/],
      ['a range over three years', 'from=2020-01-01&to=2026-12-31', /统计范围最长三年/],
      ['a station id that is no number', 'stationId=abc', /stationId/],
    ])('%s', async (_, query, message) => {
      const res = await stats(query);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.message).toMatch(message);
    });

    it('three years exactly is allowed', async () => {
      expect((await stats('from=2024-01-01&to=2026-12-31')).status).toBe(200);
    });
  });

  describe('GET /api/stats/export.xlsx', () => {
    const download = (query: string, token: string) => api().get(`/api/stats/export.xlsx?${query}`).set(auth(token)).buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    const load = async (body: unknown) => {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(body as ArrayBuffer);
      return wb;
    };
    const rowsOf = (wb: ExcelJS.Workbook, name: string) => {
      const sheet = wb.getWorksheet(name)!;
      const out: unknown[][] = [];
      sheet.eachRow((row) => out.push((row.values as unknown[]).slice(1)));
      return out;
    };

    it('a station: one sheet per section with Chinese headings, its one row', async () => {
      const res = await download(RANGE, s.worker.token);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toContain('spreadsheetml');
      expect(res.headers['content-disposition']).toContain(encodeURIComponent('统计-'));
      const wb = await load(res.body);
      expect(wb.worksheets.map((w) => w.name)).toEqual([
        '说明', '服务概况', '需求清单', '预约与活动', '报平安与告警', '资源链接', '满意度', '按对象类别', '按村（社区）', '月度', '资源捐赠方', '告警类型',
      ]);
      const overview = rowsOf(wb, '服务概况');
      expect(overview[0]).toEqual(['站点', '乡镇（街道）', '服务人数（人）', '服务人次', '个案（人次）', '个案记录（条）', '小组（场次）', '小组参与（人次）', '社区活动（场次）', '社区活动参与（人次）', '入户走访（次）', '走访对象（人）']);
      expect(overview).toHaveLength(2);
      expect(overview[1].slice(0, 3)).toEqual([s.stationA.name, s.stationA.township, 4]);
      expect(rowsOf(wb, '报平安与告警')[1]).toContain('66.7%');
      expect(rowsOf(wb, '资源捐赠方')[1]).toEqual(['县图书馆', 110000, 1]);
      expect(rowsOf(wb, '告警类型')[1]).toEqual(['求助', 2]);
      expect(rowsOf(wb, '月度').map((r) => r[0])).toEqual(['月份', '2026-11', '2026-12']);
    });

    it('a county: one row per station and a total', async () => {
      const res = await download(RANGE, s.county.token);
      expect(res.status).toBe(200);
      const wb = await load(res.body);
      const overview = rowsOf(wb, '服务概况');
      const names = overview.slice(1).map((r) => r[0]);
      expect(names).toEqual(expect.arrayContaining([s.stationA.name, s.stationB.name, '合计']));
      expect(names).not.toContain(s.stationC.name);
      expect(names[names.length - 1]).toBe('合计');
      expect(rowsOf(wb, '说明')[1]).toEqual(['统计范围', expect.stringContaining('临泽县（全县')]);
    });

    it('the same refusals as the figures', async () => {
      expect((await download(`${RANGE}&stationId=${s.stationB.id}`, s.worker.token)).status).toBe(403);
      expect((await download('from=2026-13-01', s.worker.token)).status).toBe(400);
    });
  });
});
