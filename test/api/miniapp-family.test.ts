import request from 'supertest';
import { FamilyContact, Resident } from '../../entities';
import { MAX_QUOTA } from '../../services/subscriptions';
import { elderScene } from '../checkin-fixtures';
import { createWorker } from '../factories';
import { useTestEnv } from '../helpers';

describe('mini-program: family members follow an elder', () => {
  const env = useTestEnv();
  const login = async (openid: string) => (await request(env().app.callback()).post('/api/miniapp/login').send({ code: `dev:${openid}` })).body.token as string;

  it('a family code binds the relative, who then sees the elder\'s check-in of today and nothing more', async () => {
    const { app, ctx } = env();
    const scene = await elderScene(ctx, { plan: { remindAt: '10:00' }, resident: { phone: '13900001111', address: '幸福村3组' } });
    const code = await request(app.callback()).post(`/api/family-contacts/${scene.son!.id}/binding-code`).set('Authorization', `Bearer ${scene.worker.token}`);
    expect(code.status).toBe(200);
    const son = await login('son-openid');
    const bind = await request(app.callback()).post('/api/miniapp/bind').set('Authorization', `Bearer ${son}`).send({ bindingCode: code.body.code });
    expect(bind.status).toBe(200);
    expect(bind.body).toEqual({ boundAs: 'family', familyContactId: scene.son!.id, name: '王小明', relation: '儿子', elder: { residentId: scene.resident.id, name: '王秀英' } });
    const contact = await ctx.db.manager.findOneByOrFail(FamilyContact, { id: scene.son!.id });
    expect(contact.openid).toBe('son-openid');
    expect(contact.wechatContactId).toBe(`son-${scene.k}`);
    // binding as family binds no resident record: the relative has no check-ins of their own
    expect((await request(app.callback()).get('/api/me').set('Authorization', `Bearer ${son}`)).body.error.code).toBe('not_bound');

    const family = await request(app.callback()).get('/api/me/family').set('Authorization', `Bearer ${son}`);
    expect(family.status).toBe(200);
    expect(family.body).toEqual({
      items: [{ familyContactId: scene.son!.id, relation: '儿子', residentId: scene.resident.id, name: '王秀英', today: { date: '2026-12-03', status: 'pending', confirmedAt: null } }],
      total: 1,
    });
    expect(JSON.stringify(family.body)).not.toMatch(/1390000|幸福村3组|13800000000/);

    // the elder checks in from her own mini-program: the son sees it confirmed
    const elderCode = await request(app.callback()).post(`/api/residents/${scene.resident.id}/binding-code`).set('Authorization', `Bearer ${scene.worker.token}`);
    const elder = await login('elder-openid');
    expect((await request(app.callback()).post('/api/miniapp/bind').set('Authorization', `Bearer ${elder}`).send({ bindingCode: elderCode.body.code })).body)
      .toMatchObject({ boundAs: 'resident', id: scene.resident.id, name: '王秀英' });
    expect((await request(app.callback()).post('/api/me/checkins').set('Authorization', `Bearer ${elder}`)).status).toBe(200);
    const after = await request(app.callback()).get('/api/me/family').set('Authorization', `Bearer ${son}`);
    expect(after.body.items[0].today).toEqual({ date: '2026-12-03', status: 'confirmed', confirmedAt: '2026-12-03T09:00:00+08:00' });
  });

  it('nobody else sees the elder: another user, a worker, nobody signed in', async () => {
    const { app, ctx } = env();
    const scene = await elderScene(ctx);
    await ctx.db.manager.update(FamilyContact, { id: scene.son!.id }, { openid: 'son-2' });
    const stranger = await login('stranger');
    expect((await request(app.callback()).get('/api/me/family').set('Authorization', `Bearer ${stranger}`)).body).toEqual({ items: [], total: 0 });
    expect((await request(app.callback()).get('/api/me/family').set('Authorization', `Bearer ${scene.worker.token}`)).status).toBe(403);
    expect((await request(app.callback()).get('/api/me/family')).status).toBe(401);
    // an elder erased (PIPL) is no longer shown to the family
    const son = await login('son-2');
    expect((await request(app.callback()).get('/api/me/family').set('Authorization', `Bearer ${son}`)).body.total).toBe(1);
    await ctx.db.manager.update(Resident, { id: scene.resident.id }, { erasedAt: ctx.clock.now() });
    expect((await request(app.callback()).get('/api/me/family').set('Authorization', `Bearer ${son}`)).body.total).toBe(0);
  });

  it('a worker\'s binding code does not bind in the mini-program', async () => {
    const { app, ctx } = env();
    const worker = await createWorker(ctx);
    const code = await request(app.callback()).post(`/api/workers/${worker.id}/binding-code`).set('Authorization', `Bearer ${worker.token}`);
    expect(code.status).toBe(200);
    const user = await login('not-a-worker');
    const bind = await request(app.callback()).post('/api/miniapp/bind').set('Authorization', `Bearer ${user}`).send({ bindingCode: code.body.code });
    expect(bind.status).toBe(400);
    expect(bind.body.error.code).toBe('invalid_binding_code');
  });
});

