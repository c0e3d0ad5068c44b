import { insertServiceRecord } from '../services/record-store';
import type { AppContext } from '../services/context';
import { createCommunity, createResident, createStation, createWorker } from './factories';

const at = (s: string) => new Date(`${s}+08:00`);

/**
 * A station registered on 2026-11-01 with two bound workers and three key residents: 王秀英 (high,
 * worker A's, last visited 11-26), 李德福 (priority, worker B's, 11-20) and 张桂兰 (general, nobody's,
 * 09-01); and 赵普通, who has no tag and is not on the schedule.
 */
export async function visitScene(ctx: AppContext, k: number) {
  const station = await createStation(ctx);
  const community = await createCommunity(ctx, { stationId: station.id, name: `沙河村${k}` });
  const a = await createWorker(ctx, { stationId: station.id, name: '赵敏', wechatContactId: `va-${k}` });
  const b = await createWorker(ctx, { stationId: station.id, name: '何静', wechatContactId: `vb-${k}` });
  const admin = await createWorker(ctx, { stationId: station.id, role: 'station_admin' });
  const base = { stationId: station.id, communityId: community.id, createdAt: at('2026-11-01T09:00:00') };
  const wang = await createResident(ctx, { ...base, name: '王秀英', tags: ['living_alone'], riskTier: 'high', caseWorkerId: a.id });
  const li = await createResident(ctx, { ...base, name: '李德福', tags: ['low_income'], riskTier: 'priority', caseWorkerId: b.id });
  const zhang = await createResident(ctx, { ...base, name: '张桂兰', tags: ['disabled'], riskTier: 'general' });
  const plain = await createResident(ctx, { ...base, name: '赵普通', tags: [] });
  for (const [r, date] of [[wang, '2026-11-26'], [li, '2026-11-20'], [zhang, '2026-09-01']] as const) {
    await insertServiceRecord(ctx.db.manager, { stationId: station.id, type: 'home_visit', date, summary: '走访', residentIds: [r.id], createdBy: a.id });
  }
  return { station, community, a, b, admin, wang, li, zhang, plain };
}
