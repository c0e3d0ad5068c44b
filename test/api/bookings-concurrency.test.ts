import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { Booking, BookingSlot, Resident } from '../../entities';
import { createSlot, createStation, createWorker } from '../factories';
import { onMysql, useTestEnv } from '../helpers';

/**
 * Real concurrent requests through one listening server: on SQLite they queue on the single
 * connection, on MariaDB they run on the connection pool at once. Either way the seats hold.
 */
describe('bookings under concurrent requests', () => {
  const env = useTestEnv({ env: { RATE_LIMIT_PER_MINUTE: '100000' } });
  let server: http.Server;
  let base: string;

  beforeAll(async () => {
    server = http.createServer(env().app.callback());
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((ok) => server.close(ok));
  });

  async function residents(stationId: number, n: number): Promise<{ id: number; token: string }[]> {
    const { ctx } = env();
    const tag = Math.random().toString(36).slice(2, 8);
    const community = await ctx.db.manager.query('SELECT id FROM communities WHERE stationId = ? LIMIT 1', [stationId]);
    let communityId = community[0]?.id as number | undefined;
    if (!communityId) {
      await ctx.db.manager.query('INSERT INTO communities (stationId, name) VALUES (?, ?)', [stationId, `并发村${tag}`]);
      communityId = (await ctx.db.manager.query('SELECT id FROM communities WHERE stationId = ? LIMIT 1', [stationId]))[0].id as number;
    }
    await ctx.db.insertMany('residents', ['stationId', 'communityId', 'name', 'tags', 'status', 'riskTier', 'optedOut', 'openid', 'createdAt', 'updatedAt'],
      Array.from({ length: n }, (_, i) => [stationId, communityId, `并发居民${i}`, '[]', 'active', 'general', false, `cc-${tag}-${i}`, new Date(), new Date()]));
    const rows = await ctx.db.manager.find(Resident, { where: { stationId }, select: { id: true, openid: true } });
    return rows.filter((r) => r.openid?.startsWith(`cc-${tag}-`)).map((r) => ({ id: r.id, token: ctx.services.auth.residentToken(r.openid!) }));
  }

  const post = (path: string, token: string, body: object, headers: Record<string, string> = {}) => {
    let req = request(base).post(path).set('Authorization', `Bearer ${token}`);
    for (const [k, v] of Object.entries(headers)) req = req.set(k, v);
    return req.send(body);
  };

  it('uses a real connection pool on MariaDB', () => {
    const { ctx } = env();
    if (!onMysql) return expect(ctx.db.sqlite).toBe(true);
    const pool = (ctx.db.dataSource.driver as unknown as { pool: { config: { connectionLimit: number } } }).pool;
    expect(pool.config.connectionLimit).toBeGreaterThan(1);
  });

  it('300 residents at once on 25 seats: exactly 25 booked, the rest slot_full', async () => {
    const { ctx } = env();
    const s = await createStation(ctx);
    const slot = await createSlot(ctx, { stationId: s.id, capacity: 25 });
    const people = await residents(s.id, 300);
    const res = await Promise.all(people.map((p) => post('/api/bookings', p.token, { slotId: slot.id })));
    const ok = res.filter((r) => r.status === 201);
    expect(ok).toHaveLength(25);
    expect(res.filter((r) => r.status === 409 && r.body.error.code === 'slot_full')).toHaveLength(275);
    expect((await ctx.db.manager.findOneByOrFail(BookingSlot, { id: slot.id })).booked).toBe(25);
    expect(await ctx.db.manager.count(Booking, { where: { slotId: slot.id, status: 'booked' } })).toBe(25);
    expect(new Set(ok.map((r) => r.body.residentId)).size).toBe(25);
  });

  it('one resident sending 40 requests at once for one slot gets one booking', async () => {
    const { ctx } = env();
    const s = await createStation(ctx);
    const slot = await createSlot(ctx, { stationId: s.id, capacity: 40 });
    const [p] = await residents(s.id, 1);
    const res = await Promise.all(Array.from({ length: 40 }, () => post('/api/bookings', p.token, { slotId: slot.id })));
    expect(res.filter((r) => r.status === 201)).toHaveLength(1);
    expect(res.filter((r) => r.status === 409 && r.body.error.code === 'already_booked')).toHaveLength(39);
    expect((await ctx.db.manager.findOneByOrFail(BookingSlot, { id: slot.id })).booked).toBe(1);
  });

  it('one resident booking 30 slots at once is held to the cap of 3 active bookings', async () => {
    const { ctx } = env();
    const s = await createStation(ctx);
    const now = ctx.clock.now().getTime();
    const slots = await Promise.all(Array.from({ length: 30 }, (_, i) => createSlot(ctx, { stationId: s.id, startsAt: new Date(now + (24 + i) * 3600_000) })));
    const [p] = await residents(s.id, 1);
    const res = await Promise.all(slots.map((sl) => post('/api/bookings', p.token, { slotId: sl.id })));
    expect(res.filter((r) => r.status === 201)).toHaveLength(3);
    expect(res.filter((r) => r.status === 409 && r.body.error.code === 'booking_limit')).toHaveLength(27);
    expect(await ctx.db.manager.count(Booking, { where: { residentId: p.id, status: 'booked' } })).toBe(3);
  });

  it('cancellations and new bookings at once: the counter always equals the standing bookings, never above capacity', async () => {
    const { ctx } = env();
    const s = await createStation(ctx);
    const worker = await createWorker(ctx, { stationId: s.id });
    const slot = await createSlot(ctx, { stationId: s.id, capacity: 60 });
    const first = await residents(s.id, 60);
    const booked = await Promise.all(first.map((p) => post('/api/bookings', p.token, { slotId: slot.id })));
    expect(booked.every((r) => r.status === 201)).toBe(true);
    const late = await residents(s.id, 100);
    const res = await Promise.all([
      ...booked.slice(0, 40).map((b) => post(`/api/bookings/${b.body.id}/cancel`, worker.token, {})),
      ...late.map((p) => post('/api/bookings', p.token, { slotId: slot.id })),
    ]);
    expect(res.slice(0, 40).every((r) => r.status === 200)).toBe(true);
    const after = await ctx.db.manager.findOneByOrFail(BookingSlot, { id: slot.id });
    const standing = await ctx.db.manager.count(Booking, { where: { slotId: slot.id, status: 'booked' } });
    expect(after.booked).toBe(standing);
    expect(standing).toBeLessThanOrEqual(60);
    expect(standing).toBe(20 + res.slice(40).filter((r) => r.status === 201).length);
  });

  it('20 requests at once under one Idempotency-Key make one booking', async () => {
    const { ctx } = env();
    const s = await createStation(ctx);
    const slot = await createSlot(ctx, { stationId: s.id, capacity: 5 });
    const [p] = await residents(s.id, 1);
    const res = await Promise.all(Array.from({ length: 20 }, () => post('/api/bookings', p.token, { slotId: slot.id }, { 'Idempotency-Key': 'same-key' })));
    expect(res.every((r) => r.status === 201 || (r.status === 409 && ['idempotency_in_flight', 'already_booked'].includes(r.body.error.code)))).toBe(true);
    const created = res.filter((r) => r.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
    expect(await ctx.db.manager.count(Booking, { where: { slotId: slot.id } })).toBe(1);
  });

  it('a booking row refused by its unique key after the seat was taken gives the seat back', async () => {
    // The checks read no standing booking here (the row is marked cancelled but still holds the
    // key, which the service never writes), so the refusal comes from the insert itself, after
    // the seat update of the same round trip: the whole transaction must roll back.
    const { ctx } = env();
    const s = await createStation(ctx);
    const slot = await createSlot(ctx, { stationId: s.id, capacity: 2 });
    const [p] = await residents(s.id, 1);
    await ctx.db.manager.insert(Booking, {
      stationId: s.id, slotId: slot.id, serviceId: slot.serviceId, residentId: p.id, status: 'cancelled', activeKey: `${slot.id}:${p.id}`,
      bookedBy: null, channel: 'miniapp', startsAt: slot.startsAt, cancelledAt: null, cancelledBy: null, cancelReason: null,
      attendanceAt: null, attendanceBy: null, createdAt: new Date(),
    });
    const res = await post('/api/bookings', p.token, { slotId: slot.id });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('already_booked');
    expect((await ctx.db.manager.findOneByOrFail(BookingSlot, { id: slot.id })).booked).toBe(0);
    expect(await ctx.db.manager.count(Booking, { where: { slotId: slot.id } })).toBe(1);
  });
});
