import request from 'supertest';
import {
  Alert, Conversation, FamilyContact, Handoff, MessageLog, OutboxMessage, Resident, ServiceRecord, Worker,
} from '../../entities';
import { ERASED_TEXT } from '../../services/chat';
import { idCheckChar } from '../../services/idnumber';
import { actorOf, createCommunity, createFamily, createResident, createStation, createWorker } from '../factories';
import { useTestEnv } from '../helpers';
import { startTestBot, TestBot } from '../bot/harness';

/** A valid ID number for a birth date: female unless `male`. */
function idFor(birth: string, n = 1, male = false): string {
  const first17 = `620723${birth.replace(/-/g, '')}${String(n).padStart(2, '0')}${male ? 1 : 2}`;
  return first17 + idCheckChar(first17);
}

/** Findings of the outside contract review on people, privacy and permissions. */
describe('residents: review findings (erase, export, ID number, erased visibility, workers, binding text)', () => {
  const env = useTestEnv();
  const auth = (t: string) => ({ Authorization: `Bearer ${t}` });
  let bot: TestBot | undefined;
  afterAll(async () => {
    await bot?.stop();
  });

  async function setup() {
    const { ctx } = env();
    const station = await createStation(ctx);
    const community = await createCommunity(ctx, { stationId: station.id, name: '沙河村' });
    const worker = await createWorker(ctx, { stationId: station.id, wechatContactId: `wx-worker-${station.id}` });
    const admin = await createWorker(ctx, { stationId: station.id, role: 'station_admin' });
    return { ctx, station, community, worker, admin };
  }

  /** A resident with a bound WeChat, a bound family contact, alerts, hand-offs, messages and queued texts. */
  async function richResident(name: string) {
    const s = await setup();
    const { ctx, station, community, worker } = s;
    const contact = `wx-res-${station.id}`;
    const r = await createResident(ctx, {
      stationId: station.id, communityId: community.id, name, phone: '13800005555', wechatContactId: contact, tags: ['living_alone'],
    });
    const son = await createFamily(ctx, { residentId: r.id, name: '张小测', relation: '儿子', wechatContactId: `wx-son-${station.id}` });
    // Before binding, the contact asked for a person (no resident on the hand-off yet).
    await ctx.services.chat.log({ stationId: station.id, contactId: contact, direction: 'in', text: '我是张测试，腿疼得很' });
    const early = await ctx.services.handoffs.request({ stationId: station.id, contactId: contact, contactName: `${name}微信`, residentId: null });
    await ctx.services.handoffs.close(actorOf(worker), early.handoff.id);
    await ctx.services.chat.log({ stationId: station.id, contactId: contact, direction: 'in', text: '找社工，我儿子没打电话' });
    const later = await ctx.services.handoffs.request({ stationId: station.id, contactId: contact, contactName: `${name}微信`, residentId: r.id });
    const missed = await ctx.services.alerts.raise({
      stationId: station.id, residentId: r.id, type: 'checkin_missed', summary: `沙河村 ${name} 2026-12-01 到11:00未报平安`,
      dedupeKey: `review-missed-${r.id}`, workerText: `【未报平安】沙河村 ${name}（独居）今日未报平安。处理后回复“已处理 {id}”。`,
      familyText: `【平安提醒】您的母亲${name}今天到11:00还没有报平安。`,
    });
    const help = await ctx.services.alerts.raise({
      stationId: station.id, residentId: r.id, type: 'help_call', summary: `${name} 发来：“救命，我摔倒了”`, dedupeKey: `review-help-${r.id}`,
    });
    await ctx.services.alerts.recordReply(r.id, `我是${name}，没事了`, ctx.clock.now());
    await ctx.services.alerts.resolve(actorOf(worker), help.alert.id, 'visited', `上门看了${name}，已送医`);
    // The workers' notice went out and was logged in the worker's chat; the alert list named her too.
    const notice = await ctx.db.manager.findOneByOrFail(OutboxMessage, { refType: 'alert', refId: missed.alert.id, toContactId: worker.wechatContactId! });
    await ctx.db.manager.update(OutboxMessage, { id: notice.id }, { status: 'sent', sentAt: ctx.clock.now() });
    await ctx.services.chat.log({ stationId: station.id, contactId: worker.wechatContactId!, direction: 'out', text: notice.text });
    await ctx.services.chat.log({ stationId: station.id, contactId: worker.wechatContactId!, direction: 'out', text: `未处理告警 1 条：\n${missed.alert.id} 【未报平安】 沙河村 ${name}` });
    await ctx.services.chat.log({ stationId: station.id, contactId: worker.wechatContactId!, direction: 'out', text: '目前没有未处理的告警 👍' });
    // A reminder to her, one already sent to her, and a conversation in progress.
    await ctx.services.outbox.enqueue({ stationId: station.id, toContactId: contact, text: `${name}您好，明天上午有义诊`, kind: 'test', dedupeKey: `review-pending-${r.id}` });
    await ctx.services.outbox.enqueue({ stationId: station.id, toContactId: contact, text: `${name}您好，已预约`, kind: 'test', dedupeKey: `review-sent-${r.id}` });
    await ctx.db.manager.update(OutboxMessage, { dedupeKey: `review-sent-${r.id}` }, { status: 'sent' });
    await ctx.services.conversations.set(station.id, contact, { awaiting: 'binding_code' });
    return { ...s, r, son, contact, early: early.handoff, later: later.handoff, missed: missed.alert, help: help.alert };
  }

  /** Every row of every table, as JSON: where personal data could still be held. */
  async function everything(): Promise<string> {
    const { ctx } = env();
    const out: unknown[] = [];
    for (const meta of ctx.db.dataSource.entityMetadatas) out.push(await ctx.db.manager.find(meta.target));
    return JSON.stringify(out);
  }

  it('erase removes the resident\'s personal data from alerts, hand-offs, messages and the outbox; counts stay', async () => {
    const { app } = env();
    const name = '张测试';
    const { ctx, station, r, son, contact, early, later, missed, help, admin, worker } = await richResident(name);
    expect(await everything()).toContain(name);
    const alertsBefore = await ctx.db.manager.count(Alert, { where: { stationId: station.id } });
    const outboxBefore = await ctx.db.manager.count(OutboxMessage, { where: { stationId: station.id } });

    const res = await request(app.callback()).post(`/api/residents/${r.id}/erase`).set(auth(admin.token));
    expect(res.status).toBe(200);

    const dump = await everything();
    for (const held of [name, '13800005555', '张小测', '腿疼得很', '没事了', '摔倒了', '义诊']) expect(dump).not.toContain(held);

    const alerts = await ctx.db.manager.find(Alert, { where: { stationId: station.id }, order: { id: 'ASC' } });
    expect(alerts).toHaveLength(alertsBefore);
    expect(alerts.find((a) => a.id === missed.id)).toMatchObject({ summary: '已删除的居民：未报平安', replyText: null, note: null, residentId: r.id, type: 'checkin_missed', status: 'open' });
    expect(alerts.find((a) => a.id === help.id)).toMatchObject({ summary: '已删除的居民：紧急求助', replyText: null, note: null, status: 'resolved', outcome: 'visited' });
    expect(await ctx.db.manager.count(ServiceRecord, { where: { alertId: help.id, type: 'home_visit' } })).toBe(1);

    for (const h of [early, later]) {
      expect(await ctx.db.manager.findOneByOrFail(Handoff, { id: h.id })).toMatchObject({ contactName: null, transcript: [] });
    }
    // Rows stay for the counts; pending ones to her and her family are not sent.
    expect(await ctx.db.manager.count(OutboxMessage, { where: { stationId: station.id } })).toBe(outboxBefore);
    const toThem = await ctx.db.manager.find(OutboxMessage, { where: [{ toContactId: contact }, { toContactId: son.wechatContactId! }] });
    expect(toThem.length).toBeGreaterThanOrEqual(3);
    expect(toThem.every((o) => o.status !== 'pending' && o.text === ERASED_TEXT)).toBe(true);
    expect((await ctx.db.manager.findOneByOrFail(OutboxMessage, { dedupeKey: `review-sent-${r.id}` })).status).toBe('sent');
    expect(await ctx.db.manager.count(Conversation, { where: { stationId: station.id, contactId: contact } })).toBe(0);
    expect(await ctx.db.manager.count(MessageLog, { where: { contactId: contact } })).toBe(0);
    // The worker's own chat keeps what was not about her.
    const workerLog = await ctx.db.manager.find(MessageLog, { where: { contactId: worker.wechatContactId! } });
    expect(workerLog.map((m) => m.text)).toEqual(['目前没有未处理的告警 👍']);
    expect(await ctx.db.manager.count(FamilyContact, { where: { residentId: r.id } })).toBe(0);

    // The console shows the anonymous alert and hand-off.
    const list = await request(app.callback()).get('/api/alerts').set(auth(worker.token));
    expect(JSON.stringify(list.body)).not.toContain(name);
    const hs = await request(app.callback()).get('/api/handoffs').set(auth(worker.token));
    expect(hs.status).toBe(200);
    expect(JSON.stringify(hs.body)).not.toContain(name);
  });

  it('erase leaves alone a contact that is also someone else (a worker who is the family contact)', async () => {
    const { app } = env();
    const { ctx, station, community, worker, admin } = await setup();
    const r = await createResident(ctx, { stationId: station.id, communityId: community.id, name: '李测母' });
    await createFamily(ctx, { residentId: r.id, name: worker.name, relation: '女儿', wechatContactId: worker.wechatContactId });
    await ctx.services.chat.log({ stationId: station.id, contactId: worker.wechatContactId!, direction: 'out', text: '告警 99 已结案 ✅' });
    await ctx.services.outbox.enqueue({ stationId: station.id, toContactId: worker.wechatContactId!, text: '另一位老人的告警', kind: 'test', dedupeKey: `shared-${r.id}` });
    expect((await request(app.callback()).post(`/api/residents/${r.id}/erase`).set(auth(admin.token))).status).toBe(200);
    expect(await ctx.db.manager.count(MessageLog, { where: { contactId: worker.wechatContactId!, text: '告警 99 已结案 ✅' } })).toBe(1);
    expect(await ctx.db.manager.findOneByOrFail(OutboxMessage, { dedupeKey: `shared-${r.id}` })).toMatchObject({ status: 'pending', text: '另一位老人的告警' });
    expect((await ctx.db.manager.findOneByOrFail(Worker, { id: worker.id })).wechatContactId).toBe(worker.wechatContactId);
  });

  it('export holds alerts with replies, hand-offs with transcripts, the message log (last 500) and named audit entries', async () => {
    const { app } = env();
    const name = '王导出';
    const { ctx, station, r, contact, missed, help, later, worker, admin } = await richResident(name);
    await request(app.callback()).get(`/api/residents/${r.id}`).set(auth(worker.token)).expect(200);
    const at = ctx.clock.now();
    await ctx.db.manager.insert(MessageLog, Array.from({ length: 510 }, (_, i) => ({
      stationId: station.id, contactId: contact, direction: 'in' as const, type: 'text', text: `第${i}条`, at,
    })));
    const res = await request(app.callback()).get(`/api/residents/${r.id}/export`).set(auth(worker.token));
    expect(res.status).toBe(200);
    expect(res.body.alerts.map((a: { id: number }) => a.id)).toEqual([missed.id, help.id]);
    expect(res.body.alerts[0]).toMatchObject({ type: 'checkin_missed', summary: expect.stringContaining(name), replyText: `我是${name}，没事了`, createdAt: expect.stringMatching(/\+08:00$/) });
    expect(res.body.alerts[1]).toMatchObject({ outcome: 'visited', note: `上门看了${name}，已送医` });
    expect(res.body.handoffs).toHaveLength(2);
    const last = res.body.handoffs.find((h: { id: number }) => h.id === later.id);
    expect(last.transcript.map((t: { text: string }) => t.text)).toEqual(['我是张测试，腿疼得很', '找社工，我儿子没打电话']);
    expect(res.body.messages).toHaveLength(500);
    expect(res.body.messages[499]).toMatchObject({ direction: 'in', text: '第509条', at: expect.stringMatching(/\+08:00$/) });
    expect(res.body.messages[0].text).toBe('第10条');
    expect(res.body.checkins).toBeDefined();
    // Audit entries: the same presenter, the same worker names as GET /api/audit.
    const log = await request(app.callback()).get('/api/audit').set(auth(admin.token)).query({ residentId: r.id });
    const read = res.body.audit.find((a: { action: string }) => a.action === 'read');
    expect(read).toMatchObject({ workerId: worker.id, workerName: worker.name });
    expect(res.body.audit.find((a: { action: string }) => a.action === 'export')).toMatchObject({ workerName: worker.name });
    const fromLog = log.body.items.find((a: { id: number }) => a.id === read.id);
    expect(read).toEqual(fromLog);
    expect(res.body.audit.map((a: { id: number }) => a.id)).toEqual([...res.body.audit.map((a: { id: number }) => a.id)].sort((x, y) => x - y));
  });

  it('an ID number never overwrites a given or stored gender or birth date: 400 and nothing changes', async () => {
    const { app } = env();
    const { ctx, community, worker, station } = await setup();
    const http = request(app.callback());
    const maleId = idFor('1950-05-05', 4, true);
    const femaleId = idFor('1948-02-10', 5);

    const clash = await http.post('/api/residents').set(auth(worker.token)).send({ name: '刘女士', communityId: community.id, gender: 'female', idNumber: maleId });
    expect(clash.status).toBe(400);
    expect(clash.body.error).toMatchObject({ code: 'validation_failed', message: '性别与身份证号不符' });
    expect(clash.body.error.details).toEqual([expect.objectContaining({ path: 'gender', message: '性别与身份证号不符' })]);
    const born = await http.post('/api/residents').set(auth(worker.token)).send({ name: '刘女士', communityId: community.id, birthDate: '1950-05-06', idNumber: maleId });
    expect(born.status).toBe(400);
    expect(born.body.error.details).toEqual([expect.objectContaining({ path: 'birthDate', message: '出生日期与身份证号不符' })]);
    expect(await ctx.db.manager.count(Resident, { where: { stationId: station.id } })).toBe(0);

    const agreeing = await http.post('/api/residents').set(auth(worker.token)).send({ name: '孙女士', communityId: community.id, gender: 'female', birthDate: '1948-02-10', idNumber: femaleId });
    expect(agreeing.status).toBe(201);
    expect(agreeing.body).toMatchObject({ gender: 'female', birthDate: '1948-02-10' });

    // The reviewer's case: created female without an ID number, then a male ID number by PATCH.
    const her = await http.post('/api/residents').set(auth(worker.token)).send({ name: '周女士', communityId: community.id, gender: 'female', birthDate: '1950-05-05' });
    expect(her.status).toBe(201);
    const patched = await http.patch(`/api/residents/${her.body.id}`).set(auth(worker.token)).send({ idNumber: maleId });
    expect(patched.status).toBe(400);
    expect(patched.body.error.message).toBe('性别与身份证号不符');
    expect(await ctx.db.manager.findOneByOrFail(Resident, { id: her.body.id })).toMatchObject({ gender: 'female', idNumberHash: null });
    // Given together with a gender that agrees, the ID number is taken.
    const fixed = await http.patch(`/api/residents/${her.body.id}`).set(auth(worker.token)).send({ idNumber: maleId, gender: 'male' });
    expect(fixed.status).toBe(200);
    expect(fixed.body).toMatchObject({ gender: 'male', birthDate: '1950-05-05', hasIdNumber: true });
    // Against the stored ID number: a gender or birth date that disagrees is refused.
    const stored = await http.patch(`/api/residents/${her.body.id}`).set(auth(worker.token)).send({ gender: 'female' });
    expect([stored.status, stored.body.error?.message]).toEqual([400, '性别与身份证号不符']);
    const storedBirth = await http.patch(`/api/residents/${her.body.id}`).set(auth(worker.token)).send({ birthDate: '1951-01-01', name: '周某' });
    expect([storedBirth.status, storedBirth.body.error?.message]).toEqual([400, '出生日期与身份证号不符']);
    expect(await ctx.db.manager.findOneByOrFail(Resident, { id: her.body.id })).toMatchObject({ gender: 'male', birthDate: '1950-05-05', name: '周女士' });
    // Not given: filled from the ID number, stored facts included.
    const cleared = await http.patch(`/api/residents/${her.body.id}`).set(auth(worker.token)).send({ gender: null });
    expect(cleared.body.gender).toBe('male');
    const noFacts = await http.post('/api/residents').set(auth(worker.token)).send({ name: '吴先生', communityId: community.id });
    const filled = await http.patch(`/api/residents/${noFacts.body.id}`).set(auth(worker.token)).send({ idNumber: idFor('1944-09-09', 6, true) });
    expect(filled.body).toMatchObject({ gender: 'male', birthDate: '1944-09-09' });
  });

  it('the import reports a gender that contradicts the ID number on its row and writes nothing for it', async () => {
    const { app } = env();
    const { ctx, worker, station } = await setup();
    const csv = ['姓名,村（社区）,性别,身份证号', `郑女士,沙河村,女,${idFor('1952-03-03', 7, true)}`, `郑先生,沙河村,男,${idFor('1953-03-03', 8, true)}`].join('\n');
    const res = await request(app.callback()).post('/api/residents/import').set(auth(worker.token)).set('Content-Type', 'text/csv').send(csv);
    expect(res.status).toBe(200);
    expect(res.body.created).toBe(1);
    expect(res.body.errors).toEqual([{ row: 2, message: expect.stringContaining('性别与身份证号不符') }]);
    expect(await ctx.db.manager.count(Resident, { where: { stationId: station.id, name: '郑女士' } })).toBe(0);
  });

  it('an erased resident answers 404 居民不存在 on every resident route; the admin still reads the audit log', async () => {
    const { app } = env();
    const { ctx, station, community, worker, admin } = await setup();
    const r = await createResident(ctx, { stationId: station.id, communityId: community.id, name: '钱测试' });
    const http = request(app.callback());
    await http.put(`/api/residents/${r.id}/checkin-plan`).set(auth(worker.token))
      .send({ enabled: true, remindAt: '09:00', secondReminderMinutes: 30, graceMinutes: 120 }).expect(200);
    const f = await createFamily(ctx, { residentId: r.id });
    expect((await http.post(`/api/residents/${r.id}/erase`).set(auth(admin.token))).status).toBe(200);
    const id = r.id;
    const calls: [string, string, object?][] = [
      ['get', `/api/residents/${id}`], ['patch', `/api/residents/${id}`, { name: '复活' }], ['delete', `/api/residents/${id}`],
      ['post', `/api/residents/${id}/binding-code`], ['post', `/api/residents/${id}/family`, { name: '某人', relation: '儿子' }],
      ['get', `/api/residents/${id}/family`], ['get', `/api/residents/${id}/export`],
      ['get', `/api/residents/${id}/checkin-plan`], ['get', `/api/residents/${id}/checkins`],
      ['put', `/api/residents/${id}/checkin-plan`, { enabled: true, remindAt: '09:00', secondReminderMinutes: 30, graceMinutes: 120 }],
      ['post', `/api/checkins/${id}/confirm`, { note: '见到了' }],
      ['post', `/api/family-contacts/${f.id}/binding-code`],
    ];
    for (const token of [worker.token, admin.token]) {
      for (const [method, path, body] of calls) {
        const req = (http as unknown as Record<string, (p: string) => request.Test>)[method](path).set(auth(token));
        const res = await (body ? req.send(body) : req);
        expect([method, path, res.status, res.body.error?.message]).toEqual([method, path, 404, expect.stringMatching(/不存在$/)]);
      }
    }
    expect((await http.get(`/api/residents/${id}`).set(auth(worker.token))).body.error.message).toBe('居民不存在');
    // Erase again: the station admin learns it is done (409); a plain worker sees nothing there (404).
    const again = await http.post(`/api/residents/${id}/erase`).set(auth(admin.token));
    expect([again.status, again.body.error.code]).toEqual([409, 'already_erased']);
    expect((await http.post(`/api/residents/${id}/erase`).set(auth(worker.token))).status).toBe(404);
    const log = await http.get('/api/audit').set(auth(admin.token)).query({ residentId: id });
    expect(log.status).toBe(200);
    expect(log.body.items.map((e: { action: string }) => e.action)).toContain('erase');
    expect((await http.get('/api/residents').set(auth(worker.token))).body.items.map((x: { id: number }) => x.id)).not.toContain(id);
  });

  it('a station admin creating a worker without stationId gets one of their own station; a county admin must name one', async () => {
    const { app } = env();
    const { ctx, station, admin, worker } = await setup();
    const county = await createWorker(ctx, { role: 'county_admin' });
    const http = request(app.callback());
    const body = { username: `nostation${station.id}`, password: 'password-123', name: '新来的', role: 'worker' };
    const res = await http.post('/api/workers').set(auth(admin.token)).send(body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ username: body.username, stationId: station.id, role: 'worker' });
    const asAdmin = await http.post('/api/workers').set(auth(admin.token)).send({ ...body, username: `nostation${station.id}b`, role: 'station_admin' });
    expect([asAdmin.status, asAdmin.body.stationId]).toEqual([201, station.id]);
    const byCounty = await http.post('/api/workers').set(auth(county.token)).send({ ...body, username: `nostation${station.id}c` });
    expect([byCounty.status, byCounty.body.error.code]).toEqual([400, 'validation_failed']);
    expect((await http.post('/api/workers').set(auth(worker.token)).send({ ...body, username: `nostation${station.id}d` })).status).toBe(403);
    expect(await ctx.db.manager.count(Worker, { where: { username: `nostation${station.id}c` } })).toBe(0);
  });

  it('a family contact binding by chat is told who they are registered for, without a stray space', async () => {
    const { app, ctx } = env();
    const station = await createStation(ctx);
    const r = await createResident(ctx, { stationId: station.id, name: '王秀英', gender: 'female' });
    const family = await request(app.callback()).post(`/api/residents/${r.id}/family`)
      .set(auth((await createWorker(ctx, { stationId: station.id })).token)).send({ name: '王小明', relation: '儿子' });
    expect(family.status).toBe(201);
    bot = await startTestBot(ctx);
    const res = await request(app.callback()).post('/api/dev/chat').send({ from: `wx-xm-${station.id}`, text: `绑定 ${family.body.bindingCode}`, stationId: station.id });
    expect(res.status).toBe(200);
    expect(res.body.replies[0]).toBe('绑定成功！王小明，您好，您已登记为王秀英的家属（儿子）。家人有情况时，社工站会第一时间在这里告诉您。');
  });
});