describe('mini-program: subscription quota (POST /api/me/subscriptions)', () => {
  const env = useTestEnv({ env: { WECHAT_TEMPLATES: JSON.stringify({ booking_reminder: 'T-BOOK', checkin_reminder: 'T-CHECK' }) } });
  const login = async (openid: string) => (await request(env().app.callback()).post('/api/miniapp/login').send({ code: `dev:${openid}` })).body.token as string;

  it('publishes the configured template ids', async () => {
    const res = await request(env().app.callback()).get('/api/miniapp/templates');
    expect(res.body).toEqual({ templates: { booking_reminder: 'T-BOOK', checkin_reminder: 'T-CHECK' } });
  });

  it('counts each acceptance once per template, bound or not', async () => {
    const { app } = env();
    const token = await login('quota-1');
    const first = await request(app.callback()).post('/api/me/subscriptions').set('Authorization', `Bearer ${token}`).send({ templates: ['booking_reminder', 'checkin_reminder'] });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ quota: { booking_reminder: 1, activity_reminder: 0, checkin_reminder: 1 } });
    const second = await request(app.callback()).post('/api/me/subscriptions').set('Authorization', `Bearer ${token}`).send({ templates: ['booking_reminder'] });
    expect(second.body.quota).toEqual({ booking_reminder: 2, activity_reminder: 0, checkin_reminder: 1 });
    expect((await request(app.callback()).get('/api/me/subscriptions').set('Authorization', `Bearer ${token}`)).body.quota.booking_reminder).toBe(2);
    // another user's quota is their own
    const other = await login('quota-2');
    expect((await request(app.callback()).get('/api/me/subscriptions').set('Authorization', `Bearer ${other}`)).body.quota.booking_reminder).toBe(0);
  });

  it('refuses unknown templates, repeats, absurd counts, empty lists, and callers who are not mini-program users', async () => {
    const { app, ctx } = env();
    const token = await login('quota-3');
    for (const templates of [['lottery_reminder'], ['booking_reminder', 'booking_reminder'], Array(50).fill('booking_reminder'), [], 'booking_reminder', [1]]) {
      const res = await request(app.callback()).post('/api/me/subscriptions').set('Authorization', `Bearer ${token}`).send({ templates });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.message).toMatch(/[\u4e00-\u9fa5]/);
    }
    expect((await request(app.callback()).post('/api/me/subscriptions').set('Authorization', `Bearer ${token}`).send({ templates: ['booking_reminder'], count: 99 })).status).toBe(400);
    expect((await request(app.callback()).get('/api/me/subscriptions').set('Authorization', `Bearer ${token}`)).body.quota.booking_reminder).toBe(0);
    const worker = await createWorker(ctx);
    expect((await request(app.callback()).post('/api/me/subscriptions').set('Authorization', `Bearer ${worker.token}`).send({ templates: ['booking_reminder'] })).status).toBe(403);
    expect((await request(app.callback()).post('/api/me/subscriptions').send({ templates: ['booking_reminder'] })).status).toBe(401);
  });

  it('concurrent reports all count, and the count stops at its ceiling', async () => {
    const { app, ctx } = env();
    const token = await login('quota-4');
    const send = () => request(app.callback()).post('/api/me/subscriptions').set('Authorization', `Bearer ${token}`).send({ templates: ['checkin_reminder'] });
    const answers = await Promise.all(Array.from({ length: 8 }, send));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
    expect((await ctx.services.subscriptions.quotaOf('quota-4')).checkin_reminder).toBe(8);
    await ctx.db.manager.query('UPDATE subscription_quota SET remaining = ? WHERE openid = ?', [MAX_QUOTA, 'quota-4']);
    expect((await send()).body.quota.checkin_reminder).toBe(MAX_QUOTA);
    // spending is atomic too: 5 concurrent spends of 3 acceptances spend exactly 3
    await ctx.db.manager.query('UPDATE subscription_quota SET remaining = 3 WHERE openid = ?', ['quota-4']);
    const spent = await Promise.all(Array.from({ length: 5 }, () => ctx.services.subscriptions.spend('quota-4', 'checkin_reminder')));
    expect(spent.filter(Boolean)).toHaveLength(3);
    expect((await ctx.services.subscriptions.quotaOf('quota-4')).checkin_reminder).toBe(0);
  });
});
