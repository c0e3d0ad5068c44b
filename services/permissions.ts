import type { Station } from '../entities';
import type { Actor } from './auth';
import { badRequest, forbidden, notFound } from './errors';

/**
 * Who may do what to which record, declared once and used by the API and the bot alike. (Not to be
 * confused with welfare policies.) The rules:
 * - a worker or station admin reads and changes only their own station's records;
 * - a station admin also manages their station's workers, services and reports;
 * - a county admin reads the organisation and statistics of every station of their county, and
 *   no resident's personal detail; they edit no case;
 * - a resident sees only their own records.
 * A record outside the caller's reach answers 404, so its existence does not leak.
 */
export type WorkerActor = Extract<Actor, { kind: 'worker' }>;
type StationRef = Pick<Station, 'id' | 'county'>;

/** The station a station-level worker acts for; county admins have none (403 for case work). */
export function ownStationId(actor: Actor): number {
  if (actor.kind === 'worker' && actor.stationId !== null && actor.role !== 'county_admin') return actor.stationId;
  throw forbidden('此操作仅限站点社工');
}

/** Case records (residents, families, check-ins, alerts, bookings…) of a station: its own workers only. */
export function canWorkCases(actor: Actor, stationId: number): boolean {
  return actor.kind === 'worker' && actor.role !== 'county_admin' && actor.stationId === stationId;
}

/** Throws 404 unless the caller works the cases of `stationId`. */
export function assertCases(actor: Actor, stationId: number, what = '记录'): void {
  if (!canWorkCases(actor, stationId)) throw notFound(what);
}

/** Organisation and statistics of a station: its workers, and the county admin of its county. */
function canReadStation(actor: Actor, station: StationRef): boolean {
  if (actor.kind !== 'worker') return false;
  if (actor.role === 'county_admin') return actor.county === station.county;
  return actor.stationId === station.id;
}

/** Managing a station (its communities, workers, services): its station admin, or the county admin. */
export function canManageStation(actor: Actor, station: StationRef): boolean {
  if (actor.kind !== 'worker') return false;
  if (actor.role === 'county_admin') return actor.county === station.county;
  return actor.role === 'station_admin' && actor.stationId === station.id;
}

/** Throws 404 unless the caller may read the station; 403 when they may read but not manage it. */
export function assertStation(actor: Actor, station: StationRef | null, mode: 'read' | 'manage'): asserts station is StationRef {
  if (!station || !canReadStation(actor, station)) throw notFound('站点');
  if (mode === 'manage' && !canManageStation(actor, station)) throw forbidden('没有管理该站点的权限');
}

/** The bound resident behind a mini-program token, or 403 telling them to bind first. */
export function boundResidentId(actor: Actor): number {
  if (actor.kind !== 'resident') throw forbidden('仅限居民使用');
  if (actor.residentId === null) throw forbidden('请先绑定：向社工索取绑定码', 'not_bound');
  return actor.residentId;
}

/** Station admin work (erasing a resident, reading the audit log): 404 for another station, 403 for a plain worker. */
export function assertStationAdmin(actor: Actor, stationId: number, what = '记录'): void {
  assertCases(actor, stationId, what);
  if ((actor as WorkerActor).role !== 'station_admin') throw forbidden('此操作仅限站长');
}

/** Creating stations and county-wide management: the county admin only. */
export function assertCountyAdmin(actor: Actor): asserts actor is WorkerActor {
  if (actor.kind !== 'worker' || actor.role !== 'county_admin') throw forbidden('此操作仅限县管理员');
}

type WorkerRef = { id: number; stationId: number | null; county: string; role: string };

/** Reading a worker's account: themselves, colleagues of their station, the county admin of their county. */
function canReadWorker(actor: Actor, target: WorkerRef): boolean {
  if (actor.kind !== 'worker') return false;
  if (actor.id === target.id) return true;
  if (actor.role === 'county_admin') return actor.county === target.county;
  return target.stationId !== null && actor.stationId === target.stationId;
}

/**
 * Managing a worker's account (role, deactivation, password reset, binding code): the station
 * admin of their station (never a county admin's account), or the county admin of their county.
 */
function canManageWorker(actor: Actor, target: WorkerRef): boolean {
  if (actor.kind !== 'worker') return false;
  if (actor.role === 'county_admin') return actor.county === target.county;
  return actor.role === 'station_admin' && target.role !== 'county_admin' && target.stationId !== null && actor.stationId === target.stationId;
}

