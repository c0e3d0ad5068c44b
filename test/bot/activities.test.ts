import { Activity, ActivitySignup } from '../../entities';
import { atLocal } from '../../services/time';
import { createCommunity, createResident, createStation, createWorker } from '../factories';
import { useTestEnv } from '../helpers';
import { useTestBot } from './harness';

let seq = 0;

/** Activities by chat, through a real Wechaty on the mock puppet. */
describe('activities through the bot', () => {
  const env = useTestEnv();
  const bot = useTestBot(env);

  async function scene() {
    const { ctx, clock } = env();
    clock.set(atLocal('2026-12-03', '10:00'));
    const s = await createStation(ctx);
    const village = await createCommunity(ctx, { stationId: s.id });
    const other = await createCommunity(ctx, { stationId: s.id });
    const worker = await createWorker(ctx, { stationId: s.id });
    const contact = `wx-bot-act-${++seq}`;
    const elder = await createResident(ctx, { stationId: s.id, communityId: village.id, name: '李德福', gender: 'male', birthDate: '1940-08-21', wechatContactId: contact });
    const make = (title: string, day: string, audience: Activity['audience'], capacity: number | null = 20) =>
      ctx.services.activities.create(
        { kind: 'worker', id: worker.id, role: 'worker', stationId: s.id, county: worker.county, name: worker.name },
        { title, description: '', startsAt: atLocal(day, '09:00'), endsAt: atLocal(day, '11:00'), location: '村委会', capacity, audience, kind: 'community', signupDeadline: null },
      );
    return { ctx, s, village, other, elder, contact, make };
  }

  it('活动 lists the resident\'s upcoming activities, numbered; 报名 N signs up; 取消报名 N cancels', async () => {
    const { ctx, s, village, other, elder, contact, make } = await scene();
    const reading = await make('读书角', '2026-12-06', { all: true });
    const clinic = await make('义诊', '2026-12-05', { communityIds: [village.id] }, 1);
    await make('邻村小组', '2026-12-05', { communityIds: [other.id] });
    const [list] = await bot().say(s.id, contact, '最近有啥活动');
    expect(list).toContain('1. 12月5日（周六）上午9:00 义诊（村委会，还剩1个名额）');
    expect(list).toContain('2. 12月6日（周日）上午9:00 读书角');
    expect(list).not.toContain('邻村小组');
    expect((await bot().say(s.id, contact, '报名 1'))[0]).toContain('报名成功！12月5日（周六）上午9:00在村委会的“义诊”');
    expect(await ctx.db.manager.countBy(ActivitySignup, { activityId: clinic.id, residentId: elder.id, status: 'signed_up' })).toBe(1);
    expect((await bot().say(s.id, contact, '报名1'))[0]).toContain('您已经报过名了');
    expect((await bot().say(s.id, contact, '3'))[0]).toContain('义诊（村委会，名额已满） ✅已报名');
    // A bare number right after the list signs up too.
    expect((await bot().say(s.id, contact, '2'))[0]).toContain('“读书角”');
    expect((await bot().say(s.id, contact, '报名 7'))[0]).toBe('没有第7个活动。回复“活动”看看列表。');
    const mine = (await bot().say(s.id, contact, '我的报名'))[0];
    expect(mine).toContain('1. 12月5日（周六）上午9:00 义诊');
    expect((await bot().say(s.id, contact, '取消报名 2'))[0]).toContain('已取消“读书角”的报名');
    expect(await ctx.db.manager.countBy(ActivitySignup, { activityId: reading.id, status: 'cancelled' })).toBe(1);
    expect((await ctx.db.manager.findOneByOrFail(Activity, { id: reading.id })).signedUp).toBe(0);
  });

  it('a full activity says so; an unbound contact sees the open ones and is told how to bind', async () => {
    const { ctx, s, village, make, contact } = await scene();
    await make('义诊', '2026-12-05', { communityIds: [village.id] }, 1);
    const taker = await createResident(ctx, { stationId: s.id, communityId: village.id, wechatContactId: `wx-taker-${seq}` });
    expect((await bot().say(s.id, taker.wechatContactId!, '报名 1'))[0]).toContain('报名成功');
    expect((await bot().say(s.id, contact, '报名 1'))[0]).toBe('名额已满。回复“活动”看看其他活动，或回复“5”找社工。');
    const stranger = `wx-stranger-${seq}`;
    const [list] = await bot().say(s.id, stranger, '活动');
    expect(list).toContain('义诊');
    expect(list).toContain('绑定');
    expect((await bot().say(s.id, stranger, '报名 1'))[0]).toContain('需要先绑定');
  });

  it('says so when nothing is planned', async () => {
    const { s, contact } = await scene();
    expect((await bot().say(s.id, contact, '活动'))[0]).toBe('最近还没有活动安排，有新活动会第一时间告诉您。');
  });
});
