import { In } from 'typeorm';
import { Alert, AlertEntry, CheckinDay, OutboxMessage, ServiceRecord } from '../../entities';
import { outcomeFromWords } from '../../services/alerts';
import { createWorker } from '../factories';
import { actorOf, elderScene, runCheckins, runDay } from '../checkin-fixtures';
import { useTestEnv } from '../helpers';
import { atLocal } from '../../services/time';

describe('closing and acknowledging alerts keeps what people read current', () => {
  const env = useTestEnv();

  /** 王秀英 silent all of `date`: her alert is raised at 11:00 and every alarm delivered. */
  async function escalated(date: string) {
    const { ctx, clock } = env();
    clock.set(atLocal(date, '08:00'));
    const s = await elderScene(ctx);
    await runDay(ctx, clock, date);
    const alert = await ctx.db.manager.findOneOrFail(Alert, { where: { residentId: s.resident.id, type: 'checkin_missed' } });
    return { ...s, alert };
  }

  it('a 【已有回音】 still waiting when the alert is closed is cancelled', async () => {
    const { ctx, clock } = env();
    const s = await escalated('2026-12-07');
    clock.set(atLocal('2026-12-07', '11:20'));
    await ctx.services.checkins.messageFromResident({ residentId: s.resident.id, at: clock.now(), kind: 'text', text: '我在地里' });
    const replied = await ctx.db.manager.findOneOrFail(OutboxMessage, { where: { refType: 'alert', refId: s.alert.id, kind: 'checkin_replied' } });
    expect(replied.text).toContain('【已有回音】');
    expect(replied.status).toBe('pending');
    await ctx.services.alerts.resolve(actorOf(s.worker), s.alert.id, 'safe', '电话确认平安');
    expect((await ctx.db.manager.findOneByOrFail(OutboxMessage, { id: replied.id })).status).toBe('cancelled');
    // The family's all-clear is good news and still goes.
    const allClear = await ctx.db.manager.findOneOrFail(OutboxMessage, { where: { refType: 'alert', refId: s.alert.id, kind: 'checkin_all_clear' } });
    expect(allClear.status).toBe('pending');
  });

  it('an escalation still waiting when a worker acknowledges the alert is cancelled', async () => {
    const { ctx, clock } = env();
    const s = await escalated('2026-12-08');
    clock.set(atLocal('2026-12-08', '12:05'));
    await runCheckins(ctx);
    const escalations = await ctx.db.manager.find(OutboxMessage, { where: { refType: 'alert', refId: s.alert.id, kind: 'alert_escalation' } });
    expect(escalations.length).toBeGreaterThan(0);
    await ctx.services.alerts.acknowledge(actorOf(s.worker), s.alert.id);
    const after = await ctx.db.manager.find(OutboxMessage, { where: { id: In(escalations.map((e) => e.id)) } });
    expect(after.map((r) => r.status)).toEqual(escalations.map(() => 'cancelled'));
  });

  it.each(['safe', 'visited'] as const)('closing as %s shows the elder confirmed on that day\'s board', async (outcome) => {
    const { ctx, clock } = env();
    const date = outcome === 'safe' ? '2026-12-09' : '2026-12-10';
    const s = await escalated(date);
    const row = async () => (await ctx.services.checkinBoard.board(actorOf(s.worker), { date, limit: 500, offset: 0 })).items.find((i) => i.residentId === s.resident.id);
    expect((await row())?.status).toBe('escalated');
    clock.set(atLocal(date, '15:00'));
    await ctx.services.alerts.resolve(actorOf(s.worker), s.alert.id, outcome, '上门看过，老人在邻居家');
    // The next day the worker looks back at that day.
    clock.set(atLocal(date, '23:30'));
    expect(await row()).toMatchObject({ status: 'confirmed' });
    // The son, who had the alarm, hears that she is well.
    const toSon = await ctx.db.manager.find(OutboxMessage, { where: { toContactId: s.son!.wechatContactId!, kind: 'checkin_all_clear' } });
    expect(toSon.map((m) => m.text)).toEqual(['【平安消息】您的母亲王秀英15:00社工已确认，已报平安，请放心。']);
  });

  it('closing as safe without a note: the day says a worker confirmed it, and the all-clear goes at once', async () => {
    const { ctx, clock } = env();
    const s = await escalated('2026-12-12');
    clock.set(atLocal('2026-12-12', '21:30'));
    await ctx.services.alerts.resolve(actorOf(s.worker), s.alert.id, 'safe', null);
    const day = await ctx.db.manager.findOneOrFail(CheckinDay, { where: { alertId: s.alert.id } });
    expect(day).toMatchObject({ status: 'confirmed', confirmedSource: 'worker', confirmedBy: s.worker.id, note: '社工处理告警时确认平安' });
    const allClear = await ctx.db.manager.findOneOrFail(OutboxMessage, { where: { refType: 'alert', refId: s.alert.id, kind: 'checkin_all_clear' } });
    expect(allClear).toMatchObject({ urgent: true, toContactId: s.son!.wechatContactId });
  });

  it('closing as hospital or other leaves the day as it was', async () => {
    const { ctx, clock } = env();
    const s = await escalated('2026-12-11');
    clock.set(atLocal('2026-12-11', '15:00'));
    await ctx.services.alerts.resolve(actorOf(s.worker), s.alert.id, 'hospital', '已送县医院');
    const item = (await ctx.services.checkinBoard.board(actorOf(s.worker), { date: '2026-12-11', limit: 500, offset: 0 })).items.find((i) => i.residentId === s.resident.id);
    expect(item?.status).toBe('escalated');
    expect(await ctx.db.manager.count(OutboxMessage, { where: { refType: 'alert', refId: s.alert.id, kind: 'checkin_all_clear' } })).toBe(0);
    // She writes later that day: the workers are not told an alert already closed "仍待处理".
    clock.set(atLocal('2026-12-11', '16:00'));
    await ctx.services.checkins.messageFromResident({ residentId: s.resident.id, at: clock.now(), kind: 'text', text: '我回家了' });
    expect(await ctx.db.manager.count(OutboxMessage, { where: { refType: 'alert', refId: s.alert.id, kind: 'checkin_replied' } })).toBe(0);
  });
});