/** Throws 404 unless the caller may read the worker; 403 when they may read but not manage. */
export function assertWorker(actor: Actor, target: WorkerRef | null, mode: 'read' | 'manage'): asserts target is WorkerRef {
  if (!target || !canReadWorker(actor, target)) throw notFound('社工');
  if (mode === 'manage' && !canManageWorker(actor, target)) throw forbidden('没有管理该社工账号的权限');
}

// ---------------------------------------------------------------- alerts and hand-offs

/**
 * Alerts and hand-offs are case work: a station's own workers and admin list, read, acknowledge,
 * take and close them; a county admin gets 403 (they work no case), another station's record 404.
 * Returns the station whose records the caller works.
 */
export function caseStationId(actor: Actor): number {
  return ownStationId(actor);
}

/** Throws 403 for a caller who works no cases, 404 for a record (alert, hand-off) of another station. */
export function assertCaseRecord<T extends { stationId: number }>(actor: Actor, record: T | null, what: string): asserts record is T {
  const own = ownStationId(actor);
  if (!record || record.stationId !== own) throw notFound(what);
}

/** The worker acting (alerts and hand-offs record who closed them). */
export function actingWorker(actor: Actor): WorkerActor {
  if (actor.kind !== 'worker') throw forbidden('此操作仅限站点社工');
  return actor;
}

// ---------------------------------------------------------------- welfare policies

type PolicyRef = { stationId: number | null };

/**
 * Seeing a policy: shared ones (no station) are public; a station's own are for that station: its
 * residents, its workers, its county's admin, and anyone asking on that station's behalf
 * (`askedFor`, the public search and the mini-program of that station).
 */
export function canSeePolicy(actor: Actor, p: PolicyRef, station: StationRef | null, askedFor?: number | null): boolean {
  if (p.stationId === null || askedFor === p.stationId) return true;
  if (actor.kind === 'resident') return actor.stationId === p.stationId;
  return station !== null && station.id === p.stationId && canReadStation(actor, station);
}

/**
 * Editing a policy: shared ones by county admins only (403 for a worker); a station's own by its
 * workers and admin, or its county's admin; anyone else 403.
 */
export function assertCanEditPolicy(actor: Actor, p: PolicyRef, station: StationRef | null): void {
  if (actor.kind !== 'worker') throw forbidden();
  if (p.stationId === null) {
    if (actor.role !== 'county_admin') throw forbidden('共享政策由县管理员维护');
    return;
  }
  if (canWorkCases(actor, p.stationId)) return;
  if (!station || !canManageStation(actor, station)) throw forbidden('不能修改其他站点的政策');
}

/**
 * Who owns a new policy: a county admin writes shared ones, or one of their county's stations'
 * (`station`, the requested one, loaded); a worker their own station's (another station: 404).
 */
export function policyOwner(actor: Actor, requested: number | null | undefined, station: StationRef | null): number | null {
  if (actor.kind !== 'worker') throw forbidden('仅限社工或县管理员');
  if (actor.role === 'county_admin') {
    if (requested == null) return null;
    assertStation(actor, station, 'manage');
    return requested;
  }
  if (requested != null && requested !== actor.stationId) throw notFound('站点');
  return ownStationId(actor);
}

/**
 * The stations whose unanswered questions the caller reads and resolves: their own, or a county
 * admin's county (`countyStations`, loaded by the caller), optionally narrowed to one (outside: 404).
 */
export function unansweredStations(actor: Actor, countyStations: number[] | null, stationId?: number): number[] {
  if (actor.kind === 'worker' && actor.role === 'county_admin') {
    const ids = countyStations ?? [];
    if (stationId === undefined) return ids;
    if (!ids.includes(stationId)) throw notFound('站点');
    return [stationId];
  }
  const own = ownStationId(actor);
  if (stationId !== undefined && stationId !== own) throw notFound('站点');
  return [own];
}

/**
 * Whether a question that found no answer is logged for a station's workers: only a signed-in
 * caller's (a resident in the mini-program or the bot, a worker), never an anonymous one's (they
 * could fill any station's list).
 */
export function logsUnanswered(actor: Actor): boolean {
  return actor.kind !== 'anonymous';
}

// ---------------------------------------------------------------- bookings

