import request from 'supertest';
import { OutboxMessage } from '../../entities';
import { createStation, createWorker } from '../factories';
import { useTestEnv } from '../helpers';

describe('hand-off routes', () => {
  const env = useTestEnv();

  async function setup() {
    const { ctx } = env();
    const s = await createStation(ctx);
    const worker = await createWorker(ctx, { stationId: s.id, name: '刘芳' });
    const foreign = await createWorker(ctx);
    const county = await createWorker(ctx, { role: 'county_admin' });
    await ctx.services.chat.log({ stationId: s.id, contactId: 'asker', direction: 'in', text: '我想问问低保' });
    const { handoff } = await ctx.services.handoffs.request({ stationId: s.id, contactId: 'asker', contactName: '老李', residentId: null });
    return { s, worker, foreign, county, handoff };
  }

  it('lists open hand-offs of the own station with the conversation, never the WeChat id', async () => {
    const { app } = env();
    const { worker, handoff } = await setup();
    const res = await request(app.callback()).get('/api/handoffs?status=open').set('Authorization', `Bearer ${worker.token}`);
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(1);
    expect(res.body.items[0]).toMatchObject({ id: handoff.id, status: 'open', contactName: '老李' });
    expect(res.body.items[0].transcript[0]).toMatchObject({ direction: 'in', text: '我想问问低保' });
    expect(JSON.stringify(res.body)).not.toContain('asker');
  });

  it('takes (telling the contact), refuses a second take, closes; other stations get 404', async () => {
    const { app, ctx } = env();
    const { worker, foreign, county, handoff } = await setup();
    const http = request(app.callback());
    expect((await http.post(`/api/handoffs/${handoff.id}/take`).set('Authorization', `Bearer ${foreign.token}`)).status).toBe(404);
    expect((await http.post(`/api/handoffs/${handoff.id}/close`).set('Authorization', `Bearer ${foreign.token}`)).status).toBe(404);
    expect((await http.get('/api/handoffs').set('Authorization', `Bearer ${foreign.token}`)).body.total).toBe(0);
    expect((await http.get('/api/handoffs').set('Authorization', `Bearer ${county.token}`)).status).toBe(403);
    expect((await http.get('/api/handoffs')).status).toBe(401);
    const taken = await http.post(`/api/handoffs/${handoff.id}/take`).set('Authorization', `Bearer ${worker.token}`);
    expect(taken.status).toBe(200);
    expect(taken.body).toMatchObject({ status: 'taken', takenBy: worker.id });
    const notice = await ctx.db.manager.findOneOrFail(OutboxMessage, { where: { toContactId: 'asker', kind: 'handoff_taken' } });
    expect(notice.text).toContain('刘芳');
    const again = await http.post(`/api/handoffs/${handoff.id}/take`).set('Authorization', `Bearer ${worker.token}`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('handoff_not_open');
    const closed = await http.post(`/api/handoffs/${handoff.id}/close`).set('Authorization', `Bearer ${worker.token}`);
    expect(closed.body).toMatchObject({ status: 'closed' });
    expect((await http.post(`/api/handoffs/${handoff.id}/close`).set('Authorization', `Bearer ${worker.token}`)).status).toBe(409);
    expect(await ctx.services.handoffs.active(handoff.stationId, 'asker')).toBeNull();
    expect((await http.post('/api/handoffs/abc/take').set('Authorization', `Bearer ${worker.token}`)).status).toBe(400);
  });

  it('two workers taking at once: exactly one wins', async () => {
    const { app, ctx } = env();
    const { s, worker, handoff } = await setup();
    const other = await createWorker(ctx, { stationId: s.id });
    const http = request(app.callback());
    const res = await Promise.all([worker, other].map((w) => http.post(`/api/handoffs/${handoff.id}/take`).set('Authorization', `Bearer ${w.token}`)));
    expect(res.map((r) => r.status).sort()).toEqual([200, 409]);
  });
});