describe('raising, following up, closing and listing alerts: who is told, what is kept', () => {
  const env = useTestEnv();

  /** Rows queued about one alert, by kind, with their recipients. */
  async function told(ctx: ReturnType<typeof env>['ctx'], alertId: number, kind?: string) {
    const rows = await ctx.db.manager.find(OutboxMessage, { where: { refType: 'alert', refId: alertId, ...(kind ? { kind } : {}) }, order: { id: 'ASC' } });
    return rows.map((r) => ({ to: r.toContactId, kind: r.kind, text: r.text, urgent: r.urgent }));
  }

  it('raise: workers and family are told at once with the number; the same key raises nothing twice', async () => {
    const { ctx } = env();
    const s = await elderScene(ctx);
    const input = { stationId: s.station.id, residentId: s.resident.id, type: 'help_call', summary: '求'.repeat(600), dedupeKey: `t:raise:${s.k}`, workerText: '告警{id}：求助', familyText: '您的母亲求助' };
    const first = await ctx.services.alerts.raise(input);
    expect(first.created).toBe(true);
    expect(first.alert).toMatchObject({ status: 'open', residentId: s.resident.id, escalationLevel: 0 });
    expect(first.alert.summary).toHaveLength(500);
    expect(await told(ctx, first.alert.id)).toEqual([
      { to: `worker-${s.k}`, kind: 'alert_help_call', text: `告警${first.alert.id}：求助`, urgent: true },
      { to: `admin-${s.k}`, kind: 'alert_help_call', text: `告警${first.alert.id}：求助`, urgent: true },
      { to: `son-${s.k}`, kind: 'alert_help_call', text: '您的母亲求助', urgent: true },
    ]);
    const again = await ctx.services.alerts.raise(input);
    expect(again).toMatchObject({ created: false, alert: { id: first.alert.id } });
    expect(await told(ctx, first.alert.id)).toHaveLength(3);
    // No resident: nobody's family is told, and no key: every call raises its own.
    const a = await ctx.services.alerts.raise({ stationId: s.station.id, type: 'wechat_down', summary: '掉线', familyText: '不该发' });
    const b = await ctx.services.alerts.raise({ stationId: s.station.id, type: 'wechat_down', summary: '掉线' });
    expect(b.alert.id).not.toBe(a.alert.id);
    expect(a.alert.residentId).toBeNull();
    expect(await told(ctx, a.alert.id)).toEqual([]);
  });

  it('raiseDistress: a second call joins the open alert and is sent on; after closing a new alert opens; a flood stops at five', async () => {
    const { ctx } = env();
    const s = await elderScene(ctx);
    const call = (said: string) => ctx.services.alerts.raiseDistress({
      type: 'help_call', stationId: s.station.id, contactId: `elder-${s.k}`, residentId: s.resident.id, who: '王秀英', said,
      workerText: '求助{id}', familyText: '家属：求助', followUpWorkerText: '又求助{id}', followUpFamilyText: '家属：又求助',
    });
    const first = await call('救命');
    expect(first.created).toBe(true);
    const second = await call('快来人');
    expect(second).toMatchObject({ created: false, alert: { id: first.alert.id } });
    const entries = await ctx.services.alerts.entries(first.alert);
    expect(entries.map((e) => [e.kind, e.author, e.text])).toEqual([['message', '王秀英', '救命'], ['message', '王秀英', '快来人']]);
    const more = await told(ctx, first.alert.id, 'alert_help_call_more');
    expect(more.map((m) => [m.to, m.text]).sort()).toEqual([[`admin-${s.k}`, `又求助${first.alert.id}`], [`son-${s.k}`, '家属：又求助'], [`worker-${s.k}`, `又求助${first.alert.id}`]]);
    expect(more.every((m) => m.urgent)).toBe(true);

    // A call with nothing for the family tells the workers only.
    await ctx.services.alerts.raiseDistress({
      type: 'help_call', stationId: s.station.id, contactId: `elder-${s.k}`, residentId: s.resident.id, who: '王秀英', said: '还在吗',
      workerText: '求助{id}', followUpWorkerText: '又求助{id}',
    });
    expect((await told(ctx, first.alert.id, 'alert_help_call_more')).filter((m) => m.to === `son-${s.k}`)).toHaveLength(1);
    expect((await ctx.services.alerts.addEntry(first.alert, 'note', null, '已电话')).author).toBeNull();

    const ids = [first.alert.id];
    await ctx.services.alerts.resolve(actorOf(s.worker), first.alert.id, 'safe', null);
    for (let i = 2; i <= 5; i++) {
      const next = await call(`第${i}次`);
      expect(next.created).toBe(true);
      expect(ids).not.toContain(next.alert.id);
      ids.push(next.alert.id);
      await ctx.services.alerts.resolve(actorOf(s.worker), next.alert.id, 'safe', null);
    }
    const flood = await call('第6次');
    expect(flood).toMatchObject({ created: false, alert: { id: ids[4] } });
    expect(await ctx.db.manager.count(Alert, { where: { residentId: s.resident.id, type: 'help_call' } })).toBe(5);
    expect((await ctx.services.alerts.entries(flood.alert)).map((e) => [e.kind, e.text])).toEqual([['message', '第5次'], ['message', '第6次']]);
  });

  it('a long call is kept cut to what the record holds (words 500, author 60), not lost', async () => {
    const { ctx } = env();
    const s = await elderScene(ctx);
    const { alert } = await ctx.services.alerts.raiseDistress({
      type: 'crisis', stationId: s.station.id, contactId: `elder-${s.k}`, residentId: s.resident.id, who: '王'.repeat(80), said: '难'.repeat(700),
      workerText: '危机{id}', followUpWorkerText: '又{id}',
    });
    expect(alert.summary).toHaveLength(500);
    const [entry] = await ctx.services.alerts.entries(alert);
    expect([entry.author!.length, entry.text.length]).toEqual([60, 500]);
    const [many] = [...(await ctx.services.alerts.raiseMany([{ stationId: s.station.id, residentId: null, type: 'checkin_unreachable', summary: '名'.repeat(600), dedupeKey: `t:long:${s.k}` }], ctx.clock.now())).values()];
    expect((await ctx.db.manager.findOneByOrFail(Alert, { id: many })).summary).toHaveLength(500);
  });

  it("fromFamily: the family's words go on each unresolved alert and to the workers; without one nothing is done", async () => {
    const { ctx } = env();
    const s = await elderScene(ctx);
    expect(await ctx.services.alerts.fromFamily(s.son!, '她在邻居家')).toEqual([]);
    expect(await ctx.services.alerts.unresolvedOf([])).toEqual([]);
    const { alert } = await ctx.services.alerts.raise({ stationId: s.station.id, residentId: s.resident.id, type: 'checkin_missed', summary: '未报平安' });
    const closed = await ctx.services.alerts.raise({ stationId: s.station.id, residentId: s.resident.id, type: 'help_call', summary: '求助' });
    await ctx.services.alerts.resolve(actorOf(s.worker), closed.alert.id, 'other', null);
    const seen = (await ctx.services.alerts.raise({ stationId: s.station.id, residentId: s.resident.id, type: 'crisis', summary: '危机' })).alert;
    await ctx.services.alerts.acknowledge(actorOf(s.worker), seen.id);
    const open = await ctx.services.alerts.fromFamily(s.son!, '她在邻居家打牌呢');
    expect(open.map((a) => a.id)).toEqual([alert.id, seen.id]);
    expect((await ctx.services.alerts.entries(seen)).map((e) => e.text)).toEqual(['她在邻居家打牌呢']);
    expect((await ctx.services.alerts.entries(alert)).map((e) => [e.kind, e.text])).toEqual([['family', '她在邻居家打牌呢']]);
    expect((await ctx.services.alerts.entries(closed.alert))).toEqual([]);
    const words = await told(ctx, alert.id, 'alert_family_words');
    expect(words.map((w) => w.to).sort()).toEqual([`admin-${s.k}`, `worker-${s.k}`]);
    expect(words[0].text).toContain('她在邻居家打牌呢');
    expect(words.every((w) => w.urgent)).toBe(true);
  });

  it('acknowledge and resolve: who did it is kept, a closed alert answers 409, visited records the home visit', async () => {
    const { ctx, clock } = env();
    const s = await elderScene(ctx);
    const raise = async () => (await ctx.services.alerts.raise({ stationId: s.station.id, residentId: s.resident.id, type: 'help_call', summary: '求助' })).alert;
    const a = await raise();
    const acked = await ctx.services.alerts.acknowledge(actorOf(s.worker), a.id);
    expect(acked).toMatchObject({ status: 'acknowledged', acknowledgedBy: s.worker.id });
    const seenAt = acked.acknowledgedAt!.getTime();
    clock.advance(60_000);
    // The admin closes it: the first to see it stays the one who saw it.
    const done = await ctx.services.alerts.resolve(actorOf(s.admin), a.id, 'visited', '  ');
    expect(done).toMatchObject({ status: 'resolved', resolvedBy: s.admin.id, outcome: 'visited', acknowledgedBy: s.worker.id });
    expect(done.acknowledgedAt!.getTime()).toBe(seenAt);
    const records = await ctx.db.manager.find(ServiceRecord, { where: { alertId: a.id } });
    expect(records.map((r) => [r.type, r.summary, r.source, r.createdBy])).toEqual([['home_visit', '告警后入户走访', 'alert', s.admin.id]]);
    await expect(ctx.services.alerts.resolve(actorOf(s.worker), a.id, 'safe', null)).rejects.toMatchObject({ status: 409 });
    await expect(ctx.services.alerts.acknowledge(actorOf(s.worker), a.id)).rejects.toMatchObject({ status: 409 });

    // Closed unseen: the closer saw it too. Safe records no visit.
    const b = await raise();
    const closed = await ctx.services.alerts.resolve(actorOf(s.worker), b.id, 'safe', '电话确认平安');
    expect(closed).toMatchObject({ acknowledgedBy: s.worker.id, note: '电话确认平安', outcome: 'safe' });
    expect(closed.acknowledgedAt).not.toBeNull();
    expect(await ctx.db.manager.count(ServiceRecord, { where: { alertId: b.id } })).toBe(0);
    const c = await raise();
    await ctx.services.alerts.resolve(actorOf(s.worker), c.id, 'visited', '老人在邻居家');
    expect((await ctx.db.manager.findOneByOrFail(ServiceRecord, { alertId: c.id })).summary).toBe('老人在邻居家');

    const noNote = await raise();
    await ctx.services.alerts.resolve(actorOf(s.worker), noNote.id, 'visited', null);
    const visit = await ctx.db.manager.findOneByOrFail(ServiceRecord, { alertId: noNote.id });
    expect([visit.summary, visit.residentIds, visit.residentCount]).toEqual(['告警后入户走访', [s.resident.id], 1]);
    // An alert about nobody in particular (a list to phone) records no visit.
    const list = (await ctx.services.alerts.raise({ stationId: s.station.id, type: 'checkin_unreachable', summary: '无法联系' })).alert;
    await ctx.services.alerts.resolve(actorOf(s.worker), list.id, 'visited', '都联系上了');
    expect(await ctx.db.manager.count(ServiceRecord, { where: { alertId: list.id } })).toBe(0);

    // Another station's worker: 404; a county admin: 403; acknowledging twice changes nothing.
    const other = await elderScene(ctx);
    const d = await raise();
    await expect(ctx.services.alerts.acknowledge(actorOf(other.worker), d.id)).rejects.toMatchObject({ status: 404 });
    await expect(ctx.services.alerts.resolve(actorOf(other.worker), d.id, 'safe', null)).rejects.toMatchObject({ status: 404 });
    const county = await createWorker(ctx, { role: 'county_admin' });
    await expect(ctx.services.alerts.get(actorOf(county), d.id)).rejects.toMatchObject({ status: 403 });
    await ctx.services.alerts.acknowledge(actorOf(s.worker), d.id);
    expect(await ctx.services.alerts.acknowledge(actorOf(s.admin), d.id)).toMatchObject({ status: 'acknowledged', acknowledgedBy: s.worker.id });
  });

  it('lists: only the caller station\'s, by state, newest first, with names; replies show on the unresolved ones', async () => {
    const { ctx } = env();
    const s = await elderScene(ctx);
    const other = await elderScene(ctx);
    const raise = async (stationId: number, residentId: number | null) => (await ctx.services.alerts.raise({ stationId, residentId, type: 'checkin_missed', summary: '未报平安' })).alert;
    const a = await raise(s.station.id, s.resident.id);
    const b = await raise(s.station.id, null);
    const c = await raise(s.station.id, s.resident.id);
    await raise(other.station.id, other.resident.id);
    await ctx.services.alerts.acknowledge(actorOf(s.worker), b.id);
    await ctx.services.alerts.resolve(actorOf(s.worker), c.id, 'other', null);
    const me = actorOf(s.worker);
    const open = await ctx.services.alerts.listOpen(me);
    expect(open.map((x) => [x.id, x.residentName, x.communityName])).toEqual([[b.id, null, null], [a.id, '王秀英', s.community.name]]);
    expect((await ctx.services.alerts.listOpen(me, 1)).map((x) => x.id)).toEqual([b.id]);
    expect((await ctx.services.alerts.list(me)).map((x) => x.id)).toEqual([c.id, b.id, a.id]);
    expect((await ctx.services.alerts.list(me, 'resolved')).map((x) => x.id)).toEqual([c.id]);
    const page = await ctx.services.alerts.listPage(me, { status: 'open', limit: 10, offset: 0 });
    expect(page).toMatchObject({ total: 1, items: [{ id: a.id, residentName: '王秀英' }] });
    expect((await ctx.services.alerts.listPage(me, { residentId: s.resident.id, type: 'checkin_missed', limit: 1, offset: 1 })).items.map((x) => x.id)).toEqual([a.id]);
    expect((await ctx.services.alerts.listPage(me, { type: 'help_call', limit: 10, offset: 0 })).total).toBe(0);

    const seen = await raise(s.station.id, s.resident.id);
    await ctx.services.alerts.acknowledge(actorOf(s.worker), seen.id);
    const replied = await ctx.services.alerts.recordReply(s.resident.id, '我在地里', ctx.clock.now());
    expect(replied.map((x) => x.id).sort((x, y) => x - y)).toEqual([a.id, seen.id]);
    expect(await ctx.db.manager.findOneByOrFail(Alert, { id: a.id })).toMatchObject({ replyText: '我在地里' });
    expect(await ctx.db.manager.findOneByOrFail(Alert, { id: seen.id })).toMatchObject({ replyText: '我在地里' });
    await ctx.services.alerts.recordReply(s.resident.id, '长'.repeat(600), ctx.clock.now());
    expect((await ctx.db.manager.findOneByOrFail(Alert, { id: a.id })).replyText).toHaveLength(500);
    expect(await ctx.db.manager.findOneByOrFail(Alert, { id: c.id })).toMatchObject({ replyText: null, replyAt: null });
  });

  it('raiseMany raises each key once and returns every key\'s alert', async () => {
    const { ctx } = env();
    const s = await elderScene(ctx);
    expect((await ctx.services.alerts.raiseMany([], ctx.clock.now())).size).toBe(0);
    const rows = [1, 2].map((i) => ({ stationId: s.station.id, residentId: s.resident.id, type: 'checkin_missed', summary: `第${i}`, dedupeKey: `t:many:${s.k}:${i}` }));
    const first = await ctx.services.alerts.raiseMany(rows, ctx.clock.now());
    const again = await ctx.services.alerts.raiseMany(rows, ctx.clock.now());
    expect([...again]).toEqual([...first]);
    expect(first.size).toBe(2);
    const saved = await ctx.db.manager.find(Alert, { where: { id: In([...first.values()]) }, order: { id: 'ASC' } });
    expect(saved.map((a) => [a.status, a.summary, a.escalationLevel])).toEqual([['open', '第1', 0], ['open', '第2', 0]]);
  });

  it('erasing a resident neutralises their alerts and drops what was said; the export lists them with their words', async () => {
    const { ctx } = env();
    const s = await elderScene(ctx);
    const raise = async (type: string) => (await ctx.services.alerts.raise({ stationId: s.station.id, residentId: s.resident.id, type, summary: `王秀英 ${type}` })).alert;
    const help = await raise('help_call');
    const missed = await raise('checkin_missed');
    const other = await raise('crisis');
    const neighbour = await elderScene(ctx, { stationId: s.station.id, resident: { name: '李桂兰' } });
    const hers = (await ctx.services.alerts.raise({ stationId: s.station.id, residentId: neighbour.resident.id, type: 'help_call', summary: '李桂兰求助', workerText: '李桂兰求助' })).alert;
    await ctx.services.alerts.addEntry(hers, 'message', '李桂兰', '她的话');
    const aboutHelp = await ctx.services.alerts.raise({ stationId: s.station.id, residentId: s.resident.id, type: 'help_call', summary: '王秀英求助', workerText: '王秀英求助', dedupeKey: `t:erase:${s.k}` });
    await ctx.services.alerts.addEntry(help, 'message', '王秀英', '救命');
    await ctx.services.alerts.resolve(actorOf(s.worker), missed.id, 'visited', '在邻居家');
    const exported = await ctx.db.manager.transaction((em) => ctx.services.alerts.exportFor(em, s.resident)) as { id: number; summary: string; entries: { text: string }[] }[];
    expect(exported.map((a) => [a.id, a.summary, a.entries.map((e) => e.text)])).toEqual([
      [help.id, '王秀英 help_call', ['救命']], [missed.id, '王秀英 checkin_missed', []], [other.id, '王秀英 crisis', []], [aboutHelp.alert.id, '王秀英求助', []],
    ]);
    await ctx.db.manager.transaction((em) => ctx.services.alerts.eraseFor(em, s.resident));
    const after = await ctx.db.manager.find(Alert, { where: { residentId: s.resident.id }, order: { id: 'ASC' } });
    expect(after.map((a) => [a.summary, a.note])).toEqual([['已删除的居民：紧急求助', null], ['已删除的居民：未报平安', null], ['已删除的居民：告警', null], ['已删除的居民：紧急求助', null]]);
    // What was sent about her alerts loses its text; her neighbour's alert, words and messages stay.
    const sent = await ctx.db.manager.find(OutboxMessage, { where: { refType: 'alert', refId: In([aboutHelp.alert.id, hers.id]) } });
    expect(sent.filter((m) => m.refId === aboutHelp.alert.id).every((m) => m.text !== '王秀英求助')).toBe(true);
    expect(sent.filter((m) => m.refId === hers.id).map((m) => m.text)).toEqual(sent.filter((m) => m.refId === hers.id).map(() => '李桂兰求助'));
    expect(await ctx.db.manager.findOneByOrFail(Alert, { id: hers.id })).toMatchObject({ summary: '李桂兰求助' });
    expect((await ctx.services.alerts.entries(hers)).map((e) => e.text)).toEqual(['她的话']);
    expect(await ctx.db.manager.count(AlertEntry, { where: { alertId: help.id } })).toBe(0);
    expect((await ctx.db.manager.findOneByOrFail(ServiceRecord, { alertId: missed.id })).summary).toBe('告警后入户走访');
  });
});

describe('outcomeFromWords', () => {
  it.each([
    ['已送医院', 'hospital'], ['住院了', 'hospital'], ['叫了120', 'hospital'], ['送医', 'hospital'],
    ['上门看过', 'visited'], ['走访', 'visited'], ['入户', 'visited'], ['去了家里', 'visited'], ['到家里看了', 'visited'],
    ['电话确认平安', 'safe'], ['没事', 'safe'], ['无事', 'safe'], ['安全', 'safe'], ['挺好', 'safe'], ['很好', 'safe'], ['没问题', 'safe'], ['无异常', 'safe'],
    ['', 'other'], ['已联系', 'other'],
  ])('%s → %s', (words, outcome) => {
    expect(outcomeFromWords(words)).toBe(outcome);
  });
});
