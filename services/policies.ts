import { readFileSync } from 'node:fs';
import path from 'node:path';
import { In, IsNull } from 'typeorm';
import { z } from 'zod';
import { Policy, Station, UnansweredQuestion } from '../entities';
import type { Actor } from './auth';
import type { Infra } from './infra';
import { badRequest, forbidden, isUniqueViolation, notFound, validationFailed } from './errors';
import { assertStation, canManageStation, canReadStation, canWorkCases, ownStationId } from './permissions';
import type { PolicySearchEngine } from './policy-search';
import { readTable } from './spreadsheet';
import { fitsTextColumn, freeText, plainText, TEXT_COLUMN_BYTES } from './text';
import { localDate } from './time';

const DATE = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD');
const textList = (max: number) =>
  z.array(plainText(max)).max(100).refine((l) => fitsTextColumn(l), `内容太长（合计最多约 ${Math.floor(TEXT_COLUMN_BYTES / 3)} 个汉字）`);

const policyShape = {
  title: plainText(200),
  category: plainText(50),
  summary: freeText(1000, { min: 1 }),
  content: freeText(50_000, { min: 1 }),
  steps: textList(500),
  materials: textList(100),
  keywords: textList(50),
  questions: textList(200),
  source: z.string().trim().max(300).nullish(),
  effectiveFrom: DATE.nullish(),
  effectiveTo: DATE.nullish(),
  stationId: z.number().int().positive().nullish(),
};

/** What a policy is made of; every field optional, as a PATCH takes it. */
export const policyPatch = z.object(policyShape).partial();

/** A whole policy, as the API and the import take it. */
export const policyInput = z
  .object({
    ...policyShape,
    steps: textList(500).default([]),
    materials: textList(100).default([]),
    keywords: textList(50).default([]),
    questions: textList(200).default([]),
  })
  .refine((p) => !p.effectiveFrom || !p.effectiveTo || p.effectiveFrom <= p.effectiveTo, {
    message: '失效日期不能早于生效日期',
    path: ['effectiveTo'],
  });

export interface PolicyHit {
  policy: Policy;
  score: number;
}

/** Policies one import may hold (a county's whole list is a few hundred). */
export const MAX_POLICY_IMPORT = 2000;

/** How often the in-memory index checks whether another instance changed the policies. */
const STALE_CHECK_MS = 15_000;
/** Hits fetched from the engine before filtering by station and date. */
const OVERFETCH = 20;

/**
 * Welfare policies: management, and search through the in-memory engine of services/policy-search,
 * kept in step with the database (changes here apply at once; other instances' within seconds).
 */
export class PolicyService {
  private engine: PolicySearchEngine | undefined;
  private policies = new Map<number, Policy>();
  private fingerprint = '';
  private checkedAt = 0;
  private loading: Promise<void> | undefined;

  constructor(private readonly ctx: Infra) {}

  private async dbFingerprint(): Promise<string> {
    const row = await this.ctx.db.manager
      .createQueryBuilder(Policy, 'p')
      .select('COUNT(*)', 'n')
      .addSelect('MAX(p.updatedAt)', 'u')
      .addSelect('MAX(p.id)', 'm')
      .getRawOne<{ n: string | number; u: unknown; m: unknown }>();
    return `${row?.n}:${String(row?.u)}:${String(row?.m)}`;
  }

  /** The engine, (re)built from the database when it changed. */
  private async ready(): Promise<PolicySearchEngine> {
    if (this.engine && Date.now() - this.checkedAt < STALE_CHECK_MS) return this.engine;
    this.loading ??= (async () => {
      const fp = await this.dbFingerprint();
      this.checkedAt = Date.now();
      if (this.engine && fp === this.fingerprint) return;
      const rows = await this.ctx.db.manager.find(Policy);
      // Loaded on first search: segmentation, pinyin and the lexicons weigh ~30 MB.
      const engine = this.engine ?? new (await import('./policy-search')).PolicySearchEngine();
      engine.index(rows.map(toDoc));
      this.policies = new Map(rows.map((p) => [p.id, p]));
      this.engine = engine;
      this.fingerprint = fp;
    })().finally(() => {
      this.loading = undefined;
    });
    await this.loading;
    return this.engine!;
  }

