import type { Policy, UnansweredQuestion } from '../../entities';
import { toIso } from '../../services/time';

/** A policy as the API shows it. */
export function presentPolicy(p: Policy) {
  return {
    id: p.id, stationId: p.stationId, shared: p.stationId === null, title: p.title, category: p.category, summary: p.summary,
    content: p.content, steps: p.steps, materials: p.materials, keywords: p.keywords, questions: p.questions,
    situations: p.situations ?? [], amount: p.amount, source: p.source, effectiveFrom: p.effectiveFrom, effectiveTo: p.effectiveTo, updatedAt: toIso(p.updatedAt),
  };
}

/** A policy in a list (without its full text). */
export function presentPolicySummary(p: Policy) {
  return { id: p.id, stationId: p.stationId, title: p.title, category: p.category, summary: p.summary, source: p.source, effectiveFrom: p.effectiveFrom, effectiveTo: p.effectiveTo };
}

export function presentUnanswered(q: UnansweredQuestion) {
  return { id: q.id, stationId: q.stationId, text: q.text, count: q.count, status: q.status, policyId: q.policyId, firstAskedAt: toIso(q.firstAskedAt), lastAskedAt: toIso(q.lastAskedAt) };
}
