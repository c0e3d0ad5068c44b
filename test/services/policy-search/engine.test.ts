import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isOffTopic, PolicyDoc, PolicySearchEngine } from '../../../services/policy-search';
import { loadPolicies } from '../../../bench/policy-qa';

const policies = loadPolicies();
const engine = new PolicySearchEngine();
engine.index(policies);

function titleOf(id: PolicyDoc['id'] | undefined): string {
  return policies.find((p) => p.id === id)?.title ?? `#${String(id)}`;
}

function top(query: string): string {
  const r = engine.search(query);
  expect(r.answered).toBe(true);
  return titleOf(r.hits[0]?.id);
}

describe('PolicySearchEngine on the shipped knowledge base', () => {
  it('ships at least 32 policies with the fields the engine needs', () => {
    expect(policies.length).toBeGreaterThanOrEqual(32);
    for (const p of policies) {
      expect(p.title && p.summary && p.content && p.category).toBeTruthy();
      expect(p.questions.length).toBeGreaterThanOrEqual(3);
    }
  });

  it('understands colloquial and dialect questions', () => {
    expect(top('低保咋申请')).toContain('最低生活保障');
    expect(top('我爹80多了每月有钱领不')).toBe('高龄津贴');
    expect(top('俺家娃是二级残疾，每个月能领点啥')).toContain('两项补贴');
    expect(top('老年卡在哪办 坐车能免费不')).toContain('优待证');
  });

  it('tolerates homophone typos', () => {
    const r = engine.search('底保怎么申清');
    expect(r.normalizedQuery).toContain('低保');
    expect(r.normalizedQuery).toContain('申请');
    expect(titleOf(r.hits[0]?.id)).toContain('最低生活保障');
    expect(top('残记人两项补贴怎么申请')).toContain('两项补贴');
    expect(top('高令津贴怎么申请')).toBe('高龄津贴');
  });

  it('maps situations to the policy that helps', () => {
    expect(top('家里房子着火了 啥都没了')).toBe('临时救助');
    expect(top('老人上厕所蹲不下去，想装个扶手')).toContain('适老化');
    expect(top('看病贵 住一次院好几万 报了医保还差一大截')).toBe('医疗救助');
    expect(top('在工地干了一年，包工头跑了，工钱一分没拿到')).toBe('法律援助');
  });

  it('reads traditional characters and full-width text', () => {
    expect(top('低保怎麼申請')).toContain('最低生活保障');
    expect(top('家裡房子著火了，甚麼都沒了')).toBe('临时救助');
    expect(top('ＡＢＣ　高齡津貼怎麼領？')).toBe('高龄津贴');
  });

  it('does not answer greetings, thanks, chit-chat, spam or English nonsense', () => {
    for (const q of ['你好', '在吗', '谢谢你', '好的，知道了', '明天天气怎么样', '昨晚球赛谁赢了', '卖土鸡蛋，需要的加微信', 'hello how are you', 'asdfgh', '😀😀', '？？？']) {
      expect({ q, answered: engine.search(q).answered }).toEqual({ q, answered: false });
      expect({ q, off: isOffTopic(q) }).toEqual({ q, off: true });
    }
  });

  it('isOffTopic keeps questions that mention a policy, even with a greeting', () => {
    expect(isOffTopic('低保咋申请')).toBe(false);
    expect(isOffTopic('你好，我想问一下高龄补贴')).toBe(false);
    expect(isOffTopic('谢谢！那残疾证怎么办')).toBe(false);
    expect(isOffTopic('家里房子着火了')).toBe(false);
  });

  it('survives bad input quickly and without throwing', () => {
    const long = '我想问一下低保的事情，'.repeat(1000) + '😀'.repeat(500);
    const bad: unknown[] = ['', '   ', '\n\t', '😀😀😀🌹', '！！！。。。', "'; DROP TABLE policies; --", 'SELECT * FROM users WHERE 1=1 OR 1=1', '<script>alert(1)</script>', long, 'x'.repeat(10000), '\u0000\uffff\ud800', null, undefined, 12345, {}];
    for (const q of bad) {
      const started = Date.now();
      const r = engine.search(q as string);
      expect(Date.now() - started).toBeLessThan(1000);
      expect(Array.isArray(r.hits)).toBe(true);
      expect(typeof r.answered).toBe('boolean');
      expect(typeof r.normalizedQuery).toBe('string');
    }
    for (const q of ['', '😀😀😀🌹', "'; DROP TABLE policies; --", 'SELECT * FROM users WHERE 1=1 OR 1=1', 'x'.repeat(10000)]) {
      expect(engine.search(q).answered).toBe(false);
    }
    // the long message is cut but still understood
    expect(titleOf(engine.search(long).hits[0]?.id)).toContain('最低生活保障');
    expect(engine.search(long).normalizedQuery.length).toBeLessThanOrEqual(300);
  });

  it('handles Chinese mixed with English', () => {
    expect(top('请问dibao低保怎么apply申请')).toContain('最低生活保障');
    expect(top('OK，那高龄津贴呢')).toBe('高龄津贴');
  });

  it('returns at most `limit` hits, best first, with scores in 0..1', () => {
    const r = engine.search('残疾人补贴', 3);
    expect(r.hits.length).toBeLessThanOrEqual(3);
    expect(r.hits.length).toBeGreaterThan(0);
    for (let i = 0; i < r.hits.length; i++) {
      expect(r.hits[i].score).toBeGreaterThanOrEqual(0);
      expect(r.hits[i].score).toBeLessThanOrEqual(1);
      if (i > 0) expect(r.hits[i].score).toBeLessThanOrEqual(r.hits[i - 1].score);
    }
    expect(engine.search('残疾人补贴').hits.length).toBeLessThanOrEqual(5);
    expect(engine.search('残疾人补贴', 0).hits).toEqual([]);
  });
});

