import request from 'supertest';
import { AuditEntry, FamilyContact, Resident } from '../../entities';
import { residentRoutes } from '../../api/routes/residents';
import { miniappRoutes } from '../../api/routes/miniapp';
import { idCheckChar } from '../../services/idnumber';
import { createCommunity, createFamily, createResident, createStation, createWorker } from '../factories';
import { useTestEnv } from '../helpers';

type Ids = { resident: number; family: number; community: number; idNumber: string };
interface Probe {
  method: 'get' | 'post' | 'patch' | 'delete';
  path: string;
  url: (a: Ids) => string;
  body?: (a: Ids) => unknown;
  query?: (a: Ids) => Record<string, unknown>;
  /** Expected status for the other station's worker (404 unless documented otherwise). */
  status?: number;
  /** For list routes: the answer must not mention station A's records. */
  list?: boolean;
  /** Sent as a CSV upload instead of JSON. */
  csv?: (a: Ids) => string;
  /** Use station B's admin (station-admin-only routes). */
  admin?: boolean;
}

/** Every resident-related route, probed with station A's ids by station B's people. */
const PROBES: Probe[] = [
  { method: 'post', path: '/api/residents', url: () => '/api/residents', body: (a) => ({ name: '偷渡', communityId: a.community }), status: 400 },
  { method: 'get', path: '/api/residents', url: () => '/api/residents', list: true },
  { method: 'get', path: '/api/residents', url: () => '/api/residents', query: (a) => ({ communityId: a.community }), list: true },
  { method: 'get', path: '/api/residents', url: () => '/api/residents', query: (a) => ({ q: a.idNumber }), list: true },
  { method: 'get', path: '/api/residents', url: () => '/api/residents', query: () => ({ q: '王秀英' }), list: true },
  { method: 'post', path: '/api/residents/import', url: () => '/api/residents/import', csv: (a) => `姓名,communityId,身份证号\n王秀英,${a.community},${a.idNumber}\n`, status: 200 },
  { method: 'get', path: '/api/residents/:id', url: (a) => `/api/residents/${a.resident}` },
  { method: 'get', path: '/api/residents/:id/contact', url: (a) => `/api/residents/${a.resident}/contact` },
  { method: 'patch', path: '/api/residents/:id', url: (a) => `/api/residents/${a.resident}`, body: () => ({ name: '改名' }) },
  { method: 'delete', path: '/api/residents/:id', url: (a) => `/api/residents/${a.resident}` },
  { method: 'post', path: '/api/residents/:id/binding-code', url: (a) => `/api/residents/${a.resident}/binding-code` },
  { method: 'post', path: '/api/residents/:id/family', url: (a) => `/api/residents/${a.resident}/family`, body: () => ({ name: '冒充', relation: '儿子' }) },
  { method: 'get', path: '/api/residents/:id/family', url: (a) => `/api/residents/${a.resident}/family` },
  { method: 'post', path: '/api/family-contacts/:id/binding-code', url: (a) => `/api/family-contacts/${a.family}/binding-code` },
  { method: 'delete', path: '/api/family-contacts/:id', url: (a) => `/api/family-contacts/${a.family}` },
  { method: 'get', path: '/api/residents/:id/export', url: (a) => `/api/residents/${a.resident}/export` },
  { method: 'post', path: '/api/residents/:id/erase', url: (a) => `/api/residents/${a.resident}/erase`, admin: true },
  { method: 'get', path: '/api/audit', url: () => '/api/audit', query: (a) => ({ residentId: a.resident }), admin: true },
  { method: 'get', path: '/api/audit', url: () => '/api/audit', admin: true, list: true },
];