  private remember(p: Policy): void {
    this.policies.set(p.id, p);
    this.engine?.upsert(toDoc(p));
    this.checkedAt = 0;
  }

  private forget(id: number): void {
    this.policies.delete(id);
    this.engine?.remove(id);
    this.checkedAt = 0;
  }

  /** In force today (by the application clock). */
  private inForce(p: Policy): boolean {
    const today = localDate(this.ctx.clock.now());
    return (!p.effectiveFrom || p.effectiveFrom <= today) && (!p.effectiveTo || p.effectiveTo >= today);
  }

  /**
   * The best policies for a question: shared ones and, with a station, that station's own; only those
   * in force. `answered` is false when nothing is a confident match.
   */
  async search(query: string, options: { stationId?: number | null; limit?: number } = {}): Promise<{ hits: PolicyHit[]; answered: boolean; normalized: string }> {
    const engine = await this.ready();
    const limit = options.limit ?? 5;
    const res = engine.search(query, Math.max(limit, OVERFETCH));
    const hits: PolicyHit[] = [];
    for (const h of res.hits) {
      const p = this.policies.get(Number(h.id));
      if (!p || !this.inForce(p)) continue;
      if (p.stationId !== null && p.stationId !== (options.stationId ?? null)) continue;
      hits.push({ policy: p, score: Math.round(h.score * 1000) / 1000 });
      if (hits.length >= limit) break;
    }
    const answered = res.answered && hits.length > 0 && hits[0].policy.id === Number(res.hits[0]?.id);
    return { hits, answered, normalized: res.normalizedQuery };
  }

  /** True when the text is greeting, thanks or chit-chat rather than a question. */
  async isChitChat(text: string): Promise<boolean> {
    return (await this.ready()).isOffTopic(text);
  }

  /** Counts a question that found no confident answer (deduplicated by its normalised wording). */
  async logUnanswered(stationId: number, text: string): Promise<void> {
    const { basicNormalize } = await import('./policy-search');
    const normalized = basicNormalize(text, 190).slice(0, 190);
    if (!normalized) return;
    const repo = this.ctx.db.manager.getRepository(UnansweredQuestion);
    const now = this.ctx.clock.now();
    const bump = () =>
      repo.createQueryBuilder().update().set({ count: () => 'count + 1', lastAskedAt: now }).where({ stationId, normalized }).execute();
    if ((await bump()).affected) return;
    try {
      await repo.insert({ stationId, normalized, text: text.slice(0, 500), count: 1, status: 'open', policyId: null, firstAskedAt: now, lastAskedAt: now });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      await bump();
    }
  }

  /** The stations whose unanswered questions the caller reads: their own, or (county admin) the county's. */
  private async questionStations(actor: Actor, stationId?: number): Promise<number[]> {
    if (actor.kind === 'worker' && actor.role === 'county_admin') {
      const stations = await this.ctx.db.manager.find(Station, { where: { county: actor.county }, select: { id: true } });
      const ids = stations.map((s) => s.id);
      if (stationId === undefined) return ids;
      if (!ids.includes(stationId)) throw notFound('站点');
      return [stationId];
    }
    const own = ownStationId(actor);
    if (stationId !== undefined && stationId !== own) throw notFound('站点');
    return [own];
  }

  /** Open unanswered questions, most asked first: a station's, or the whole county's for a county admin. */
  async unanswered(actor: Actor, filter: { stationId?: number; limit: number; offset: number }): Promise<{ items: UnansweredQuestion[]; total: number }> {
    const stations = await this.questionStations(actor, filter.stationId);
    if (!stations.length) return { items: [], total: 0 };
    const [items, total] = await this.ctx.db.manager.findAndCount(UnansweredQuestion, {
      where: { stationId: In(stations), status: 'open' },
      order: { count: 'DESC', lastAskedAt: 'DESC', id: 'ASC' },
      take: filter.limit,
      skip: filter.offset,
    });
    return { items, total };
  }

