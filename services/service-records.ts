import { z } from 'zod';
import { In, MoreThanOrEqual } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { Resident, ServiceRecord, SERVICE_RECORD_TYPES, Worker } from '../entities';
import type { ServiceRecordSource, ServiceRecordType } from '../entities';
import { insertServiceRecord } from './record-store';
import type { SatisfactionService } from './satisfaction';
import type { Actor } from './auth';
import type { Infra } from './infra';
import { dateSchema } from './schemas';
import { validationFailed } from './errors';
import { ownStationId } from './permissions';
import { localDate } from './time';

/** Chinese names of the record types, as station reports say them. */
export const SERVICE_RECORD_TYPE_LABELS: Record<ServiceRecordType, string> = { case: '个案', group: '小组', community: '社区活动', home_visit: '入户走访' };
/** Chinese names of what made a record. */
export const SERVICE_RECORD_SOURCE_LABELS: Record<ServiceRecordSource, string> = {
  manual: '手工登记', chat: '微信登记', alert: '告警上门', booking: '预约到场', activity: '活动签到',
};

/** `POST /api/service-records`: a service the station delivered (API.md). */
export const serviceRecordInputSchema = z.strictObject({
  type: z.enum(SERVICE_RECORD_TYPES),
  residentIds: z.array(z.number().int().positive()).min(1, '至少一位居民').max(500, '一次最多 500 位居民')
    .refine((ids) => new Set(ids).size === ids.length, '居民不能重复'),
  date: dateSchema,
  summary: z.string().trim().min(1, '不能为空').max(2000, '最多 2000 个字'),
  resourcesYuan: z.number().min(0, '金额不能为负').max(1e9, '金额过大').nullable().optional(),
  /** Who gave the resources linked (required with an amount above zero). */
  resourcesGiver: z.string().trim().min(1, '不能为空').max(100, '最多 100 个字').nullable().optional(),
  resourcesNote: z.string().trim().max(200, '最多 200 个字').nullable().optional(),
  /** The worker who delivered the service (of the station); the caller by default. */
  workerId: z.number().int().positive().optional(),
  durationMinutes: z.number().int('需为整数分钟').min(1, '至少 1 分钟').max(24 * 60, '最多 24 小时').nullable().optional(),
  /** Ask the residents on WeChat to rate the service 1–5 (once; default yes). */
  askSatisfaction: z.boolean().default(true),
}).refine((r) => !(r.resourcesYuan && r.resourcesYuan > 0) || Boolean(r.resourcesGiver), { path: ['resourcesGiver'], message: '链接了资源金额时请写明捐赠方（resourcesGiver）' });
export type ServiceRecordInput = Omit<z.output<typeof serviceRecordInputSchema>, 'askSatisfaction'> & { askSatisfaction?: boolean };

export interface ServiceRecordFilter {
  from?: string;
  to?: string;
  type?: ServiceRecordType;
  residentId?: number;
  workerId?: number;
  source?: ServiceRecordSource;
  limit: number;
  offset: number;
}

/**
 * Service records (个案, 小组, 社区活动, 入户走访) as station reports count them. A home visit
 * recorded here, by resolving an alert as `visited`, or by a worker's `走访` in WeChat resets that
 * resident's visit clock (see visits.ts).
 */
export class ServiceRecordService {
  constructor(
    private readonly ctx: Infra,
    private readonly deps: { satisfaction: SatisfactionService },
  ) {}

