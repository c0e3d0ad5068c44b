import { IsNull } from 'typeorm';
import { Resident, SatisfactionRating, Worker } from '../entities';
import type { ServiceRecordType } from '../entities';
import type { DemoSeeder } from './demo-seeder';
import { insertServiceRecord } from './record-store';
import { addDays, localDate } from './time';

/** A season of work, as the article's stations report it: case work, group sessions, community activities, books linked. */
const PLAN: { daysAgo: number; type: ServiceRecordType; summary: string; take: number; minutes: number; yuan?: number; giver?: string; note?: string }[] = [
  { daysAgo: 80, type: 'community', summary: '社区活动：重阳节敬老联欢', take: 12, minutes: 120 },
  { daysAgo: 72, type: 'case', summary: '个案：独居老人情绪疏导', take: 1, minutes: 60 },
  { daysAgo: 65, type: 'group', summary: '小组：老年人防跌倒健康小组（第1节）', take: 6, minutes: 90 },
  { daysAgo: 58, type: 'group', summary: '小组：老年人防跌倒健康小组（第2节）', take: 6, minutes: 90 },
  { daysAgo: 50, type: 'case', summary: '个案：低保年审材料协助', take: 2, minutes: 45 },
  { daysAgo: 41, type: 'community', summary: '社区活动：“书香沙河”图书捐赠', take: 15, minutes: 120, yuan: 110000, giver: '县图书馆及爱心企业', note: '图书一批' },
  { daysAgo: 30, type: 'case', summary: '个案：留守儿童学业陪伴', take: 1, minutes: 60 },
  { daysAgo: 21, type: 'group', summary: '小组：留守儿童成长小组', take: 8, minutes: 90, yuan: 2000, giver: '县慈善会', note: '学习用品' },
  { daysAgo: 12, type: 'case', summary: '个案：残疾人辅具申请跟进', take: 1, minutes: 40 },
  { daysAgo: 5, type: 'case', summary: '个案：特困老人就医陪同', take: 1, minutes: 180 },
];

/**
 * Three months of service records at each demo station (with 110,000 yuan of books linked, as in
 * the article) and a few satisfaction scores, so that `GET /api/stats` and the export show numbers.
 */
export const seedStats: DemoSeeder = async (ctx, stations) => {
  const m = ctx.db.manager;
  const today = localDate(ctx.clock.now());
  let records = 0;
  for (const station of stations) {
    const worker = await m.findOne(Worker, { where: { stationId: station.id, role: 'worker' }, order: { id: 'ASC' } });
    const residents = await m.find(Resident, { where: { stationId: station.id, erasedAt: IsNull() }, order: { id: 'ASC' } });
    if (!residents.length) continue;
    for (const [i, p] of PLAN.entries()) {
      const ids = Array.from({ length: Math.min(p.take, residents.length) }, (_, j) => residents[(i + j) % residents.length].id);
      const record = await insertServiceRecord(m, {
        stationId: station.id, type: p.type, date: addDays(today, -p.daysAgo), summary: p.summary, residentIds: ids, durationMinutes: p.minutes,
        resourcesYuan: p.yuan ?? null, resourcesGiver: p.giver ?? null, resourcesNote: p.note ?? null, createdBy: worker?.id ?? null,
      });
      records++;
      if (i % 3 === 0) {
        await m.insert(SatisfactionRating, {
          stationId: station.id, recordId: record.id, residentId: ids[0], date: record.date, outboxId: null,
          askedAt: ctx.clock.now(), rating: i % 2 ? 4 : 5, ratedAt: ctx.clock.now(),
        });
      }
    }
  }
  return records ? [`服务记录与统计：${records} 条服务记录（个案、小组、社区活动，含链接图书 11 万元），工作台或 GET /api/stats 查看本站统计，县管理员看全县并可导出 Excel`] : [];
};