  /**
   * Closes an unanswered question: adds it as an example question of an existing policy, or makes
   * a new policy that carries it (so the next resident who asks it gets that answer), or just
   * dismisses it.
   */
  async resolveUnanswered(
    actor: Actor,
    id: number,
    input: { policyId?: number; policy?: z.output<typeof policyInput>; dismiss?: boolean },
  ): Promise<UnansweredQuestion> {
    const q = await this.ctx.db.manager.findOne(UnansweredQuestion, { where: { id } });
    if (!q || !(await this.questionStations(actor)).includes(q.stationId)) throw notFound('问题');
    let policyId: number | null = null;
    if (input.policy) {
      const questions = input.policy.questions.includes(q.text) ? input.policy.questions : [...input.policy.questions, q.text];
      policyId = (await this.create(actor, { ...input.policy, questions })).id;
    } else if (input.policyId) {
      const p = await this.get(actor, input.policyId);
      await this.assertCanEdit(actor, p);
      if (!p.questions.includes(q.text)) await this.update(actor, p.id, { questions: [...p.questions, q.text].slice(-100) });
      policyId = p.id;
    }
    await this.ctx.db.manager.update(UnansweredQuestion, { id }, { status: policyId ? 'resolved' : 'dismissed', policyId });
    return this.ctx.db.manager.findOneByOrFail(UnansweredQuestion, { id });
  }

  /** A policy the caller may see: shared ones for everybody, a station's own for that station. */
  async get(actor: Actor, id: number, stationId?: number): Promise<Policy> {
    const p = await this.ctx.db.manager.findOne(Policy, { where: { id } });
    if (!p || !(await this.visible(actor, p, stationId))) throw notFound('政策');
    return p;
  }

  /** Shared policies are public; a station's own are for that station (its residents, its workers, its county admin). */
  private async visible(actor: Actor, p: Policy, stationId?: number): Promise<boolean> {
    if (p.stationId === null || stationId === p.stationId) return true;
    if (actor.kind === 'resident') return actor.stationId === p.stationId;
    const station = await this.ctx.db.manager.findOne(Station, { where: { id: p.stationId } });
    return station !== null && canReadStation(actor, station);
  }

  /** A policy a station's residents may see (shared or the station's own, in force), or null. */
  async findForStation(stationId: number, id: number): Promise<Policy | null> {
    const p = await this.ctx.db.manager.findOne(Policy, { where: { id } });
    return p && (p.stationId === null || p.stationId === stationId) && this.inForce(p) ? p : null;
  }

  /** Lists policies by category (shared, plus the station's own). */
  async list(actor: Actor, filter: { category?: string; stationId?: number; limit: number; offset: number }): Promise<{ items: Policy[]; total: number }> {
    const station = filter.stationId ?? (actor.kind === 'worker' || actor.kind === 'resident' ? actor.stationId : null) ?? null;
    const qb = this.ctx.db.manager.createQueryBuilder(Policy, 'p');
    qb.where(station ? '(p.stationId IS NULL OR p.stationId = :station)' : 'p.stationId IS NULL', { station });
    if (filter.category) qb.andWhere('p.category = :category', { category: filter.category });
    const [items, total] = await qb.orderBy('p.category', 'ASC').addOrderBy('p.id', 'ASC').take(filter.limit).skip(filter.offset).getManyAndCount();
    return { items, total };
  }