  /**
   * Records a service for residents of the caller's station: each resident must be one of its own
   * (another station's looks like none: 400 naming it), the date a real one and not in the future.
   */
  async create(actor: Actor, input: ServiceRecordInput, source: 'manual' | 'chat' = 'manual'): Promise<ServiceRecord> {
    const stationId = ownStationId(actor);
    const problems: { in: string; path: string; message: string }[] = [];
    const found = await this.ctx.db.manager.find(Resident, { where: { id: In(input.residentIds), stationId }, select: { id: true, erasedAt: true } });
    const ok = new Set(found.filter((r) => !r.erasedAt).map((r) => r.id));
    input.residentIds.forEach((id, i) => {
      if (!ok.has(id)) problems.push({ in: 'body', path: `residentIds.${i}`, message: `居民 ${id} 不是本站居民` });
    });
    const today = localDate(this.ctx.clock.now());
    if (input.date > today) problems.push({ in: 'body', path: 'date', message: `日期 ${input.date} 还没到，不能晚于今天 ${today}` });
    const callerId = actor.kind === 'worker' ? actor.id : null;
    if (input.workerId !== undefined && input.workerId !== callerId) {
      const w = await this.ctx.db.manager.findOne(Worker, { where: { id: input.workerId, stationId }, select: { id: true } });
      if (!w) problems.push({ in: 'body', path: 'workerId', message: `社工 ${input.workerId} 不是本站社工` });
    }
    if (problems.length) throw validationFailed(problems, `输入有误：${problems.map((p) => p.message).join('；')}`);
    const record = await this.ctx.db.transaction((em) => insertServiceRecord(em, {
      stationId, type: input.type, date: input.date, summary: input.summary, residentIds: input.residentIds,
      resourcesYuan: input.resourcesYuan ?? null, resourcesGiver: input.resourcesGiver ?? null,
      resourcesNote: input.resourcesNote ?? null, workerId: input.workerId ?? callerId, durationMinutes: input.durationMinutes ?? null,
      source, createdBy: callerId,
    }));
    if (input.askSatisfaction !== false) await this.deps.satisfaction.askAfter(record);
    return record;
  }

  /**
   * The caller's station's records, newest first, filtered by date range, type, source, the worker
   * who served, or a resident served (through the record's resident rows: one indexed query).
   */
  async list(actor: Actor, filter: ServiceRecordFilter): Promise<{ items: ServiceRecord[]; total: number }> {
    const stationId = ownStationId(actor);
    if (filter.from && filter.to && filter.from > filter.to) {
      throw validationFailed([{ in: 'query', path: 'from', message: '开始日期不能晚于结束日期' }], `开始日期 ${filter.from} 晚于结束日期 ${filter.to}`);
    }
    const qb = this.ctx.db.manager.createQueryBuilder(ServiceRecord, 'r').where('r.stationId = :stationId', { stationId });
    if (filter.from) qb.andWhere('r.date >= :from', { from: filter.from });
    if (filter.to) qb.andWhere('r.date <= :to', { to: filter.to });
    if (filter.type) qb.andWhere('r.type = :type', { type: filter.type });
    if (filter.source) qb.andWhere('r.source = :source', { source: filter.source });
    if (filter.workerId) qb.andWhere('r.workerId = :workerId', { workerId: filter.workerId });
    if (filter.residentId !== undefined) {
      qb.andWhere('r.id IN (SELECT x.recordId FROM service_record_residents x WHERE x.residentId = :residentId AND x.stationId = :stationId)', { residentId: filter.residentId });
    }
    const [items, total] = await qb.orderBy('r.date', 'DESC').addOrderBy('r.id', 'DESC').take(filter.limit).skip(filter.offset).getManyAndCount();
    return { items, total };
  }

  /** The services a resident received (their records), for the export of everything held on them (PIPL). */
  async exportFor(em: EntityManager, resident: Resident): Promise<unknown> {
    const rows = await em.createQueryBuilder(ServiceRecord, 'r')
      .where('r.stationId = :stationId', { stationId: resident.stationId })
      .andWhere('r.id IN (SELECT x.recordId FROM service_record_residents x WHERE x.residentId = :residentId)', { residentId: resident.id })
      .orderBy('r.date', 'ASC').addOrderBy('r.id', 'ASC').getMany();
    return rows.map((r) => ({ id: r.id, type: r.type, date: r.date, summary: r.summary, durationMinutes: r.durationMinutes, source: r.source }));
  }

  /** The station's home visits on or after `since`, for the visit schedule. */
  homeVisitsSince(stationId: number, since: string): Promise<ServiceRecord[]> {
    return this.ctx.db.manager.find(ServiceRecord, {
      where: { stationId, type: 'home_visit', date: MoreThanOrEqual(since) }, order: { date: 'ASC', id: 'ASC' },
      select: { id: true, date: true, residentIds: true, createdBy: true },
    });
  }
}
