import { Like } from 'typeorm';
import { OutboxMessage, Resident } from '../entities';
import type { PlanInput } from '../services/checkin-plans';
import type { AdjustableClock } from '../services/clock';
import type { AppContext } from '../services/context';
import { atLocal } from '../services/time';
import { actorOf, createCommunity, createFamily, createResident, createStation, createWorker } from './factories';

let n = 0;

export { actorOf };

/**
 * A station with a bound worker and a bound station admin, and 王秀英 (female, living alone, in
 * 幸福村, WeChat bound) with her son 王小明 (bound, 13800000000) and a plan at 09:00 (second at
 * 10:00, deadline 11:00) saved at the current clock time.
 */
export async function elderScene(ctx: AppContext, options: {
  plan?: Partial<PlanInput>; resident?: Partial<Resident>; family?: boolean; stationId?: number;
} = {}) {
  const k = ++n;
  const station = options.stationId ? { id: options.stationId } : await createStation(ctx);
  const community = await createCommunity(ctx, { stationId: station.id, name: `幸福村${k}` });
  const worker = await createWorker(ctx, { stationId: station.id, wechatContactId: `worker-${k}` });
  const admin = await createWorker(ctx, { stationId: station.id, role: 'station_admin', wechatContactId: `admin-${k}` });
  const resident = await createResident(ctx, {
    stationId: station.id, communityId: community.id, name: '王秀英', gender: 'female', birthDate: '1940-05-01',
    tags: ['living_alone'], wechatContactId: `elder-${k}`, ...options.resident,
  });
  const son = options.family === false ? null : await createFamily(ctx, {
    residentId: resident.id, name: '王小明', relation: '儿子', phone: '13800000000', wechatContactId: `son-${k}`,
  });
  const { plan } = await ctx.services.checkinPlans.savePlan(actorOf(worker), resident.id, {
    enabled: true, remindAt: '09:00', secondReminderMinutes: 60, graceMinutes: 120, ...options.plan,
  });
  return { station, community, worker, admin, resident, son, plan, k };
}

/** Outbox rows whose dedupe key starts with `prefix`, oldest first. */
export function queued(ctx: AppContext, prefix: string): Promise<OutboxMessage[]> {
  return ctx.db.manager.find(OutboxMessage, { where: { dedupeKey: Like(`${prefix}%`) }, order: { id: 'ASC' } });
}

/** Outbox rows to one contact, oldest first. */
export function sentTo(ctx: AppContext, contactId: string): Promise<OutboxMessage[]> {
  return ctx.db.manager.find(OutboxMessage, { where: { toContactId: contactId }, order: { id: 'ASC' } });
}

/** Plays the bot's sender: every pending row is delivered (or fails for good). */
export async function deliverAll(ctx: AppContext, status: 'sent' | 'failed' = 'sent'): Promise<void> {
  await ctx.db.manager.update(OutboxMessage, { status: 'pending' }, { status, sentAt: status === 'sent' ? ctx.clock.now() : null });
}

/** The minute's check-in work: the sweep, then the morning summary of alerts (its own job). */
export async function runCheckins(ctx: AppContext) {
  const summary = await ctx.services.jobs.runNow('checkins');
  await ctx.services.jobs.runNow('alert-summary');
  return summary;
}

/**
 * Runs the check-in job through a day at the given local times (by default the usual plan's
 * reminder, second reminder and deadline: 09:00, 10:00, 11:00), delivering what was queued after
 * each run unless `deliver` is false: how a test brings a silent day to its escalation.
 */
export async function runDay(ctx: AppContext, clock: AdjustableClock, date: string, options: { times?: string[]; deliver?: boolean } = {}): Promise<void> {
  for (const t of options.times ?? ['09:00', '10:00', '11:00']) {
    clock.set(atLocal(date, t));
    await runCheckins(ctx);
    if (options.deliver !== false) await deliverAll(ctx);
  }
}