describe('station isolation: station B cannot read, list, change or infer station A\'s residents', () => {
  const env = useTestEnv();
  let a: Ids;
  let missing: Ids;
  let tokens: { worker: string; admin: string; county: string; resident: string };

  beforeAll(async () => {
    const { ctx } = env();
    const stationA = await createStation(ctx);
    const communityA = await createCommunity(ctx, { stationId: stationA.id, name: '沙河村' });
    const first17 = '62072319440312002';
    const idNumber = first17 + idCheckChar(first17);
    const resident = await createResident(ctx, {
      stationId: stationA.id, communityId: communityA.id, name: '王秀英', phone: '13800001234',
      idNumberHash: ctx.services.residents.idNumberHash(idNumber), openid: 'openid-wang',
    });
    const family = await createFamily(ctx, { residentId: resident.id, name: '王小明' });
    const workerA = await createWorker(ctx, { stationId: stationA.id });
    await ctx.services.residents.read({ kind: 'worker', id: workerA.id, role: 'worker', stationId: stationA.id, county: '临泽县', name: 'A' }, resident.id);
    a = { resident: resident.id, family: family.id, community: communityA.id, idNumber };
    missing = { resident: 9_999_999, family: 9_999_999, community: 9_999_999, idNumber: '11010519491231002X' };

    const stationB = await createStation(ctx);
    const communityB = await createCommunity(ctx, { stationId: stationB.id, name: '沙河村' });
    await createResident(ctx, { stationId: stationB.id, communityId: communityB.id, name: '李德福' });
    const workerB = await createWorker(ctx, { stationId: stationB.id });
    const adminB = await createWorker(ctx, { stationId: stationB.id, role: 'station_admin' });
    const county = await createWorker(ctx, { role: 'county_admin', county: stationA.county });
    tokens = { worker: workerB.token, admin: adminB.token, county: county.token, resident: ctx.services.auth.residentToken('openid-wang') };
  });

  function send(p: Probe, ids: Ids, token: string) {
    const { app } = env();
    let req = request(app.callback())[p.method](p.url(ids)).set('Authorization', `Bearer ${token}`);
    if (p.query) req = req.query(p.query(ids));
    if (p.csv) return req.set('Content-Type', 'text/csv').send(p.csv(ids));
    return p.body ? req.send(p.body(ids) as object) : req;
  }

  it('probes every resident-related route', () => {
    const probed = new Set(PROBES.map((p) => `${p.method} ${p.path}`));
    for (const r of residentRoutes) expect(probed).toContain(`${r.method} ${r.path}`);
  });

  it.each(PROBES.map((p, i) => [`${p.method.toUpperCase()} ${p.path} ${p.query ? JSON.stringify(Object.keys(p.query(missing ?? ({} as Ids)))) : ''}#${i}`, p] as const))(
    '%s: other station answers as if the record did not exist',
    async (_name, p) => {
      const token = p.admin ? tokens.admin : tokens.worker;
      const res = await send(p, a, token);
      const text = JSON.stringify(res.body);
      expect(text).not.toContain('王秀英');
      expect(text).not.toContain('王小明');
      expect(text).not.toContain(`"residentId":${a.resident}`);
      if (p.list) {
        expect(res.status).toBe(200);
        expect(res.body.items.map((x: { id: number }) => x.id)).not.toContain(a.resident);
        return;
      }
      if (p.csv) {
        expect(res.body).toMatchObject({ created: 0, updated: 0 });
        expect(res.body.errors).toHaveLength(1);
        return;
      }
      expect(res.status).toBe(p.status ?? 404);
      // Same answer as for an id that does not exist at all: nothing to infer.
      const none = await send(p, missing, token);
      expect(none.status).toBe(res.status);
      expect(none.body.error?.code).toBe(res.body.error?.code);
      expect(none.body.error?.message).toBe(res.body.error?.message);
    },
  );

  it('left station A\'s records untouched', async () => {
    const { ctx } = env();
    const r = await ctx.db.manager.findOneByOrFail(Resident, { id: a.resident });
    expect(r).toMatchObject({ name: '王秀英', status: 'active', erasedAt: null });
    expect(await ctx.db.manager.count(FamilyContact, { where: { residentId: a.resident } })).toBe(1);
    expect(await ctx.db.manager.count(Resident, { where: { communityId: a.community } })).toBe(1);
    // the only audit entry about A's resident is A's own worker's read
    const entries = await ctx.db.manager.find(AuditEntry, { where: { residentId: a.resident } });
    expect(entries.map((e) => e.action)).toEqual(['read']);
  });

  it('a county admin gets no resident detail or list (403 for lists, 404 for records)', async () => {
    for (const p of PROBES) {
      const res = await send(p, a, tokens.county);
      expect(JSON.stringify(res.body)).not.toContain('王秀英');
      expect([403, 404]).toContain(res.status);
    }
  });

  it('a mini-program resident cannot use the workers\' resident routes, not even for their own record', async () => {
    for (const p of PROBES) {
      const res = await send(p, a, tokens.resident);
      expect(res.status).toBe(403);
    }
  });

  it('a mini-program resident only ever sees their own record', async () => {
    const { app, ctx } = env();
    const me = await request(app.callback()).get('/api/me').set('Authorization', `Bearer ${tokens.resident}`);
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(a.resident);
    const stranger = await request(app.callback()).get('/api/me').set('Authorization', `Bearer ${ctx.services.auth.residentToken('openid-nobody')}`);
    expect(stranger.status).toBe(403);
    expect(stranger.body.error.code).toBe('not_bound');
    expect(JSON.stringify(stranger.body)).not.toContain('王秀英');
    expect(miniappRoutes.filter((r) => r.path.startsWith('/api/me')).every((r) => r.access === 'resident')).toBe(true);
  });
});
