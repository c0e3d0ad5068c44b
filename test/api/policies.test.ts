import request from 'supertest';
import { Policy, UnansweredQuestion } from '../../entities';
import { createStation, createWorker } from '../factories';
import { useTestEnv } from '../helpers';

const sample = (over: Record<string, unknown> = {}) => ({
  title: '高龄津贴', category: '养老服务', summary: '80周岁以上老人每月可领高龄津贴。',
  content: '一、对象：本地户籍80周岁以上老人。二、标准：每月100元（示例标准，以当地公布为准）。三、办理：到村委会登记。',
  keywords: ['高龄津贴', '高龄补贴'], questions: ['80岁老人有补贴吗'], source: '示例文件', effectiveFrom: '2020-01-01', ...over,
});

describe('policies API', () => {
  const env = useTestEnv();
  const http = () => request(env().app.callback());

  beforeAll(async () => {
    await env().ctx.services.policyImport.loadDefaults();
  });

  it('loads the shipped knowledge base once, however often it is asked', async () => {
    const { ctx } = env();
    const before = await ctx.db.manager.count(Policy);
    expect(before).toBeGreaterThanOrEqual(30);
    expect(await ctx.services.policyImport.loadDefaults()).toEqual({ added: 0, skipped: before });
  });

  it('answers how residents really ask, publicly', async () => {
    const res = await http().get('/api/policies/search').query({ q: '低保咋申请' });
    expect(res.status).toBe(200);
    expect(res.body.answered).toBe(true);
    expect(res.body.items[0].title).toContain('低保');
    expect(res.body.items[0]).toEqual(expect.objectContaining({ id: expect.any(Number), category: expect.any(String), summary: expect.any(String), score: expect.any(Number) }));
  });

  it('answers a repeated question from its cache only while no policy changes', async () => {
    const { ctx } = env();
    const admin = await createWorker(ctx, { role: 'county_admin' });
    const q = '骆驼养殖有没有扶持';
    const ask = async () => (await http().get('/api/policies/search').query({ q })).body.items.map((i: { title: string }) => i.title);
    expect(await ask()).not.toContain('骆驼养殖扶持');
    const created = await http().post('/api/policies').set('Authorization', `Bearer ${admin.token}`)
      .send(sample({ title: '骆驼养殖扶持', summary: '养骆驼每峰补贴。', keywords: ['骆驼养殖扶持'], questions: [q] }));
    expect(created.status).toBe(201);
    expect(await ask()).toContain('骆驼养殖扶持'); // the answer cached before the change is not given again
    await http().patch(`/api/policies/${created.body.id}`).set('Authorization', `Bearer ${admin.token}`).send({ title: '骆驼养殖补助' });
    expect(await ask()).toContain('骆驼养殖补助');
    expect((await http().delete(`/api/policies/${created.body.id}`).set('Authorization', `Bearer ${admin.token}`)).status).toBeLessThan(300);
    expect(await ask()).not.toContain('骆驼养殖补助');
  });

  it('admits when it does not know, and logs a signed-in caller\'s question for the station', async () => {
    const { ctx } = env();
    const station = await createStation(ctx);
    const worker = await createWorker(ctx, { stationId: station.id });
    // Anonymous calls are answered but not logged: anyone could otherwise fill a station's list.
    const anonymous = await http().get('/api/policies/search').query({ q: '明天天气怎么样', stationId: station.id });
    expect(anonymous.body.answered).toBe(false);
    expect(await ctx.db.manager.count(UnansweredQuestion, { where: { stationId: station.id } })).toBe(0);
    for (let i = 0; i < 2; i++) {
      const res = await http().get('/api/policies/search').set('Authorization', `Bearer ${worker.token}`).query({ q: '明天天气怎么样' });
      expect(res.body.answered).toBe(false);
    }
    const logged = await ctx.db.manager.findOneByOrFail(UnansweredQuestion, { stationId: station.id });
    expect(logged.count).toBe(2);
    const list = await http().get('/api/policies/unanswered').set('Authorization', `Bearer ${worker.token}`);
    expect(list.status).toBe(200);
    expect(list.body.items[0]).toEqual(expect.objectContaining({ text: '明天天气怎么样', count: 2 }));
    const other = await createWorker(ctx);
    const theirs = await http().get('/api/policies/unanswered').set('Authorization', `Bearer ${other.token}`);
    expect(theirs.body.items.find((q: { text: string }) => q.text === '明天天气怎么样')).toBeUndefined();
  });

  it('shows a county admin the unanswered questions of every station of the county, and no other', async () => {
    const { ctx } = env();
    const mine = await createStation(ctx, { county: '甲县' });
    const theirs = await createStation(ctx, { county: '乙县' });
    await ctx.services.policyAnswers.logUnanswered(mine.id, '甲县的问题');
    await ctx.services.policyAnswers.logUnanswered(theirs.id, '乙县的问题');
    const admin = await createWorker(ctx, { role: 'county_admin', county: '甲县' });
    const res = await http().get('/api/policies/unanswered').set('Authorization', `Bearer ${admin.token}`);
    expect(res.status).toBe(200);
    const texts = res.body.items.map((q: { text: string }) => q.text);
    expect(texts).toContain('甲县的问题');
    expect(texts).not.toContain('乙县的问题');
    expect((await http().get('/api/policies/unanswered').query({ stationId: theirs.id }).set('Authorization', `Bearer ${admin.token}`)).status).toBe(404);
  });

  it('never fails on hostile queries', async () => {
    for (const q of ['', '   ', '😀😀😀', "'; DROP TABLE policies; --", 'x'.repeat(10_000), 'how to apply 低保 please', '！！！？？']) {
      const res = await http().get('/api/policies/search').query({ q });
      expect(res.status).toBe(200);
      expect(typeof res.body.answered).toBe('boolean');
    }
  });

  it('lets a county admin manage shared policies and workers only their own', async () => {
    const { ctx } = env();
    const admin = await createWorker(ctx, { role: 'county_admin' });
    const worker = await createWorker(ctx);
    const created = await http().post('/api/policies').set('Authorization', `Bearer ${admin.token}`).send(sample({ title: '共享测试政策' }));
    expect(created.status).toBe(201);
    expect(created.body.stationId).toBeNull();
    const denied = await http().patch(`/api/policies/${created.body.id}`).set('Authorization', `Bearer ${worker.token}`).send({ summary: '改' });
    expect(denied.status).toBe(403);
    const own = await http().post('/api/policies').set('Authorization', `Bearer ${worker.token}`).send(sample({ title: '本站专用政策', keywords: ['本站特色补贴'] }));
    expect(own.status).toBe(201);
    expect(own.body.stationId).toBe(worker.stationId);
    const patched = await http().patch(`/api/policies/${own.body.id}`).set('Authorization', `Bearer ${worker.token}`).send({ summary: '新的摘要' });
    expect(patched.status).toBe(200);
    expect(patched.body.summary).toBe('新的摘要');
    expect(patched.body.keywords).toEqual(['本站特色补贴']);
    expect((await http().post('/api/policies').send(sample())).status).toBe(401);
  });

  it("keeps a station's own policies to its county: another county's admin can neither read nor change them", async () => {
    const { ctx } = env();
    const station = await createStation(ctx, { county: '丙县' });
    const worker = await createWorker(ctx, { stationId: station.id });
    const ownAdmin = await createWorker(ctx, { role: 'county_admin', county: '丙县' });
    const otherAdmin = await createWorker(ctx, { role: 'county_admin', county: '丁县' });
    const own = await http().post('/api/policies').set('Authorization', `Bearer ${worker.token}`).send(sample({ title: '丙县站点政策' }));
    expect((await http().get(`/api/policies/${own.body.id}`).set('Authorization', `Bearer ${otherAdmin.token}`)).status).toBe(404);
    expect((await http().patch(`/api/policies/${own.body.id}`).set('Authorization', `Bearer ${otherAdmin.token}`).send({ summary: 'x' })).status).toBe(404);
    expect((await http().delete(`/api/policies/${own.body.id}`).set('Authorization', `Bearer ${otherAdmin.token}`)).status).toBe(404);
    const forOther = await http().post('/api/policies').set('Authorization', `Bearer ${otherAdmin.token}`).send(sample({ title: '越界', stationId: station.id }));
    expect(forOther.status).toBe(404);
    expect((await http().patch(`/api/policies/${own.body.id}`).set('Authorization', `Bearer ${ownAdmin.token}`).send({ summary: '县里改的' })).status).toBe(200);
  });

  it("shows a station's own policy to that station only", async () => {
    const { ctx } = env();
    const worker = await createWorker(ctx);
    const other = await createWorker(ctx);
    const own = await http().post('/api/policies').set('Authorization', `Bearer ${worker.token}`)
      .send(sample({ title: '沙枣补贴', keywords: ['沙枣种植补贴'], questions: ['种沙枣有补贴吗'] }));
    const mine = await http().get('/api/policies/search').query({ q: '种沙枣有补贴吗', stationId: worker.stationId });
    expect(mine.body.items[0].id).toBe(own.body.id);
    const theirs = await http().get('/api/policies/search').query({ q: '种沙枣有补贴吗', stationId: other.stationId });
    expect(theirs.body.items.map((i: { id: number }) => i.id)).not.toContain(own.body.id);
    expect((await http().get(`/api/policies/${own.body.id}`).set('Authorization', `Bearer ${other.token}`)).status).toBe(404);
    expect((await http().get(`/api/policies/${own.body.id}`).set('Authorization', `Bearer ${worker.token}`)).status).toBe(200);
  });

  it('takes the life situations a policy serves, and finds it by a described situation', async () => {
    const { ctx } = env();
    const admin = await createWorker(ctx, { role: 'county_admin' });
    const created = await http().post('/api/policies').set('Authorization', `Bearer ${admin.token}`)
      .send(sample({ title: '本县渔民转产补助', keywords: [], questions: [], situations: ['禁渔以后船卖了，不能再打鱼，一家人没了收入'] }));
    expect(created.status).toBe(201);
    expect(created.body.situations).toEqual(['禁渔以后船卖了，不能再打鱼，一家人没了收入']);
    const res = await http().get('/api/policies/search').query({ q: '禁渔了我家船也卖了，不能打鱼了咋办' });
    expect(res.body.items[0].id).toBe(created.body.id);
    const patched = await http().patch(`/api/policies/${created.body.id}`).set('Authorization', `Bearer ${admin.token}`).send({ situations: [] });
    expect(patched.body.situations).toEqual([]);
  });

  it('keeps each county\'s amount of a shared policy and a station\'s amount of its own, through create, update and import', async () => {
    const { ctx } = env();
    const jia = await createStation(ctx, { county: '甲县' });
    const yi = await createStation(ctx, { county: '乙县' });
    const adminJia = await createWorker(ctx, { role: 'county_admin', county: '甲县' });
    const adminYi = await createWorker(ctx, { role: 'county_admin', county: '乙县' });
    const auth = (w: { token: string }) => ({ Authorization: `Bearer ${w.token}` });
    const created = await http().post('/api/policies').set(auth(adminJia)).send(sample({ title: '高龄津贴（金额测试）', amount: '80–89周岁每人每月100元' }));
    expect(created.status).toBe(201);
    expect(created.body.amount).toBe('80–89周岁每人每月100元');
    const id = created.body.id;
    expect((await http().get(`/api/policies/${id}`).query({ stationId: jia.id })).body.amount).toBe('80–89周岁每人每月100元');
    expect((await http().get(`/api/policies/${id}`).query({ stationId: yi.id })).body.amount).toBeNull();
    expect((await http().get(`/api/policies/${id}`)).body.amount).toBeNull();
    const yiSet = await http().patch(`/api/policies/${id}`).set(auth(adminYi)).send({ amount: '80周岁以上每人每月50元' });
    expect(yiSet.body.amount).toBe('80周岁以上每人每月50元');
    expect((await http().get(`/api/policies/${id}`).set(auth(adminJia))).body.amount).toBe('80–89周岁每人每月100元');
    expect((await http().get(`/api/policies/${id}`).query({ stationId: yi.id })).body.amount).toBe('80周岁以上每人每月50元');
    const cleared = await http().patch(`/api/policies/${id}`).set(auth(adminYi)).send({ amount: null });
    expect(cleared.body.amount).toBeNull();
    expect((await http().get(`/api/policies/${id}`).query({ stationId: jia.id })).body.amount).toBe('80–89周岁每人每月100元');

    const worker = await createWorker(ctx, { stationId: jia.id });
    const own = await http().post('/api/policies').set(auth(worker)).send(sample({ title: '本站助餐补贴', amount: '每餐补助3元' }));
    expect(own.body.amount).toBe('每餐补助3元');
    expect((await http().get(`/api/policies/${own.body.id}`).set(auth(worker))).body.amount).toBe('每餐补助3元');
    const shared = await http().patch(`/api/policies/${id}`).set(auth(worker)).send({ amount: '乱改' });
    expect(shared.status).toBe(403);

    const imported = await http().post('/api/policies/import').set(auth(adminJia)).send({ policies: [sample({ title: '导入带金额', amount: '每人每年300元' })] });
    expect(imported.status).toBe(201);
    expect((await http().get(`/api/policies/${imported.body.created[0].id}`).query({ stationId: jia.id })).body.amount).toBe('每人每年300元');
    const tooLong = await http().post('/api/policies').set(auth(adminJia)).send(sample({ title: '金额太长', amount: '元'.repeat(201) }));
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.message).toBeTruthy();
  });

  it('counts answered, unanswered and resolved questions per week, for the station and its county admin', async () => {
    const { ctx, clock } = env();
    const station = await createStation(ctx, { county: '周县' });
    const other = await createStation(ctx, { county: '周县' });
    const worker = await createWorker(ctx, { stationId: station.id });
    const admin = await createWorker(ctx, { role: 'county_admin', county: '周县' });
    const ask = (q: string, w = worker) => http().get('/api/policies/search').set('Authorization', `Bearer ${w.token}`).query({ q });
    clock.set(new Date('2026-11-25T10:00:00+08:00')); // a Wednesday: the week of Monday 11-23
    await ask('低保咋申请');
    await ask('村口那条路什么时候修好');
    clock.set(new Date('2026-12-01T10:00:00+08:00')); // Tuesday of the week of 11-30
    await ask('低保咋申请');
    await ask('高龄津贴怎么领');
    await ask('村口那条路什么时候修好');
    await http().get('/api/policies/search').query({ q: '低保咋申请', stationId: station.id }); // anonymous: not counted
    const open = (await http().get('/api/policies/unanswered').set('Authorization', `Bearer ${worker.token}`)).body.items[0];
    const road = await http().post('/api/policies').set('Authorization', `Bearer ${worker.token}`).send(sample({ title: '本站道路报修' }));
    const resolve = () => http().post(`/api/policies/unanswered/${open.id}/resolve`).set('Authorization', `Bearer ${worker.token}`).send({ policyId: road.body.id });
    expect((await resolve()).status).toBe(200);
    await resolve(); // resolving again counts once
    const res = await http().get('/api/policies/unanswered/stats').set('Authorization', `Bearer ${worker.token}`).query({ weeks: 3 });
    expect(res.status).toBe(200);
    expect(res.body.weeks).toEqual([
      { week: '2026-11-16', answered: 0, unanswered: 0, resolved: 0 },
      { week: '2026-11-23', answered: 1, unanswered: 1, resolved: 0 },
      { week: '2026-11-30', answered: 2, unanswered: 1, resolved: 1 },
    ]);
    const county = await http().get('/api/policies/unanswered/stats').set('Authorization', `Bearer ${admin.token}`).query({ weeks: 1 });
    expect(county.body.weeks).toEqual([{ week: '2026-11-30', answered: 2, unanswered: 1, resolved: 1 }]);
    const otherOnly = await http().get('/api/policies/unanswered/stats').set('Authorization', `Bearer ${admin.token}`).query({ weeks: 1, stationId: other.id });
    expect(otherOnly.body.weeks[0].answered).toBe(0);
    const foreign = await createWorker(ctx);
    expect((await http().get('/api/policies/unanswered/stats').set('Authorization', `Bearer ${foreign.token}`).query({ stationId: station.id })).status).toBe(404);
    expect((await http().get('/api/policies/unanswered/stats')).status).toBe(401);
  });

  it('does not offer an expired policy', async () => {
    const { ctx } = env();
    const admin = await createWorker(ctx, { role: 'county_admin' });
    const old = await http().post('/api/policies').set('Authorization', `Bearer ${admin.token}`)
      .send(sample({ title: '旧版独生子女奖励', keywords: ['独生子女奖励扶助'], questions: ['独生子女奖励还有吗'], effectiveTo: '2020-12-31' }));
    const res = await http().get('/api/policies/search').query({ q: '独生子女奖励还有吗' });
    expect(res.body.items.map((i: { id: number }) => i.id)).not.toContain(old.body.id);
  });

  it('imports all or nothing, naming the bad items', async () => {
    const { ctx } = env();
    const admin = await createWorker(ctx, { role: 'county_admin' });
    const before = await ctx.db.manager.count(Policy);
    const bad = await http().post('/api/policies/import').set('Authorization', `Bearer ${admin.token}`)
      .send({ policies: [sample({ title: '导入一' }), { title: '缺内容' }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');
    expect(bad.body.error.details.some((d: { index: number }) => d.index === 1)).toBe(true);
    expect(await ctx.db.manager.count(Policy)).toBe(before);
    const ok = await http().post('/api/policies/import').set('Authorization', `Bearer ${admin.token}`)
      .send({ policies: [sample({ title: '导入一' }), sample({ title: '导入二' })] });
    expect(ok.status).toBe(201);
    expect(ok.body.created.map((c: { title: string }) => c.title)).toEqual(['导入一', '导入二']);
  });

  it('turns an unanswered question into an example question of a policy', async () => {
    const { ctx } = env();
    const worker = await createWorker(ctx);
    await ctx.services.policyAnswers.logUnanswered(worker.stationId!, '老汉子岁数大了公家给不给钱嘛');
    const list = await http().get('/api/policies/unanswered').set('Authorization', `Bearer ${worker.token}`);
    const q = list.body.items.find((i: { text: string }) => i.text.includes('老汉子'));
    expect(q).toBeDefined();
    const own = await http().post('/api/policies').set('Authorization', `Bearer ${worker.token}`).send(sample({ title: '本站高龄关怀' }));
    const res = await http().post(`/api/policies/unanswered/${q.id}/resolve`).set('Authorization', `Bearer ${worker.token}`).send({ policyId: own.body.id });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('resolved');
    const policy = await http().get(`/api/policies/${own.body.id}`).set('Authorization', `Bearer ${worker.token}`);
    expect(policy.body.questions).toContain('老汉子岁数大了公家给不给钱嘛');
  });

  it('turns an unanswered question into a new policy that answers it', async () => {
    const { ctx } = env();
    const worker = await createWorker(ctx);
    await ctx.services.policyAnswers.logUnanswered(worker.stationId!, '村里的光伏分红怎么领');
    const list = await http().get('/api/policies/unanswered').set('Authorization', `Bearer ${worker.token}`);
    const q = list.body.items.find((i: { text: string }) => i.text === '村里的光伏分红怎么领');
    const res = await http().post(`/api/policies/unanswered/${q.id}/resolve`).set('Authorization', `Bearer ${worker.token}`)
      .send({ policy: sample({ title: '村集体光伏收益分配', keywords: ['光伏分红'], questions: [] }) });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'resolved', policyId: expect.any(Number) });
    const created = await http().get(`/api/policies/${res.body.policyId}`).set('Authorization', `Bearer ${worker.token}`);
    expect(created.body.questions).toEqual(['村里的光伏分红怎么领']);
    const both = await http().post(`/api/policies/unanswered/${q.id}/resolve`).set('Authorization', `Bearer ${worker.token}`).send({ dismiss: true, policyId: 1 });
    expect(both.status).toBe(400);
  });

  it('validates input', async () => {
    const { ctx } = env();
    const admin = await createWorker(ctx, { role: 'county_admin' });
    const res = await http().post('/api/policies').set('Authorization', `Bearer ${admin.token}`).send(sample({ effectiveFrom: '2025-01-01', effectiveTo: '2024-01-01' }));
    expect(res.status).toBe(400);
    // A date that does not exist is refused like any other bad date (one date validator for every door).
    const impossible = await http().post('/api/policies').set('Authorization', `Bearer ${admin.token}`).send(sample({ effectiveFrom: '2026-02-31' }));
    expect(impossible.status).toBe(400);
    expect(JSON.stringify(impossible.body)).toContain('YYYY-MM-DD');
    expect((await http().get('/api/policies/abc')).status).toBe(400);
    expect((await http().get('/api/policies/999999')).status).toBe(404);
  });
});

