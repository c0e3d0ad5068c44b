import request from 'supertest';
import { AuditEntry, BindingCode, FamilyContact, MessageLog, Resident } from '../../entities';
import { idCheckChar } from '../../services/idnumber';
import { createCommunity, createFamily, createResident, createStation, createWorker } from '../factories';
import { useTestEnv } from '../helpers';

/** A valid ID number for a birth date (female unless `male`). */
function idFor(birth: string, n = 1, male = false): string {
  const first17 = `620723${birth.replace(/-/g, '')}${String(n).padStart(2, '0')}${male ? 1 : 2}`;
  return first17 + idCheckChar(first17);
}

describe('residents API', () => {
  const env = useTestEnv();
  const auth = (t: string) => ({ Authorization: `Bearer ${t}` });

  async function setup() {
    const { ctx } = env();
    const station = await createStation(ctx);
    const community = await createCommunity(ctx, { stationId: station.id });
    const worker = await createWorker(ctx, { stationId: station.id });
    const admin = await createWorker(ctx, { stationId: station.id, role: 'station_admin' });
    return { ctx, station, community, worker, admin };
  }

  it('creates a resident: 201, phone masked, ID number never returned, age and birth date from the ID number', async () => {
    const { app } = env();
    const { ctx, community, worker, station } = await setup();
    const idNumber = idFor('1944-03-12');
    const res = await request(app.callback()).post('/api/residents').set(auth(worker.token)).send({
      name: '王秀英', phone: '13812340000', communityId: community.id, tags: ['living_alone', 'empty_nest_elder'],
      address: '沙河村3组12号', idNumber, riskTier: 'high',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      id: expect.any(Number), name: '王秀英', phone: '138****0000', communityId: community.id, stationId: station.id,
      tags: ['living_alone', 'empty_nest_elder'], status: 'active', riskTier: 'high', birthDate: '1944-03-12', age: 82,
      gender: 'female', wechatBound: false, hasIdNumber: true,
    });
    const body = JSON.stringify(res.body);
    expect(body).not.toContain(idNumber);
    expect(body).not.toContain('13812340000');
    expect(body).not.toMatch(/idNumber"/);
    const row = await ctx.db.manager.findOneByOrFail(Resident, { id: res.body.id });
    expect(row.idNumberEnc).not.toContain(idNumber);
    expect(ctx.services.residents.decryptIdNumber(row)).toBe(idNumber);
    expect(ctx.services.residents.hasIdNumber(row, idNumber)).toBe(true);
    expect(await ctx.db.manager.count(AuditEntry, { where: { residentId: row.id, action: 'create' } })).toBe(1);
  });

  it('refuses bad input with 400 and writes nothing', async () => {
    const { app } = env();
    const { ctx, community, worker, station } = await setup();
    const base = { name: '测试', communityId: community.id };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, name: 5 }, 'name'],
      [{ ...base, name: '' }, 'name'],
      [{ ...base, name: '长'.repeat(51) }, 'name'],
      [{ ...base, communityId: 'abc' }, 'communityId'],
      [{ ...base, tags: ['rich'] }, 'tags.0'],
      [{ ...base, status: 'dead' }, 'status'],
      [{ ...base, riskTier: 'extreme' }, 'riskTier'],
      [{ ...base, gender: 'x' }, 'gender'],
      [{ ...base, phone: '12345' }, 'phone'],
      [{ ...base, idNumber: idFor('1944-03-12').slice(0, 17) + (idFor('1944-03-12')[17] === '0' ? '1' : '0') }, 'idNumber'],
      [{ ...base, idNumber: '123' }, 'idNumber'],
      [{ ...base, birthDate: '1950-02-30' }, 'birthDate'],
      [{ ...base, address: '址'.repeat(201) }, 'address'],
    ];
    for (const [body, path] of cases) {
      const res = await request(app.callback()).post('/api/residents').set(auth(worker.token)).send(body);
      expect([res.status, res.body.error?.code]).toEqual([400, 'validation_failed']);
      expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    }
    const future = await request(app.callback()).post('/api/residents').set(auth(worker.token)).send({ ...base, birthDate: '2030-01-01' });
    expect(future.status).toBe(400);
    const otherCommunity = await createCommunity(ctx);
    const wrong = await request(app.callback()).post('/api/residents').set(auth(worker.token)).send({ ...base, communityId: otherCommunity.id });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe('unknown_community');
    expect(await ctx.db.manager.count(Resident, { where: { stationId: station.id } })).toBe(0);
    expect(await ctx.db.manager.count(AuditEntry, { where: { stationId: station.id } })).toBe(0);
  });

  it('a duplicate ID number in the same station is 409 duplicate_id_number; another station may hold it', async () => {
    const { app } = env();
    const { ctx, community, worker } = await setup();
    const idNumber = idFor('1950-05-05', 3, true);
    const first = await request(app.callback()).post('/api/residents').set(auth(worker.token)).send({ name: '甲', communityId: community.id, idNumber });
    expect(first.status).toBe(201);
    const again = await request(app.callback()).post('/api/residents').set(auth(worker.token)).send({ name: '乙', communityId: community.id, idNumber: idNumber.toLowerCase() });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('duplicate_id_number');
    const patchDup = await request(app.callback()).post('/api/residents').set(auth(worker.token)).send({ name: '丙', communityId: community.id });
    const clash = await request(app.callback()).patch(`/api/residents/${patchDup.body.id}`).set(auth(worker.token)).send({ idNumber });
    expect(clash.status).toBe(409);
    const other = await setup();
    const elsewhere = await request(app.callback()).post('/api/residents').set(auth(other.worker.token)).send({ name: '甲', communityId: other.community.id, idNumber });
    expect(elsewhere.status).toBe(201);
    expect(await ctx.db.manager.count(Resident, { where: { name: '乙' } })).toBe(0);
  });

  it('lists with filters and search, { items, total }, paginated', async () => {
    const { app } = env();
    const { ctx, community, worker, station } = await setup();
    const c2 = await createCommunity(ctx, { stationId: station.id });
    const idNumber = idFor('1940-01-01', 7);
    await createResident(ctx, { stationId: station.id, communityId: community.id, name: '张桂兰', tags: ['living_alone'], phone: '13900001111' });
    await createResident(ctx, { stationId: station.id, communityId: c2.id, name: '李四', tags: ['left_behind_child'] });
    await createResident(ctx, { stationId: station.id, communityId: c2.id, name: '张三', tags: ['empty_nest_elder', 'living_alone'], status: 'in_hospital',
      idNumberHash: ctx.services.residents.idNumberHash(idNumber) });
    const get = (q: Record<string, unknown>) => request(app.callback()).get('/api/residents').set(auth(worker.token)).query(q);
    expect((await get({})).body.total).toBe(3);
    const alone = await get({ tag: 'living_alone' });
    expect(alone.body.items.map((r: { name: string }) => r.name).sort()).toEqual(['张三', '张桂兰']);
    expect((await get({ communityId: c2.id })).body.total).toBe(2);
    expect((await get({ q: '张' })).body.total).toBe(2);
    expect((await get({ q: '1111' })).body.items.map((r: { name: string }) => r.name)).toEqual(['张桂兰']);
    expect((await get({ q: idNumber })).body.items.map((r: { name: string }) => r.name)).toEqual(['张三']);
    expect((await get({ status: 'in_hospital' })).body.total).toBe(1);
    const page = await get({ limit: 2, offset: 2 });
    expect(page.body.items).toHaveLength(1);
    expect(page.body.total).toBe(3);
    expect((await get({ tag: 'nonsense' })).status).toBe(400);
    expect((await get({ limit: 501 })).status).toBe(400);
    expect((await get({ q: '%' })).body.total).toBe(3);
  });

  it('reads, updates and soft-deletes; every detail read is audited and the station admin reads the log', async () => {
    const { app } = env();
    const { ctx, community, worker, admin, station } = await setup();
    const r = await createResident(ctx, { stationId: station.id, communityId: community.id, name: '赵永福', phone: '13800002222' });
    const read = await request(app.callback()).get(`/api/residents/${r.id}`).set(auth(worker.token));
    expect(read.status).toBe(200);
    expect(read.body.phone).toBe('138****2222');
    const patched = await request(app.callback()).patch(`/api/residents/${r.id}`).set(auth(worker.token)).send({ tags: ['disabled'], phone: null, status: 'in_hospital' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ tags: ['disabled'], phone: null, status: 'in_hospital', name: '赵永福' });
    expect((await request(app.callback()).patch(`/api/residents/${r.id}`).set(auth(worker.token)).send({ status: 'gone' })).status).toBe(400);
    const del = await request(app.callback()).delete(`/api/residents/${r.id}`).set(auth(worker.token));
    expect(del.status).toBe(200);
    expect(del.body.status).toBe('inactive');
    expect(await ctx.db.manager.count(Resident, { where: { id: r.id } })).toBe(1);
    const log = await request(app.callback()).get('/api/audit').set(auth(admin.token)).query({ residentId: r.id });
    expect(log.status).toBe(200);
    expect(log.body.items.map((e: { action: string }) => e.action)).toEqual(['delete', 'update', 'read']);
    expect(log.body.items[2]).toMatchObject({ workerId: worker.id, workerName: worker.name, residentId: r.id, at: expect.stringMatching(/\+08:00$/) });
    expect(log.body.items[1].detail.split(',').sort()).toEqual(['phone', 'status', 'tags']);
    expect((await request(app.callback()).get('/api/audit').set(auth(worker.token))).status).toBe(403);
  });

  it('family contacts: 201 with a binding code, listed, re-coded; the code binds a WeChat contact', async () => {
    const { app } = env();
    const { ctx, community, worker, station } = await setup();
    const r = await createResident(ctx, { stationId: station.id, communityId: community.id });
    const res = await request(app.callback()).post(`/api/residents/${r.id}/family`).set(auth(worker.token)).send({ name: '王小明', relation: '儿子', phone: '13900000000' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id: expect.any(Number), name: '王小明', relation: '儿子', wechatBound: false, bindingCode: expect.stringMatching(/^\d{6}$/), bindingCodeExpiresAt: expect.stringMatching(/\+08:00$/), phone: '139****0000' });
    expect((await request(app.callback()).post(`/api/residents/${r.id}/family`).set(auth(worker.token)).send({ name: '', relation: '儿子' })).status).toBe(400);
    expect((await request(app.callback()).post(`/api/residents/${r.id}/family`).set(auth(worker.token)).send({ name: 'a', relation: '儿子', phone: 'abc' })).status).toBe(400);
    const list = await request(app.callback()).get(`/api/residents/${r.id}/family`).set(auth(worker.token));
    expect(list.body.total).toBe(1);
    const fresh = await request(app.callback()).post(`/api/family-contacts/${res.body.id}/binding-code`).set(auth(worker.token));
    expect(fresh.status).toBe(200);
    // the first code stopped working when a fresh one was issued
    expect(await ctx.services.binding.redeem({ code: res.body.bindingCode, throttleKey: 'fam-1', stationId: station.id, contactId: 'wx-son' })).toBeNull();
    const bound = await ctx.services.binding.redeem({ code: fresh.body.code, throttleKey: 'fam-1', stationId: station.id, contactId: 'wx-son' });
    expect(bound).toMatchObject({ targetType: 'family', targetId: res.body.id });
    expect((await request(app.callback()).get(`/api/residents/${r.id}/family`).set(auth(worker.token))).body.items[0].wechatBound).toBe(true);
    const rcode = await request(app.callback()).post(`/api/residents/${r.id}/binding-code`).set(auth(worker.token));
    expect(rcode.body).toEqual({ code: expect.stringMatching(/^\d{6}$/), expiresAt: expect.any(String) });
    expect((await request(app.callback()).delete(`/api/family-contacts/${res.body.id}`).set(auth(worker.token))).status).toBe(200);
    expect(await ctx.db.manager.count(FamilyContact, { where: { residentId: r.id } })).toBe(0);
  });

  it('exports everything held (without the ID number) and audits the export', async () => {
    const { app } = env();
    const { ctx, community, worker, station } = await setup();
    const idNumber = idFor('1945-06-01', 9);
    const created = await request(app.callback()).post('/api/residents').set(auth(worker.token)).send({ name: '陈玉珍', communityId: community.id, idNumber, phone: '13800003333' });
    await createFamily(ctx, { residentId: created.body.id, name: '陈志强' });
    const res = await request(app.callback()).get(`/api/residents/${created.body.id}/export`).set(auth(worker.token));
    expect(res.status).toBe(200);
    expect(res.body.resident).toMatchObject({ name: '陈玉珍', hasIdNumber: true });
    expect(res.body.family.map((f: { name: string }) => f.name)).toEqual(['陈志强']);
    expect(res.body.audit.map((a: { action: string }) => a.action)).toContain('create');
    expect(JSON.stringify(res.body)).not.toContain(idNumber);
    expect(await ctx.db.manager.count(AuditEntry, { where: { residentId: created.body.id, action: 'export', stationId: station.id } })).toBe(1);
  });

  it('erase (station admin only): personal data removed, family deleted, statistics kept', async () => {
    const { app } = env();
    const { ctx, community, worker, admin, station } = await setup();
    const r = await createResident(ctx, {
      stationId: station.id, communityId: community.id, name: '杨春花', phone: '13800004444', address: '兰家堡村', tags: ['extreme_poverty'],
      wechatContactId: 'wx-yang', openid: 'op-yang', birthDate: '1939-12-24',
      idNumberEnc: 'v1:x:y:z', idNumberHash: ctx.services.residents.idNumberHash(idFor('1939-12-24')),
    });
    const f = await createFamily(ctx, { residentId: r.id, wechatContactId: 'wx-yang-son' });
    await ctx.db.manager.insert(MessageLog, { stationId: station.id, contactId: 'wx-yang', direction: 'in', type: 'text', text: '好着呢', at: new Date() });
    await ctx.services.binding.issue(station.id, 'family', f.id);
    expect((await request(app.callback()).post(`/api/residents/${r.id}/erase`).set(auth(worker.token))).status).toBe(403);
    const res = await request(app.callback()).post(`/api/residents/${r.id}/erase`).set(auth(admin.token));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: '已删除', phone: null, address: null, wechatBound: false, hasIdNumber: false, erased: true, tags: ['extreme_poverty'], communityId: community.id });
    const row = await ctx.db.manager.findOneByOrFail(Resident, { id: r.id });
    expect(row).toMatchObject({ name: '已删除', phone: null, idNumberEnc: null, idNumberHash: null, address: null, wechatContactId: null, openid: null });
    expect(row.erasedAt).not.toBeNull();
    expect(await ctx.db.manager.count(FamilyContact, { where: { residentId: r.id } })).toBe(0);
    expect(await ctx.db.manager.count(MessageLog, { where: { contactId: 'wx-yang' } })).toBe(0);
    expect(await ctx.db.manager.count(BindingCode, { where: { targetType: 'family', targetId: f.id } })).toBe(0);
    expect((await request(app.callback()).post(`/api/residents/${r.id}/erase`).set(auth(admin.token))).status).toBe(409);
    // Erased is gone from every resident route (see residents-review.test.ts).
    expect((await request(app.callback()).patch(`/api/residents/${r.id}`).set(auth(worker.token)).send({ name: '复活' })).status).toBe(404);
    const list = await request(app.callback()).get('/api/residents').set(auth(worker.token));
    expect(list.body.items.map((x: { id: number }) => x.id)).not.toContain(r.id);
    expect(await ctx.db.manager.count(AuditEntry, { where: { residentId: r.id, action: 'erase' } })).toBe(1);
  });
});
