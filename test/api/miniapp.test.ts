import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { Resident } from '../../entities';
import { createResident, createStation, createWorker } from '../factories';
import { useTestEnv } from '../helpers';

describe('mini-program door (embedded default: dev codes)', () => {
  const env = useTestEnv();

  it('logs in with dev:<openid>, binds with a code, then reads only its own record', async () => {
    const { app, ctx } = env();
    const login = await request(app.callback()).post('/api/miniapp/login').send({ code: 'dev:wang-openid' });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ token: expect.any(String), openid: 'wang-openid', resident: null });
    const token = login.body.token;
    expect((await request(app.callback()).get('/api/me').set('Authorization', `Bearer ${token}`)).body.error.code).toBe('not_bound');

    const station = await createStation(ctx);
    const worker = await createWorker(ctx, { stationId: station.id });
    const r = await createResident(ctx, { stationId: station.id, name: '王秀英', phone: '13800005555' });
    const code = await request(app.callback()).post(`/api/residents/${r.id}/binding-code`).set('Authorization', `Bearer ${worker.token}`);
    const bind = await request(app.callback()).post('/api/miniapp/bind').set('Authorization', `Bearer ${token}`).send({ bindingCode: code.body.code });
    expect(bind.status).toBe(200);
    expect(bind.body).toMatchObject({ id: r.id, name: '王秀英', phone: '138****5555' });
    expect(JSON.stringify(bind.body)).not.toMatch(/idNumber|openid/);
    expect((await ctx.db.manager.findOneByOrFail(Resident, { id: r.id })).openid).toBe('wang-openid');
    const me = await request(app.callback()).get('/api/me').set('Authorization', `Bearer ${token}`);
    expect(me.body.id).toBe(r.id);
    const again = await request(app.callback()).post('/api/miniapp/login').send({ code: 'dev:wang-openid' });
    expect(again.body.resident).toMatchObject({ id: r.id, name: '王秀英' });
    // a used code does not bind twice
    const other = (await request(app.callback()).post('/api/miniapp/login').send({ code: 'dev:someone-else' })).body.token;
    const reuse = await request(app.callback()).post('/api/miniapp/bind').set('Authorization', `Bearer ${other}`).send({ bindingCode: code.body.code });
    expect(reuse.status).toBe(400);
    expect(reuse.body.error.code).toBe('invalid_binding_code');
  });

  it('refuses non-dev codes and bad bodies; a worker token cannot bind', async () => {
    const { app, ctx } = env();
    const res = await request(app.callback()).post('/api/miniapp/login').send({ code: 'real-wx-code' });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_code');
    expect((await request(app.callback()).post('/api/miniapp/login').send({ code: 123 })).status).toBe(400);
    const w = await createWorker(ctx);
    expect((await request(app.callback()).post('/api/miniapp/bind').set('Authorization', `Bearer ${w.token}`).send({ bindingCode: '123456' })).status).toBe(403);
    expect((await request(app.callback()).get('/api/me')).status).toBe(401);
  });

  it('throttles wrong binding codes per user', async () => {
    const { app } = env();
    const token = (await request(app.callback()).post('/api/miniapp/login').send({ code: 'dev:guesser' })).body.token;
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push((await request(app.callback()).post('/api/miniapp/bind').set('Authorization', `Bearer ${token}`).send({ bindingCode: String(100000 + i) })).status);
    }
    expect(statuses.slice(0, 5)).toEqual([400, 400, 400, 400, 400]);
    expect(statuses[5]).toBe(429);
  });
});

describe('mini-program door with WeChat configured (code2session)', () => {
  let server: Server;
  const seen: string[] = [];
  const port = { value: 0 };
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.url ?? '');
      const url = new URL(req.url ?? '/', 'http://x');
      res.setHeader('Content-Type', 'application/json');
      if (url.pathname === '/sns/jscode2session' && url.searchParams.get('js_code') === 'good-code') {
        res.end(JSON.stringify({ openid: 'o-real-1', session_key: 'secret' }));
      } else {
        res.end(JSON.stringify({ errcode: 40029, errmsg: 'invalid code' }));
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port.value = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const env = useTestEnv({ env: { WECHAT_APP_ID: 'wx-app', WECHAT_APP_SECRET: 'app-secret', WECHAT_API_BASE: 'http://127.0.0.1:1' } });

  it('exchanges the code at the configured base URL; dev codes are refused', async () => {
    const { ctx, app } = env();
    ctx.config.wechatApiBase = `http://127.0.0.1:${port.value}`;
    const ok = await request(app.callback()).post('/api/miniapp/login').send({ code: 'good-code' });
    expect(ok.status).toBe(200);
    expect(ok.body.openid).toBe('o-real-1');
    expect(seen[seen.length - 1]).toContain('appid=wx-app');
    expect(seen[seen.length - 1]).toContain('grant_type=authorization_code');
    const bad = await request(app.callback()).post('/api/miniapp/login').send({ code: 'bad-code' });
    expect(bad.status).toBe(401);
    expect(bad.body.error.code).toBe('invalid_code');
    const dev = await request(app.callback()).post('/api/miniapp/login').send({ code: 'dev:sneaky' });
    expect(dev.status).toBe(401);
    expect(JSON.stringify(dev.body)).not.toContain('token');
  });

  it('answers 503 wechat_unavailable when WeChat cannot be reached', async () => {
    const { ctx, app } = env();
    ctx.config.wechatApiBase = 'http://127.0.0.1:1';
    const res = await request(app.callback()).post('/api/miniapp/login').send({ code: 'good-code' });
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('wechat_unavailable');
  });
});
