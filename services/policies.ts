import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EntityManager, In, IsNull } from 'typeorm';
import { z } from 'zod';
import { Policy, PolicyAmount, Station, UnansweredQuestion } from '../entities';
import type { Actor } from './auth';
import type { Infra } from './infra';
import { badRequest, isUniqueViolation, notFound, validationFailed } from './errors';
import { assertCanEditPolicy, canSeePolicy, canWorkCases, logsUnanswered, policyOwner, unansweredStations } from './permissions';
import { compactText, looksLikeQuestion } from './policy-questions';
import type { PolicyAmountService } from './policy-amounts';
import type { PolicyStatsService, WeekCounts } from './policy-stats';
import type { PolicySearchEngine, SearchResult } from './policy-search';
import { dateSchema } from './schemas';
import { readTable } from './spreadsheet';
import { fitsTextColumn, freeText, plainText, TEXT_COLUMN_BYTES } from './text';
import { localDate } from './time';

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
  situations: textList(200),
  amount: z.string().trim().max(200, '金额说明最多200个字').nullish(),
  source: z.string().trim().max(300).nullish(),
  effectiveFrom: dateSchema.nullish(),
  effectiveTo: dateSchema.nullish(),
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
    situations: textList(200).default([]),
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
/** Engine answers kept per question (see `PolicyService.search`); beyond this the oldest go first. */
const SEARCH_CACHE_SIZE = 2000;

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
  /**
   * The engine's answers by question (and hits fetched), for as long as the index is unchanged:
   * emptied by every change to the policies (here, or seen from another instance when the index is
   * rebuilt). Only the engine's ranking is kept: what is in force today and which station may see
   * it are decided on every search.
   */
  private readonly searchCache = new Map<string, SearchResult>();
  /** How many answers `searchCache` keeps (0: none; the benchmark measures both). */
  searchCacheSize = SEARCH_CACHE_SIZE;

  constructor(
    private readonly ctx: Infra,
    private readonly peers: { amounts: PolicyAmountService; stats: PolicyStatsService },
  ) {}

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
      this.searchCache.clear();
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
    this.searchCache.clear();
    this.checkedAt = 0;
  }

  private forget(id: number): void {
    this.policies.delete(id);
    this.engine?.remove(id);
    this.searchCache.clear();
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
    const res = this.engineSearch(engine, query, Math.max(limit, OVERFETCH));
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

  private engineSearch(engine: PolicySearchEngine, query: string, fetch: number): SearchResult {
    const key = `${fetch}|${query}`;
    const cached = this.searchCache.get(key);
    if (cached) return cached;
    const res = engine.search(query, fetch);
    if (this.searchCacheSize > 0) {
      if (this.searchCache.size >= this.searchCacheSize) this.searchCache.delete(this.searchCache.keys().next().value!);
      this.searchCache.set(key, res);
    }
    return res;
  }

  /**
   * A question asked on a station's behalf, by either door (the search box, the bot): searched
   * once, and decided once whether it was answered and whether it is logged for the station's
   * workers: unanswered, a real question (a WeChat contact's remark such as "好着呢" is not; what
   * is typed into a search box is), and asked by someone signed in or writing on WeChat.
   */
  async answer(actor: Actor, stationId: number | null, text: string, options: { limit?: number } = {}): Promise<{
    hits: PolicyHit[]; answered: boolean; question: boolean; logged: boolean;
  }> {
    const res = await this.search(text, { stationId, limit: options.limit });
    if (res.answered && stationId !== null && logsUnanswered(actor)) await this.peers.stats.count(stationId, 'answered');
    const compact = compactText(text);
    const question = actor.kind === 'contact' ? looksLikeQuestion(compact) : compact.length > 0;
    const logged = !res.answered && stationId !== null && question && logsUnanswered(actor) && text.trim() !== '';
    if (logged) await this.logUnanswered(stationId!, text);
    return { hits: res.hits, answered: res.answered, question, logged };
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
    await this.peers.stats.count(stationId, 'unanswered');
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

  /** The stations whose unanswered questions the caller reads (the rule: `unansweredStations`). */
  private async questionStations(actor: Actor, stationId?: number): Promise<number[]> {
    const county = actor.kind === 'worker' && actor.role === 'county_admin'
      ? (await this.ctx.db.manager.find(Station, { where: { county: actor.county }, select: { id: true } })).map((s) => s.id)
      : null;
    return unansweredStations(actor, county, stationId);
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
    const status = policyId ? 'resolved' : 'dismissed';
    // only the first resolution of an open question counts in the weekly figures
    const opened = await this.ctx.db.manager.update(UnansweredQuestion, { id, status: 'open' }, { status, policyId });
    if (opened.affected) {
      if (status === 'resolved') await this.peers.stats.count(q.stationId, 'resolved');
    } else await this.ctx.db.manager.update(UnansweredQuestion, { id }, { status, policyId });
    return this.ctx.db.manager.findOneByOrFail(UnansweredQuestion, { id });
  }

  /** Answered, unanswered and resolved questions per week (the console's 未答问题). */
  async weeklyStats(actor: Actor, filter: { stationId?: number; weeks: number }): Promise<WeekCounts[]> {
    return this.peers.stats.weekly(actor, filter);
  }

  /** A policy the caller may see: shared ones for everybody, a station's own for that station. */
  async get(actor: Actor, id: number, stationId?: number): Promise<Policy> {
    const p = await this.ctx.db.manager.findOne(Policy, { where: { id } });
    if (!p || !(await this.visible(actor, p, stationId))) throw notFound('政策');
    return p;
  }

  /** Whether the caller may see the policy (the rule: `canSeePolicy`). */
  private async visible(actor: Actor, p: Policy, stationId?: number): Promise<boolean> {
    if (p.stationId === null || stationId === p.stationId || actor.kind === 'resident' || actor.kind === 'contact') {
      return canSeePolicy(actor, p, null, stationId);
    }
    return canSeePolicy(actor, p, await this.ctx.db.manager.findOne(Station, { where: { id: p.stationId } }), stationId);
  }

  /** A policy in force that the caller may see asking on `stationId`'s behalf (the bot's 详细), or null. */
  async findForStation(actor: Actor, stationId: number, id: number): Promise<Policy | null> {
    const p = await this.ctx.db.manager.findOne(Policy, { where: { id } });
    return p && this.inForce(p) && canSeePolicy(actor, p, null, stationId) ? p : null;
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

  /** Who owns a new policy (the rule: `policyOwner`). */
  private async ownerFor(actor: Actor, requested: number | null | undefined): Promise<number | null> {
    const countyAdmin = actor.kind === 'worker' && actor.role === 'county_admin' && requested != null;
    return policyOwner(actor, requested, countyAdmin ? await this.ctx.db.manager.findOne(Station, { where: { id: requested } }) : null);
  }

  /** Throws unless the caller may edit the policy (the rule: `assertCanEditPolicy`). */
  private async assertCanEdit(actor: Actor, p: Policy): Promise<void> {
    const needsStation = p.stationId !== null && actor.kind === 'worker' && !canWorkCases(actor, p.stationId);
    assertCanEditPolicy(actor, p, needsStation ? await this.ctx.db.manager.findOne(Station, { where: { id: p.stationId! } }) : null);
  }

  private entity(input: z.output<typeof policyInput>, stationId: number | null): Partial<Policy> {
    return {
      stationId, title: input.title, category: input.category, summary: input.summary, content: input.content,
      steps: input.steps, materials: input.materials, keywords: input.keywords, questions: input.questions,
      // a shared policy's amount is the county's (PolicyAmountService), a station's own is on its row
      situations: input.situations, amount: stationId === null ? null : input.amount || null, source: input.source ?? null, effectiveFrom: input.effectiveFrom ?? null, effectiveTo: input.effectiveTo ?? null,
    };
  }

  async create(actor: Actor, input: z.output<typeof policyInput>): Promise<Policy> {
    const stationId = await this.ownerFor(actor, input.stationId);
    const p = await this.ctx.db.transaction(async (em) => {
      const saved = await em.save(Policy, em.create(Policy, this.entity(input, stationId)));
      await this.setCountyAmount(actor, saved, input.amount, em);
      return saved;
    });
    this.remember(p);
    return this.withAmount(actor, p);
  }

  /** A county admin's amount of a shared policy is their county's. */
  private async setCountyAmount(actor: Actor, p: Policy, amount: string | null | undefined, em?: EntityManager): Promise<void> {
    if (p.stationId !== null || amount === undefined || actor.kind !== 'worker') return;
    await this.peers.amounts.setForCounty(p.id, actor.county, amount, em);
  }

  /** The policy with the amount its reader sees (their county's for a shared policy). */
  private async withAmount(actor: Actor, p: Policy, stationId?: number): Promise<Policy> {
    return Object.assign(new Policy(), p, { amount: await this.peers.amounts.forReader(actor, p, stationId) });
  }

  /** A policy with the amount its reader sees: GET /api/policies/:id. */
  async view(actor: Actor, id: number, stationId?: number): Promise<Policy> {
    return this.withAmount(actor, await this.get(actor, id, stationId), stationId);
  }

  /** The amount residents of `county` see for a policy (the bot's answers). */
  async amountFor(p: Policy, county: string | null): Promise<string | null> {
    return this.peers.amounts.forCounty(p, county);
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
    const saved = await this.ctx.db.transaction(async (em) => {
      const created = await em.save(Policy, rows.map((r) => em.create(Policy, r)));
      for (let i = 0; i < created.length; i++) await this.setCountyAmount(actor, created[i], parsed[i].r.data!.amount, em);
      return created;
    });
    for (const p of saved) this.remember(p);
    return saved;
  }

  async update(actor: Actor, id: number, patch: z.output<typeof policyPatch>): Promise<Policy> {
    const p = await this.get(actor, id);
    await this.assertCanEdit(actor, p);
    const merged = policyInput.safeParse({ ...p, situations: p.situations ?? [], ...patch, stationId: p.stationId });
    if (!merged.success) throw validationFailed(merged.error.issues.map((e) => ({ path: e.path.join('.'), message: e.message })));
    await this.ctx.db.transaction(async (em) => {
      await em.update(Policy, { id }, this.entity(merged.data, p.stationId));
      await this.setCountyAmount(actor, p, patch.amount, em);
    });
    const fresh = await this.ctx.db.manager.findOneByOrFail(Policy, { id });
    this.remember(fresh);
    return this.withAmount(actor, fresh);
  }

  async remove(actor: Actor, id: number): Promise<void> {
    const p = await this.get(actor, id);
    await this.assertCanEdit(actor, p);
    await this.ctx.db.transaction(async (em) => {
      await em.delete(PolicyAmount, { policyId: id });
      await em.delete(Policy, { id });
    });
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
        item[f] = LIST_FIELDS.has(f) ? v.split(f === 'steps' || f === 'questions' || f === 'situations' ? /\r?\n|[；;]/ : /[、，,；;\r\n]/).map((x) => x.trim()).filter(Boolean) : v;
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
  situations: ['适用情形', '生活情形', '情形', 'situations'],
  amount: ['金额', '标准', '当地标准', 'amount'],
  source: ['依据', '来源', '政策依据', 'source'],
  effectiveFrom: ['生效日期', '施行日期', 'effectivefrom'],
  effectiveTo: ['失效日期', '截止日期', 'effectiveto'],
};
const LIST_FIELDS = new Set(['steps', 'materials', 'keywords', 'questions', 'situations']);

function sheetField(header: string): string | undefined {
  const h = header.replace(/[\s*：:]/g, '').toLowerCase();
  return Object.keys(SHEET_HEADERS).find((f) => SHEET_HEADERS[f].includes(h));
}

/** The shipped knowledge base. */
function defaultKnowledgeFile(): string {
  return path.resolve(__dirname, '..', 'knowledge', 'policies.json');
}

function toDoc(p: Policy) {
  return { id: p.id, title: p.title, category: p.category, summary: p.summary, content: p.content, keywords: p.keywords, questions: p.questions, situations: p.situations ?? [] };
}
