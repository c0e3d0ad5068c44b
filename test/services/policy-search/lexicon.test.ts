import * as fs from 'fs';
import * as path from 'path';
import { PolicySearchEngine } from '../../../services/policy-search';
import { defaultLexiconDir, loadLexicons, replaceAll } from '../../../services/policy-search/lexicon';
import { loadPolicies } from '../../../bench/policy-qa';

const dir = defaultLexiconDir() as string;
const lex = loadLexicons(dir);
const formal = (s: string) => replaceAll(lex.colloquial, s);

/** Rows of dialect.tsv: word, standard words, regions. */
function dialectRows(): string[][] {
  return fs
    .readFileSync(path.join(dir, 'dialect.tsv'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => l.split('\t'));
}

describe('dialect and colloquial lexicon', () => {
  it('has several hundred regional entries over the main Mandarin groups, each with its region', () => {
    const rows = dialectRows();
    expect(rows.length).toBeGreaterThanOrEqual(300);
    for (const r of rows) expect(r).toHaveLength(3);
    const regions = rows.map((r) => r[2]).join(' ');
    for (const g of ['西南', '中原', '江淮', '东北', '西北', '晋']) expect(regions).toContain(g);
    expect(new Set(rows.map((r) => r[0])).size).toBe(rows.length);
    expect(fs.readFileSync(path.join(dir, 'README.md'), 'utf8')).toContain('汉语方言词汇');
  });

  it('maps regional words for kin and people to the roles policies name', () => {
    expect(formal('我婆娘')).toContain('配偶');
    expect(formal('俺家掌柜的')).toContain('配偶');
    expect(formal('我老汉儿')).toContain('父亲');
    expect(formal('屋头的娃儿')).toContain('孩子');
    expect(formal('细伢子')).toBe('孩子');
    expect(formal('没娘的娃')).toBe('孤儿');
    expect(formal('孤老')).toContain('孤寡老人');
  });

  it('keeps the formal words that contain a regional one', () => {
    expect(formal('医药费')).toBe('医药费');
    expect(formal('孤寡老人')).toContain('孤寡老人');
    expect(formal('能不能')).toBe('能不能');
    expect(formal('老年人家庭')).toContain('老年人家庭');
  });

  it('answers regional phrasings of everyday matters (money, documents, illness, housing, work away)', () => {
    const policies = loadPolicies();
    const engine = new PolicySearchEngine();
    engine.index(policies);
    const title = (q: string) => {
      const r = engine.search(q);
      return r.answered ? policies.find((p) => p.id === r.hits[0].id)?.title : null;
    };
    expect(title('俺家屋漏得不行了，土坯房快塌了')).toContain('危房');
    expect(title('娃儿他妈出门打工了，娃儿放学莫得人管')).toContain('留守儿童');
    expect(title('害病住院花了好多钱，报账以后还差一大截')).toContain('医疗救助');
  });
});

describe('situations of the shipped policies', () => {
  const policies = loadPolicies();

  it('every shipped policy says in plain words whom it serves and what happened to them', () => {
    for (const p of policies) {
      expect(p.situations?.length ?? 0).toBeGreaterThanOrEqual(3);
      for (const s of p.situations ?? []) expect(s.length).toBeLessThanOrEqual(40);
    }
  });

  it('finds a policy by a described situation that shares no keyword with it', () => {
    const engine = new PolicySearchEngine();
    const base = { category: '社会救助', summary: '按规定给予帮扶。', content: '按规定给予帮扶。', keywords: [], questions: [] };
    engine.index([
      { id: 1, title: '甲类帮扶', ...base, situations: ['孩子的爸爸坐牢，妈妈改嫁走了，没人管'] },
      { id: 2, title: '乙类帮扶', ...base, situations: ['冬天冷，买不起煤取暖'] },
    ]);
    expect(engine.search('孩子他爸进去坐牢了，他妈也改嫁走了').hits[0]?.id).toBe(1);
    expect(engine.search('天太冷了，家里煤都买不起').hits[0]?.id).toBe(2);
  });
});
