import { Community, FamilyContact, Resident, ResidentTag, Station, Worker, WorkerRole } from '../entities';
import type { Actor } from '../services/auth';
import type { AppContext } from '../services/context';

let seq = 0;
const next = () => ++seq;

/** A station (and its county). */
export async function createStation(ctx: AppContext, over: Partial<Station> = {}): Promise<Station> {
  const n = next();
  const m = ctx.db.manager;
  return m.save(Station, m.create(Station, { name: `测试镇${n}社工站`, township: `测试镇${n}`, county: '临泽县', phone: '0936-5520000', ...over }));
}

/** A community, with its station when none is given. */
export async function createCommunity(ctx: AppContext, over: Partial<Community> = {}): Promise<Community> {
  const stationId = over.stationId ?? (await createStation(ctx)).id;
  const m = ctx.db.manager;
  return m.save(Community, m.create(Community, { name: `测试村${next()}`, ...over, stationId }));
}

/** The acting worker as the API would see them. */
export function actorOf(w: Worker): Actor {
  return { kind: 'worker', id: w.id, role: w.role, stationId: w.stationId, county: w.county, name: w.name };
}

/** A worker with a password of `password123` and a ready token. */
export async function createWorker(
  ctx: AppContext,
  over: Partial<Worker> & { role?: WorkerRole } = {},
): Promise<Worker & { token: string; password: string }> {
  const role = over.role ?? 'worker';
  const stationId = role === 'county_admin' ? (over.stationId ?? null) : (over.stationId ?? (await createStation(ctx)).id);
  const m = ctx.db.manager;
  const password = 'password123';
  const w = await m.save(Worker, m.create(Worker, {
    username: `worker${next()}`, name: `社工${seq}`, county: '临泽县', active: true, tokenVersion: 0,
    passwordHash: await ctx.services.auth.hashPassword(password), ...over, role, stationId,
  }));
  return Object.assign(w, { token: ctx.services.auth.workerToken(w), password });
}

/** A resident, with station and community when none are given. */
export async function createResident(ctx: AppContext, over: Partial<Resident> & { tags?: ResidentTag[] } = {}): Promise<Resident> {
  let { stationId, communityId } = over;
  if (!communityId) communityId = (await createCommunity(ctx, stationId ? { stationId } : {})).id;
  if (!stationId) stationId = (await ctx.db.manager.findOneByOrFail(Community, { id: communityId })).stationId;
  const m = ctx.db.manager;
  return m.save(Resident, m.create(Resident, {
    name: `居民${next()}`, tags: [], status: 'active', riskTier: 'general', optedOut: false, ...over, stationId, communityId,
  }));
}

/** A family contact of a resident (created when none is given). */
export async function createFamily(ctx: AppContext, over: Partial<FamilyContact> = {}): Promise<FamilyContact> {
  const resident = over.residentId
    ? await ctx.db.manager.findOneByOrFail(Resident, { id: over.residentId })
    : await createResident(ctx);
  const m = ctx.db.manager;
  return m.save(FamilyContact, m.create(FamilyContact, {
    name: `家属${next()}`, relation: '儿子', ...over, residentId: resident.id, stationId: resident.stationId,
  }));
}
