import { z } from 'zod';
import { EntityManager, In } from 'typeorm';
import { Community, Need, NEED_STATUSES, NEED_TYPES, NEED_URGENCIES, Resident, Worker } from '../entities';
import type { NeedStatus, NeedType, NeedUrgency } from '../entities';
import type { Actor } from './auth';
import type { Infra } from './infra';
import { ERASED_TEXT } from './chat';
import { notFound, validationFailed } from './errors';
import { assertCases, ownStationId } from './permissions';
import { localDate } from './time';

export const NEED_TYPE_LABELS: Record<NeedType, string> = {
  medical: '医疗', living: '生活', education: '教育', psychological: '心理', legal: '法律', other: '其他',
};
export const NEED_URGENCY_LABELS: Record<NeedUrgency, string> = { low: '一般', medium: '较急', high: '紧急' };
export const NEED_STATUS_LABELS: Record<NeedStatus, string> = { open: '待跟进', in_progress: '跟进中', met: '已解决', closed: '已关闭' };

const description = z.string().trim().min(1, '不能为空').max(1000, '需求描述最多 1000 个字');

/** `POST /api/needs`. */
export const needCreateSchema = z.strictObject({
  residentId: z.number().int().positive(),
  type: z.enum(NEED_TYPES),
  urgency: z.enum(NEED_URGENCIES),
  description,
  followUpWorkerId: z.number().int().positive().nullable().optional(),
});
export type NeedCreate = z.output<typeof needCreateSchema>;

/** `PATCH /api/needs/:id`: the status, who follows it up, and the rest. */
export const needPatchSchema = z.strictObject({
  status: z.enum(NEED_STATUSES).optional(),
  followUpWorkerId: z.number().int().positive().nullable().optional(),
  urgency: z.enum(NEED_URGENCIES).optional(),
  type: z.enum(NEED_TYPES).optional(),
  description: description.optional(),
  note: z.string().trim().max(500, '备注最多 500 个字').nullable().optional(),
}).refine((x) => Object.keys(x).length > 0, '没有要修改的内容');
export type NeedPatch = z.output<typeof needPatchSchema>;

export interface NeedFilter {
  status?: NeedStatus;
  type?: NeedType;
  urgency?: NeedUrgency;
  residentId?: number;
  followUpWorkerId?: number;
  q?: string;
  limit: number;
  offset: number;
}

/** A need with the names the list shows. */
export type NeedWithNames = Need & { residentName: string | null; communityName: string | null; followUpWorkerName: string | null };

/** Rows of one spreadsheet export at most. */
const NEEDS_EXPORT_MAX = 10_000;

/**
 * The needs list (帮扶需求清单): needs found on visits, by type and urgency, followed up by a
 * worker until met or closed; searchable and exportable. Every read and write stays in the
 * caller's station.
 */
export class NeedService {
  constructor(private readonly ctx: Infra) {}

  private async resident(actor: Actor, residentId: number): Promise<Resident> {
    const r = await this.ctx.db.manager.findOne(Resident, { where: { id: residentId } });
    if (!r || r.erasedAt) throw notFound('居民');
    assertCases(actor, r.stationId, '居民');
    return r;
  }

  private async assertWorker(stationId: number, workerId: number | null | undefined): Promise<void> {
    if (workerId === null || workerId === undefined) return;
    const w = await this.ctx.db.manager.findOne(Worker, { where: { id: workerId, stationId, active: true } });
    if (!w) throw validationFailed([{ in: 'body', path: 'followUpWorkerId', message: '跟进社工须是本站在职的社工账号' }], '跟进社工须是本站在职的社工账号');
  }

  /** Records a need of one of the caller's station's residents (another station's: 404). */
  async create(actor: Actor, input: NeedCreate): Promise<NeedWithNames> {
    const r = await this.resident(actor, input.residentId);
    await this.assertWorker(r.stationId, input.followUpWorkerId);
    const repo = this.ctx.db.manager.getRepository(Need);
    const need = await repo.save(repo.create({
      stationId: r.stationId, residentId: r.id, type: input.type, urgency: input.urgency, description: input.description,
      status: 'open', followUpWorkerId: input.followUpWorkerId ?? null, note: null, metAt: null,
      // The business day it was found, by the application clock (the list and export show it).
      createdBy: actor.kind === 'worker' ? actor.id : null, createdAt: this.ctx.clock.now(),
    }));
    return (await this.withNames([need]))[0];
  }

  /** A need of the caller's station, or 404. */
  async get(actor: Actor, id: number): Promise<Need> {
    const need = await this.ctx.db.manager.findOne(Need, { where: { id } });
    if (!need) throw notFound('需求');
    assertCases(actor, need.stationId, '需求');
    return need;
  }

  /** Changes status, follow-up worker and the rest; a need that becomes met records when. */
  async update(actor: Actor, id: number, patch: NeedPatch): Promise<NeedWithNames> {
    const need = await this.get(actor, id);
    await this.assertWorker(need.stationId, patch.followUpWorkerId);
    const changes: Partial<Need> = { ...patch };
    if (patch.status) changes.metAt = patch.status === 'met' ? (need.metAt ?? this.ctx.clock.now()) : null;
    await this.ctx.db.manager.update(Need, { id: need.id, stationId: need.stationId }, changes);
    return (await this.withNames([await this.ctx.db.manager.findOneByOrFail(Need, { id: need.id })]))[0];
  }