describe('index maintenance', () => {
  const base: PolicyDoc[] = [
    { id: 1, title: '城乡最低生活保障', category: '社会救助', summary: '收入低于低保标准的家庭可以申请低保。', content: '低保按月发放。', keywords: ['低保'], questions: ['低保怎么申请'] },
    { id: 'b', title: '高龄津贴', category: '养老服务', summary: '80岁以上老人每月领取高龄津贴。', content: '按年龄分档发放。', keywords: ['高龄补贴'], questions: ['80岁有钱领吗'] },
  ];

  it('upsert adds and replaces, remove deletes', () => {
    const e = new PolicySearchEngine();
    e.index(base);
    expect(e.search('垃圾分类积分怎么兑换').answered).toBe(false);

    e.upsert({ id: 3, title: '垃圾分类积分兑换', category: '社区服务', summary: '居民参加垃圾分类可以攒积分兑换日用品。', content: '每周六在村委会兑换。', keywords: ['垃圾分类', '积分'], questions: ['积分怎么换东西'] });
    const found = e.search('垃圾分类积分怎么兑换');
    expect(found.answered).toBe(true);
    expect(found.hits[0].id).toBe(3);

    e.upsert({ ...base[1], title: '百岁老人长寿补贴', keywords: ['长寿补贴'], summary: '百岁老人每月领取长寿补贴。', questions: ['百岁老人有什么补贴'] });
    expect(e.search('长寿补贴怎么领').hits[0].id).toBe('b');
    expect(e.size).toBe(3);

    e.remove(3);
    expect(e.search('垃圾分类积分怎么兑换').hits.map((h) => h.id)).not.toContain(3);
    e.remove('b');
    expect(e.search('长寿补贴怎么领').hits.map((h) => h.id)).not.toContain('b');
    expect(e.size).toBe(1);

    // rows with odd shapes (a database JSON column left as a string, missing fields) do not break the index
    e.upsert({ id: 9, title: '慈善助学', category: '慈善', summary: '', content: '', keywords: '助学' as unknown as string[], questions: undefined as unknown as string[] });
    expect(e.search('慈善助学').hits[0]?.id).toBe(9);

    e.index([]);
    expect(e.search('低保怎么申请')).toEqual(expect.objectContaining({ hits: [], answered: false }));
  });
});

describe('lexicon files', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lexicon-'));
    fs.writeFileSync(path.join(dir, 'colloquial.tsv'), '# test\n蛐蛐钱\t护理补贴\n');
    fs.writeFileSync(path.join(dir, 'situations.tsv'), '猪圈塌了\t危房改造 房屋倒塌\n');
    fs.writeFileSync(path.join(dir, 'offtopic.tsv'), 'chat\t打麻将\n');
    fs.writeFileSync(path.join(dir, 'stopwords.tsv'), '的\n');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const docs: PolicyDoc[] = [
    { id: 'care', title: '重度残疾人护理补贴', category: '残疾人', summary: '一二级残疾人可以领护理补贴。', content: '按月发放护理补贴。', keywords: ['护理补贴'], questions: ['护理补贴多少钱'] },
    { id: 'house', title: '农村危房改造', category: '住房', summary: '危房可以申请改造补助。', content: '鉴定为危房的可以翻修。', keywords: ['危房改造'], questions: ['危房怎么改造'] },
    { id: 'old', title: '高龄津贴', category: '养老', summary: '80岁以上老人每月领取。', content: '按年龄发放。', keywords: ['高龄津贴'], questions: ['80岁有补贴吗'] },
  ];

  it('uses the colloquial, situation and off-topic files of the given folder', () => {
    const custom = new PolicySearchEngine({ lexiconDir: dir });
    custom.index(docs);
    const r = custom.search('蛐蛐钱咋领');
    expect(r.normalizedQuery).toContain('护理补贴');
    expect(r.hits[0].id).toBe('care');
    expect(custom.search('猪圈塌了').hits[0]?.id).toBe('house');
    expect(custom.isOffTopic('今晚打麻将去')).toBe(true);

    const plain = new PolicySearchEngine({ lexiconDir: fs.mkdtempSync(path.join(os.tmpdir(), 'empty-lexicon-')) });
    plain.index(docs);
    expect(plain.search('蛐蛐钱咋领').normalizedQuery).not.toContain('护理补贴');
    expect(plain.search('猪圈塌了').hits[0]?.id).not.toBe('house');
  });

  it('the shipped lexicons are data files with comments', () => {
    const shipped = path.resolve(__dirname, '../../../knowledge/lexicon');
    for (const f of ['colloquial.tsv', 'situations.tsv', 'typos.tsv', 'domain.tsv', 'stopwords.tsv', 'offtopic.tsv']) {
      expect(fs.existsSync(path.join(shipped, f))).toBe(true);
    }
  });
});
