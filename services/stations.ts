import { Community, Station, Worker } from '../entities';
import type { Actor } from './auth';
import type { Infra } from './infra';
import { conflict, forbidden, isUniqueViolation } from './errors';
import { assertCountyAdmin, assertStation } from './permissions';

export interface StationInput {
  name: string;
  township: string;
  county: string;
  address?: string | null;
  phone?: string | null;
  openHours?: string | null;
}

/** The county of a first admin not yet tied to one (see `create`). */
export const UNASSIGNED_COUNTY = '';

/** Stations and their communities: the organisation a county admin sets up. */
export class StationService {
  constructor(private readonly ctx: Infra) {}

  /**
   * A station in the county admin's own county. A first admin made without a county (a fresh
   * deployment) takes the county of the first station they set up.
   */
  async create(actor: Actor, input: StationInput): Promise<Station> {
    assertCountyAdmin(actor);
    const m = this.ctx.db.manager;
    let county = actor.county;
    if (county === UNASSIGNED_COUNTY) {
      const claimed = await m.update(Worker, { id: actor.id, county: UNASSIGNED_COUNTY }, { county: input.county });
      county = claimed.affected ? input.county : (await m.findOneByOrFail(Worker, { id: actor.id })).county;
    }
    if (input.county !== county) throw forbidden(`只能在本县（${county}）内设立站点`, 'other_county');
    return m.save(Station, m.create(Station, {
      name: input.name, township: input.township, county: input.county,
      address: input.address ?? null, phone: input.phone ?? null, openHours: input.openHours ?? null,
    }));
  }

  /** The stations the caller can see: the county's for a county admin, their own for a station worker. */
  async list(actor: Actor, page: { limit: number; offset: number }): Promise<{ items: Station[]; total: number }> {
    if (actor.kind !== 'worker') throw forbidden('仅限社工使用');
    const where = actor.role === 'county_admin' ? { county: actor.county } : { id: actor.stationId ?? -1 };
    const [items, total] = await this.ctx.db.manager.findAndCount(Station, { where, order: { id: 'ASC' }, take: page.limit, skip: page.offset });
    return { items, total };
  }

  /** Loads a station the caller may read (404 otherwise) or manage (403 when read-only). */
  async get(actor: Actor, id: number, mode: 'read' | 'manage'): Promise<Station> {
    const station = await this.ctx.db.manager.findOne(Station, { where: { id } });
    assertStation(actor, station, mode);
    return station as Station;
  }

  /** Adds a village or community; a duplicate name in the station is a 409. */
  async addCommunity(actor: Actor, stationId: number, name: string): Promise<Community> {
    const station = await this.get(actor, stationId, 'manage');
    const m = this.ctx.db.manager;
    try {
      return await m.save(Community, m.create(Community, { stationId: station.id, name }));
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict('duplicate_community', `本站已有名为“${name}”的村（社区）`);
      throw err;
    }
  }

  /** A station's communities. */
  async communities(actor: Actor, stationId: number, page: { limit: number; offset: number }): Promise<{ items: Community[]; total: number }> {
    const station = await this.get(actor, stationId, 'read');
    const [items, total] = await this.ctx.db.manager.findAndCount(Community, {
      where: { stationId: station.id }, order: { id: 'ASC' }, take: page.limit, skip: page.offset,
    });
    return { items, total };
  }
}