  /** Who owns a new policy: county admins write shared ones, station workers their station's. */
  /** Who owns a new policy: a county admin writes shared ones (or one of their county's stations'), workers their station's. */
  private async ownerFor(actor: Actor, requested: number | null | undefined): Promise<number | null> {
    if (actor.kind !== 'worker') throw forbidden('仅限社工或县管理员');
    if (actor.role === 'county_admin') {
      if (requested == null) return null;
      assertStation(actor, await this.ctx.db.manager.findOne(Station, { where: { id: requested } }), 'manage');
      return requested;
    }
    if (requested != null && requested !== actor.stationId) throw notFound('站点');
    return ownStationId(actor);
  }

  /** Shared policies: county admins. A station's own: its workers, its admin, its county's admin. */
  private async assertCanEdit(actor: Actor, p: Policy): Promise<void> {
    if (actor.kind !== 'worker') throw forbidden();
    if (p.stationId === null) {
      if (actor.role !== 'county_admin') throw forbidden('共享政策由县管理员维护');
      return;
    }
    if (canWorkCases(actor, p.stationId)) return;
    const station = await this.ctx.db.manager.findOne(Station, { where: { id: p.stationId } });
    if (!station || !canManageStation(actor, station)) throw forbidden('不能修改其他站点的政策');
  }

  private entity(input: z.output<typeof policyInput>, stationId: number | null): Partial<Policy> {
    return {
      stationId, title: input.title, category: input.category, summary: input.summary, content: input.content,
      steps: input.steps, materials: input.materials, keywords: input.keywords, questions: input.questions,
      source: input.source ?? null, effectiveFrom: input.effectiveFrom ?? null, effectiveTo: input.effectiveTo ?? null,
    };
  }

  async create(actor: Actor, input: z.output<typeof policyInput>): Promise<Policy> {
    const stationId = await this.ownerFor(actor, input.stationId);
    const p = await this.ctx.db.manager.save(Policy, this.ctx.db.manager.create(Policy, this.entity(input, stationId)));
    this.remember(p);
    return p;
  }

  /** Creates many at once, all or none (each validated first; errors name the item); at most MAX_POLICY_IMPORT. */
  async import(actor: Actor, items: unknown[]): Promise<Policy[]> {
    if (items.length > MAX_POLICY_IMPORT) throw badRequest('import_too_large', `一次最多导入 ${MAX_POLICY_IMPORT} 条政策，请拆分`);
    const parsed = items.map((it, i) => ({ i, r: policyInput.safeParse(it) }));
    const bad = parsed.filter((x) => !x.r.success);
    if (bad.length) {
      throw validationFailed(
        bad.flatMap((b) => (b.r.success ? [] : b.r.error.issues.map((e) => ({ index: b.i, path: e.path.join('.'), message: e.message })))),
        `第 ${bad.map((b) => b.i + 1).join('、')} 条有误，未导入任何政策`,
      );
    }
    const rows: Partial<Policy>[] = [];
    for (const x of parsed) rows.push(this.entity(x.r.data!, await this.ownerFor(actor, x.r.data!.stationId)));
    const saved = await this.ctx.db.transaction((em) => em.save(Policy, rows.map((r) => em.create(Policy, r))));
    for (const p of saved) this.remember(p);
    return saved;
  }

  async update(actor: Actor, id: number, patch: z.output<typeof policyPatch>): Promise<Policy> {
    const p = await this.get(actor, id);
    await this.assertCanEdit(actor, p);
    const merged = policyInput.safeParse({ ...p, ...patch, stationId: p.stationId });
    if (!merged.success) throw validationFailed(merged.error.issues.map((e) => ({ path: e.path.join('.'), message: e.message })));
    await this.ctx.db.manager.update(Policy, { id }, this.entity(merged.data, p.stationId));
    const fresh = await this.ctx.db.manager.findOneByOrFail(Policy, { id });
    this.remember(fresh);
    return fresh;
  }

  async remove(actor: Actor, id: number): Promise<void> {
    const p = await this.get(actor, id);
    await this.assertCanEdit(actor, p);
    await this.ctx.db.manager.delete(Policy, { id });
    this.forget(id);
  }

