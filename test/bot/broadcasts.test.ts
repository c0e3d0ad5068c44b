import { ActivitySignup, OutboxMessage, Resident } from '../../entities';
import { atLocal } from '../../services/time';
import { actorOf, deliverAll } from '../checkin-fixtures';
import { createCommunity, createResident, createStation, createWorker } from '../factories';
import { useTestEnv } from '../helpers';
import { useTestBot } from './harness';

let seq = 0;

/** Two-way notices through a real Wechaty on the mock puppet: 我去 signs up, other replies reach the workers. */
describe('notices through the bot', () => {
  const env = useTestEnv();
  const bot = useTestBot(env);

  async function scene() {
    const { ctx, clock } = env();
    clock.set(atLocal('2026-12-03', '10:00'));
    const s = await createStation(ctx);
    const village = await createCommunity(ctx, { stationId: s.id });
    const worker = await createWorker(ctx, { stationId: s.id, wechatContactId: `wx-nw-${++seq}` });
    const elder = await createResident(ctx, { stationId: s.id, communityId: village.id, name: '李德福', gender: 'male', birthDate: '1940-08-21', wechatContactId: `wx-n-${seq}-1` });
    const other = await createResident(ctx, { stationId: s.id, communityId: village.id, name: '陈玉珍', gender: 'female', birthDate: '1951-06-18', wechatContactId: `wx-n-${seq}-2` });
    return { ctx, s, village, worker, elder, other, actor: actorOf(worker) };
  }

  it('我去 after an activity notice signs up for that activity; without a notice it is no sign-up', async () => {
    const { ctx, s, village, elder, actor } = await scene();
    const act = await ctx.services.activities.create(actor, {
      title: '包饺子', description: '', startsAt: atLocal('2026-12-05', '10:00'), endsAt: atLocal('2026-12-05', '12:00'), location: '活动室',
      capacity: 10, audience: { communityIds: [village.id] }, kind: 'group', signupDeadline: null,
    });
    expect(await ctx.db.manager.countBy(ActivitySignup, { activityId: act.id })).toBe(0);
    await ctx.services.broadcasts.create(actor, { activityId: act.id });
    await deliverAll(ctx);
    const [reply] = await bot().say(s.id, elder.wechatContactId!, '我去');
    expect(reply).toContain('报名成功！12月5日（周六）上午10:00在活动室的“包饺子”');
    expect(await ctx.db.manager.countBy(ActivitySignup, { activityId: act.id, residentId: elder.id, status: 'signed_up', source: 'notice' })).toBe(1);
    expect((await bot().say(s.id, elder.wechatContactId!, '报名'))[0]).not.toContain('报名成功');
  });

  it('a reply to a notice reaches the workers once; 退订 stops the notices still queued', async () => {
    const { ctx, s, village, worker, other, actor } = await scene();
    await ctx.services.broadcasts.create(actor, { text: '{name}您好，明天上午停水。', audience: { communityIds: [village.id] } });
    await deliverAll(ctx);
    expect(await bot().say(s.id, other.wechatContactId!, '停水到几点呀')).toEqual(['收到，已经转告社工，他们会尽快回复您。着急请回复“5”找社工。']);
    const told = await ctx.db.manager.find(OutboxMessage, { where: { kind: 'broadcast_reply', toContactId: worker.wechatContactId! } });
    expect(told).toHaveLength(1);
    expect(told[0].text).toContain('陈玉珍 回复了通知');
    expect(told[0].text).toContain('停水到几点呀');
    // The next message is an ordinary one again.
    await bot().say(s.id, other.wechatContactId!, '你好');
    expect(await ctx.db.manager.countBy(OutboxMessage, { kind: 'broadcast_reply' })).toBe(1);
    // A notice still queued (written at night, it waits for 08:00) is withdrawn by 退订.
    env().clock.set(atLocal('2026-12-03', '22:00'));
    await ctx.services.broadcasts.create(actor, { text: '第二条通知', audience: { communityIds: [village.id] } });
    expect((await bot().say(s.id, other.wechatContactId!, '退订'))[0]).toContain('已退订');
    expect((await ctx.db.manager.findOneByOrFail(OutboxMessage, { toContactId: other.wechatContactId!, text: '第二条通知' })).status).toBe('cancelled');
    expect((await ctx.db.manager.findOneByOrFail(Resident, { id: other.id })).optedOut).toBe(true);
  });
});
