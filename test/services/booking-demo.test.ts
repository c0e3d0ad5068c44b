import { BookableService, BookingSlot, Station } from '../../entities';
import { seedDemoData } from '../../services/demo';
import { addDays, localDate } from '../../services/time';
import { useTestEnv } from '../helpers';
import { useTestBot } from '../bot/harness';

describe('demo bookings', () => {
  const env = useTestEnv();
  const bot = useTestBot(env);

  it('gives each demo station services with a fortnight of slots, bookable by chat at once', async () => {
    const { ctx } = env();
    const lines = await seedDemoData(ctx);
    expect(lines.join('\n')).toContain('预约服务');
    const today = localDate(ctx.clock.now());
    for (const s of await ctx.db.manager.find(Station)) {
      const services = await ctx.db.manager.find(BookableService, { where: { stationId: s.id } });
      expect(services.map((x) => x.name)).toEqual(['义剪理发', '康复理疗', '心理咨询', '长者助餐']);
      const slots = await ctx.db.manager.find(BookingSlot, { where: { stationId: s.id }, order: { startsAt: 'ASC' } });
      expect(slots.length).toBeGreaterThan(40);
      expect(localDate(slots[0].startsAt) >= today).toBe(true);
      expect(localDate(slots.at(-1)!.startsAt) <= addDays(today, 13)).toBe(true);
      expect(localDate(slots.at(-1)!.startsAt) >= addDays(today, 10)).toBe(true);
    }
    const shahe = await ctx.db.manager.findOneByOrFail(Station, { name: '沙河镇社工站' });
    expect((await bot().say(shahe.id, 'demo-wangxiuying', '我想约个理发'))[0]).toContain('【义剪理发】可约时间');
    expect((await bot().say(shahe.id, 'demo-wangxiuying', '1'))[0]).toContain('预约成功！义剪理发');
  });
});
