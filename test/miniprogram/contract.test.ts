import request from 'supertest';
import { createBookableService, createCommunity, createResident, createSlot, createStation, createWorker } from '../factories';
import { useTestEnv } from '../helpers';

/**
 * The mini-program's pages are tested against a fake `wx.request` (the other suites here); this one
 * calls the real API the way those pages do and checks that every field the pages read is there,
 * with the type they expect, so the two cannot drift apart.
 */
describe('the API as the mini-program pages read it', () => {
  const env = useTestEnv({ now: '2026-12-01T10:00:00+08:00' });

  const shape = (o: Record<string, unknown>, fields: Record<string, string>) => {
    for (const [k, type] of Object.entries(fields)) {
      const t = o[k] === null ? 'null' : typeof o[k];
      expect(`${k}: ${type.split('|').includes(t) ? type : t}`).toBe(`${k}: ${type}`);
    }
  };

  it('预约 and 活动: services, slots, booking, my bookings, activities, sign-ups', async () => {
    const { ctx, app } = env();
    const http = request(app.callback());
    const station = await createStation(ctx);
    const village = await createCommunity(ctx, { stationId: station.id });
    const worker = await createWorker(ctx, { stationId: station.id });
    const openid = `contract-${station.id}`;
    await createResident(ctx, { stationId: station.id, communityId: village.id, name: '王秀英', openid });
    const token = (await http.post('/api/miniapp/login').send({ code: `dev:${openid}` })).body.token as string;
    const auth = { Authorization: `Bearer ${token}` };
    const service = await createBookableService(ctx, { stationId: station.id, name: '理发', location: '站点一楼' });
    const slot = await createSlot(ctx, { serviceId: service.id, startsAt: new Date('2026-12-03T09:00:00+08:00'), capacity: 2 });

    const services = (await http.get('/api/services').query({ stationId: station.id }).set(auth)).body;
    shape(services, { items: 'object', total: 'number' });
    shape(services.items[0], { id: 'number', name: 'string', description: 'string|null' });
    const slots = (await http.get(`/api/services/${service.id}/slots`).set(auth)).body;
    shape(slots.items[0], { id: 'number', startsAt: 'string', available: 'number', bookable: 'boolean' });
    const booked = await http.post('/api/bookings').set({ ...auth, 'Idempotency-Key': 'mp-contract-1' }).send({ slotId: slot.id });
    expect(booked.status).toBe(201);
    for (const b of [booked.body, (await http.get('/api/me/bookings').set(auth)).body.items[0]]) {
      shape(b, { id: 'number', serviceName: 'string', location: 'string|null', status: 'string', startsAt: 'string' });
    }
    expect((await http.post(`/api/bookings/${booked.body.id}/cancel`).set(auth).send({})).status).toBe(200);

    const created = await http.post('/api/activities').set({ Authorization: `Bearer ${worker.token}` }).send({
      title: '义诊', description: '量血压', startsAt: '2026-12-05T09:00:00+08:00', endsAt: '2026-12-05T11:00:00+08:00', location: '村委会', capacity: 10, audience: { all: true },
    });
    expect(created.status).toBe(201);
    const activities = (await http.get('/api/activities').query({ stationId: station.id }).set(auth)).body;
    shape(activities.items[0], {
      id: 'number', title: 'string', description: 'string|null', startsAt: 'string', location: 'string|null', capacity: 'number|null', available: 'number|null', signupOpen: 'boolean',
    });
    expect((await http.post(`/api/activities/${created.body.id}/signups`).set(auth).send({})).status).toBe(201);
    shape((await http.get('/api/me/signups').set(auth)).body.items[0], { activityId: 'number', status: 'string' });
    expect((await http.post(`/api/activities/${created.body.id}/signups/cancel`).set(auth).send({})).status).toBeLessThan(300);
  });
});
