import request from 'supertest';
import { Alert, CheckinDay, CheckinPlan, ServiceRecord } from '../../entities';
import { elderScene, runCheckins, runDay } from '../checkin-fixtures';
import { createFamily, createResident, createWorker } from '../factories';
import { useTestEnv } from '../helpers';

const at = (s: string) => new Date(`${s}+08:00`);

describe('check-in and alert routes', () => {
  const env = useTestEnv();
  const api = () => request(env().app.callback());
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  /** A scene whose elder missed 2026-12-03 and whose alert is open. */
  async function escalatedScene() {
    const { ctx, clock } = env();
    clock.set(at('2026-12-03T07:00:00'));
    const s = await elderScene(ctx);
    await runDay(ctx, clock, '2026-12-03');
    const alert = await ctx.db.manager.findOneOrFail(Alert, { where: { residentId: s.resident.id } });
    return { ...s, alert };
  }

  it("takes part in the resident's export and erase", async () => {
    const { ctx } = env();
    const s = await escalatedScene();
    const exported = await api().get(`/api/residents/${s.resident.id}/export`).set(auth(s.worker.token));
    expect(exported.status).toBe(200);
    expect(JSON.stringify(exported.body)).toContain('"remindAt":"09:00"');
    const erased = await api().post(`/api/residents/${s.resident.id}/erase`).set(auth(s.admin.token));
    expect(erased.status).toBe(200);
    expect(await ctx.db.manager.count(CheckinPlan, { where: { residentId: s.resident.id } })).toBe(0);
    // The days stay, anonymous, for the statistics.
    expect(await ctx.db.manager.count(CheckinDay, { where: { residentId: s.resident.id } })).toBeGreaterThan(0);
  });

  it('sets and reads a plan', async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-03T08:00:00'));
    const s = await elderScene(ctx);
    const res = await api().put(`/api/residents/${s.resident.id}/checkin-plan`).set(auth(s.worker.token)).send({
      enabled: true, remindAt: '08:30', secondReminderMinutes: 30, graceMinutes: 90, weekdays: [5, 1, 3],
      pausedUntil: '2026-12-05', pauseReason: '住女儿家',
      escalation: { familyContactIds: [s.son!.id], volunteer: { name: '李志愿', phone: '137 0000 1111' } },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      residentId: s.resident.id, enabled: true, remindAt: '08:30', secondReminderAt: '09:00', deadline: '10:00', weekdays: [1, 3, 5],
      paused: true, pausedUntil: '2026-12-05', pauseReason: '住女儿家',
      escalation: { familyContactIds: [s.son!.id], volunteer: { name: '李志愿', phone: '137****1111' } },
      appliesFrom: '2026-12-03T08:30:00+08:00',
    });
    const got = await api().get(`/api/residents/${s.resident.id}/checkin-plan`).set(auth(s.worker.token));
    expect(got.status).toBe(200);
    expect(got.body).toEqual(res.body);
    // Sending the plan back as shown (masked phone, no escalation change) keeps the volunteer's real phone.
    const back = await api().put(`/api/residents/${s.resident.id}/checkin-plan`).set(auth(s.worker.token)).send({
      enabled: true, remindAt: '08:30', secondReminderMinutes: 30, graceMinutes: 90,
      escalation: { familyContactIds: [s.son!.id], volunteer: { name: '李志愿', phone: '137****1111' } },
    });
    expect(back.status).toBe(200);
    expect(back.body.paused).toBe(false);
    const plan = await ctx.services.checkinPlans.getPlan({ kind: 'worker', id: s.worker.id, role: 'worker', stationId: s.station.id, county: '临泽县', name: 'x' }, s.resident.id);
    expect(plan.escalation.volunteer?.phone).toBe('13700001111');
  });

  it('refuses impossible plans with 400 and a clear message', async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-03T08:00:00'));
    const s = await elderScene(ctx);
    const other = await createResident(ctx);
    const stranger = await createFamily(ctx, { residentId: other.id });
    const base = { enabled: true, remindAt: '09:00', secondReminderMinutes: 60, graceMinutes: 120 };
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ remindAt: '25:00' }, 'remindAt', /HH:mm/],
      [{ remindAt: '9:00' }, 'remindAt', /HH:mm/],
      [{ secondReminderMinutes: 0 }, 'secondReminderMinutes', /1 分钟/],
      [{ secondReminderMinutes: 1.5 }, 'secondReminderMinutes', /整数/],
      [{ graceMinutes: 60 }, 'graceMinutes', /必须晚于第二次提醒/],
      [{ graceMinutes: 30 }, 'graceMinutes', /必须晚于第二次提醒/],
      [{ remindAt: '20:00', secondReminderMinutes: 30, graceMinutes: 300 }, 'graceMinutes', /23:59/],
      [{ remindAt: '06:30' }, 'remindAt', /夜间不打扰/],
      [{ remindAt: '20:30', secondReminderMinutes: 60, graceMinutes: 90 }, 'secondReminderMinutes', /21:00/],
      [{ weekdays: [1, 1] }, 'weekdays', /重复/],
      [{ weekdays: [7] }, 'weekdays.0', /0–6/],
      [{ weekdays: [] }, 'weekdays', /至少/],
      [{ pausedUntil: '2026-12-02' }, 'pausedUntil', /已经过去/],
      [{ pausedUntil: '2026-02-30' }, 'pausedUntil', /YYYY-MM-DD/],
      [{ escalation: { familyContactIds: [stranger.id] } }, 'escalation.familyContactIds', /不是该居民的家属/],
      [{ escalation: { familyContactIds: [s.son!.id, s.son!.id] } }, 'escalation.familyContactIds', /重复/],
      [{ escalation: { volunteer: { name: '李', phone: '12345' } } }, 'escalation.volunteer.phone', /电话/],
      [{ unknownField: 1 }, '', /unknownField|Unrecognized|未知/i],
    ];
    for (const [patch, pathName, message] of cases) {
      const res = await api().put(`/api/residents/${s.resident.id}/checkin-plan`).set(auth(s.worker.token)).send({ ...base, ...patch });
      expect({ patch, status: res.status, code: res.body.error?.code }).toEqual({ patch, status: 400, code: 'validation_failed' });
      const detail = (res.body.error.details as { path: string; message: string }[]).find((d) => d.path === pathName);
      expect({ patch, detail: detail !== undefined }).toEqual({ patch, detail: true });
      expect(`${detail!.message} ${res.body.error.message}`).toMatch(message);
    }
    // Nothing changed.
    const plan = await api().get(`/api/residents/${s.resident.id}/checkin-plan`).set(auth(s.worker.token));
    expect(plan.body.remindAt).toBe('09:00');
  });

  it('keeps every route inside the worker\'s own station (404), county admins out (403), strangers out (401)', async () => {
    const { ctx } = env();
    const s = await escalatedScene();
    const outsider = await createWorker(ctx);
    const county = await createWorker(ctx, { role: 'county_admin' });
    const plan = { enabled: true, remindAt: '09:00', secondReminderMinutes: 60, graceMinutes: 120 };
    const calls: [string, string, unknown?][] = [
      ['put', `/api/residents/${s.resident.id}/checkin-plan`, plan],
      ['get', `/api/residents/${s.resident.id}/checkin-plan`],
      ['get', `/api/residents/${s.resident.id}/checkins`],
      ['post', `/api/checkins/${s.resident.id}/confirm`, { note: 'x' }],
      ['get', `/api/alerts/${s.alert.id}`],
      ['post', `/api/alerts/${s.alert.id}/ack`],
      ['post', `/api/alerts/${s.alert.id}/resolve`, { outcome: 'safe', note: 'x' }],
    ];
    for (const [method, url, body] of calls) {
      const call = (token?: string) => {
        const r = (api() as unknown as Record<string, (u: string) => request.Test>)[method](url);
        if (token) r.set(auth(token));
        return body ? r.send(body as object) : r;
      };
      expect({ url, method, status: (await call(outsider.token)).status }).toEqual({ url, method, status: 404 });
      expect({ url, method, status: (await call()).status }).toEqual({ url, method, status: 401 });
      expect([403, 404]).toContain((await call(county.token)).status);
    }
    const board = await api().get('/api/checkins').set(auth(outsider.token));
    expect(board.status).toBe(200);
    expect(board.body.items.some((i: { residentId: number }) => i.residentId === s.resident.id)).toBe(false);
    const alerts = await api().get('/api/alerts?status=open').set(auth(outsider.token));
    expect(alerts.body.items.some((a: { id: number }) => a.id === s.alert.id)).toBe(false);
    expect((await api().get('/api/checkins').set(auth(county.token))).status).toBe(403);
    // Nothing was changed by the refused calls.
    expect((await ctx.db.manager.findOneByOrFail(Alert, { id: s.alert.id })).status).toBe('open');
  });

  it('shows the board for a date with every planned resident of the station', async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-04T07:00:00'));
    const s = await elderScene(ctx);
    const silent = await elderScene(ctx, { stationId: s.station.id, resident: { name: '李桂兰' } });
    const noWechat = await elderScene(ctx, { stationId: s.station.id, resident: { name: '赵大爷', wechatContactId: null, gender: 'male' } });
    const hospital = await elderScene(ctx, { stationId: s.station.id, resident: { name: '孙奶奶', status: 'in_hospital' } });
    clock.set(at('2026-12-04T08:40:00'));
    await ctx.services.checkins.recordSignOfLife({ residentId: s.resident.id, at: clock.now(), source: 'text', text: '好' });
    clock.set(at('2026-12-04T09:00:00'));
    await runCheckins(ctx);
    const res = await api().get('/api/checkins?date=2026-12-04').set(auth(s.worker.token));
    expect(res.status).toBe(200);
    const byId = new Map(res.body.items.map((i: { residentId: number }) => [i.residentId, i]));
    expect(byId.size).toBe(4);
    expect(byId.get(s.resident.id)).toMatchObject({ name: '王秀英', status: 'confirmed', confirmedAt: '2026-12-04T08:40:00+08:00', source: 'text' });
    expect(byId.get(silent.resident.id)).toMatchObject({ status: 'reminded', remindedAt: '2026-12-04T09:00:00+08:00', confirmedAt: null });
    expect(byId.get(noWechat.resident.id)).toMatchObject({ status: 'unreachable', reason: '未绑定微信', wechatBound: false });
    expect(byId.get(hospital.resident.id)).toMatchObject({ status: 'paused', reason: '住院中' });
    expect(res.body.counts).toMatchObject({ confirmed: 1, reminded: 1, unreachable: 1, paused: 1 });
    const only = await api().get('/api/checkins?date=2026-12-04&status=unreachable').set(auth(s.worker.token));
    expect(only.body.items.map((i: { residentId: number }) => i.residentId)).toEqual([noWechat.resident.id]);
    // Today by default; tomorrow everyone is still pending.
    expect((await api().get('/api/checkins').set(auth(s.worker.token))).body.date).toBe('2026-12-04');
    const tomorrow = await api().get('/api/checkins?date=2026-12-05').set(auth(s.worker.token));
    expect(tomorrow.body.items.find((i: { residentId: number }) => i.residentId === silent.resident.id).status).toBe('pending');
    expect((await api().get('/api/checkins?date=2026-13-01').set(auth(s.worker.token))).status).toBe(400);
    expect((await api().get('/api/checkins?status=asleep').set(auth(s.worker.token))).status).toBe(400);
  });

  it('leaves a resident off the board on dates their plan did not apply; paused only for real pauses', async () => {
    const { ctx, clock } = env();
    // Monday 2027-01-11, after the 09:00 reminder time: the plans apply from tomorrow.
    clock.set(at('2027-01-11T10:00:00'));
    const s = await elderScene(ctx);
    const weekdays = await elderScene(ctx, { stationId: s.station.id, resident: { name: '李桂兰' }, plan: { weekdays: [1, 2, 3, 4, 5] } });
    const pausedPlan = await elderScene(ctx, { stationId: s.station.id, resident: { name: '孙奶奶' }, plan: { pausedUntil: '2027-01-13', pauseReason: '住女儿家' } });
    const off = await elderScene(ctx, { stationId: s.station.id, resident: { name: '赵大爷', gender: 'male' }, plan: { enabled: false } });
    const board = async (date: string) => {
      const res = await api().get(`/api/checkins?date=${date}`).set(auth(s.worker.token));
      expect(res.status).toBe(200);
      return res.body as { items: { residentId: number; status: string; reason: string | null }[]; total: number; counts: Record<string, number> };
    };
    // Long before any plan existed, and on the day the plans were made (after the reminder time): nobody.
    for (const date of ['2020-01-01', '2027-01-11']) {
      const b = await board(date);
      expect(b.items).toEqual([]);
      expect(b.total).toBe(0);
      expect(b.counts.paused).toBe(0);
    }
    const tue = await board('2027-01-12');
    const byId = new Map(tue.items.map((i) => [i.residentId, i]));
    expect(byId.get(s.resident.id)).toMatchObject({ status: 'pending', reason: null });
    expect(byId.get(weekdays.resident.id)).toMatchObject({ status: 'pending' });
    expect(byId.get(pausedPlan.resident.id)).toMatchObject({ status: 'paused', reason: '住女儿家' });
    expect(byId.get(off.resident.id)).toMatchObject({ status: 'paused', reason: '计划已停用' });
    expect(tue.counts).toMatchObject({ pending: 2, paused: 2 });
    // Saturday: the Monday-to-Friday plan does not run, so that resident is not on the board (and not "paused").
    const sat = await board('2027-01-16');
    expect(sat.items.map((i) => i.residentId)).not.toContain(weekdays.resident.id);
    expect(sat.items.find((i) => i.residentId === s.resident.id)).toMatchObject({ status: 'pending' });
    expect(sat.items.find((i) => i.residentId === pausedPlan.resident.id)).toMatchObject({ status: 'pending' });
    // A sign of life on the day the plan was made is a real record: it shows.
    await ctx.services.checkins.recordSignOfLife({ residentId: s.resident.id, at: clock.now(), source: 'text', text: '好' });
    expect((await board('2027-01-11')).items.map((i) => i.residentId)).toEqual([s.resident.id]);
    // The rule is written in the OpenAPI summary of the route.
    const spec = (await api().get('/api/openapi.json')).body;
    expect(spec.paths['/api/checkins'].get.summary).toContain('不列出');
  });

  it('confirms by a worker and by the resident in the mini-program', async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-05T07:00:00'));
    const s = await elderScene(ctx, { resident: { openid: 'openid-checkin-1' } });
    clock.set(at('2026-12-05T09:10:00'));
    const token = ctx.services.auth.residentToken('openid-checkin-1');
    const self = await api().post('/api/me/checkins').set(auth(token));
    expect(self.status).toBe(200);
    expect(self.body).toMatchObject({ residentId: s.resident.id, date: '2026-12-05', status: 'confirmed', source: 'miniapp', alreadyConfirmed: false });
    const again = await api().post('/api/me/checkins').set(auth(token));
    expect(again.body.alreadyConfirmed).toBe(true);
    const mine = await api().get('/api/me/checkins').set(auth(token));
    expect(mine.status).toBe(200);
    expect(mine.body.items[0]).toMatchObject({ date: '2026-12-05', status: 'confirmed' });
    const unbound = await api().post('/api/me/checkins').set(auth(ctx.services.auth.residentToken('nobody-here')));
    expect(unbound.status).toBe(403);
    expect((await api().post('/api/me/checkins').set(auth(s.worker.token))).status).toBe(403);

    const other = await elderScene(ctx, { stationId: s.station.id });
    const byWorker = await api().post(`/api/checkins/${other.resident.id}/confirm`).set(auth(s.worker.token)).send({ note: '电话联系上，身体挺好' });
    expect(byWorker.status).toBe(200);
    expect(byWorker.body).toMatchObject({ status: 'confirmed', source: 'worker', note: '电话联系上，身体挺好' });
    const noPlan = await createResident(ctx, { stationId: s.station.id });
    const conflict = await api().post(`/api/checkins/${noPlan.id}/confirm`).set(auth(s.worker.token)).send({});
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe('no_checkin_plan');
    expect((await api().get(`/api/residents/${noPlan.id}/checkin-plan`).set(auth(s.worker.token))).status).toBe(404);
    expect((await api().post(`/api/checkins/${other.resident.id}/confirm`).set(auth(s.worker.token)).send({ note: 'x'.repeat(501) })).status).toBe(400);
  });

  it('lists, acknowledges and resolves alerts; a visit becomes a home-visit record', async () => {
    const { ctx, clock } = env();
    const s = await escalatedScene();
    clock.set(at('2026-12-03T11:30:00'));
    await ctx.services.checkins.recordSignOfLife({ residentId: s.resident.id, at: clock.now(), source: 'text', text: '在呢在呢' });
    const list = await api().get('/api/alerts?status=open').set(auth(s.worker.token));
    expect(list.status).toBe(200);
    const item = list.body.items.find((a: { id: number }) => a.id === s.alert.id);
    expect(item).toMatchObject({
      residentId: s.resident.id, residentName: '王秀英', type: 'checkin_missed', status: 'open', createdAt: '2026-12-03T11:00:00+08:00',
      reply: { at: '2026-12-03T11:30:00+08:00', text: '在呢在呢' },
    });
    expect(typeof list.body.total).toBe('number');
    const ack = await api().post(`/api/alerts/${s.alert.id}/ack`).set(auth(s.worker.token));
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ status: 'acknowledged', acknowledgedBy: s.worker.id });
    expect((await api().get('/api/alerts?status=open').set(auth(s.worker.token))).body.items.some((a: { id: number }) => a.id === s.alert.id)).toBe(false);
    expect((await api().post(`/api/alerts/${s.alert.id}/resolve`).set(auth(s.worker.token)).send({ outcome: 'fine' })).status).toBe(400);
    const resolved = await api().post(`/api/alerts/${s.alert.id}/resolve`).set(auth(s.worker.token)).send({ outcome: 'visited', note: '上门看过' });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ status: 'resolved', outcome: 'visited', note: '上门看过', resolvedBy: s.worker.id });
    expect(await ctx.db.manager.count(ServiceRecord, { where: { alertId: s.alert.id, type: 'home_visit' } })).toBe(1);
    const twice = await api().post(`/api/alerts/${s.alert.id}/resolve`).set(auth(s.worker.token)).send({ outcome: 'safe' });
    expect(twice.status).toBe(409);
    expect((await api().post(`/api/alerts/${s.alert.id}/ack`).set(auth(s.worker.token))).status).toBe(409);
    expect((await api().get('/api/alerts/99999999').set(auth(s.worker.token))).status).toBe(404);
    expect((await api().get('/api/alerts?status=gone').set(auth(s.worker.token))).status).toBe(400);
  });

  it('gives an elder\'s history: streak and misses in 30 days', async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-20T07:00:00'));
    const s = await elderScene(ctx);
    // 12-20 missed; 12-21..12-23 confirmed; 12-24 reminded but not yet answered.
    await runDay(ctx, clock, '2026-12-20');
    for (const d of ['2026-12-21', '2026-12-22', '2026-12-23']) {
      clock.set(at(`${d}T09:05:00`));
      await ctx.services.checkins.recordSignOfLife({ residentId: s.resident.id, at: clock.now(), source: 'text', text: '好' });
    }
    clock.set(at('2026-12-24T09:00:00'));
    await runCheckins(ctx);
    const res = await api().get(`/api/residents/${s.resident.id}/checkins`).set(auth(s.worker.token));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ residentId: s.resident.id, streak: 3, missesIn30Days: 1, confirmedIn30Days: 3 });
    expect(res.body.items.map((d: { date: string; status: string }) => `${d.date}:${d.status}`)).toEqual([
      '2026-12-24:reminded', '2026-12-23:confirmed', '2026-12-22:confirmed', '2026-12-21:confirmed', '2026-12-20:escalated',
    ]);
    const short = await api().get(`/api/residents/${s.resident.id}/checkins?days=2`).set(auth(s.worker.token));
    expect(short.body.items).toHaveLength(2);
    expect((await api().get(`/api/residents/${s.resident.id}/checkins?days=0`).set(auth(s.worker.token))).status).toBe(400);
  });

  it('documents the routes in OpenAPI', async () => {
    const doc = await api().get('/api/openapi.json');
    for (const p of ['/api/residents/{id}/checkin-plan', '/api/checkins', '/api/residents/{id}/checkins', '/api/me/checkins',
      '/api/checkins/{residentId}/confirm', '/api/alerts', '/api/alerts/{id}/ack', '/api/alerts/{id}/resolve']) {
      expect(Object.keys(doc.body.paths)).toContain(p);
    }
  });
});
