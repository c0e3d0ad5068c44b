import { In } from 'typeorm';
import type { z } from 'zod';
import { Station, UnansweredQuestion } from '../entities';
import type { Actor } from './auth';
import type { Infra } from './infra';
import { isUniqueViolation, notFound } from './errors';
import { logsUnanswered, unansweredStations } from './permissions';
import type { PolicyService, policyInput } from './policies';
import type { PolicyHit, PolicyIndex } from './policy-index';
import { compactText, looksLikeQuestion } from './policy-questions';
import type { PolicyStatsService, WeekCounts } from './policy-stats';

/**
 * Residents' questions: answered from the index by either door, and those without a confident
 * answer kept for the station's workers, who turn them into a policy or an example question.
 */
export class PolicyAnswerService {
  constructor(
    private readonly ctx: Infra,
    private readonly peers: { index: PolicyIndex; catalogue: PolicyService; stats: PolicyStatsService },
  ) {}

  /**
   * A question asked on a station's behalf, by either door (the search box, the bot): searched
   * once, and decided once whether it was answered and whether it is logged for the station's
   * workers: unanswered, a real question (a WeChat contact's remark such as "好着呢" is not; what
   * is typed into a search box is), and asked by someone signed in or writing on WeChat.
   */
  async answer(actor: Actor, stationId: number | null, text: string, options: { limit?: number } = {}): Promise<{
    hits: PolicyHit[]; answered: boolean; question: boolean; logged: boolean;
  }> {
    const res = await this.peers.index.search(text, { stationId, limit: options.limit });
    if (res.answered && stationId !== null && logsUnanswered(actor)) await this.peers.stats.count(stationId, 'answered');
    const compact = compactText(text);
    const question = actor.kind === 'contact' ? looksLikeQuestion(compact) : compact.length > 0;
    const logged = !res.answered && stationId !== null && question && logsUnanswered(actor) && text.trim() !== '';
    if (logged) await this.logUnanswered(stationId!, text);
    return { hits: res.hits, answered: res.answered, question, logged };
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
      policyId = (await this.peers.catalogue.create(actor, { ...input.policy, questions })).id;
    } else if (input.policyId) {
      const p = await this.peers.catalogue.get(actor, input.policyId);
      if (!p.questions.includes(q.text)) await this.peers.catalogue.update(actor, p.id, { questions: [...p.questions, q.text].slice(-100) });
      else await this.peers.catalogue.assertCanEdit(actor, p);
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

}
