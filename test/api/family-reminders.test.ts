import request from 'supertest';
import { Alert, FamilyContact, FamilyReminder, FamilyReminderSchedule, OutboxMessage } from '../../entities';
import { deliverAll, sentTo } from '../checkin-fixtures';
import { familyScene, runFamilyReminders } from '../family-fixtures';
import { createFamily, createResident, createWorker } from '../factories';
import { useTestEnv } from '../helpers';

const at = (s: string) => new Date(`${s}+08:00`);
const SAMPLE = '张先生您好，这周和小明视频了吗？孩子在家挺想您的。聊过了回复1。';

describe('family reminders', () => {
  const env = useTestEnv();
  const api = () => request(env().app.callback());
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  /** A family scene with the father reminded every Sunday at 19:00, saved on Thursday 2026-12-03. */
  async function weeklyScene() {
    const { ctx, clock } = env();
    clock.set(at('2026-12-03T10:00:00'));
    const s = await familyScene(ctx);
    const res = await api().put(`/api/residents/${s.child.id}/family-reminders`).set(auth(s.worker.token))
      .send([{ familyContactId: s.father.id, weekday: 0, time: '19:00' }]);
    expect(res.status).toBe(200);
    return s;
  }

  it('saves and reads a weekly schedule', async () => {
    const s = await weeklyScene();
    const got = await api().get(`/api/residents/${s.child.id}/family-reminders`).set(auth(s.worker.token));
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ total: 1, items: [{ familyContactId: s.father.id, weekday: 0, weekdayLabel: '周日', time: '19:00', message: null }] });
    const cleared = await api().put(`/api/residents/${s.child.id}/family-reminders`).set(auth(s.worker.token)).send([]);
    expect(cleared.body).toEqual({ items: [], total: 0 });
  });

  it('refuses bad input with a clear 4xx and writes nothing', async () => {
    const { ctx } = env();
    const s = await weeklyScene();
    const other = await createResident(ctx, { stationId: s.station.id });
    const strangersFather = await createFamily(ctx, { residentId: other.id, relation: '父亲' });
    const foreign = await familyScene(ctx);
    const put = (body: unknown, token = s.worker.token, id = s.child.id) =>
      api().put(`/api/residents/${id}/family-reminders`).set(auth(token)).send(body as object);
    const cases: [unknown, RegExp][] = [
      [[{ familyContactId: s.father.id, weekday: 7, time: '19:00' }], /星期为 0–6/],
      [[{ familyContactId: s.father.id, weekday: -1, time: '19:00' }], /星期为 0–6/],
      [[{ familyContactId: s.father.id, weekday: 1.5, time: '19:00' }], /星期为 0–6/],
      [[{ familyContactId: s.father.id, weekday: 0, time: '24:00' }], /HH:mm/],
      [[{ familyContactId: s.father.id, weekday: 0, time: '19:60' }], /HH:mm/],
      [[{ familyContactId: s.father.id, weekday: 0, time: '7pm' }], /HH:mm/],
      [[{ familyContactId: s.father.id, weekday: 0, time: '22:00' }], /夜间不打扰/],
      [[{ familyContactId: strangersFather.id, weekday: 0, time: '19:00' }], /不是该居民的家属/],
      [[{ familyContactId: foreign.father.id, weekday: 0, time: '19:00' }], /不是该居民的家属/],
      [[{ familyContactId: s.father.id, weekday: 0, time: '19:00' }, { familyContactId: s.father.id, weekday: 0, time: '19:00' }], /重复/],
      [{ familyContactId: s.father.id, weekday: 0, time: '19:00' }, /输入有误/],
    ];
    for (const [body, message] of cases) {
      const res = await put(body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.message).toMatch(message);
    }
    // The saved schedule is untouched by every refusal.
    expect(await ctx.db.manager.find(FamilyReminderSchedule, { where: { residentId: s.child.id } })).toMatchObject([{ weekday: 0, time: '19:00' }]);
    // Another station's child: not found; a county admin does no case work.
    expect((await put([], s.worker.token, foreign.child.id)).status).toBe(404);
    const county = await createWorker(ctx, { role: 'county_admin' });
    expect((await put([], county.token)).status).toBe(404);
    expect((await api().get('/api/family-reminders').set(auth(county.token))).status).toBe(403);
    expect((await api().get(`/api/family-reminders?residentId=${foreign.child.id}`).set(auth(s.worker.token))).status).toBe(404);
  });

  it('sends the Sunday 19:00 reminder once, however often and on however many instances the job runs', async () => {
    const { ctx, clock } = env();
    const s = await weeklyScene();
    clock.set(at('2026-12-06T18:59:00'));
    await runFamilyReminders(ctx);
    expect(await sentTo(ctx, s.father.wechatContactId!)).toHaveLength(0);
    clock.set(at('2026-12-06T19:00:00'));
    await Promise.all([1, 2, 3, 4, 5].map(() => ctx.services.familyReminders.sweep(ctx.clock.now())));
    await runFamilyReminders(ctx);
    const rows = await sentTo(ctx, s.father.wechatContactId!);
    expect(rows.map((r) => r.text)).toEqual([SAMPLE]);
    expect(await ctx.db.manager.count(FamilyReminder, { where: { residentId: s.child.id } })).toBe(1);

    const before = await api().get(`/api/family-reminders?residentId=${s.child.id}`).set(auth(s.worker.token));
    expect(before.body.items).toEqual([expect.objectContaining({
      familyContactId: s.father.id, familyName: '张建国', relation: '父亲', residentName: '张小明', kind: 'call_home',
      dueAt: '2026-12-06T19:00:00+08:00', sentAt: null, delivery: 'pending', acknowledgedAt: null, text: SAMPLE,
    })]);
    await deliverAll(ctx);
    const after = await api().get(`/api/family-reminders?residentId=${s.child.id}&from=2026-12-06&to=2026-12-06`).set(auth(s.worker.token));
    expect(after.body.items[0]).toMatchObject({ sentAt: '2026-12-06T19:00:00+08:00', delivery: 'sent' });
    const outside = await api().get(`/api/family-reminders?residentId=${s.child.id}&from=2026-12-07`).set(auth(s.worker.token));
    expect(outside.body).toEqual({ items: [], total: 0 });
    const badDate = await api().get('/api/family-reminders?from=2026-02-30').set(auth(s.worker.token));
    expect(badDate.status).toBe(400);
  });

  it('a schedule applies from its next time; a late job catches up within two hours and respects the quiet hours', async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-06T19:30:00'));
    const s = await familyScene(ctx);
    await ctx.services.familyReminders.saveSchedules(s.actor, s.child.id, [{ familyContactId: s.father.id, weekday: 0, time: '19:00' }, { familyContactId: s.father.id, weekday: 0, time: '20:00' }]);
    clock.set(at('2026-12-06T21:30:00'));
    await runFamilyReminders(ctx);
    // 19:00 was before the schedule existed; 20:00 is caught up, held to the morning.
    const rows = await sentTo(ctx, s.father.wechatContactId!);
    expect(rows).toHaveLength(1);
    expect(rows[0].notBefore.toISOString()).toBe(at('2026-12-07T08:00:00').toISOString());
    // Too late to catch up: the next Sunday's reminders wait for their time.
    clock.set(at('2026-12-13T23:30:00'));
    await runFamilyReminders(ctx);
    expect(await sentTo(ctx, s.father.wechatContactId!)).toHaveLength(1);
  });

  it('sends nothing to a contact who opted out or is not bound, nor about a child no longer active', async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-03T10:00:00'));
    const s = await familyScene(ctx);
    const unbound = await createFamily(ctx, { residentId: s.child.id, name: '张妈妈', relation: '母亲' });
    await ctx.services.familyReminders.saveSchedules(s.actor, s.child.id, [
      { familyContactId: s.father.id, weekday: 0, time: '19:00' }, { familyContactId: unbound.id, weekday: 0, time: '19:00' },
    ]);
    await ctx.db.manager.update(FamilyContact, { id: s.father.id }, { optedOut: true });
    clock.set(at('2026-12-06T19:00:00'));
    await runFamilyReminders(ctx);
    const statuses = async () => (await ctx.db.manager.find(FamilyReminder, { where: { residentId: s.child.id }, order: { id: 'ASC' } })).map((x) => x.status);
    expect(await statuses()).toEqual(['cancelled', 'cancelled']);
    expect(await sentTo(ctx, s.father.wechatContactId!)).toHaveLength(0);
    await ctx.db.manager.update(FamilyContact, { id: s.father.id }, { optedOut: false });
    await ctx.services.residents.update(s.actor, s.child.id, { status: 'moved' });
    clock.set(at('2026-12-13T19:00:00'));
    await runFamilyReminders(ctx);
    expect(await statuses()).toEqual(['cancelled', 'cancelled', 'cancelled', 'cancelled']);
    expect(await sentTo(ctx, s.father.wechatContactId!)).toHaveLength(0);
  });

  it('three unanswered weeks in a row flag the child for the children\'s officer and the workers, once', async () => {
    const { ctx, clock } = env();
    const s = await weeklyScene();
    for (const d of ['2026-12-06', '2026-12-13', '2026-12-20']) {
      clock.set(at(`${d}T19:00:00`));
      await runFamilyReminders(ctx);
      await deliverAll(ctx);
    }
    expect(await ctx.db.manager.count(Alert, { where: { residentId: s.child.id } })).toBe(0);
    clock.set(at('2026-12-27T19:00:00'));
    await runFamilyReminders(ctx);
    const alerts = await api().get(`/api/alerts?residentId=${s.child.id}`).set(auth(s.worker.token));
    expect(alerts.body.items).toEqual([expect.objectContaining({ type: 'family_silent', typeLabel: '家长连续未回复', status: 'open', residentName: '张小明' })]);
    const id = alerts.body.items[0].id;
    const toWorker = (await sentTo(ctx, s.worker.wechatContactId!)).map((m) => m.text);
    expect(toWorker).toEqual([`【留守儿童关注】${s.community.name}张小明的父亲张建国已连续3周没有回复“和孩子联系”的提醒，请了解孩子和家里的情况。处理后回复“已处理 ${id}”。`]);
    const toOfficer = (await sentTo(ctx, s.officer.wechatContactId!)).map((m) => m.text);
    expect(toOfficer).toHaveLength(1);
    expect(toOfficer[0]).toMatch(/^儿童主任您好，【留守儿童关注】/);
    // Not an emergency: it waits for the morning when raised at night.
    expect((await sentTo(ctx, s.officer.wechatContactId!))[0].urgent).toBe(false);
    clock.set(at('2026-12-27T19:05:00'));
    await runFamilyReminders(ctx);
    clock.set(at('2027-01-03T19:00:00'));
    await runFamilyReminders(ctx);
    expect(await ctx.db.manager.count(Alert, { where: { residentId: s.child.id } })).toBe(1);
  });

  it('an answered week breaks the run', async () => {
    const { ctx, clock } = env();
    const s = await weeklyScene();
    for (const d of ['2026-12-06', '2026-12-13', '2026-12-20', '2026-12-27']) {
      clock.set(at(`${d}T19:00:00`));
      await runFamilyReminders(ctx);
      if (d === '2026-12-13') expect(await ctx.services.familyReminders.acknowledge([s.father.id], at(`${d}T20:00:00`))).not.toBeNull();
    }
    expect(await ctx.db.manager.count(Alert, { where: { residentId: s.child.id } })).toBe(0);
  });

  it('a guardian reminder from a template goes to the grandmother the evening before', async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-03T10:00:00'));
    const s = await familyScene(ctx);
    const post = (body: object) => api().post(`/api/residents/${s.child.id}/guardian-reminders`).set(auth(s.worker.token)).send(body);
    const res = await post({ familyContactId: s.grandma.id, type: 'school_meeting', eventAt: '2026-12-05T14:00:00+08:00', place: '沙河小学' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      kind: 'guardian', guardianType: 'school_meeting', dueAt: '2026-12-04T19:00:00+08:00', status: 'scheduled',
      text: '李奶奶您好，小明的学校12月5日（周六）下午2:00开家长会，地点：沙河小学，请您记得参加。收到请回复1。',
    });
    expect((await post({ familyContactId: s.grandma.id, type: 'school_meeting', eventAt: '2026-12-05T14:00:00+08:00' })).status).toBe(409);
    const own = await post({
      familyContactId: s.grandma.id, type: 'vaccination', eventAt: '2026-12-10T09:00:00+08:00', remindAt: '2026-12-09T18:00:00+08:00',
      template: '{称呼}，{孩子}{时间}去镇卫生院打疫苗，别忘了带接种本。回复1表示收到。',
    });
    expect(own.body.text).toBe('李奶奶，小明12月10日（周四）上午9:00去镇卫生院打疫苗，别忘了带接种本。回复1表示收到。');
    for (const [body, message] of [
      [{ familyContactId: s.grandma.id, type: 'health_check', eventAt: '2026-12-01T09:00:00+08:00' }, /已经过去/],
      [{ familyContactId: s.grandma.id, type: 'health_check', eventAt: '2026-12-10T09:00:00+08:00', remindAt: '2026-12-09T22:00:00+08:00' }, /夜间不打扰/],
      [{ familyContactId: s.grandma.id, type: 'health_check', eventAt: '2026-12-10T09:00:00+08:00', remindAt: '2026-12-11T10:00:00+08:00' }, /早于活动时间/],
      [{ familyContactId: s.grandma.id, type: 'picnic', eventAt: '2026-12-10T09:00:00+08:00' }, /应为以下之一/],
      [{ familyContactId: s.grandma.id, type: 'health_check', eventAt: '2026-12-10 09:00' }, /ISO 8601/],
      [{ familyContactId: (await familyScene(ctx)).grandma.id, type: 'health_check', eventAt: '2026-12-10T09:00:00+08:00' }, /不是该居民的家属/],
    ] as [object, RegExp][]) {
      const bad = await post(body);
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(message);
    }
    clock.set(at('2026-12-04T18:59:00'));
    await runFamilyReminders(ctx);
    expect(await sentTo(ctx, s.grandma.wechatContactId!)).toHaveLength(0);
    clock.set(at('2026-12-04T19:00:00'));
    await runFamilyReminders(ctx);
    expect((await sentTo(ctx, s.grandma.wechatContactId!)).map((m) => m.text)).toEqual([res.body.text]);
    const history = await api().get(`/api/family-reminders?residentId=${s.child.id}&kind=guardian`).set(auth(s.worker.token));
    expect(history.body).toMatchObject({ total: 1, items: [{ familyContactId: s.grandma.id, guardianType: 'school_meeting' }] });
  });

  it("names a community's children's officer (station admin, own station's worker)", async () => {
    const { ctx } = env();
    const s = await familyScene(ctx);
    const foreign = await familyScene(ctx);
    const put = (body: object, token = s.admin.token, id = s.community.id) => api().put(`/api/communities/${id}/children-officer`).set(auth(token)).send(body);
    expect((await put({ workerId: s.worker.id })).body).toMatchObject({ id: s.community.id, childrenOfficerId: s.worker.id });
    expect((await put({ workerId: foreign.worker.id })).status).toBe(400);
    expect((await put({ workerId: s.worker.id }, s.admin.token, foreign.community.id)).status).toBe(404);
    expect((await put({ workerId: s.worker.id }, s.worker.token)).status).toBe(403);
    expect((await put({ workerId: null })).body.childrenOfficerId).toBeNull();
  });

  it("takes part in the resident's export and erase", async () => {
    const { ctx, clock } = env();
    const s = await weeklyScene();
    clock.set(at('2026-12-06T19:00:00'));
    await runFamilyReminders(ctx);
    const exported = await api().get(`/api/residents/${s.child.id}/export`).set(auth(s.worker.token));
    expect(exported.body.familyReminders).toMatchObject({ schedules: [{ weekday: 0, time: '19:00' }], reminders: [{ text: SAMPLE }] });
    expect((await api().post(`/api/residents/${s.child.id}/erase`).set(auth(s.admin.token))).status).toBe(200);
    expect(await ctx.db.manager.count(FamilyReminderSchedule, { where: { residentId: s.child.id } })).toBe(0);
    const kept = await ctx.db.manager.find(FamilyReminder, { where: { residentId: s.child.id } });
    expect(kept).toHaveLength(1);
    expect(kept[0].text).not.toContain('小明');
    const outbox = await ctx.db.manager.find(OutboxMessage, { where: { refType: 'family_reminder', refId: kept[0].id } });
    expect(outbox.every((o) => !o.text.includes('小明'))).toBe(true);
  });
});
