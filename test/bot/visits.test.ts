import { ServiceRecord } from '../../entities';
import { actorOf } from '../checkin-fixtures';
import { createResident } from '../factories';
import { useTestEnv } from '../helpers';
import { visitScene } from '../visit-fixtures';
import { useTestBot } from './harness';

const at = (s: string) => new Date(`${s}+08:00`);

/** A worker records home visits by WeChat through the real bot. */
describe('home visits through the bot', () => {
  const env = useTestEnv();
  const bot = useTestBot(env);

  it('走访 王秀英 情况良好 records a home visit that resets her clock', async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-03T10:00:00'));
    const s = await visitScene(ctx, 101);
    const say = (text: string, from = s.a.wechatContactId!) => bot().say(s.station.id, from, text);
    expect((await say('走访'))[0]).toContain('需要走访 2 户');
    expect((await say('走访名单'))[0]).toContain('需要走访 2 户');
    expect(await say('走访 王秀英 情况良好')).toEqual(['已记录：12月3日 入户走访 王秀英 ✅ 下次走访请在12月10日前。']);
    const rec = await ctx.db.manager.findOneOrFail(ServiceRecord, { where: { stationId: s.station.id, date: '2026-12-03' } });
    expect(rec).toMatchObject({ type: 'home_visit', residentIds: [s.wang.id], summary: '情况良好', createdBy: s.a.id });
    const { items } = await ctx.services.visits.due(actorOf(s.a), { workerId: s.a.id });
    expect(items.map((i) => i.resident.name)).toEqual(['张桂兰']);

    expect(await say('走访 王小二 情况良好')).toEqual([expect.stringContaining('没有找到本站居民“王小二”')]);
    const twin = await createResident(ctx, { stationId: s.station.id, communityId: s.community.id, name: '张桂兰', tags: ['disabled'] });
    const ambiguous = await say('走访 张桂兰 腿脚不便');
    expect(ambiguous[0]).toContain(`本站有 2 位“张桂兰”`);
    expect(ambiguous[0]).toContain(`走访 ${s.zhang.id} 腿脚不便`);
    expect(await ctx.db.manager.count(ServiceRecord, { where: { stationId: s.station.id, date: '2026-12-03' } })).toBe(1);
    expect(await say(`走访 ${twin.id} 腿脚不便`)).toEqual([expect.stringContaining('入户走访 张桂兰')]);
    // Another station's resident by number is not found.
    const other = await visitScene(ctx, 102);
    expect(await say(`走访 ${other.wang.id} 情况良好`)).toEqual([expect.stringContaining('没有找到本站居民')]);
    // Only workers record visits: a stranger's 走访 is not recorded.
    await bot().say(s.station.id, 'stranger-visit', '走访 王秀英 情况良好');
    expect(await ctx.db.manager.count(ServiceRecord, { where: { stationId: s.station.id, date: '2026-12-03' } })).toBe(2);
  });
});
