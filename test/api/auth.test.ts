import request from 'supertest';
import { Worker } from '../../entities';
import { COMMANDS } from '../../cli/commands';
import { createStation, createWorker } from '../factories';
import { useTestEnv } from '../helpers';

describe('worker login and tokens', () => {
  const env = useTestEnv({ env: { LOGIN_MAX_FAILURES: '3' } });

  it('logs in with username and password and answers the contract shape', async () => {
    const { ctx, app } = env();
    const w = await createWorker(ctx, { username: 'zhaomin', name: '赵敏' });
    const res = await request(app.callback()).post('/api/auth/login').send({ username: 'zhaomin', password: 'password123' });
    expect(res.status).toBe(200);
    expect(typeof res.body.token).toBe('string');
    expect(res.body.worker).toMatchObject({ id: w.id, name: '赵敏', role: 'worker', stationId: w.stationId });
    expect(JSON.stringify(res.body)).not.toContain('passwordHash');
    const me = await request(app.callback()).get('/api/auth/me').set('Authorization', `Bearer ${res.body.token}`);
    expect(me.status).toBe(200);
    expect(me.body.username).toBe('zhaomin');
  });

  it('refuses a wrong password or unknown user alike with 401 invalid_credentials', async () => {
    const { ctx, app } = env();
    await createWorker(ctx, { username: 'wrongpw' });
    const a = await request(app.callback()).post('/api/auth/login').send({ username: 'wrongpw', password: 'nope-nope' });
    const b = await request(app.callback()).post('/api/auth/login').send({ username: 'nobody-here', password: 'nope-nope' });
    expect(a.status).toBe(401);
    expect(b.status).toBe(401);
    expect(a.body.error.code).toBe('invalid_credentials');
    expect(b.body.error).toEqual(a.body.error);
  });

  it('validates the login body', async () => {
    const res = await request(env().app.callback()).post('/api/auth/login').send({ username: 5 });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
  });

  it('throttles repeated failures per username and address with 429 and Retry-After, even for the right password', async () => {
    const { ctx, app } = env();
    await createWorker(ctx, { username: 'throttled' });
    for (let i = 0; i < 3; i++) {
      expect((await request(app.callback()).post('/api/auth/login').send({ username: 'throttled', password: 'bad-password' })).status).toBe(401);
    }
    const blocked = await request(app.callback()).post('/api/auth/login').send({ username: 'throttled', password: 'password123' });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('rate_limited');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(15 * 60);
    // another username from the same address is not blocked by it
    await createWorker(ctx, { username: 'neighbour' });
    expect((await request(app.callback()).post('/api/auth/login').send({ username: 'neighbour', password: 'password123' })).status).toBe(200);
  });

  it('a deactivated worker cannot log in and their existing token dies', async () => {
    const { ctx, app } = env();
    const station = await createStation(ctx);
    const admin = await createWorker(ctx, { stationId: station.id, role: 'station_admin' });
    const w = await createWorker(ctx, { stationId: station.id, username: 'leaving' });
    expect((await request(app.callback()).get('/api/auth/me').set('Authorization', `Bearer ${w.token}`)).status).toBe(200);
    const off = await request(app.callback()).patch(`/api/workers/${w.id}`).set('Authorization', `Bearer ${admin.token}`).send({ active: false });
    expect(off.status).toBe(200);
    expect(off.body.active).toBe(false);
    const stale = await request(app.callback()).get('/api/residents').set('Authorization', `Bearer ${w.token}`);
    expect(stale.status).toBe(401);
    expect(stale.body.error.code).toBe('invalid_token');
    const login = await request(app.callback()).post('/api/auth/login').send({ username: 'leaving', password: 'password123' });
    expect(login.status).toBe(403);
    expect(login.body.error.code).toBe('account_disabled');
  });

  it('a password reset by the admin revokes old tokens; the new password works', async () => {
    const { ctx, app } = env();
    const station = await createStation(ctx);
    const admin = await createWorker(ctx, { stationId: station.id, role: 'station_admin' });
    const w = await createWorker(ctx, { stationId: station.id, username: 'forgetful' });
    const res = await request(app.callback()).post(`/api/workers/${w.id}/password`).set('Authorization', `Bearer ${admin.token}`).send({ password: 'new-password-1' });
    expect(res.status).toBe(200);
    expect((await request(app.callback()).get('/api/auth/me').set('Authorization', `Bearer ${w.token}`)).status).toBe(401);
    expect((await request(app.callback()).post('/api/auth/login').send({ username: 'forgetful', password: 'new-password-1' })).status).toBe(200);
  });

  it('a worker changing their own password needs the current one and gets a fresh token', async () => {
    const { ctx, app } = env();
    const w = await createWorker(ctx, { username: 'selfchange' });
    const bad = await request(app.callback()).post(`/api/workers/${w.id}/password`).set('Authorization', `Bearer ${w.token}`).send({ password: 'another-pass-1', currentPassword: 'wrong' });
    expect(bad.status).toBe(401);
    const short = await request(app.callback()).post(`/api/workers/${w.id}/password`).set('Authorization', `Bearer ${w.token}`).send({ password: 'short', currentPassword: 'password123' });
    expect(short.status).toBe(400);
    const ok = await request(app.callback()).post(`/api/workers/${w.id}/password`).set('Authorization', `Bearer ${w.token}`).send({ password: 'another-pass-1', currentPassword: 'password123' });
    expect(ok.status).toBe(200);
    expect((await request(app.callback()).get('/api/auth/me').set('Authorization', `Bearer ${w.token}`)).status).toBe(401);
    expect((await request(app.callback()).get('/api/auth/me').set('Authorization', `Bearer ${ok.body.token}`)).status).toBe(200);
  });

  it('a plain worker cannot reset a colleague\'s password (403) nor anyone\'s at another station (404)', async () => {
    const { ctx, app } = env();
    const station = await createStation(ctx);
    const a = await createWorker(ctx, { stationId: station.id });
    const b = await createWorker(ctx, { stationId: station.id });
    const other = await createWorker(ctx);
    expect((await request(app.callback()).post(`/api/workers/${b.id}/password`).set('Authorization', `Bearer ${a.token}`).send({ password: 'x-password-1' })).status).toBe(403);
    expect((await request(app.callback()).post(`/api/workers/${other.id}/password`).set('Authorization', `Bearer ${a.token}`).send({ password: 'x-password-1' })).status).toBe(404);
    const admin = await createWorker(ctx, { stationId: station.id, role: 'station_admin' });
    expect((await request(app.callback()).post(`/api/workers/${other.id}/password`).set('Authorization', `Bearer ${admin.token}`).send({ password: 'x-password-1' })).status).toBe(404);
  });

  it('refuses a garbage token with 401', async () => {
    const res = await request(env().app.callback()).get('/api/residents').set('Authorization', 'Bearer not.a.token');
    expect(res.status).toBe(401);
  });
});