describe('policies import from a spreadsheet', () => {
  const env = useTestEnv();

  it('imports an XLSX sheet with Chinese headers, lists split, all or nothing', async () => {
    const ExcelJS = (await import('exceljs')).default;
    const { ctx, app } = env();
    const admin = await createWorker(ctx, { role: 'county_admin' });
    const sheet = async (rows: unknown[][]) => {
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('政策');
      ws.addRow(['标题', '类别', '摘要', '全文', '办理步骤', '材料', '关键词', '示例问题', '依据', '生效日期']);
      for (const r of rows) ws.addRow(r);
      return Buffer.from(await wb.xlsx.writeBuffer());
    };
    const good = ['残疾人护理补贴（表格）', '残疾人福利', '重度残疾人每月可领护理补贴。', '全文……', '申请\n审核\n发放', '身份证、残疾证', '护理补贴，重度残疾', '残疾了有护理补贴吗', '示例依据', '2016-01-01'];
    const bad = await request(app.callback()).post('/api/policies/import').set('Authorization', `Bearer ${admin.token}`)
      .attach('file', await sheet([good, ['缺少其他列']]), 'policies.xlsx');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.some((d: { row: number }) => d.row === 3)).toBe(true);
    expect(await ctx.db.manager.count(Policy)).toBe(0);
    const ok = await request(app.callback()).post('/api/policies/import').set('Authorization', `Bearer ${admin.token}`)
      .attach('file', await sheet([good]), 'policies.xlsx');
    expect(ok.status).toBe(201);
    const saved = await ctx.db.manager.findOneByOrFail(Policy, { id: ok.body.created[0].id });
    expect(saved.steps).toEqual(['申请', '审核', '发放']);
    expect(saved.materials).toEqual(['身份证', '残疾证']);
    expect(saved.keywords).toEqual(['护理补贴', '重度残疾']);
    expect(saved.effectiveFrom).toBe('2016-01-01');
  });

  it('refuses a JSON import without policies', async () => {
    const { ctx, app } = env();
    const admin = await createWorker(ctx, { role: 'county_admin' });
    const res = await request(app.callback()).post('/api/policies/import').set('Authorization', `Bearer ${admin.token}`).send({});
    expect(res.status).toBe(400);
  });
});
