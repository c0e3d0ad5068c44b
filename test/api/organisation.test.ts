import request from 'supertest';
import { Station, Worker } from '../../entities';
import { createStation, createWorker } from '../factories';
import { useTestEnv } from '../helpers';

describe('organisation: stations, communities, workers', () => {
  const env = useTestEnv();
  const auth = (t: string) => ({ Authorization: `Bearer ${t}` });

  it('a county admin creates stations of their county and lists them; others cannot create', async () => {
    const { ctx, app } = env();
    const county = await createWorker(ctx, { role: 'county_admin', county: '临泽县' });
    const res = await request(app.callback()).post('/api/stations').set(auth(county.token))
      .send({ name: '平川镇社工站', township: '平川镇', county: '临泽县', phone: '0936-5540001' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id: expect.any(Number), name: '平川镇社工站', county: '临泽县' });
    const other = await request(app.callback()).post('/api/stations').set(auth(county.token)).send({ name: 'x', township: 'x', county: '高台县' });
    expect(other.status).toBe(403);
    expect(await ctx.db.manager.count(Station, { where: { county: '高台县' } })).toBe(0);
    const elsewhere = await createStation(ctx, { county: '高台县' });
    const list = await request(app.callback()).get('/api/stations').set(auth(county.token));
    expect(list.status).toBe(200);
    expect(list.body.items.map((s: { id: number }) => s.id)).toContain(res.body.id);
    expect(list.body.items.map((s: { id: number }) => s.id)).not.toContain(elsewhere.id);
    const admin = await createWorker(ctx, { stationId: res.body.id, role: 'station_admin' });
    expect((await request(app.callback()).post('/api/stations').set(auth(admin.token)).send({ name: 'y', township: 'y', county: '临泽县' })).status).toBe(403);
    const own = await request(app.callback()).get('/api/stations').set(auth(admin.token));
    expect(own.body).toEqual({ items: [expect.objectContaining({ id: res.body.id })], total: 1 });
  });

  it('validates station input', async () => {
    const { ctx, app } = env();
    const county = await createWorker(ctx, { role: 'county_admin' });
    for (const body of [{ name: 'a'.repeat(101), township: 't', county: '临泽县' }, { name: 1, township: 't', county: '临泽县' }, { name: 'a', township: 't', county: '临泽县', phone: '12' }]) {
      const res = await request(app.callback()).post('/api/stations').set(auth(county.token)).send(body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
  });

  it('communities: station admin and county admin add; duplicates 409; another station 404; plain worker 403', async () => {
    const { ctx, app } = env();
    const station = await createStation(ctx);
    const admin = await createWorker(ctx, { stationId: station.id, role: 'station_admin' });
    const worker = await createWorker(ctx, { stationId: station.id });
    const county = await createWorker(ctx, { role: 'county_admin' });
    const stranger = await createWorker(ctx, { role: 'station_admin' });
    const a = await request(app.callback()).post(`/api/stations/${station.id}/communities`).set(auth(admin.token)).send({ name: '沙河村' });
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ id: expect.any(Number), name: '沙河村', stationId: station.id });
    expect((await request(app.callback()).post(`/api/stations/${station.id}/communities`).set(auth(county.token)).send({ name: '化音村' })).status).toBe(201);
    const dup = await request(app.callback()).post(`/api/stations/${station.id}/communities`).set(auth(admin.token)).send({ name: '沙河村' });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('duplicate_community');
    expect((await request(app.callback()).post(`/api/stations/${station.id}/communities`).set(auth(worker.token)).send({ name: '新村' })).status).toBe(403);
    expect((await request(app.callback()).post(`/api/stations/${station.id}/communities`).set(auth(stranger.token)).send({ name: '新村' })).status).toBe(404);
    expect((await request(app.callback()).post('/api/stations/999999/communities').set(auth(admin.token)).send({ name: '新村' })).status).toBe(404);
    const list = await request(app.callback()).get(`/api/stations/${station.id}/communities`).set(auth(worker.token));
    expect(list.body.total).toBe(2);
    expect((await request(app.callback()).get(`/api/stations/${station.id}/communities`).set(auth(stranger.token))).status).toBe(404);
  });

  it('workers: created by admins with the right scope; duplicate usernames 409; lists scoped', async () => {
    const { ctx, app } = env();
    const station = await createStation(ctx);
    const otherStation = await createStation(ctx);
    const admin = await createWorker(ctx, { stationId: station.id, role: 'station_admin' });
    const county = await createWorker(ctx, { role: 'county_admin' });
    const body = { stationId: station.id, username: 'newbie', password: 'password-123', name: '新社工', role: 'worker', phone: '13812345678' };
    const res = await request(app.callback()).post('/api/workers').set(auth(admin.token)).send(body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id: expect.any(Number), username: 'newbie', name: '新社工', role: 'worker', stationId: station.id, phone: '138****5678' });
    expect(JSON.stringify(res.body)).not.toMatch(/password/i);
    const dup = await request(app.callback()).post('/api/workers').set(auth(county.token)).send({ ...body, username: 'NEWBIE' });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('username_taken');
    expect((await request(app.callback()).post('/api/workers').set(auth(admin.token)).send({ ...body, username: 'xx2', stationId: otherStation.id })).status).toBe(404);
    expect((await request(app.callback()).post('/api/workers').set(auth(admin.token)).send({ ...body, username: 'xx3', role: 'county_admin', stationId: undefined })).status).toBe(403);
    for (const bad of [{ ...body, username: 'xx4', role: 'boss' }, { ...body, username: 'xx5', password: 'short' }, { ...body, username: 'xx6', phone: '123' }, { ...body, username: 'x'.repeat(65) }]) {
      const r = await request(app.callback()).post('/api/workers').set(auth(county.token)).send(bad);
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('validation_failed');
    }
    expect(await ctx.db.manager.count(Worker, { where: { username: 'xx4' } })).toBe(0);
    const plain = await createWorker(ctx, { stationId: station.id });
    expect((await request(app.callback()).post('/api/workers').set(auth(plain.token)).send({ ...body, username: 'xx7' })).status).toBe(403);
    const stationList = await request(app.callback()).get('/api/workers').set(auth(plain.token));
    expect(stationList.body.items.every((w: { stationId: number }) => w.stationId === station.id)).toBe(true);
    const countyAdminByCounty = await request(app.callback()).post('/api/workers').set(auth(county.token)).send({ ...body, username: 'other-st', stationId: otherStation.id });
    expect(countyAdminByCounty.status).toBe(201);
    const countyList = await request(app.callback()).get('/api/workers').set(auth(county.token)).query({ stationId: otherStation.id });
    expect(countyList.body.items.map((w: { username: string }) => w.username)).toEqual(['other-st']);
    expect((await request(app.callback()).get('/api/workers').set(auth(plain.token)).query({ stationId: otherStation.id })).body).toEqual({ items: [], total: 0 });
  });

  it('PATCH workers: role changes, self-protection, scope', async () => {
    const { ctx, app } = env();
    const station = await createStation(ctx);
    const admin = await createWorker(ctx, { stationId: station.id, role: 'station_admin' });
    const w = await createWorker(ctx, { stationId: station.id });
    const promoted = await request(app.callback()).patch(`/api/workers/${w.id}`).set(auth(admin.token)).send({ role: 'station_admin', name: '新站长' });
    expect(promoted.status).toBe(200);
    expect(promoted.body).toMatchObject({ role: 'station_admin', name: '新站长' });
    expect((await request(app.callback()).patch(`/api/workers/${admin.id}`).set(auth(admin.token)).send({ active: false })).body.error.code).toBe('cannot_deactivate_self');
    expect((await request(app.callback()).patch(`/api/workers/${w.id}`).set(auth(admin.token)).send({ role: 'county_admin' })).status).toBe(400);
    expect((await request(app.callback()).patch(`/api/workers/${w.id}`).set(auth(admin.token)).send({ role: 'king' })).status).toBe(400);
    const stranger = await createWorker(ctx, { role: 'station_admin' });
    expect((await request(app.callback()).patch(`/api/workers/${w.id}`).set(auth(stranger.token)).send({ active: false })).status).toBe(404);
    expect((await ctx.db.manager.findOneByOrFail(Worker, { id: w.id })).active).toBe(true);
  });

  it('a worker binding code lets a worker link WeChat', async () => {
    const { ctx, app } = env();
    const w = await createWorker(ctx);
    const res = await request(app.callback()).post(`/api/workers/${w.id}/binding-code`).set(auth(w.token));
    expect(res.status).toBe(200);
    expect(res.body.code).toMatch(/^\d{6}$/);
    expect(res.body.expiresAt).toMatch(/\+08:00$/);
    const bound = await ctx.services.binding.redeem({ code: res.body.code, throttleKey: 'c:w1', stationId: w.stationId!, contactId: 'wx-worker-1' });
    expect(bound).toMatchObject({ targetType: 'worker', targetId: w.id });
    expect((await ctx.db.manager.findOneByOrFail(Worker, { id: w.id })).wechatContactId).toBe('wx-worker-1');
    const colleague = await createWorker(ctx, { stationId: w.stationId });
    expect((await request(app.callback()).post(`/api/workers/${w.id}/binding-code`).set(auth(colleague.token))).status).toBe(403);
    const stranger = await createWorker(ctx);
    expect((await request(app.callback()).post(`/api/workers/${w.id}/binding-code`).set(auth(stranger.token))).status).toBe(404);
  });
});
