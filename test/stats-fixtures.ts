import { CheckinDay } from '../entities';
import type { AppContext } from '../services/context';
import type { TestEnv } from './helpers';
import { actorOf, createBookableService, createCommunity, createResident, createSlot, createStation, createWorker } from './factories';

const at = (s: string) => new Date(`${s}+08:00`);

/**
 * A county (临泽县) of two stations and a station of another county, with a month and a bit of
 * work at station A, made through the services the doors call: manual records, an attended
 * activity, a booking attended and one not, an alert resolved as `visited`, needs, check-in days.
 * The figures each counting rule must give are written beside the test (test/api/stats.test.ts).
 */
export async function statsScene(env: TestEnv, k: number) {
  const { ctx, clock } = env;
  clock.set(at('2026-11-01T09:00:00'));
  const stationA = await createStation(ctx, { name: `沙河镇社工站${k}`, township: `沙河镇${k}`, county: '临泽县' });
  const stationB = await createStation(ctx, { name: `平川镇社工站${k}`, township: `平川镇${k}`, county: '临泽县' });
  const stationC = await createStation(ctx, { name: `南华镇社工站${k}`, township: `南华镇${k}`, county: '高台县' });
  const shahe = await createCommunity(ctx, { stationId: stationA.id, name: `沙河村${k}` });
  const pingchuan = await createCommunity(ctx, { stationId: stationA.id, name: `平川村${k}` });
  const worker = await createWorker(ctx, { stationId: stationA.id, name: '赵敏' });
  const admin = await createWorker(ctx, { stationId: stationA.id, role: 'station_admin', name: '刘站长' });
  const workerB = await createWorker(ctx, { stationId: stationB.id });
  const county = await createWorker(ctx, { role: 'county_admin', county: '临泽县' });
  const otherCounty = await createWorker(ctx, { role: 'county_admin', county: '高台县' });
  const wang = await createResident(ctx, { stationId: stationA.id, communityId: shahe.id, name: '王秀英', tags: ['living_alone', 'empty_nest_elder'], wechatContactId: `wang-${k}` });
  const li = await createResident(ctx, { stationId: stationA.id, communityId: shahe.id, name: '李德福', tags: ['low_income'] });
  const zhang = await createResident(ctx, { stationId: stationA.id, communityId: pingchuan.id, name: '张桂兰', tags: ['disabled'] });
  const zhao = await createResident(ctx, { stationId: stationA.id, communityId: pingchuan.id, name: '赵普通', tags: [] });
  const b1 = await createResident(ctx, { stationId: stationB.id, name: '陈玉兰', tags: ['living_alone'] });
  const c1 = await createResident(ctx, { stationId: stationC.id, name: '别县居民', tags: [] });
  const a = actorOf(worker);
  const rec = ctx.services.serviceRecords;

  // November: two case records (2 + 1 person-times, 110,000 yuan of books), a group session of three.
  clock.set(at('2026-11-25T10:00:00'));
  await rec.create(a, { type: 'case', residentIds: [wang.id, li.id], date: '2026-11-05', summary: '个案：家庭关系调解', resourcesYuan: 110000, resourcesGiver: '县图书馆', resourcesNote: '图书', durationMinutes: 60 });
  await rec.create(a, { type: 'case', residentIds: [wang.id], date: '2026-11-20', summary: '个案：跟进' });
  await rec.create(a, { type: 'group', residentIds: [wang.id, li.id, zhang.id], date: '2026-11-10', summary: '小组：老年人健康' });
  // Outside the range (October) and at other stations.
  await rec.create(a, { type: 'case', residentIds: [zhao.id], date: '2026-10-31', summary: '十月的个案' });
  await rec.create(actorOf(workerB), { type: 'case', residentIds: [b1.id], date: '2026-11-15', summary: 'B 站个案', resourcesYuan: 1000, resourcesGiver: '县慈善会' });
  const workerC = await createWorker(ctx, { stationId: stationC.id, county: '高台县' });
  await rec.create(actorOf(workerC), { type: 'case', residentIds: [c1.id], date: '2026-11-15', summary: '别县个案' });

  // Needs: two found in December, one of them met.
  clock.set(at('2026-12-01T08:00:00'));
  const need = await ctx.services.needs.create(a, { residentId: li.id, type: 'living', urgency: 'high', description: '冬季取暖煤不够' });
  await ctx.services.needs.create(a, { residentId: zhang.id, type: 'medical', urgency: 'low', description: '需要轮椅' });
  await ctx.services.needs.update(a, need.id, { status: 'met' });
  await rec.create(a, { type: 'home_visit', residentIds: [li.id], date: '2026-12-01', summary: '送煤上门', resourcesYuan: 500, resourcesGiver: '爱心企业' });

  // Bookings of 12-02 10:00: wang attended (a case record), li did not come, zhang cancelled.
  const service = await createBookableService(ctx, { stationId: stationA.id, recordType: 'case', name: '理发' });
  const slot = await createSlot(ctx, { serviceId: service.id, startsAt: at('2026-12-02T10:00:00'), capacity: 5 });
  const bw = await ctx.services.bookings.book(a, { slotId: slot.id, residentId: wang.id, channel: 'console' });
  const bl = await ctx.services.bookings.book(a, { slotId: slot.id, residentId: li.id, channel: 'console' });
  const bz = await ctx.services.bookings.book(a, { slotId: slot.id, residentId: zhang.id, channel: 'console' });
  await ctx.services.bookings.cancel(a, bz.booking.id);

  // An activity of 12-02 14:00: zhang signed up and came, zhao walked in, li signed up and did not come, wang cancelled.
  const activity = await ctx.services.activities.create(a, {
    title: '重阳联欢', description: '', startsAt: at('2026-12-02T14:00:00'), endsAt: at('2026-12-02T16:00:00'), location: '站里',
    capacity: null, signupDeadline: null, audience: { all: true }, kind: 'community',
  });
  for (const r of [zhang, li, wang]) await ctx.services.activities.signUp(a, activity.id, { residentId: r.id, source: 'worker' });
  await ctx.services.activities.cancelSignup(a, activity.id, wang.id);

  clock.set(at('2026-12-02T17:00:00'));
  const attended = await ctx.services.bookings.attendance(a, bw.booking.id, 'attended');
  await ctx.services.bookings.attendance(a, bl.booking.id, 'no_show');
  const attendance = await ctx.services.activities.recordAttendance(a, activity.id, { attended: [zhang.id, zhao.id], noShow: [li.id] });

  // Alerts on 12-03: one resolved as visited after 90 minutes (a home visit), one safe after 30, one still open.
  clock.set(at('2026-12-03T07:00:00'));
  const alert1 = (await ctx.services.alerts.raise({ stationId: stationA.id, residentId: wang.id, type: 'checkin_missed', summary: '王秀英未报平安' })).alert;
  clock.set(at('2026-12-03T07:30:00'));
  const alert2 = (await ctx.services.alerts.raise({ stationId: stationA.id, residentId: li.id, type: 'help_call', summary: '李德福求助' })).alert;
  await ctx.services.alerts.raise({ stationId: stationA.id, residentId: zhang.id, type: 'help_call', summary: '张桂兰求助' });
  clock.set(at('2026-12-03T08:00:00'));
  await ctx.services.alerts.resolve(a, alert2.id, 'safe', null);
  clock.set(at('2026-12-03T08:30:00'));
  await ctx.services.alerts.resolve(a, alert1.id, 'visited', '上门看过，平安');

  // Check-in days of wang: two confirmed, one missed, one paused (not due), today still pending (not yet due).
  const day = (date: string, status: CheckinDay['status']) => ({ residentId: wang.id, stationId: stationA.id, date, status, remindMinute: 540, secondMinute: 600, deadlineMinute: 660 });
  await ctx.db.manager.insert(CheckinDay, [
    day('2026-11-29', 'paused'), day('2026-11-30', 'confirmed'), day('2026-12-01', 'missed'), day('2026-12-02', 'confirmed'), day('2026-12-03', 'pending'),
  ]);
  clock.set(at('2026-12-03T09:00:00'));
  return {
    stationA, stationB, stationC, shahe, pingchuan, worker, admin, workerB, county, otherCounty, wang, li, zhang, zhao, b1,
    bookingId: attended.booking.id, activity, activityRecord: attendance.record, alert1, ctx: ctx as AppContext,
  };
}
