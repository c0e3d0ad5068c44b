import { Community } from '../entities';
import type { AppContext } from '../services/context';
import { actorOf } from './checkin-fixtures';
import { createCommunity, createFamily, createResident, createStation, createWorker } from './factories';

let n = 0;

/**
 * A station with a bound worker, a bound children's officer (儿童主任) of 幸福村, the left-behind
 * child 张小明 and his family: the father 张建国 working in the city and the grandmother 李桂花
 * raising him, both bound on WeChat.
 */
export async function familyScene(ctx: AppContext, options: { stationId?: number } = {}) {
  const k = ++n;
  const station = options.stationId ? { id: options.stationId } : await createStation(ctx);
  const community = await createCommunity(ctx, { stationId: station.id, name: `幸福村${k}` });
  const worker = await createWorker(ctx, { stationId: station.id, wechatContactId: `fworker-${k}` });
  const admin = await createWorker(ctx, { stationId: station.id, role: 'station_admin' });
  const officer = await createWorker(ctx, { stationId: station.id, name: '刘主任', wechatContactId: `officer-${k}` });
  await ctx.db.manager.update(Community, { id: community.id }, { childrenOfficerId: officer.id });
  const child = await createResident(ctx, {
    stationId: station.id, communityId: community.id, name: '张小明', gender: 'male', birthDate: '2016-05-01',
    tags: ['left_behind_child'], riskTier: 'priority',
  });
  const father = await createFamily(ctx, { residentId: child.id, name: '张建国', relation: '父亲', phone: '13900000001', wechatContactId: `father-${k}` });
  const grandma = await createFamily(ctx, { residentId: child.id, name: '李桂花', relation: '祖母（监护人）', phone: '13900000002', wechatContactId: `grandma-${k}` });
  return { station, community, worker, admin, officer, child, father, grandma, actor: actorOf(worker), k };
}

/** Runs the family-reminders job at the current application time. */
export function runFamilyReminders(ctx: AppContext) {
  return ctx.services.jobs.runNow('family-reminders');
}
