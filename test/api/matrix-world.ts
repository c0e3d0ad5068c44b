import { Activity, Alert, BookableService, Booking, BookingSlot, Broadcast, Community, FamilyContact, Handoff, Need, Policy, Resident, Station, UnansweredQuestion, WaitlistEntry, Worker, WorkerRole } from '../../entities';
import type { World } from '../../api/matrix';
import type { AppContext } from '../../services/context';
import { planInputSchema } from '../../services/checkin-plans';

/** Every name in a probed station starts with this, so that a leak to another station shows. */
export const MARK_A = '矩阵甲';
export const MARK_B = '矩阵乙';
export const PASSWORD = 'password123';

let seq = 0;
let passwordHash: Promise<string> | undefined;

export interface Callers {
  worker: string;
  station_admin: string;
  resident: string;
}

/**
 * A station with one record of every kind a route can name, and its own callers (a worker, a station
 * admin, a mini-program resident bound to its resident). A feature adding a kind of record adds it
 * to `World` (api/matrix.ts) and here.
 */
export async function buildWorld(ctx: AppContext, mark: string, county: string): Promise<{ world: World; callers: Callers }> {
  const n = ++seq;
  const m = ctx.db.manager;
  passwordHash ??= ctx.services.auth.hashPassword(PASSWORD);
  const hash = await passwordHash;
  const name = (what: string) => `${mark}${what}${n}`;
  const station = await m.save(Station, m.create(Station, { name: name('站'), township: name('镇'), county, phone: '0936-5520000' }));
  const community = await m.save(Community, m.create(Community, { stationId: station.id, name: name('村') }));
  const openid = `matrix-${mark === MARK_A ? 'a' : 'b'}-${n}`;
  const resident = await m.save(Resident, m.create(Resident, {
    stationId: station.id, communityId: community.id, name: name('居民'), phone: '13800001234', tags: [], status: 'active',
    riskTier: 'general', optedOut: false, openid, wechatContactId: `wx-${openid}`,
  }));
  const family = await m.save(FamilyContact, m.create(FamilyContact, { residentId: resident.id, stationId: station.id, name: name('家属'), relation: '儿子', phone: '13900001234' }));
  const worker = async (role: WorkerRole, what: string) =>
    m.save(Worker, m.create(Worker, {
      username: `matrix${n}${what}`, name: name(what), county, role, stationId: station.id, active: true, tokenVersion: 0, passwordHash: hash,
    }));
  const target = await worker('worker', '同事');
  const own = await worker('worker', '社工');
  const admin = await worker('station_admin', '站长');
  const policy = await m.save(Policy, m.create(Policy, {
    stationId: station.id, title: name('政策'), category: '救助', summary: '摘要', content: '内容', steps: [], materials: [], keywords: [], questions: [],
  }));
  const now = ctx.clock.now();
  const unanswered = await m.save(UnansweredQuestion, m.create(UnansweredQuestion, {
    stationId: station.id, normalized: name('问题'), text: name('问题'), count: 1, status: 'open', firstAskedAt: now, lastAskedAt: now,
  }));
  const alert = await m.save(Alert, m.create(Alert, {
    stationId: station.id, residentId: resident.id, type: 'help_call', status: 'open', summary: name('告警'), createdAt: now,
  }));
  const handoff = await m.save(Handoff, m.create(Handoff, {
    stationId: station.id, contactId: `wx-${openid}`, contactName: name('居民'), residentId: resident.id, status: 'open', transcript: [], createdAt: now,
  }));
  await ctx.services.checkinPlans.savePlan(
    { kind: 'worker', id: own.id, role: 'worker', stationId: station.id, county, name: own.name }, resident.id, planInputSchema.parse({ remindAt: '09:00' }),
  );
  const need = await m.save(Need, m.create(Need, {
    stationId: station.id, residentId: resident.id, type: 'medical', urgency: 'low', description: name('需求'), status: 'open',
    followUpWorkerId: null, note: null, metAt: null, createdBy: null,
  }));
  const activity = await m.save(Activity, m.create(Activity, {
    stationId: station.id, title: name('活动'), description: '', startsAt: new Date(now.getTime() + 2 * 86400_000), endsAt: new Date(now.getTime() + 2 * 86400_000 + 7200_000),
    location: '村委会', capacity: 100, signedUp: 0, signupDeadline: null, audience: { all: true }, kind: 'community', status: 'scheduled', serviceRecordId: null, createdBy: null,
  }));
  const broadcast = await m.save(Broadcast, m.create(Broadcast, {
    stationId: station.id, activityId: null, text: name('通知'), audience: { all: true }, sendAt: new Date(now.getTime() + 86400_000), status: 'scheduled',
    recipients: 1, optedOut: 0, unreachable: 0, rooms: 0, parts: 1, idempotencyKey: `matrix-${n}`, failuresReported: false, createdBy: null, queuedAt: null, cancelledAt: null,
  }));
  const code = await ctx.services.binding.issue(station.id, 'resident', resident.id);
  const service = await m.save(BookableService, m.create(BookableService, {
    stationId: station.id, name: name('服务'), description: '', durationMinutes: 30, location: null, tags: [], recordType: 'case', active: true, createdBy: null,
  }));
  const slotAt = (hours: number, over: Partial<BookingSlot> = {}) => m.save(BookingSlot, m.create(BookingSlot, {
    serviceId: service.id, stationId: station.id, startsAt: new Date(now.getTime() + hours * 3600_000), endsAt: new Date(now.getTime() + (hours + 0.5) * 3600_000),
    capacity: 5, booked: 0, held: 0, status: 'open', cancelReason: null, ...over,
  }));
  const slot = await slotAt(48);
  const full = await slotAt(49, { capacity: 1, booked: 1 });
  const bookedSlot = await slotAt(50, { booked: 1 });
  const booking = await m.save(Booking, m.create(Booking, {
    stationId: station.id, slotId: bookedSlot.id, serviceId: service.id, residentId: resident.id, status: 'booked', activeKey: `${bookedSlot.id}:${resident.id}`,
    bookedBy: null, channel: 'miniapp', startsAt: bookedSlot.startsAt, createdAt: now,
  }));
  const offered = await slotAt(51, { capacity: 1, held: 1 });
  const offer = await m.save(WaitlistEntry, m.create(WaitlistEntry, {
    stationId: station.id, slotId: offered.id, residentId: resident.id, status: 'offered', activeKey: `${offered.id}:${resident.id}`,
    addedBy: null, offeredAt: now, offerExpiresAt: new Date(now.getTime() + 3600_000), bookingId: null, createdAt: now,
  }));
  return {
    world: {
      stationId: station.id, county, communityId: community.id, residentId: resident.id, familyId: family.id, workerId: target.id,
      policyId: policy.id, unansweredId: unanswered.id, alertId: alert.id, handoffId: handoff.id, needId: need.id,
      serviceId: service.id, slotId: slot.id, fullSlotId: full.id, bookingId: booking.id, offerId: offer.id, activityId: activity.id, broadcastId: broadcast.id,
      login: { username: own.username, password: PASSWORD }, bindingCode: code.code,
    },
    callers: {
      worker: ctx.services.auth.workerToken(own),
      station_admin: ctx.services.auth.workerToken(admin),
      resident: ctx.services.auth.residentToken(openid),
    },
  };
}

/** A county admin of `county`. */
export async function countyAdmin(ctx: AppContext, county: string): Promise<string> {
  const m = ctx.db.manager;
  passwordHash ??= ctx.services.auth.hashPassword(PASSWORD);
  const w = await m.save(Worker, m.create(Worker, {
    username: `matrixcounty${++seq}`, name: `${county}管理员`, county, role: 'county_admin', stationId: null, active: true, tokenVersion: 0,
    passwordHash: await passwordHash,
  }));
  return ctx.services.auth.workerToken(w);
}
