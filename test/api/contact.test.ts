import request from 'supertest';
import { AuditEntry } from '../../entities';
import { createFamily, createResident, createStation, createWorker } from '../factories';
import { useTestEnv } from '../helpers';

describe('GET /api/residents/:id/contact', () => {
  const env = useTestEnv();

  it('gives the full numbers to workers of the own station only, and audits each read', async () => {
    const { ctx, app } = env();
    const s = await createStation(ctx);
    const r = await createResident(ctx, { stationId: s.id, phone: '13912345678' });
    const f = await createFamily(ctx, { residentId: r.id, name: '王小明', relation: '儿子', phone: '13800001111' });
    const w = await createWorker(ctx, { stationId: s.id });
    const foreign = await createWorker(ctx);
    const county = await createWorker(ctx, { role: 'county_admin' });
    const http = request(app.callback());
    const res = await http.get(`/api/residents/${r.id}/contact`).set('Authorization', `Bearer ${w.token}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ phone: '13912345678', family: [{ id: f.id, name: '王小明', relation: '儿子', phone: '13800001111' }] });
    await http.get(`/api/residents/${r.id}/contact`).set('Authorization', `Bearer ${w.token}`);
    expect(await ctx.db.manager.count(AuditEntry, { where: { residentId: r.id, action: 'contact_read', workerId: w.id } })).toBe(2);
    expect((await http.get(`/api/residents/${r.id}/contact`).set('Authorization', `Bearer ${foreign.token}`)).status).toBe(404);
    expect([403, 404]).toContain((await http.get(`/api/residents/${r.id}/contact`).set('Authorization', `Bearer ${county.token}`)).status);
    expect((await http.get(`/api/residents/${r.id}/contact`)).status).toBe(401);
    expect((await http.get('/api/residents/999999/contact').set('Authorization', `Bearer ${w.token}`)).status).toBe(404);
    // The list keeps masking.
    const list = await http.get('/api/residents').set('Authorization', `Bearer ${w.token}`);
    expect(JSON.stringify(list.body)).not.toContain('13912345678');
  });
});
