import { Activity, Resident, Station } from '../../entities';
import { seedDemoData } from '../../services/demo';
import { useTestEnv } from '../helpers';

describe('demo activities', () => {
  const env = useTestEnv();

  it('gives every demo station upcoming activities; the demo elder sees hers and is signed up for one', async () => {
    const { ctx } = env();
    const lines = await seedDemoData(ctx);
    expect(lines.join('\n')).toContain('近期活动');
    const now = ctx.clock.now();
    for (const s of await ctx.db.manager.find(Station)) {
      const acts = await ctx.db.manager.find(Activity, { where: { stationId: s.id } });
      expect(acts.length).toBeGreaterThanOrEqual(4);
      expect(acts.every((a) => a.startsAt > now && a.endsAt > a.startsAt)).toBe(true);
    }
    const wang = await ctx.db.manager.findOneByOrFail(Resident, { wechatContactId: 'demo-wangxiuying' });
    const hers = await ctx.services.activities.forChat({ kind: 'contact', stationId: wang.stationId, contactId: 'demo-wangxiuying', residentId: wang.id }, wang);
    expect(hers.map((a) => a.title)).toEqual(expect.arrayContaining(['义诊：量血压测血糖', '独居老人关爱慰问']));
    expect(hers.map((a) => a.title)).not.toContain('留守儿童读书角');
    expect((await ctx.services.activities.signupsOf({ kind: 'contact', stationId: wang.stationId, contactId: 'demo-wangxiuying', residentId: wang.id }, wang.id)).map((x) => x.activity.title)).toEqual(['义诊：量血压测血糖']);
  });
});
