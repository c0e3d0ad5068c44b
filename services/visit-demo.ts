import { IsNull } from 'typeorm';
import { Need, Resident, Worker } from '../entities';
import { insertServiceRecord } from './record-store';
import type { NeedStatus, NeedType, NeedUrgency } from '../entities';
import type { DemoSeeder } from './demo-seeder';
import { addDays, localDate } from './time';

/** Days ago of each demo resident's last home visit, in turn: some on time, some due today, some overdue. */
const LAST_VISIT_DAYS_AGO = [3, 7, 12, 25, 40, 95, 20, 60];

/** Needs found on the demo visits, for the first key residents of each station in turn. */
const NEEDS: { type: NeedType; urgency: NeedUrgency; description: string; status: NeedStatus }[] = [
  { type: 'medical', urgency: 'high', description: '膝关节疼痛加重，行动困难，需要助行器并联系家庭医生', status: 'in_progress' },
  { type: 'living', urgency: 'medium', description: '冬季取暖煤不够，需要协调取暖补贴', status: 'open' },
  { type: 'education', urgency: 'medium', description: '孩子数学跟不上，需要课后辅导志愿者', status: 'open' },
  { type: 'psychological', urgency: 'low', description: '独居孤单，希望有人定期上门聊天', status: 'met' },
];

/**
 * Demo home visits: the station's worker visits the first half of its key residents (the rest
 * belong to nobody, so every worker sees them), and each key resident has a last visit some days
 * ago, so the morning list shows visits due and overdue by risk tier; the first visits found needs.
 */
export const seedVisits: DemoSeeder = async (ctx, stations) => {
  const m = ctx.db.manager;
  const today = localDate(ctx.clock.now());
  let visits = 0;
  let needs = 0;
  for (const station of stations) {
    const worker = await m.findOne(Worker, { where: { stationId: station.id, role: 'worker' }, order: { id: 'ASC' } });
    const key = (await m.find(Resident, { where: { stationId: station.id, status: 'active', erasedAt: IsNull() }, order: { id: 'ASC' } }))
      .filter((r) => r.tags.length > 0);
    for (const [i, r] of key.entries()) {
      if (worker && i < key.length / 2) await m.update(Resident, { id: r.id }, { caseWorkerId: worker.id });
      await insertServiceRecord(m, {
        stationId: station.id, type: 'home_visit', date: addDays(today, -LAST_VISIT_DAYS_AGO[i % LAST_VISIT_DAYS_AGO.length]),
        summary: '入户走访：身体和居住情况良好', residentIds: [r.id], createdBy: worker?.id ?? null, durationMinutes: 30,
      });
      visits++;
      const need = NEEDS[i];
      if (need) {
        await m.insert(Need, {
          stationId: station.id, residentId: r.id, ...need, followUpWorkerId: need.status === 'open' ? null : (worker?.id ?? null),
          note: null, metAt: need.status === 'met' ? ctx.clock.now() : null, createdBy: worker?.id ?? null, createdAt: ctx.clock.now(),
        });
        needs++;
      }
    }
  }
  const lines = visits ? [`入户走访：${visits} 条走访记录，按风险等级（高风险每周、重点每月、一般每季度）每天 08:00 给社工发走访名单；社工微信回复“走访 王秀英 情况良好”即可记录`] : [];
  if (needs) lines.push(`帮扶需求清单：${needs} 条（医疗、生活、教育、心理），可搜索、跟进、导出 Excel`);
  return lines;
};
