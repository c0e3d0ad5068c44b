import { PolicySearchEngine } from '../../../services/policy-search';
import { evaluate, loadPolicies, loadQA } from '../../../bench/policy-qa';

describe('policy search evaluation set (accuracy only)', () => {
  const policies = loadPolicies();
  const qa = loadQA();
  const engine = new PolicySearchEngine();
  engine.index(policies);
  const ev = evaluate(engine, policies, qa);

  it('has enough labelled questions of every kind, over every policy', () => {
    const titles = new Set(policies.map((p) => p.title));
    const labelled = qa.filter((x) => x.expected !== null);
    expect(labelled.length).toBeGreaterThanOrEqual(220);
    expect(qa.filter((x) => x.expected === null).length).toBeGreaterThanOrEqual(40);
    for (const x of labelled) expect(titles.has(x.expected as string)).toBe(true);
    expect(new Set(labelled.map((x) => x.expected)).size).toBe(policies.length);
    for (const kind of ['plain', 'colloquial', 'dialect', 'typo', 'situation', 'long']) {
      expect(labelled.some((x) => x.kind === kind)).toBe(true);
    }
  });

  it('meets the targets (top-1 >= 0.9, top-3 >= 0.97, off-topic answered <= 0.05)', () => {
    // a question counts only when the engine also says answered: true
    expect(ev.top1).toBeGreaterThanOrEqual(0.9);
    expect(ev.top3).toBeGreaterThanOrEqual(0.97);
    expect(ev.offTopicAnswered).toBeLessThanOrEqual(0.05);
  });
});
