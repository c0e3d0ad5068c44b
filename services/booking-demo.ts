import { BookableService } from '../entities';
import type { DemoSeeder } from './demo-seeder';
import { AppError } from './errors';
import { addDays, localDate } from './time';

/** What a demo station offers, and when (weekdays: 0 = Sunday). */
const DEMO_SERVICES = [
  { name: '义剪理发', description: '志愿者理发，老人免费', durationMinutes: 30, location: '社工站一楼活动室', recordType: 'community' as const,
    weekdays: [2, 4], startTime: '09:00', endTime: '11:30', capacity: 2 },
  { name: '康复理疗', description: '肩颈腰腿按摩、康复指导', durationMinutes: 45, location: '社工站二楼康复室', recordType: 'case' as const,
    weekdays: [1, 3, 5], startTime: '14:30', endTime: '17:30', capacity: 1 },
  { name: '心理咨询', description: '社工一对一谈心，保密', durationMinutes: 60, location: '社工站谈心室', recordType: 'case' as const,
    weekdays: [3], startTime: '15:00', endTime: '17:00', capacity: 1 },
  { name: '长者助餐', description: '长者食堂午餐，一荤一素一汤', durationMinutes: 60, location: '长者食堂', recordType: 'community' as const,
    weekdays: [1, 2, 3, 4, 5], startTime: '11:30', endTime: '12:30', capacity: 20 },
];

/** Demo services with a fortnight of slots from today, for each demo station. */
export const seedBookings: DemoSeeder = async (ctx, stations) => {
  const from = localDate(ctx.clock.now());
  const to = addDays(from, 13);
  let slots = 0;
  for (const station of stations) {
    for (const d of DEMO_SERVICES) {
      const repo = ctx.db.manager.getRepository(BookableService);
      const service = await repo.save(repo.create({
        stationId: station.id, name: d.name, description: d.description, durationMinutes: d.durationMinutes, location: d.location,
        tags: [], recordType: d.recordType, active: true, createdBy: null,
      }));
      const opened = await ctx.services.bookings.openWeekly(service, {
        from, to, weekdays: d.weekdays, startTime: d.startTime, endTime: d.endTime, slotMinutes: d.durationMinutes, capacity: d.capacity,
      }).catch((err: unknown) => {
        // Late in the evening today's times are past: a pattern with nothing left to open is fine.
        if (err instanceof AppError) return { items: [] };
        throw err;
      });
      slots += opened.items.length;
    }
  }
  if (!stations.length) return [];
  return [`预约服务：每站 ${DEMO_SERVICES.map((d) => d.name).join('、')}，未来两周共 ${slots} 个时段（微信里发“预约”试试）`];
};
