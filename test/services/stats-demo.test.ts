import { Station, Worker } from '../../entities';
import { seedDemoData } from '../../services/demo';
import { addDays, localDate } from '../../services/time';
import { actorOf } from '../factories';
import { useTestEnv } from '../helpers';

describe('demo statistics', () => {
  const env = useTestEnv();

  it('gives every demo station a season of records, with the article\'s 110,000 yuan of books, that the county sees', async () => {
    const { ctx } = env();
    const lines = await seedDemoData(ctx);
    expect(lines.join('\n')).toContain('服务记录与统计');
    const county = await ctx.db.manager.findOneByOrFail(Worker, { role: 'county_admin' });
    const today = localDate(ctx.clock.now());
    const report = await ctx.services.stats.report(actorOf(county), { from: addDays(today, -90), to: today });
    const stations = await ctx.db.manager.count(Station);
    expect(report.stations).toHaveLength(stations);
    for (const s of report.stations) {
      expect(s).toMatchObject({ resourcesYuan: 112000, groupSessions: 3, communityActivities: 2 });
      expect(s.caseWork).toBeGreaterThanOrEqual(6);
      expect(s.homeVisits).toBeGreaterThan(0);
      expect(s.satisfactionAverage).not.toBeNull();
    }
  });
});
