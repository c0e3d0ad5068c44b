import { Policy } from '../entities';
import type { Infra } from './infra';
import type { PolicySearchEngine, SearchResult } from './policy-search';
import { localDate } from './time';

/** How often the in-memory index checks whether another instance changed the policies. */
const STALE_CHECK_MS = 15_000;
/** Hits fetched from the engine before filtering by station and date. */
const OVERFETCH = 20;
/** Engine answers kept per question (see `PolicyIndex.search`); beyond this the oldest go first. */
const SEARCH_CACHE_SIZE = 2000;

export interface PolicyHit {
  policy: Policy;
  score: number;
}

/**
 * The in-memory search index of the policies (the engine of services/policy-search), kept in step
 * with the database: the catalogue tells it of every change here at once, and it rebuilds itself
 * within seconds when another instance changed the policies.
 */
export class PolicyIndex {
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

  /** A policy created or changed here: searchable at once. */
  remember(p: Policy): void {
    this.policies.set(p.id, p);
    this.engine?.upsert(toDoc(p));
    this.searchCache.clear();
    this.checkedAt = 0;
  }

  /** A policy deleted here: gone from the answers at once. */
  forget(id: number): void {
    this.policies.delete(id);
    this.engine?.remove(id);
    this.searchCache.clear();
    this.checkedAt = 0;
  }

  /** In force today (by the application clock). */
  inForce(p: Policy): boolean {
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

  /** True when the text is greeting, thanks or chit-chat rather than a question. */
  async isChitChat(text: string): Promise<boolean> {
    return (await this.ready()).isOffTopic(text);
  }
}

function toDoc(p: Policy) {
  return { id: p.id, title: p.title, category: p.category, summary: p.summary, content: p.content, keywords: p.keywords, questions: p.questions, situations: p.situations ?? [] };
}