  /** The station's needs, most urgent and newest first; `q` searches descriptions, notes and residents' names. */
  async list(actor: Actor, filter: NeedFilter, max = 500): Promise<{ items: NeedWithNames[]; total: number }> {
    const stationId = ownStationId(actor);
    const qb = this.ctx.db.manager.createQueryBuilder(Need, 'n')
      .leftJoin(Resident, 'r', 'r.id = n.residentId')
      .where('n.stationId = :stationId', { stationId })
      .addSelect(`CASE n.urgency WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END`, 'urgency_rank')
      .orderBy('urgency_rank', 'ASC')
      .addOrderBy('n.id', 'DESC')
      .limit(Math.min(filter.limit, max)).offset(filter.offset);
    if (filter.status) qb.andWhere('n.status = :status', { status: filter.status });
    if (filter.type) qb.andWhere('n.type = :type', { type: filter.type });
    if (filter.urgency) qb.andWhere('n.urgency = :urgency', { urgency: filter.urgency });
    if (filter.residentId) qb.andWhere('n.residentId = :rid', { rid: filter.residentId });
    if (filter.followUpWorkerId) qb.andWhere('n.followUpWorkerId = :wid', { wid: filter.followUpWorkerId });
    const q = filter.q?.replace(/[%_\\]/g, '').trim();
    if (q) qb.andWhere('(n.description LIKE :q OR n.note LIKE :q OR (r.name LIKE :q AND r.erasedAt IS NULL))', { q: `%${q}%` });
    const [rows, total] = await qb.getManyAndCount();
    return { items: await this.withNames(rows), total };
  }

  private async withNames(rows: Need[]): Promise<NeedWithNames[]> {
    if (!rows.length) return [];
    const m = this.ctx.db.manager;
    const residents = await m.find(Resident, { where: { id: In([...new Set(rows.map((n) => n.residentId))]) }, select: { id: true, name: true, communityId: true, erasedAt: true } });
    const workerIds = [...new Set(rows.map((n) => n.followUpWorkerId).filter((x): x is number => x !== null))];
    const [communities, workers] = await Promise.all([
      m.find(Community, { where: { id: In([...new Set(residents.map((r) => r.communityId))]) } }),
      workerIds.length ? m.find(Worker, { where: { id: In(workerIds) }, select: { id: true, name: true } }) : Promise.resolve([] as Worker[]),
    ]);
    const rById = new Map(residents.map((r) => [r.id, r]));
    return rows.map((n) => {
      const r = rById.get(n.residentId);
      return Object.assign(n, {
        residentName: r && !r.erasedAt ? r.name : null,
        communityName: r ? (communities.find((c) => c.id === r.communityId)?.name ?? null) : null,
        followUpWorkerName: workers.find((w) => w.id === n.followUpWorkerId)?.name ?? null,
      });
    });
  }

  /** The needs list as a spreadsheet with Chinese headings (the same filters as the list). */
  async exportXlsx(actor: Actor, filter: Omit<NeedFilter, 'limit' | 'offset'>): Promise<Buffer> {
    const { items } = await this.list(actor, { ...filter, limit: NEEDS_EXPORT_MAX, offset: 0 }, NEEDS_EXPORT_MAX);
    // Loaded on first use: exceljs weighs ~25 MB, which a bot or jobs process never needs.
    const { Workbook } = (await import('exceljs')).default;
    const wb = new Workbook();
    const sheet = wb.addWorksheet('帮扶需求清单');
    sheet.columns = [
      { header: '编号', key: 'id', width: 8 }, { header: '居民', key: 'resident', width: 12 }, { header: '村（社区）', key: 'community', width: 14 },
      { header: '需求类型', key: 'type', width: 10 }, { header: '紧急程度', key: 'urgency', width: 10 }, { header: '需求描述', key: 'description', width: 40 },
      { header: '状态', key: 'status', width: 10 }, { header: '跟进社工', key: 'worker', width: 12 }, { header: '备注', key: 'note', width: 30 },
      { header: '登记日期', key: 'created', width: 12 }, { header: '解决日期', key: 'met', width: 12 },
    ];
    for (const n of items) {
      sheet.addRow({
        id: n.id, resident: n.residentName ?? '（已删除）', community: n.communityName ?? '', type: NEED_TYPE_LABELS[n.type],
        urgency: NEED_URGENCY_LABELS[n.urgency], description: n.description, status: NEED_STATUS_LABELS[n.status],
        worker: n.followUpWorkerName ?? '', note: n.note ?? '', created: localDate(n.createdAt), met: n.metAt ? localDate(n.metAt) : '',
      });
    }
    sheet.getRow(1).font = { bold: true };
    return Buffer.from(await wb.xlsx.writeBuffer());
  }

  /** A resident's needs, for the export of everything held on them (PIPL). */
  async exportFor(em: EntityManager, resident: Resident): Promise<unknown> {
    const rows = await em.find(Need, { where: { residentId: resident.id, stationId: resident.stationId }, order: { id: 'ASC' } });
    return rows.map((n) => ({ id: n.id, type: n.type, urgency: n.urgency, description: n.description, status: n.status, note: n.note }));
  }

  /** On erase: the needs stay for the statistics (type, urgency, status), without their words. */
  async eraseFor(em: EntityManager, resident: Resident): Promise<void> {
    await em.update(Need, { residentId: resident.id, stationId: resident.stationId }, { description: ERASED_TEXT, note: null });
  }
}
