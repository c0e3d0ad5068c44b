import request from 'supertest';
import ExcelJS from 'exceljs';
import { Need } from '../../entities';
import { createWorker } from '../factories';
import { useTestEnv } from '../helpers';
import { visitScene } from '../visit-fixtures';

describe('needs list (帮扶需求清单)', () => {
  const env = useTestEnv();
  const api = () => request(env().app.callback());
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  let k = 200;

  it('records, searches, follows up and exports needs, within the station', async () => {
    const { ctx } = env();
    const s = await visitScene(ctx, ++k);
    const other = await visitScene(ctx, ++k);
    const post = (body: object, token = s.a.token) => api().post('/api/needs').set(auth(token)).send(body);
    const first = await post({ residentId: s.wang.id, type: 'medical', urgency: 'medium', description: '腿脚不便，需要轮椅' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      residentId: s.wang.id, residentName: '王秀英', communityName: `沙河村${k - 1}`, type: 'medical', typeLabel: '医疗',
      urgency: 'medium', urgencyLabel: '较急', status: 'open', statusLabel: '待跟进', followUpWorkerId: null, createdBy: s.a.id,
    });
    await post({ residentId: s.li.id, type: 'living', urgency: 'high', description: '冬季取暖煤不够', followUpWorkerId: s.b.id });
    await post({ residentId: s.zhang.id, type: 'legal', urgency: 'low', description: '咨询赡养纠纷' });
    await post({ residentId: other.wang.id, type: 'other', urgency: 'low', description: '别站的需求' }, other.a.token);

    const list = await api().get('/api/needs').set(auth(s.a.token));
    expect(list.body.total).toBe(3);
    expect(list.body.items.map((n: { description: string }) => n.description)).toEqual(['冬季取暖煤不够', '腿脚不便，需要轮椅', '咨询赡养纠纷']);
    expect(list.body.items[0]).toMatchObject({ followUpWorkerId: s.b.id, followUpWorkerName: '何静' });
    const q = async (query: string) => (await api().get(`/api/needs?${query}`).set(auth(s.a.token))).body.items.map((n: { id: number }) => n.id);
    expect(await q(`q=${encodeURIComponent('轮椅')}`)).toEqual([first.body.id]);
    expect(await q(`q=${encodeURIComponent('王秀英')}`)).toEqual([first.body.id]);
    expect(await q(`q=${encodeURIComponent('%')}`)).toHaveLength(3);
    expect(await q('type=legal')).toHaveLength(1);
    expect(await q(`residentId=${s.li.id}`)).toHaveLength(1);
    expect(await q(`followUpWorkerId=${s.b.id}`)).toHaveLength(1);
    expect(await q('urgency=high&status=open')).toHaveLength(1);
    expect(await q(`q=${encodeURIComponent('别站')}`)).toEqual([]);

    const patch = (id: number, body: object, token = s.a.token) => api().patch(`/api/needs/${id}`).set(auth(token)).send(body);
    expect((await patch(first.body.id, { status: 'in_progress', followUpWorkerId: s.a.id, note: '已联系残联' })).body)
      .toMatchObject({ status: 'in_progress', followUpWorkerName: '赵敏', note: '已联系残联', metAt: null });
    const met = await patch(first.body.id, { status: 'met' });
    expect(met.body).toMatchObject({ status: 'met', statusLabel: '已解决', metAt: '2026-12-03T09:00:00+08:00' });
    expect(await q('status=met')).toEqual([first.body.id]);

    const xlsx = await api().get(`/api/needs/export.xlsx?status=met`).set(auth(s.a.token)).buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.body as ArrayBuffer);
    const sheet = wb.worksheets[0];
    expect(sheet.name).toBe('帮扶需求清单');
    expect((sheet.getRow(1).values as string[]).slice(1)).toEqual(['编号', '居民', '村（社区）', '需求类型', '紧急程度', '需求描述', '状态', '跟进社工', '备注', '登记日期', '解决日期']);
    expect((sheet.getRow(2).values as unknown[]).slice(1)).toEqual([first.body.id, '王秀英', `沙河村${k - 1}`, '医疗', '较急', '腿脚不便，需要轮椅', '已解决', '赵敏', '已联系残联', '2026-12-03', '2026-12-03']);
    expect(sheet.rowCount).toBe(2);
  });

  it('refuses bad input and other stations with a clear 4xx, writing nothing', async () => {
    const { ctx } = env();
    const s = await visitScene(ctx, ++k);
    const other = await visitScene(ctx, ++k);
    const before = await ctx.db.manager.count(Need);
    for (const [body, status, message] of [
      [{ residentId: other.wang.id, type: 'medical', urgency: 'low', description: '别站居民' }, 404, /居民不存在/],
      [{ residentId: s.wang.id, type: 'food', urgency: 'low', description: 'x' }, 400, /应为以下之一/],
      [{ residentId: s.wang.id, type: 'medical', urgency: 'urgent', description: 'x' }, 400, /应为以下之一/],
      [{ residentId: s.wang.id, type: 'medical', urgency: 'low', description: '  ' }, 400, /不能为空/],
      [{ residentId: s.wang.id, type: 'medical', urgency: 'low' }, 400, /必填/],
      [{ residentId: s.wang.id, type: 'medical', urgency: 'low', description: 'x', followUpWorkerId: other.a.id }, 400, /本站在职/],
    ] as [object, number, RegExp][]) {
      const res = await api().post('/api/needs').set(auth(s.a.token)).send(body);
      expect(res.status).toBe(status);
      expect(res.body.error.message).toMatch(message);
    }
    expect(await ctx.db.manager.count(Need)).toBe(before);
    const theirs = await api().post('/api/needs').set(auth(other.a.token)).send({ residentId: other.wang.id, type: 'medical', urgency: 'low', description: '别站' });
    expect((await api().patch(`/api/needs/${theirs.body.id}`).set(auth(s.a.token)).send({ status: 'met' })).status).toBe(404);
    expect((await api().patch(`/api/needs/${theirs.body.id}`).set(auth(other.a.token)).send({})).status).toBe(400);
    expect((await api().patch(`/api/needs/${theirs.body.id}`).set(auth(other.a.token)).send({ status: 'done' })).status).toBe(400);
    const county = await createWorker(ctx, { role: 'county_admin' });
    expect((await api().get('/api/needs').set(auth(county.token))).status).toBe(403);
    expect((await api().get('/api/needs/export.xlsx').set(auth(county.token))).status).toBe(403);
    expect((await api().get('/api/needs')).status).toBe(401);
  });

  it("takes part in the resident's export and erase", async () => {
    const { ctx } = env();
    const s = await visitScene(ctx, ++k);
    await api().post('/api/needs').set(auth(s.a.token)).send({ residentId: s.wang.id, type: 'psychological', urgency: 'medium', description: '独居孤单，想有人聊天' });
    const exported = await api().get(`/api/residents/${s.wang.id}/export`).set(auth(s.a.token));
    expect(exported.body.needs).toEqual([expect.objectContaining({ type: 'psychological', description: '独居孤单，想有人聊天' })]);
    expect((await api().post(`/api/residents/${s.wang.id}/erase`).set(auth(s.admin.token))).status).toBe(200);
    const kept = await ctx.db.manager.findOneByOrFail(Need, { residentId: s.wang.id });
    expect(kept).toMatchObject({ type: 'psychological', status: 'open' });
    expect(kept.description).not.toContain('孤单');
  });
});
