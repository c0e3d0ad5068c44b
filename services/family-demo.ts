import { Community, FamilyContact, FamilyReminder, FamilyReminderSchedule, Resident, Worker } from '../entities';
import type { DemoSeeder } from './demo-seeder';
import { callHomeText } from './family-texts';
import { familyScheduleKey } from './messaging/keys';
import { addDays, atLocal, localDate, localWeekday } from './time';

/**
 * Demo left-behind families: a children's officer (儿童主任) per station, named for every village
 * of it; every demo left-behind child's migrant father or mother reminded on Sundays at 19:00,
 * with the last two Sundays' reminders in the history (the first one answered).
 */
export const seedFamilies: DemoSeeder = async (ctx, stations) => {
  const m = ctx.db.manager;
  const now = ctx.clock.now();
  const today = localDate(now);
  const lastSunday = addDays(today, -localWeekday(now) || -7);
  let planned = 0;
  const officers: string[] = [];
  for (const station of stations) {
    const colleague = await m.findOne(Worker, { where: { stationId: station.id, role: 'worker' }, order: { id: 'ASC' } });
    if (!colleague) continue;
    const slug = colleague.username.replace(/-worker$/, '');
    const contact = `demo-officer-${slug}`;
    const officer = await ctx.services.workers.insertAccount({
      stationId: station.id, county: station.county, username: `${slug}-officer`, name: '儿童主任', role: 'worker', password: `${slug}-demo-2026`, wechatContactId: contact,
    });
    await m.update(Community, { stationId: station.id }, { childrenOfficerId: officer.id });
    officers.push(`${contact}（${station.name}儿童主任，账号 ${slug}-officer）`);
    const children = (await m.find(Resident, { where: { stationId: station.id } })).filter((r) => r.tags.includes('left_behind_child'));
    for (const child of children) {
      const parent = (await m.find(FamilyContact, { where: { residentId: child.id }, order: { id: 'ASC' } }))
        .find((f) => /父亲|母亲|爸爸|妈妈/.test(f.relation));
      if (!parent) continue;
      const schedule = await m.save(FamilyReminderSchedule, m.create(FamilyReminderSchedule, {
        stationId: station.id, residentId: child.id, familyContactId: parent.id, weekday: 0, time: '19:00', minute: 19 * 60,
        message: null, activeFrom: atLocal(addDays(lastSunday, -7)), createdBy: null,
      }));
      planned++;
      for (const [i, date] of [addDays(lastSunday, -7), lastSunday].entries()) {
        const dueAt = atLocal(date, '19:00');
        await m.insert(FamilyReminder, {
          stationId: station.id, residentId: child.id, familyContactId: parent.id, kind: 'call_home', scheduleId: schedule.id, guardianType: null,
          dueAt, text: callHomeText(parent, child, null), status: 'queued', queuedAt: dueAt,
          acknowledgedAt: i === 0 ? new Date(dueAt.getTime() + 40 * 60_000) : null, dedupeKey: familyScheduleKey(schedule.id, date), createdBy: null,
        });
      }
    }
  }
  const lines = planned ? [`留守儿童家庭提醒：${planned} 位外出务工的家长，每周日 19:00 提醒和孩子视频（回复“1”表示聊过了）`] : [];
  if (officers.length) lines.push(`儿童主任（可收留守儿童关注提醒）：${officers.join('、')}`);
  return lines;
};
