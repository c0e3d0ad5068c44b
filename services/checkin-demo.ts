import { CheckinPlan } from '../entities';
import type { DemoSeeder } from './demo-seeder';
import { addDays, localDate } from './time';

/**
 * Demo check-in plans: every demo elder tagged living alone or empty nest gets the daily 09:00
 * check-in (second reminder 10:00, deadline 11:00); the last one of each station is away at a
 * daughter's for three days, to show a pause. Residents come from an earlier seeder; with none,
 * this does nothing.
 */
export const seedCheckinPlans: DemoSeeder = async (ctx, stations) => {
  let planned = 0;
  const today = localDate(ctx.clock.now());
  for (const s of stations) {
    planned += await ctx.services.checkinPlans.planForTagged(s.id, ['living_alone', 'empty_nest_elder'], {
      remindAt: '09:00', secondReminderMinutes: 60, graceMinutes: 120,
    });
    const last = await ctx.db.manager.findOne(CheckinPlan, { where: { stationId: s.id }, order: { id: 'DESC' } });
    const count = await ctx.db.manager.count(CheckinPlan, { where: { stationId: s.id } });
    if (last && count >= 3) {
      await ctx.db.manager.update(CheckinPlan, { id: last.id }, { pausedUntil: addDays(today, 2), pauseReason: '住女儿家' });
    }
  }
  if (!planned) return [];
  return [`报平安计划：${planned} 位独居/空巢老人，每天 09:00 提醒、10:00 再提醒，11:00 仍未回复则通知家属与社工`];
};