  /**
   * Imports policies from an XLSX or CSV sheet (first row: headers in Chinese or as field names),
   * all or none; errors name the spreadsheet row.
   */
  async importSheet(actor: Actor, file: Buffer): Promise<Policy[]> {
    const rows = await readTable(file, undefined, { maxRows: MAX_POLICY_IMPORT });
    if (rows.length < 2) throw validationFailed(null, '表格里没有政策（第1行为表头）');
    const fields = rows[0].values.map(sheetField);
    if (!fields.includes('title')) throw validationFailed(null, '表头须有“标题”列');
    const items = rows.slice(1).map((r) => {
      const item: Record<string, unknown> = {};
      fields.forEach((f, i) => {
        const v = (r.values[i] ?? '').trim();
        if (!f || !v) return;
        item[f] = LIST_FIELDS.has(f) ? v.split(f === 'steps' || f === 'questions' ? /\r?\n|[；;]/ : /[、，,；;\r\n]/).map((x) => x.trim()).filter(Boolean) : v;
      });
      return item;
    });
    try {
      return await this.import(actor, items);
    } catch (err) {
      const e = err as { code?: string; details?: { index: number }[] };
      if (e.code !== 'validation_failed' || !Array.isArray(e.details)) throw err;
      const details = e.details.map((d) => ({ ...d, row: rows[d.index + 1]?.row }));
      throw validationFailed(details, `第 ${[...new Set(details.map((d) => d.row))].join('、')} 行有误，未导入任何政策`);
    }
  }

  /**
   * Loads the shipped knowledge base as shared policies; titles already present are skipped, so
   * running it again changes nothing. Returns how many were added.
   */
  async loadDefaults(file = defaultKnowledgeFile()): Promise<{ added: number; skipped: number }> {
    const items = JSON.parse(readFileSync(file, 'utf8')) as unknown[];
    const existing = new Set((await this.ctx.db.manager.find(Policy, { where: { stationId: IsNull() }, select: { title: true } })).map((p) => p.title));
    const fresh: Partial<Policy>[] = [];
    for (const it of items) {
      const parsed = policyInput.parse(it);
      if (!existing.has(parsed.title)) fresh.push(this.entity(parsed, null));
    }
    if (fresh.length) {
      const saved = await this.ctx.db.transaction((em) => em.save(Policy, fresh.map((r) => em.create(Policy, r))));
      for (const p of saved) this.remember(p);
    }
    return { added: fresh.length, skipped: items.length - fresh.length };
  }
}

const SHEET_HEADERS: Record<string, string[]> = {
  title: ['标题', '政策名称', '名称', 'title'],
  category: ['类别', '分类', 'category'],
  summary: ['摘要', '简介', '适用对象', 'summary'],
  content: ['全文', '内容', '正文', 'content'],
  steps: ['办理步骤', '步骤', '怎么办', 'steps'],
  materials: ['材料', '所需材料', '带什么', 'materials'],
  keywords: ['关键词', 'keywords'],
  questions: ['示例问题', '常见问法', 'questions'],
  source: ['依据', '来源', '政策依据', 'source'],
  effectiveFrom: ['生效日期', '施行日期', 'effectivefrom'],
  effectiveTo: ['失效日期', '截止日期', 'effectiveto'],
};
const LIST_FIELDS = new Set(['steps', 'materials', 'keywords', 'questions']);

function sheetField(header: string): string | undefined {
  const h = header.replace(/[\s*：:]/g, '').toLowerCase();
  return Object.keys(SHEET_HEADERS).find((f) => SHEET_HEADERS[f].includes(h));
}

/** The shipped knowledge base. */
export function defaultKnowledgeFile(): string {
  return path.resolve(__dirname, '..', 'knowledge', 'policies.json');
}

function toDoc(p: Policy) {
  return { id: p.id, title: p.title, category: p.category, summary: p.summary, content: p.content, keywords: p.keywords, questions: p.questions };
}
