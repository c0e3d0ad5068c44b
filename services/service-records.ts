import { z } from 'zod';
import { Between, In, LessThanOrEqual, MoreThanOrEqual } from 'typeorm';
import { Resident, ServiceRecord, SERVICE_RECORD_TYPES } from '../entities';
import type { ServiceRecordType } from '../entities';
import type { Actor } from './auth';
import type { Infra } from './infra';
import { dateSchema } from './schemas';
import { validationFailed } from './errors';
import { ownStationId } from './permissions';
import { localDate } from './time';

/** `POST /api/service-records`: a service the station delivered (API.md). */
export const serviceRecordInputSchema = z.strictObject({
  type: z.enum(SERVICE_RECORD_TYPES),
  residentIds: z.array(z.number().int().positive()).min(1, '至少一位居民').max(500, '一次最多 500 位居民')
    .refine((ids) => new Set(ids).size === ids.length, '居民不能重复'),
  date: dateSchema,
  summary: z.string().trim().min(1, '不能为空').max(2000, '最多 2000 个字'),
  resourcesYuan: z.number().min(0, '金额不能为负').max(1e9, '金额过大').nullable().optional(),
});
export type ServiceRecordInput = z.output<typeof serviceRecordInputSchema>;

export interface ServiceRecordFilter {
  from?: string;
  to?: string;
  type?: ServiceRecordType;
  residentId?: number;
  limit: number;
  offset: number;
}

/**
 * Service records (个案, 小组, 社区活动, 入户走访) as station reports count them. A home visit
 * recorded here, by resolving an alert as `visited`, or by a worker's `走访` in WeChat resets that
 * resident's visit clock (see visits.ts).
 */
export class ServiceRecordService {
  constructor(private readonly ctx: Infra) {}

  /**
   * Records a service for residents of the caller's station: each resident must be one of its own
   * (another station's looks like none: 400 naming it), the date a real one and not in the future.
   */
  async create(actor: Actor, input: ServiceRecordInput): Promise<ServiceRecord> {
    const stationId = ownStationId(actor);
    const problems: { in: string; path: string; message: string }[] = [];
    const found = await this.ctx.db.manager.find(Resident, { where: { id: In(input.residentIds), stationId }, select: { id: true, erasedAt: true } });
    const ok = new Set(found.filter((r) => !r.erasedAt).map((r) => r.id));
    input.residentIds.forEach((id, i) => {
      if (!ok.has(id)) problems.push({ in: 'body', path: `residentIds.${i}`, message: `居民 ${id} 不是本站居民` });
    });
    const today = localDate(this.ctx.clock.now());
    if (input.date > today) problems.push({ in: 'body', path: 'date', message: `日期 ${input.date} 还没到，不能晚于今天 ${today}` });
    if (problems.length) throw validationFailed(problems, `输入有误：${problems.map((p) => p.message).join('；')}`);
    const repo = this.ctx.db.manager.getRepository(ServiceRecord);
    return repo.save(repo.create({
      stationId, type: input.type, date: input.date, summary: input.summary, resourcesYuan: input.resourcesYuan ?? null,
      residentIds: input.residentIds, alertId: null, createdBy: actor.kind === 'worker' ? actor.id : null,
    }));
  }

  /** The caller's station's records, newest first; `residentId` keeps those that include the resident. */
  async list(actor: Actor, filter: ServiceRecordFilter): Promise<{ items: ServiceRecord[]; total: number }> {
    const stationId = ownStationId(actor);
    const date = filter.from && filter.to ? Between(filter.from, filter.to) : filter.from ? MoreThanOrEqual(filter.from) : filter.to ? LessThanOrEqual(filter.to) : undefined;
    const where = { stationId, ...(filter.type ? { type: filter.type } : {}), ...(date ? { date } : {}) };
    const order = { date: 'DESC' as const, id: 'DESC' as const };
    if (filter.residentId === undefined) {
      const [items, total] = await this.ctx.db.manager.findAndCount(ServiceRecord, { where, order, take: filter.limit, skip: filter.offset });
      return { items, total };
    }
    // Resident ids are a JSON list: filtered here, over the station's records in the range.
    const all = (await this.ctx.db.manager.find(ServiceRecord, { where, order })).filter((r) => r.residentIds.includes(filter.residentId!));
    return { items: all.slice(filter.offset, filter.offset + filter.limit), total: all.length };
  }

  /** The station's home visits on or after `since`, for the visit schedule. */
  homeVisitsSince(stationId: number, since: string): Promise<ServiceRecord[]> {
    return this.ctx.db.manager.find(ServiceRecord, {
      where: { stationId, type: 'home_visit', date: MoreThanOrEqual(since) }, order: { date: 'ASC', id: 'ASC' },
      select: { id: true, date: true, residentIds: true, createdBy: true },
    });
  }
}
