import jwt from 'jsonwebtoken';
import request from 'supertest';
import { AuditEntry, CheckinDay, Policy, Resident } from '../../entities';
import { createCommunity, createResident, createStation, createWorker } from '../factories';
import { createTestEnv, useTestEnv } from '../helpers';

/** Holes found by probing the API from outside (issue 10), each pinned by the request that found it. */
describe('proxy headers and login throttles', () => {
  const env = useTestEnv({ env: { LOGIN_MAX_FAILURES: '3' } });
  const login = (username: string, password: string, forwardedFor?: string) => {
    const req = request(env().app.callback()).post('/api/auth/login');
    return (forwardedFor ? req.set('X-Forwarded-For', forwardedFor) : req).send({ username, password });
  };

  it('ignores X-Forwarded-For unless TRUST_PROXY is set: a made-up address does not lift the lockout', async () => {
    const { ctx } = env();
    expect(ctx.config.trustProxy).toBe(false);
    await createWorker(ctx, { username: 'xff-victim' });
    for (let i = 0; i < 3; i++) expect((await login('xff-victim', 'wrong-password', `10.0.0.${i}`)).status).toBe(401);
    const res = await login('xff-victim', 'password123', '203.0.113.77');
    expect(res.status).toBe(429);
  });

  it('the per-minute rate limit keys anonymous callers by their real address, not by a forwarded one', async () => {
    const limited = await createTestEnv({ env: { RATE_LIMIT_PER_MINUTE: '3' } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        statuses.push((await request(limited.app.callback()).get('/api/policies').set('X-Forwarded-For', `198.51.100.${i}`)).status);
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
    } finally {
      await limited.ctx.close();
    }
  });

  it('throttles one username guessed from many addresses (behind a trusted proxy)', async () => {
    const proxied = await createTestEnv({ env: { LOGIN_MAX_FAILURES: '3', TRUST_PROXY: 'true' } });
    try {
      await createWorker(proxied.ctx, { username: 'sprayed' });
      const send = (ip: string, password: string) =>
        request(proxied.app.callback()).post('/api/auth/login').set('X-Forwarded-For', ip).send({ username: 'sprayed', password });
      // the last hop is the address the proxy saw: a client's own prefix is ignored
      for (let i = 0; i < 6; i++) expect((await send(`10.9.9.9, 10.1.0.${i}`, 'wrong-password')).status).toBe(401);
      expect((await send('10.1.0.200', 'wrong-password')).status).toBe(429);
      expect((await send('10.1.0.201', 'password123')).status).toBe(429);
    } finally {
      await proxied.ctx.close();
    }
  });
});

describe('tokens, methods and the dev clock', () => {
  const env = useTestEnv();

  it('a correctly signed token whose subject is not a worker id is a 401, not a 500', async () => {
    const { ctx, app } = env();
    for (const sub of ['abc', '1; DROP', '-1', '0', '1e3', '99999999999999999999']) {
      const token = jwt.sign({ sub, typ: 'worker', ver: 0 }, ctx.config.jwtSecret, { algorithm: 'HS256', expiresIn: '1h' });
      const res = await request(app.callback()).get('/api/residents').set('Authorization', `Bearer ${token}`);
      expect({ sub, status: res.status, code: res.body.error?.code }).toEqual({ sub, status: 401, code: 'invalid_token' });
    }
    const noVer = jwt.sign({ sub: '1', typ: 'worker' }, ctx.config.jwtSecret, { algorithm: 'HS256' });
    expect((await request(app.callback()).get('/api/residents').set('Authorization', `Bearer ${noVer}`)).status).toBe(401);
    const oddType = jwt.sign({ sub: 'x', typ: 'admin' }, ctx.config.jwtSecret, { algorithm: 'HS256' });
    expect((await request(app.callback()).get('/api/residents').set('Authorization', `Bearer ${oddType}`)).status).toBe(401);
  });

  it('answers unknown methods with a quiet 405, without an error log', async () => {
    const { ctx, app } = env();
    const errors: unknown[] = [];
    const original = ctx.logger.error.bind(ctx.logger);
    ctx.logger.error = ((...args: unknown[]) => errors.push(args)) as typeof ctx.logger.error;
    try {
      for (const method of ['TRACE', 'PROPFIND', 'MKCOL']) {
        for (const path of ['/api/residents', '/healthz', '/nowhere']) {
          const res = await request(app.callback())[method.toLowerCase() as 'get'](path);
          expect({ method, path, status: res.status }).toEqual({ method, path, status: 405 });
          if (res.body?.error) expect(res.body.error.code).toBe('method_not_allowed');
        }
      }
    } finally {
      ctx.logger.error = original;
    }
    expect(errors).toEqual([]);
  });

  it('keeps the dev clock within sane years', async () => {
    const { app, clock } = env();
    const before = clock.now().toISOString();
    for (const now of ['+275760-09-13T00:00:00Z', '1900-01-01T00:00:00Z', '2200-01-01T00:00:00Z', '0001-01-01']) {
      const res = await request(app.callback()).put('/api/dev/clock').send({ now });
      expect({ now, status: res.status }).toEqual({ now, status: 400 });
    }
    expect(clock.now().toISOString()).toBe(before);
    expect(() => clock.set(new Date(8.64e15))).toThrow(RangeError);
    const ok = await request(app.callback()).put('/api/dev/clock').send({ now: '2030-05-01T09:00:00+08:00', frozen: true });
    expect(ok.status).toBe(200);
    const run = await request(app.callback()).post('/api/dev/jobs/checkins/run');
    expect(run.status).toBeLessThan(500);
    clock.set(new Date(before), { frozen: true });
  });

  it('no day record is ever dated NaN', async () => {
    const { ctx } = env();
    const rows = await ctx.db.manager.find(CheckinDay);
    expect(rows.filter((r) => /NaN/.test(JSON.stringify(r)))).toEqual([]);
  });
});

describe('binding-code guesses', () => {
  const env = useTestEnv();

  it('are throttled per address too: fresh openids from one address do not get fresh tries', async () => {
    const { app } = env();
    const statuses: number[] = [];
    for (let n = 0; n < 10; n++) {
      const login = await request(app.callback()).post('/api/miniapp/login').send({ code: `dev:guesser-${n}` });
      for (let i = 0; i < 5; i++) {
        const res = await request(app.callback()).post('/api/miniapp/bind').set('Authorization', `Bearer ${login.body.token}`)
          .send({ bindingCode: String(100000 + n * 10 + i) });
        statuses.push(res.status);
      }
    }
    expect(statuses.filter((s) => s === 400).length).toBe(20);
    expect(statuses.slice(20).every((s) => s === 429)).toBe(true);
  });
});

describe('phones: masked in every shape, searched only whole or by the last four digits', () => {
  const env = useTestEnv();
  let token: string;
  let workerId: number;
  let stationId: number;

  beforeAll(async () => {
    const { ctx } = env();
    const station = await createStation(ctx);
    stationId = station.id;
    const community = await createCommunity(ctx, { stationId });
    await createResident(ctx, { stationId, communityId: community.id, name: '座机分机', phone: '09365521001-88' });
    await createResident(ctx, { stationId, communityId: community.id, name: '手机号', phone: '13812345678' });
    const w = await createWorker(ctx, { stationId });
    token = w.token;
    workerId = w.id;
  });

  const list = (q?: string) =>
    request(env().app.callback()).get('/api/residents').query(q === undefined ? {} : { q }).set('Authorization', `Bearer ${token}`);

  it('a landline with an extension comes back masked, extension hidden', async () => {
    const res = await list();
    const landline = res.body.items.find((r: { name: string }) => r.name === '座机分机');
    expect(landline.phone).toBe('0936-****1001-**');
    expect(JSON.stringify(res.body)).not.toContain('5521');
  });

  it('a partial number finds nothing and says how to search; the whole number or the last four do', async () => {
    for (const q of ['13812', '138123', '1381234567', '138-12', '5521001']) {
      const res = await list(q);
      expect({ q, status: res.status, code: res.body.error?.code }).toEqual({ q, status: 400, code: 'phone_search_partial' });
      expect(res.body.error.message).toContain('后四位');
    }
    expect((await list('5678')).body.items.map((r: { name: string }) => r.name)).toEqual(['手机号']);
    expect((await list('138 1234 5678')).body.items.map((r: { name: string }) => r.name)).toEqual(['手机号']);
    expect((await list('+8613812345678')).body.items.map((r: { name: string }) => r.name)).toEqual(['手机号']);
    expect((await list('0936-5521001-88')).body.items.map((r: { name: string }) => r.name)).toEqual(['座机分机']);
    expect((await list('1234')).body.items).toEqual([]);
  });

  it('list reads that return personal data are audited, with what was searched and never the value', async () => {
    const { ctx } = env();
    await ctx.db.manager.delete(AuditEntry, { stationId });
    await list('5678');
    await list('王');
    await list('13812345678');
    const entries = await ctx.db.manager.find(AuditEntry, { where: { stationId }, order: { id: 'ASC' } });
    expect(entries.map((e) => [e.action, e.workerId, e.residentId, e.detail])).toEqual([
      ['list', workerId, null, 'n=1;search=phone_last4'],
      ['list', workerId, null, 'n=1;search=phone'],
    ]);
    expect(JSON.stringify(entries)).not.toContain('5678');
  });
});

describe('text limits fit the columns on both databases, names are plain text', () => {
  const env = useTestEnv();
  let county: string;
  let worker: string;
  let communityId: number;

  beforeAll(async () => {
    const { ctx } = env();
    const station = await createStation(ctx);
    communityId = (await createCommunity(ctx, { stationId: station.id })).id;
    county = (await createWorker(ctx, { role: 'county_admin', county: station.county })).token;
    worker = (await createWorker(ctx, { stationId: station.id })).token;
  });

  const policy = (over: Record<string, unknown>) => ({ title: '长文政策', category: '救助', summary: '摘要', content: '内容', ...over });
  const post = (body: unknown) => request(env().app.callback()).post('/api/policies').set('Authorization', `Bearer ${county}`).send(body as object);

  it('refuses policy content beyond the 65,535 bytes of a text column with a 400, on every database', async () => {
    const { ctx } = env();
    const before = await ctx.db.manager.count(Policy);
    const tooLong = await post(policy({ content: '政'.repeat(21_846) }));
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.code).toBe('validation_failed');
    expect(tooLong.body.error.message).toMatch(/太长/);
    const lists = await post(policy({ steps: Array.from({ length: 100 }, () => '步'.repeat(500)) }));
    expect(lists.status).toBe(400);
    expect(await ctx.db.manager.count(Policy)).toBe(before);
    const fits = await post(policy({ content: '政'.repeat(21_845) }));
    expect(fits.status).toBe(201);
    const read = await request(env().app.callback()).get(`/api/policies/${fits.body.id}`);
    expect(read.body.content).toHaveLength(21_845);
  });

  it('refuses names of control or invisible characters with a clear message, and normalises the rest', async () => {
    const { ctx } = env();
    const create = (name: string) =>
      request(env().app.callback()).post('/api/residents').set('Authorization', `Bearer ${worker}`).send({ name, communityId });
    for (const name of ['\u0000', '王\u0000秀英', '\u001b[31m王秀英', '王秀英\u202e', '\u200b', '\ufeff', '\u0085', '王\u0007']) {
      const res = await create(name);
      expect({ name: JSON.stringify(name), status: res.status }).toEqual({ name: JSON.stringify(name), status: 400 });
      expect(res.body.error.message).toMatch(/控制字符|看不见|不能为空/);
    }
    const res = await create('  王\u3000秀英  ');
    expect(res.status).toBe(201);
    expect(res.body.name).toBe('王 秀英');
    expect((await create('李\u2028\n四')).body.name).toBe('李 四');
    const decomposed = await create('Jose\u0301');
    expect(decomposed.body.name).toBe('Jos\u00e9');
    const names = (await ctx.db.manager.find(Resident)).map((r) => r.name);
    expect(names.filter((n) => /[\p{Cc}\p{Cf}]/u.test(n))).toEqual([]);
  });
});
