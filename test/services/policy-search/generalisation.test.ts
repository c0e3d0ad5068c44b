import { PolicySearchEngine } from '../../../services/policy-search';
import { ageConcepts, sparseBoost } from '../../../services/policy-search/engine';
import { BLIND_NEW_FILE, BLIND_SHIPPED_FILE, evaluate, loadBlind, loadHeldout } from '../../../bench/policy-qa';

describe('held-out corpus (bench/data/policy-qa-heldout.json, written independently of knowledge/policies.json)', () => {
  const { policies, qa } = loadHeldout();
  const engine = new PolicySearchEngine();
  engine.index(policies);
  const ev = evaluate(engine, policies, qa);

  it('is a separate corpus with labelled and off-topic questions', () => {
    const titles = new Set(policies.map((p) => p.title));
    expect(policies.length).toBeGreaterThanOrEqual(30);
    expect(policies.some((p) => p.keywords.length === 0 && p.questions.length === 0)).toBe(true);
    const labelled = qa.filter((x) => x.expected !== null);
    expect(labelled.length).toBeGreaterThanOrEqual(150);
    expect(qa.filter((x) => x.expected === null).length).toBeGreaterThanOrEqual(30);
    for (const x of labelled) expect(titles.has(x.expected as string)).toBe(true);
  });

  it('generalises (floors below the measured figures, to catch regressions)', () => {
    expect(ev.top1).toBeGreaterThanOrEqual(0.88);
    expect(ev.top3).toBeGreaterThanOrEqual(0.92);
    expect(ev.offTopicAnswered).toBeLessThanOrEqual(0.05);
  });
});

describe('general mechanisms', () => {
  it('spreads the weight of missing keyword/question fields over the present ones (capped)', () => {
    expect(sparseBoost([5, 10, 12, 20, 200, 2, 30])).toBe(1);
    const b = sparseBoost([5, 0, 0, 20, 200, 2, 0]);
    expect(b).toBeGreaterThan(1.5);
    expect(b).toBeLessThanOrEqual(2);
  });

  it('finds a policy that has no keywords or example questions through its content', () => {
    const e = new PolicySearchEngine();
    e.index([
      { id: 1, title: '困难群众基本生活救助', category: '社会救助', summary: '按月发放救助金。', content: '家庭人均收入低于低保标准的，按月发放基本生活救助金。', keywords: ['低保', '救助金', '生活困难'], questions: ['低保怎么申请'] },
      { id: 2, title: '残疾人家庭无障碍改造', category: '残疾人服务', summary: '为困难残疾人家庭改造居家设施。', content: '肢体残疾人家庭可以安装扶手、修建坡道、改造蹲便为坐便、降低灶台。', keywords: [], questions: [] },
    ]);
    const r = e.search('家门口要修个坡道，轮椅好推出去');
    expect(r.answered).toBe(true);
    expect(r.hits[0].id).toBe(2);
  });

  it('does not "correct" a character that belongs to a longer word (两亩地 is not 两墓地)', () => {
    const e = new PolicySearchEngine();
    e.index([{ id: 1, title: '殡葬费用减免', category: '殡葬', summary: '火化费用减免', content: '公益性公墓免费安葬，墓地。', keywords: ['墓地', '火化'], questions: [] }]);
    expect(e.search('家里种了两亩地').normalizedQuery).toContain('亩地');
    expect(e.search('家里种了两亩地').normalizedQuery).not.toContain('墓地');
  });

  it('reads spoken ages of 90 and 100, and does not take 一百分 for an age', () => {
    expect(ageConcepts('老人满一百岁了')).toContain('百岁老人');
    expect(ageConcepts('我奶奶九十二了')).toContain('90岁');
    expect(ageConcepts('我家孩子考了一百分')).toEqual([]);
  });
});

describe('blind corpora (bench/data/blind-*.json, frozen as delivered; only aggregate figures are read)', () => {
  it('are labelled by the titles of the policies they are asked of', () => {
    for (const file of [BLIND_SHIPPED_FILE, BLIND_NEW_FILE]) {
      const blind = loadBlind(file);
      expect(blind).not.toBeNull();
      const titles = new Set(blind!.policies.map((p) => p.title));
      expect(blind!.qa.length).toBeGreaterThanOrEqual(150);
      expect(blind!.qa.every((x) => x.expected === null || titles.has(x.expected))).toBe(true);
    }
  });
});
