import request from 'supertest';
import { BookableService, Booking, BookingSlot, IdempotencyKey, OutboxMessage, ServiceRecord } from '../../entities';
import { requestHash } from '../../services/idempotency';
import { createBookableService, createResident, createSlot, createStation, createWorker } from '../factories';
import { useTestEnv } from '../helpers';

const HOUR = 3600_000;

describe('services, slots and bookings', () => {
  const env = useTestEnv();

  async function station() {
    const { ctx } = env();
    const s = await createStation(ctx);
    const admin = await createWorker(ctx, { stationId: s.id, role: 'station_admin' });
    const worker = await createWorker(ctx, { stationId: s.id });
    const openid = `openid-${s.id}-${Math.random().toString(36).slice(2)}`;
    const resident = await createResident(ctx, { stationId: s.id, openid, wechatContactId: `wx-${openid}` });
    const residentToken = ctx.services.auth.residentToken(openid);
    return { s, admin, worker, resident, residentToken };
  }

  async function residentWithToken(stationId: number, over: Parameters<typeof createResident>[1] = {}) {
    const { ctx } = env();
    const openid = `o-${Math.random().toString(36).slice(2)}`;
    const r = await createResident(ctx, { stationId, openid, ...over });
    return { r, token: ctx.services.auth.residentToken(openid) };
  }

  it('a station admin adds a service; the public lists it by station; bad input is refused in Chinese', async () => {
    const { app } = env();
    const { s, admin, worker } = await station();
    const http = request(app.callback());
    const created = await http.post('/api/services').set('Authorization', `Bearer ${admin.token}`)
      .send({ name: '康复理疗', description: '肩颈腰腿', durationMinutes: 45, location: '社工站二楼', tags: ['disabled'] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.any(Number), name: '康复理疗', durationMinutes: 45, tags: ['disabled'], stationId: s.id });
    expect((await http.post('/api/services').set('Authorization', `Bearer ${worker.token}`).send({ name: 'x', durationMinutes: 30 })).status).toBe(403);
    const bad = await http.post('/api/services').set('Authorization', `Bearer ${admin.token}`).send({ name: '', durationMinutes: 0 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/不能为空|至少/);
    const list = await http.get(`/api/services?stationId=${s.id}`);
    expect(list.status).toBe(200);
    expect(list.body.items.map((x: { name: string }) => x.name)).toEqual(['康复理疗']);
    expect((await http.get('/api/services')).status).toBe(400);
    expect((await http.get('/api/services').set('Authorization', `Bearer ${worker.token}`)).body.total).toBe(1);
  });

  it('opens slots singly (all or nothing) and refuses bad times, capacities and other stations', async () => {
    const { app, ctx } = env();
    const { s, worker } = await station();
    const other = await createWorker(ctx);
    const service = await createBookableService(ctx, { stationId: s.id });
    const http = request(app.callback());
    const post = (slots: unknown, token = worker.token) => http.post(`/api/services/${service.id}/slots`).set('Authorization', `Bearer ${token}`).send({ slots });
    const ok = await post([{ startsAt: '2026-12-08T09:00:00+08:00', endsAt: '2026-12-08T09:30:00+08:00', capacity: 2 }]);
    expect(ok.status).toBe(201);
    expect(ok.body.items).toHaveLength(1);
    expect(ok.body.items[0]).toMatchObject({ startsAt: '2026-12-08T09:00:00+08:00', endsAt: '2026-12-08T09:30:00+08:00', capacity: 2, booked: 0, available: 2 });
    const count = () => ctx.db.manager.count(BookingSlot, { where: { serviceId: service.id } });
    const cases: [unknown, RegExp][] = [
      [[{ startsAt: '2026-12-08T10:00:00+08:00', endsAt: '2026-12-08T09:30:00+08:00', capacity: 2 }], /结束时间必须晚于开始时间/],
      [[{ startsAt: '2026-12-08T10:00:00+08:00', endsAt: '2026-12-08T10:30:00+08:00', capacity: 0 }], /座位数至少为 1/],
      [[{ startsAt: '2026-12-08T10:00:00+08:00', endsAt: '2026-12-08T10:30:00+08:00', capacity: 100000 }], /座位数最多/],
      [[{ startsAt: '2026-12-08T10:00:00+08:00', endsAt: '2026-12-08T10:30:00+08:00', capacity: 2.5 }], /整数/],
      [[{ startsAt: '2026-12-08 10:00', endsAt: '2026-12-08T10:30:00+08:00', capacity: 2 }], /带时区/],
      [[{ startsAt: '2026-12-08T10:00:00', endsAt: '2026-12-08T10:30:00', capacity: 2 }], /带时区/],
      [[{ startsAt: '2026-02-30T10:00:00+08:00', endsAt: '2026-02-30T10:30:00+08:00', capacity: 2 }], /带时区/],
      [[{ startsAt: '2026-12-08T10:00:00+25:00', endsAt: '2026-12-08T10:30:00+25:00', capacity: 2 }], /带时区/],
      [[{ startsAt: '2026-12-01T10:00:00+08:00', endsAt: '2026-12-01T10:30:00+08:00', capacity: 2 }], /已经过去/],
      [[], /至少一个时段/],
    ];
    for (const [slots, message] of cases) {
      const res = await post(slots);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(message);
    }
    // One new and one taken start: neither is written.
    const dup = await post([
      { startsAt: '2026-12-09T09:00:00+08:00', endsAt: '2026-12-09T09:30:00+08:00', capacity: 2 },
      { startsAt: '2026-12-08T09:00:00+08:00', endsAt: '2026-12-08T09:30:00+08:00', capacity: 2 },
    ]);
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('slot_exists');
    expect(await count()).toBe(1);
    expect((await post([{ startsAt: '2026-12-10T09:00:00+08:00', endsAt: '2026-12-10T09:30:00+08:00', capacity: 2 }], other.token)).status).toBe(404);
    const pub = await http.get(`/api/services/${service.id}/slots`);
    expect(pub.body.items).toHaveLength(1);
    expect((await http.get(`/api/services/${service.id}/slots?from=2026-12-10&to=2026-12-01`)).status).toBe(400);
    expect((await http.get(`/api/services/${service.id}/slots?from=2026-13-01`)).status).toBe(400);
    expect((await http.get('/api/services/999999/slots')).status).toBe(404);
  });

  it('a weekly pattern opens Tue/Thu 9:00–11:30 in 30-minute slots of 2 seats; applied again it skips what exists', async () => {
    const { app, ctx } = env();
    const { s, worker } = await station();
    const service = await createBookableService(ctx, { stationId: s.id, durationMinutes: 30 });
    const http = request(app.callback());
    const pattern = { from: '2026-12-03', to: '2026-12-16', weekdays: [2, 4], startTime: '09:00', endTime: '11:30', slotMinutes: 30, capacity: 2 };
    const res = await http.post(`/api/services/${service.id}/slots/weekly`).set('Authorization', `Bearer ${worker.token}`).send(pattern);
    expect(res.status).toBe(201);
    // Thu 12-03 (09:00 is now: from 09:30, 4 slots), Tue 12-08, Thu 12-10, Tue 12-15 (5 each).
    expect(res.body.items).toHaveLength(4 + 5 * 3);
    expect(res.body.items[0]).toMatchObject({ startsAt: '2026-12-03T09:30:00+08:00', endsAt: '2026-12-03T10:00:00+08:00', capacity: 2 });
    expect(res.body.items.at(-1).startsAt).toBe('2026-12-15T11:00:00+08:00');
    const again = await http.post(`/api/services/${service.id}/slots/weekly`).set('Authorization', `Bearer ${worker.token}`).send(pattern);
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ items: [], skipped: 19 });
    expect(await ctx.db.manager.count(BookingSlot, { where: { serviceId: service.id } })).toBe(19);
    for (const [body, msg] of [
      [{ ...pattern, to: '2026-12-01' }, /结束日期不能早于开始日期/],
      [{ ...pattern, endTime: '08:00' }, /结束时间必须晚于开始时间/],
      [{ ...pattern, weekdays: [7] }, /星期为 0–6/],
      [{ ...pattern, startTime: '9点' }, /HH:mm/],
      [{ ...pattern, capacity: -1 }, /座位数至少为 1/],
    ] as const) {
      const bad = await http.post(`/api/services/${service.id}/slots/weekly`).set('Authorization', `Bearer ${worker.token}`).send(body);
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(msg);
    }
  });

  it('books for self and on behalf, one per resident per slot, capacity and the cap on active bookings held', async () => {
    const { app, ctx } = env();
    const { s, worker, resident, residentToken } = await station();
    const slot = await createSlot(ctx, { stationId: s.id, capacity: 2 });
    const http = request(app.callback());
    const mine = await http.post('/api/bookings').set('Authorization', `Bearer ${residentToken}`).send({ slotId: slot.id });
    expect(mine.status).toBe(201);
    expect(mine.body).toMatchObject({ id: expect.any(Number), slotId: slot.id, residentId: resident.id, status: 'booked', channel: 'miniapp' });
    const twice = await http.post('/api/bookings').set('Authorization', `Bearer ${residentToken}`).send({ slotId: slot.id });
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('already_booked');
    const other = await createResident(ctx, { stationId: s.id });
    const behalf = await http.post('/api/bookings').set('Authorization', `Bearer ${worker.token}`).send({ slotId: slot.id, residentId: other.id });
    expect(behalf.status).toBe(201);
    expect(behalf.body).toMatchObject({ residentId: other.id, bookedBy: worker.id, channel: 'console', noShows: 0 });
    const third = await createResident(ctx, { stationId: s.id });
    const full = await http.post('/api/bookings').set('Authorization', `Bearer ${worker.token}`).send({ slotId: slot.id, residentId: third.id });
    expect(full.status).toBe(409);
    expect(full.body.error.code).toBe('slot_full');
    expect((await ctx.db.manager.findOneByOrFail(BookingSlot, { id: slot.id })).booked).toBe(2);
    // The cap: 3 active bookings by default, then 409.
    for (let i = 0; i < 2; i++) {
      const more = await createSlot(ctx, { stationId: s.id, startsAt: new Date(ctx.clock.now().getTime() + (30 + i) * HOUR) });
      expect((await http.post('/api/bookings').set('Authorization', `Bearer ${residentToken}`).send({ slotId: more.id })).status).toBe(201);
    }
    const over = await createSlot(ctx, { stationId: s.id, startsAt: new Date(ctx.clock.now().getTime() + 40 * HOUR) });
    const capped = await http.post('/api/bookings').set('Authorization', `Bearer ${residentToken}`).send({ slotId: over.id });
    expect(capped.status).toBe(409);
    expect(capped.body.error).toMatchObject({ code: 'booking_limit', message: expect.stringContaining('最多同时保留 3 个') });
    const me = await http.get('/api/me/bookings').set('Authorization', `Bearer ${residentToken}`);
    expect(me.body.total).toBe(3);
    expect(me.body.items[0]).not.toHaveProperty('noShows');
    const listed = await http.get(`/api/bookings?residentId=${resident.id}&from=2026-12-04&to=2026-12-05`).set('Authorization', `Bearer ${worker.token}`);
    expect(listed.status).toBe(200);
    expect(listed.body.total).toBe(3);
  });

  it('refuses unknown, past, closed and other stations\' slots and residents, without writing anything', async () => {
    const { app, ctx } = env();
    const { s, worker, residentToken } = await station();
    const elsewhere = await station();
    const http = request(app.callback());
    const foreignSlot = await createSlot(ctx, { stationId: elsewhere.s.id });
    const ownSlot = await createSlot(ctx, { stationId: s.id });
    const soon = await createSlot(ctx, { stationId: s.id, startsAt: new Date(ctx.clock.now().getTime() + 30 * 60_000) });
    const past = await createSlot(ctx, { stationId: s.id, startsAt: new Date(ctx.clock.now().getTime() - HOUR) });
    const expectCode = async (res: request.Response, status: number, code: string) => {
      expect(res.status).toBe(status);
      expect(res.body.error.code).toBe(code);
      expect(res.body.error.message).toMatch(/[\u4e00-\u9fa5]/);
    };
    await expectCode(await http.post('/api/bookings').set('Authorization', `Bearer ${residentToken}`).send({ slotId: 999999 }), 404, 'not_found');
    await expectCode(await http.post('/api/bookings').set('Authorization', `Bearer ${residentToken}`).send({ slotId: foreignSlot.id }), 404, 'not_found');
    await expectCode(await http.post('/api/bookings').set('Authorization', `Bearer ${residentToken}`).send({ slotId: soon.id }), 409, 'booking_closed');
    await expectCode(await http.post('/api/bookings').set('Authorization', `Bearer ${residentToken}`).send({ slotId: past.id }), 409, 'slot_past');
    await expectCode(await http.post('/api/bookings').set('Authorization', `Bearer ${worker.token}`).send({ slotId: ownSlot.id, residentId: elsewhere.resident.id }), 404, 'not_found');
    await expectCode(await http.post('/api/bookings').set('Authorization', `Bearer ${worker.token}`).send({ slotId: ownSlot.id }), 400, 'validation_failed');
    await expectCode(await http.post('/api/bookings').set('Authorization', `Bearer ${residentToken}`).send({ slotId: ownSlot.id, residentId: elsewhere.resident.id }), 403, 'forbidden');
    await expectCode(await http.post('/api/bookings').set('Authorization', `Bearer ${residentToken}`).send({ slotId: 'abc' }), 400, 'validation_failed');
    expect((await http.post('/api/bookings').send({ slotId: ownSlot.id })).status).toBe(401);
    const county = await createWorker(ctx, { role: 'county_admin' });
    expect((await http.post('/api/bookings').set('Authorization', `Bearer ${county.token}`).send({ slotId: ownSlot.id, residentId: 1 })).status).toBe(403);
    const restricted = await createBookableService(ctx, { stationId: s.id, tags: ['disabled'] });
    const rSlot = await createSlot(ctx, { serviceId: restricted.id });
    await expectCode(await http.post('/api/bookings').set('Authorization', `Bearer ${residentToken}`).send({ slotId: rSlot.id }), 403, 'not_eligible');
    const inHospital = await residentWithToken(s.id, { status: 'in_hospital' });
    await expectCode(await http.post('/api/bookings').set('Authorization', `Bearer ${inHospital.token}`).send({ slotId: ownSlot.id }), 409, 'resident_inactive');
    expect(await ctx.db.manager.count(Booking, { where: { stationId: s.id } })).toBe(0);
    for (const sl of [ownSlot, soon, past, rSlot]) expect((await ctx.db.manager.findOneByOrFail(BookingSlot, { id: sl.id })).booked).toBe(0);
    // Another station's booking is not there for this worker.
    const theirs = await http.post('/api/bookings').set('Authorization', `Bearer ${elsewhere.residentToken}`).send({ slotId: foreignSlot.id });
    expect(theirs.status).toBe(201);
    expect((await http.post(`/api/bookings/${theirs.body.id}/cancel`).set('Authorization', `Bearer ${worker.token}`)).status).toBe(404);
    expect((await http.post(`/api/bookings/${theirs.body.id}/cancel`).set('Authorization', `Bearer ${residentToken}`)).status).toBe(404);
    expect((await http.get(`/api/bookings?residentId=${elsewhere.resident.id}`).set('Authorization', `Bearer ${worker.token}`)).status).toBe(404);
  });

  it('residents cancel until the cut-off, workers after it; twice is 409; the seat comes back', async () => {
    const { app, ctx, clock } = env();
    const { s, worker, residentToken } = await station();
    const slot = await createSlot(ctx, { stationId: s.id, capacity: 1, startsAt: new Date(ctx.clock.now().getTime() + 5 * HOUR) });
    const http = request(app.callback());
    const b = await http.post('/api/bookings').set('Authorization', `Bearer ${residentToken}`).send({ slotId: slot.id });
    expect(b.status).toBe(201);
    const start = clock.now();
    clock.set(new Date(start.getTime() + 3.5 * HOUR)); // 1.5 h before the start: past the 2 h cut-off
    const late = await http.post(`/api/bookings/${b.body.id}/cancel`).set('Authorization', `Bearer ${residentToken}`);
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('cancel_closed');
    const byWorker = await http.post(`/api/bookings/${b.body.id}/cancel`).set('Authorization', `Bearer ${worker.token}`);
    expect(byWorker.status).toBe(200);
    expect(byWorker.body).toMatchObject({ status: 'cancelled', cancelReason: 'worker' });
    const again = await http.post(`/api/bookings/${b.body.id}/cancel`).set('Authorization', `Bearer ${worker.token}`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('already_cancelled');
    expect((await ctx.db.manager.findOneByOrFail(BookingSlot, { id: slot.id })).booked).toBe(0);
    clock.set(start);
    const early = await createSlot(ctx, { stationId: s.id, startsAt: new Date(start.getTime() + 30 * HOUR) });
    const b2 = await http.post('/api/bookings').set('Authorization', `Bearer ${residentToken}`).send({ slotId: early.id });
    const own = await http.post(`/api/bookings/${b2.body.id}/cancel`).set('Authorization', `Bearer ${residentToken}`);
    expect(own.body).toMatchObject({ status: 'cancelled', cancelReason: 'resident' });
    // Cancelled, the same resident may book that slot again.
    expect((await http.post('/api/bookings').set('Authorization', `Bearer ${residentToken}`).send({ slotId: early.id })).status).toBe(201);
  });

  it('honours Idempotency-Key: the same key answers the first answer; while the first runs, 409', async () => {
    const { app, ctx } = env();
    const { s, worker } = await station();
    const slot = await createSlot(ctx, { stationId: s.id, capacity: 5 });
    const r = await createResident(ctx, { stationId: s.id });
    const http = request(app.callback());
    const send = (key: string, body: object = { slotId: slot.id, residentId: r.id }) =>
      http.post('/api/bookings').set('Authorization', `Bearer ${worker.token}`).set('Idempotency-Key', key).send(body);
    const first = await send('k-1');
    const replay = await send('k-1');
    expect(first.status).toBe(201);
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    expect(await ctx.db.manager.count(Booking, { where: { slotId: slot.id } })).toBe(1);
    // A refusal is the first answer too.
    const dupe = await send('k-2');
    expect(dupe.body.error.code).toBe('already_booked');
    expect((await send('k-2')).body.error.code).toBe('already_booked');
    expect((await send('k-1', { slotId: slot.id, residentId: r.id + 1000 })).status).toBe(422);
    // In flight: a first request that has not answered yet.
    const r2 = await createResident(ctx, { stationId: s.id });
    const body = { slotId: slot.id, residentId: r2.id };
    let release!: () => void;
    const held = new Promise<void>((ok) => (release = ok));
    const inFlight = ctx.services.idempotency.run(`w${worker.id}`, 'k-3', requestHash(['POST /api/bookings', body]), async () => {
      await held;
      return { status: 201, body: { id: 42 } };
    });
    const during = await send('k-3', body);
    expect(during.status).toBe(409);
    expect(during.body.error.code).toBe('idempotency_in_flight');
    release();
    await inFlight;
    expect((await send('k-3', body)).body).toEqual({ id: 42 });
    expect((await send('x'.repeat(101))).status).toBe(400);
    expect(await ctx.db.manager.count(IdempotencyKey, { where: { scope: `w${worker.id}` } })).toBe(3);
  });

  it('attendance: attended writes one service record linked to the booking; repeated no-shows are shown to workers', async () => {
    const { app, ctx, clock } = env();
    const { s, worker, resident, residentToken } = await station();
    const service = await createBookableService(ctx, { stationId: s.id, name: '心理咨询', recordType: 'case' });
    const start = clock.now();
    const slots = await Promise.all([26, 27, 28].map((h) => createSlot(ctx, { serviceId: service.id, startsAt: new Date(start.getTime() + h * HOUR) })));
    const http = request(app.callback());
    const ids: number[] = [];
    for (const sl of slots) ids.push((await http.post('/api/bookings').set('Authorization', `Bearer ${residentToken}`).send({ slotId: sl.id })).body.id);
    const early = await http.post(`/api/bookings/${ids[0]}/attendance`).set('Authorization', `Bearer ${worker.token}`).send({ status: 'attended' });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('attendance_too_early');
    clock.set(new Date(start.getTime() + 30 * HOUR));
    expect((await http.post(`/api/bookings/${ids[0]}/attendance`).set('Authorization', `Bearer ${residentToken}`).send({ status: 'attended' })).status).toBe(403);
    const att = await http.post(`/api/bookings/${ids[0]}/attendance`).set('Authorization', `Bearer ${worker.token}`).send({ status: 'attended' });
    expect(att.status).toBe(200);
    expect(att.body.status).toBe('attended');
    expect((await http.post(`/api/bookings/${ids[0]}/attendance`).set('Authorization', `Bearer ${worker.token}`).send({ status: 'attended' })).status).toBe(200);
    const records = await ctx.db.manager.find(ServiceRecord, { where: { bookingId: ids[0] } });
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ stationId: s.id, type: 'case', date: '2026-12-04', residentIds: [resident.id] });
    expect(records[0].summary).toContain('心理咨询');
    for (const id of ids.slice(1)) {
      expect((await http.post(`/api/bookings/${id}/attendance`).set('Authorization', `Bearer ${worker.token}`).send({ status: 'no_show' })).status).toBe(200);
    }
    expect((await http.post(`/api/bookings/${ids[1]}/attendance`).set('Authorization', `Bearer ${worker.token}`).send({ status: 'maybe' })).status).toBe(400);
    const list = await http.get(`/api/bookings?residentId=${resident.id}`).set('Authorization', `Bearer ${worker.token}`);
    expect(list.body.items[0]).toMatchObject({ noShows: 2, repeatedNoShows: true, residentName: resident.name });
    const flagged = await http.get('/api/bookings/no-shows').set('Authorization', `Bearer ${worker.token}`);
    expect(flagged.body.items).toEqual([{ residentId: resident.id, name: resident.name, noShows: 2 }]);
    // A correction: attended → no_show removes the record.
    await http.post(`/api/bookings/${ids[0]}/attendance`).set('Authorization', `Bearer ${worker.token}`).send({ status: 'no_show' });
    expect(await ctx.db.manager.count(ServiceRecord, { where: { bookingId: ids[0] } })).toBe(0);
    const cancelled = await http.post(`/api/bookings/${ids[0]}/cancel`).set('Authorization', `Bearer ${worker.token}`);
    expect(cancelled.body.error.code).toBe('not_cancellable');
  });

  it('cancelling a slot cancels its bookings and tells each resident once', async () => {
    const { app, ctx } = env();
    const { s, worker } = await station();
    const slot = await createSlot(ctx, { stationId: s.id, capacity: 3 });
    const http = request(app.callback());
    const people = await Promise.all([0, 1].map((i) => createResident(ctx, { stationId: s.id, wechatContactId: `slot-cancel-${s.id}-${i}` })));
    for (const p of people) await http.post('/api/bookings').set('Authorization', `Bearer ${worker.token}`).send({ slotId: slot.id, residentId: p.id });
    const res = await http.post(`/api/slots/${slot.id}/cancel`).set('Authorization', `Bearer ${worker.token}`).send({ reason: '理发师临时有事' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'cancelled', cancelledBookings: 2 });
    expect((await http.post(`/api/slots/${slot.id}/cancel`).set('Authorization', `Bearer ${worker.token}`).send({})).status).toBe(409);
    const sent = await ctx.db.manager.find(OutboxMessage, { where: { kind: 'booking_slot_cancelled', stationId: s.id } });
    expect(sent.map((m) => m.toContactId).sort()).toEqual(people.map((p) => p.wechatContactId).sort());
    expect(sent[0].text).toContain('理发师临时有事');
    expect(await ctx.db.manager.count(Booking, { where: { slotId: slot.id, status: 'cancelled' } })).toBe(2);
    const after = await http.post('/api/bookings').set('Authorization', `Bearer ${worker.token}`).send({ slotId: slot.id, residentId: people[0].id });
    expect(after.body.error.code).toBe('slot_cancelled');
  });

  it('waiting list: only for a full slot, one place per resident, seen by workers (all) and residents (own); the offer taken through the API', async () => {
    const { app, ctx } = env();
    const { s, worker, resident, residentToken } = await station();
    const foreign = await createWorker(ctx);
    const slot = await createSlot(ctx, { stationId: s.id, capacity: 1 });
    const http = request(app.callback());
    const early = await http.post(`/api/slots/${slot.id}/waitlist`).set('Authorization', `Bearer ${residentToken}`).send({});
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('slot_available');
    const other = await createResident(ctx, { stationId: s.id });
    const taken = await http.post('/api/bookings').set('Authorization', `Bearer ${worker.token}`).send({ slotId: slot.id, residentId: other.id });
    const joined = await http.post(`/api/slots/${slot.id}/waitlist`).set('Authorization', `Bearer ${residentToken}`).send({});
    expect(joined.status).toBe(201);
    expect(joined.body).toMatchObject({ slotId: slot.id, residentId: resident.id, status: 'waiting', position: 1 });
    const again = await http.post(`/api/slots/${slot.id}/waitlist`).set('Authorization', `Bearer ${residentToken}`).send({});
    expect(again.body.error.code).toBe('already_waiting');
    const third = await createResident(ctx, { stationId: s.id });
    expect((await http.post(`/api/slots/${slot.id}/waitlist`).set('Authorization', `Bearer ${worker.token}`).send({ residentId: third.id })).body.position).toBe(2);
    expect((await http.post(`/api/slots/${slot.id}/waitlist`).set('Authorization', `Bearer ${worker.token}`).send({ residentId: other.id })).body.error.code).toBe('already_booked');
    expect((await http.get(`/api/slots/${slot.id}/waitlist`).set('Authorization', `Bearer ${worker.token}`)).body.total).toBe(2);
    const own = await http.get(`/api/slots/${slot.id}/waitlist`).set('Authorization', `Bearer ${residentToken}`);
    expect(own.body.items.map((e: { residentId: number }) => e.residentId)).toEqual([resident.id]);
    expect((await http.get(`/api/slots/${slot.id}/waitlist`).set('Authorization', `Bearer ${foreign.token}`)).status).toBe(404);
    expect((await http.post(`/api/slots/${slot.id}/waitlist`).set('Authorization', `Bearer ${foreign.token}`).send({ residentId: third.id })).status).toBe(404);
    await http.post(`/api/bookings/${taken.body.id}/cancel`).set('Authorization', `Bearer ${worker.token}`);
    const accepted = await http.post(`/api/waitlist/${joined.body.id}/accept`).set('Authorization', `Bearer ${residentToken}`);
    expect(accepted.status).toBe(201);
    expect(accepted.body).toMatchObject({ slotId: slot.id, residentId: resident.id, status: 'booked' });
    expect((await http.post(`/api/waitlist/${joined.body.id}/accept`).set('Authorization', `Bearer ${residentToken}`)).status).toBe(409);
    expect(await ctx.db.manager.findOneByOrFail(BookingSlot, { id: slot.id })).toMatchObject({ booked: 1, held: 0 });
  });

  it('booking settings are per station: the station admin sets the cap and closing times', async () => {
    const { app, ctx } = env();
    const { s, admin, worker, residentToken } = await station();
    const http = request(app.callback());
    expect((await http.get(`/api/stations/${s.id}/booking-settings`).set('Authorization', `Bearer ${worker.token}`)).body)
      .toEqual({ stationId: s.id, maxActivePerResident: 3, closeMinutesBefore: 60, cancelCutoffMinutes: 120, offerHoldMinutes: 30 });
    const body = { maxActivePerResident: 1, closeMinutesBefore: 0, cancelCutoffMinutes: 0, offerHoldMinutes: 10 };
    expect((await http.put(`/api/stations/${s.id}/booking-settings`).set('Authorization', `Bearer ${worker.token}`).send(body)).status).toBe(403);
    expect((await http.put(`/api/stations/${s.id}/booking-settings`).set('Authorization', `Bearer ${admin.token}`).send({ ...body, maxActivePerResident: 0 })).status).toBe(400);
    expect((await http.put(`/api/stations/${s.id}/booking-settings`).set('Authorization', `Bearer ${admin.token}`).send(body)).status).toBe(200);
    const a = await createSlot(ctx, { stationId: s.id, startsAt: new Date(ctx.clock.now().getTime() + 30 * 60_000) });
    const b = await createSlot(ctx, { stationId: s.id });
    expect((await http.post('/api/bookings').set('Authorization', `Bearer ${residentToken}`).send({ slotId: a.id })).status).toBe(201);
    expect((await http.post('/api/bookings').set('Authorization', `Bearer ${residentToken}`).send({ slotId: b.id })).body.error.code).toBe('booking_limit');
  });
});

describe('service and slot data stay consistent', () => {
  const env = useTestEnv();
  it('a service of another station cannot be given slots, and its slots are public but not editable', async () => {
    const { app, ctx } = env();
    const svc = await createBookableService(ctx);
    const w = await createWorker(ctx);
    const res = await request(app.callback()).post(`/api/services/${svc.id}/slots/weekly`).set('Authorization', `Bearer ${w.token}`)
      .send({ from: '2026-12-07', to: '2026-12-08', weekdays: [1], startTime: '09:00', endTime: '10:00', capacity: 1 });
    expect(res.status).toBe(404);
    expect(await ctx.db.manager.count(BookingSlot, { where: { serviceId: svc.id } })).toBe(0);
    expect(await ctx.db.manager.count(BookableService, { where: { id: svc.id } })).toBe(1);
  });
});
