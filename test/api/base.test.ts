import request from 'supertest';
import { useTestEnv } from '../helpers';

describe('API base', () => {
  const env = useTestEnv();

  it('answers /healthz and /readyz', async () => {
    const { app } = env();
    expect((await request(app.callback()).get('/healthz')).body).toEqual({ ok: true });
    const ready = await request(app.callback()).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.database).toBe(true);
    expect(ready.body.jobs.retention).toEqual({ lastSuccess: null, overdue: false });
  });

  it('serves Prometheus metrics', async () => {
    const res = await request(env().app.callback()).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.text).toContain('http_requests_total');
  });

  it('gives unknown routes the one error shape', async () => {
    const res = await request(env().app.callback()).get('/api/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
    expect(typeof res.body.error.message).toBe('string');
  });

  it('refuses malformed JSON with 400, not 500', async () => {
    const res = await request(env().app.callback())
      .put('/api/dev/clock')
      .set('Content-Type', 'application/json')
      .send('{"now": ');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('malformed_json');
  });

  it('refuses oversized bodies with 413', async () => {
    const res = await request(env().app.callback())
      .post('/api/dev/chat')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ from: 'x', text: 'a'.repeat(2_000_000) }));
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });

  it('answers 405 for a known path with the wrong method', async () => {
    const res = await request(env().app.callback()).delete('/api/dev/clock');
    expect(res.status).toBe(405);
    expect(res.body.error.code).toBe('method_not_allowed');
  });

  it('validates input with validation_failed', async () => {
    const res = await request(env().app.callback()).put('/api/dev/clock').send({ now: 'yesterday-ish' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details[0].path).toBe('now');
  });

  it('echoes a request id', async () => {
    const res = await request(env().app.callback()).get('/healthz').set('X-Request-Id', 'abc-123');
    expect(res.headers['x-request-id']).toBe('abc-123');
  });

  it('publishes OpenAPI with full /api paths and a docs page', async () => {
    const { app } = env();
    const doc = await request(app.callback()).get('/api/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(doc.body.servers).toBeUndefined();
    expect(Object.keys(doc.body.paths)).toContain('/api/dev/jobs/{name}/run');
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/healthz', '/readyz', '/metrics', '/api/residents', '/api/policies/search']));
    for (const path of Object.keys(doc.body.paths)) expect(path === '/healthz' || path === '/readyz' || path === '/metrics' || path.startsWith('/api/')).toBe(true);
    expect(doc.body.paths['/api/residents'].get.responses['200'].content['application/json'].schema.required).toEqual(['items', 'total']);
    expect(Object.keys(doc.body.paths['/api/residents/import'].post.requestBody.content)).toContain('multipart/form-data');
    const page = await request(app.callback()).get('/api/docs');
    expect(page.status).toBe(200);
    expect(page.text).toContain('/api/openapi.json');
  });

  it('moves the application clock', async () => {
    const { app, ctx } = env();
    const res = await request(app.callback()).put('/api/dev/clock').send({ now: '2026-12-05T08:30:00+08:00' });
    expect(res.status).toBe(200);
    expect(res.body.now).toBe('2026-12-05T08:30:00+08:00');
    expect(ctx.clock.now().toISOString()).toBe('2026-12-05T00:30:00.000Z');
    expect((await request(app.callback()).get('/api/dev/clock')).body.now).toBe('2026-12-05T08:30:00+08:00');
  });

  it('runs a job by name and refuses unknown ones', async () => {
    const { app } = env();
    const ok = await request(app.callback()).post('/api/dev/jobs/retention/run');
    expect(ok.status).toBe(200);
    expect(ok.body.job).toBe('retention');
    expect(ok.body.summary).toHaveProperty('messageLog');
    const unknown = await request(app.callback()).post('/api/dev/jobs/nope/run');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('unknown_job');
  });
});

describe('API base in production', () => {
  const env = useTestEnv({ env: { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), DATA_KEY: 'y'.repeat(32) } });

  it('has no dev endpoints', async () => {
    const { app } = env();
    expect((await request(app.callback()).get('/api/dev/clock')).status).toBe(404);
    expect((await request(app.callback()).post('/api/dev/jobs/retention/run')).status).toBe(404);
  });
});
