import request from 'supertest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ensureFirstAdmin } from '../../services/setup';
import { useTestEnv } from '../helpers';

describe('first admin on an empty deployment', () => {
  const env = useTestEnv();

  it('makes one admin with a generated password, once, who then takes the county of the first station', async () => {
    const { ctx, app } = env();
    const lines = await ensureFirstAdmin(ctx);
    expect(lines[0]).toMatch(/admin \/ \S+/);
    expect(await ensureFirstAdmin(ctx)).toEqual([]);
    const password = /password: (\S+)/.exec(readFileSync(path.join(ctx.config.dataDir, 'first-admin.txt'), 'utf8'))![1];
    const login = await request(app.callback()).post('/api/auth/login').send({ username: 'admin', password });
    expect(login.status).toBe(200);
    const auth = { Authorization: `Bearer ${login.body.token}` };
    const first = await request(app.callback()).post('/api/stations').set(auth).send({ name: '平川镇社工站', township: '平川镇', county: '某某县' });
    expect(first.status).toBe(201);
    const other = await request(app.callback()).post('/api/stations').set(auth).send({ name: '外县站', township: '外镇', county: '别的县' });
    expect(other.status).toBe(403);
    const list = await request(app.callback()).get('/api/stations').set(auth);
    expect(list.body.items.map((s: { name: string }) => s.name)).toEqual(['平川镇社工站']);
  });
});