describe('request rate limit', () => {
  const env = useTestEnv({ env: { RATE_LIMIT_PER_MINUTE: '5' } });

  it('answers 429 with Retry-After past the per-token limit, and counts tokens apart', async () => {
    const { ctx, app } = env();
    const a = await createWorker(ctx);
    const b = await createWorker(ctx);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await request(app.callback()).get('/api/residents').set('Authorization', `Bearer ${a.token}`)).status);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses[5]).toBe(429);
    const last = await request(app.callback()).get('/api/residents').set('Authorization', `Bearer ${a.token}`);
    expect(last.status).toBe(429);
    expect(last.body.error.code).toBe('rate_limited');
    expect(Number(last.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await request(app.callback()).get('/api/residents').set('Authorization', `Bearer ${b.token}`)).status).toBe(200);
  });

  it('counts made-up tokens by IP, so a new fake token per request does not escape the limit', async () => {
    const { app } = env();
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      statuses.push((await request(app.callback()).get('/api/policies/search').query({ q: '低保' }).set('Authorization', `Bearer fake-${i}`)).status);
    }
    expect(statuses).toContain(429);
  });
});

describe('admin:create', () => {
  const env = useTestEnv();
  const cmd = COMMANDS.find((c) => c.name === 'admin:create')!;

  it('creates a county admin who can log in, and refuses a duplicate', async () => {
    const { ctx, app } = env();
    const out = await cmd.run(ctx, { username: 'County-Boss', password: 'long-enough-1', county: '临泽县' });
    expect(out).toContain('county-boss');
    const w = await ctx.db.manager.findOneByOrFail(Worker, { username: 'county-boss' });
    expect(w.role).toBe('county_admin');
    expect(w.passwordHash).not.toContain('long-enough-1');
    const login = await request(app.callback()).post('/api/auth/login').send({ username: 'county-boss', password: 'long-enough-1' });
    expect(login.status).toBe(200);
    expect(login.body.worker.role).toBe('county_admin');
    await expect(cmd.run(ctx, { username: 'county-boss', password: 'long-enough-1' })).rejects.toMatchObject({ code: 'username_taken' });
    await expect(cmd.run(ctx, { username: 'x', password: 'short' })).rejects.toMatchObject({ code: 'validation_failed' });
  });
});