/**
 * The resident acting for themselves: a mini-program token or a WeChat contact bound to a resident
 * (the same rules through the same service functions); null for anyone else.
 */
export function selfResident(actor: Actor): { residentId: number; stationId: number | null } | null {
  if ((actor.kind === 'resident' || actor.kind === 'contact') && actor.residentId !== null) return { residentId: actor.residentId, stationId: actor.stationId };
  return null;
}

/** A booking or a place in line: the resident's own, or one of the worker's station (else 404). */
export function canSeeResidentRecord(actor: Actor, record: { stationId: number; residentId: number }): boolean {
  const self = selfResident(actor);
  if (self) return self.residentId === record.residentId;
  return canWorkCases(actor, record.stationId);
}

/**
 * A bound resident writing to the station's bot: the chat whose pending questions (a rating, an
 * offered seat, a notice to answer) are theirs. Null for anyone else, so nothing is pending for them.
 */
export function chatResident(actor: Actor): { stationId: number; contactId: string; residentId: number } | null {
  if (actor.kind !== 'contact' || actor.residentId === null) return null;
  return { stationId: actor.stationId, contactId: actor.contactId, residentId: actor.residentId };
}

// ---------------------------------------------------------------- sign-ups

/** The station whose bot a WeChat contact writes to, or a station worker's own (anyone else: 403). */
export function chatStationId(actor: Actor): number {
  return actor.kind === 'contact' ? actor.stationId : ownStationId(actor);
}

/** The resident a caller is, by the mini-program or by WeChat; null for anyone else or the unbound. */
export function selfResidentId(actor: Actor): number | null {
  return actor.kind === 'resident' || actor.kind === 'contact' ? actor.residentId : null;
}

/**
 * Whose sign-up (or booking) a call is about: a bound resident acts for themselves only; a
 * station worker names the resident (checked against the station once loaded, see `assertCases`).
 */
export function residentActedFor(actor: Actor, residentId?: number): { residentId: number; byWorker: boolean } {
  if (actor.kind === 'resident' || actor.kind === 'contact') {
    const own = selfResidentId(actor);
    if (own === null) throw forbidden('请先绑定：向社工索取绑定码', 'not_bound');
    if (residentId !== undefined && residentId !== own) throw forbidden('只能为自己报名');
    return { residentId: own, byWorker: false };
  }
  ownStationId(actor);
  if (residentId === undefined) throw badRequest('resident_required', '请指定居民（residentId）');
  return { residentId, byWorker: true };
}

// ---------------------------------------------------------------- statistics

/**
 * The stations whose statistics the caller reads: a county admin the whole county
 * (`countyStations`, loaded by the caller) or one of its stations (another county's, or none: 404);
 * a worker or station admin their own station only (another one: 403, said in words).
 */
export function statsStations(actor: Actor, countyStations: number[] | null, stationId?: number): number[] {
  if (actor.kind !== 'worker') throw forbidden('统计数据仅限社工和县管理员查看');
  if (actor.role === 'county_admin') {
    const ids = countyStations ?? [];
    if (stationId === undefined) return ids;
    if (!ids.includes(stationId)) throw notFound('站点');
    return [stationId];
  }
  const own = ownStationId(actor);
  if (stationId !== undefined && stationId !== own) throw forbidden('只能查看本站的统计；全县统计由县管理员查看', 'other_station');
  return [own];
}

// ---------------------------------------------------------------- check-ins

/**
 * Today's check-in of an elder (`我妈今天报平安了没`): the station's workers, the elder themselves
 * (on the station's WeChat or the mini-program), or a family contact of theirs on the station's
 * WeChat (`isFamily`, looked up by the caller).
 */
export function canSeeTodayCheckin(actor: Actor, resident: { id: number; stationId: number }, isFamily: boolean): boolean {
  if (actor.kind === 'contact' && actor.stationId !== resident.stationId) return false;
  if (selfResidentId(actor) === resident.id) return true;
  return actor.kind === 'contact' ? isFamily : canWorkCases(actor, resident.stationId);
}

/** The resident whose phone numbers go into an alert to the workers: the resident calling, or one of the worker's station. */
export function canCallFor(actor: Actor, resident: { id: number; stationId: number }): boolean {
  if (actor.kind === 'contact') return actor.stationId === resident.stationId && actor.residentId === resident.id;
  return canWorkCases(actor, resident.stationId);
}
