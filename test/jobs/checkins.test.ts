import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Alert, CheckinDay, OutboxMessage, Resident, ServiceRecord } from '../../entities';
import { JOBS } from '../../jobs';
import { AdjustableClock } from '../../services/clock';
import { loadConfig } from '../../services/config';
import { AppContext, createContext } from '../../services/context';
import { createLogger } from '../../services/logger';
import { actorOf, deliverAll, elderScene, queued, runCheckins, sentTo, runDay } from '../checkin-fixtures';
import { createFamily } from '../factories';
import { onMysql, TEST_DATABASE_URL, useTestEnv } from '../helpers';

const at = (s: string) => new Date(`${s}+08:00`);

describe('the checkins job', () => {
  const env = useTestEnv();
  const day = (ctx: AppContext, residentId: number, date: string) => ctx.db.manager.findOne(CheckinDay, { where: { residentId, date } });

  it('reminds at the plan time, again at the second time, and escalates at the deadline', async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-03T08:00:00'));
    const s = await elderScene(ctx);
    const key = `checkin:${s.resident.id}:2026-12-03`;

    await runCheckins(ctx);
    expect(await queued(ctx, key)).toHaveLength(0);

    clock.set(at('2026-12-03T09:00:00'));
    await runCheckins(ctx);
    await runCheckins(ctx);
    const first = await queued(ctx, `${key}:first`);
    expect(first).toHaveLength(1);
    expect(first[0].text).toBe('王奶奶早上好！今天身体还好吗？回个话报个平安吧 🌞');
    expect(first[0].toContactId).toBe(s.resident.wechatContactId);
    expect(first[0].priority).toBe(1);
    expect((await day(ctx, s.resident.id, '2026-12-03'))!.status).toBe('reminded');
    await deliverAll(ctx);

    clock.set(at('2026-12-03T09:59:00'));
    await runCheckins(ctx);
    expect(await queued(ctx, `${key}:second`)).toHaveLength(0);
    clock.set(at('2026-12-03T10:00:00'));
    await runCheckins(ctx);
    expect(await queued(ctx, `${key}:second`)).toHaveLength(1);
    await deliverAll(ctx);

    clock.set(at('2026-12-03T10:59:00'));
    await runCheckins(ctx);
    expect(await ctx.db.manager.count(Alert, { where: { residentId: s.resident.id } })).toBe(0);

    clock.set(at('2026-12-03T11:00:00'));
    await runCheckins(ctx);
    await runCheckins(ctx);
    const alerts = await ctx.db.manager.find(Alert, { where: { residentId: s.resident.id } });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ type: 'checkin_missed', status: 'open', dedupeKey: key });
    const d = (await day(ctx, s.resident.id, '2026-12-03'))!;
    expect(d).toMatchObject({ status: 'escalated', alertId: alerts[0].id });

    const toSon = await sentTo(ctx, s.son!.wechatContactId!);
    expect(toSon.map((m) => m.text)).toEqual([
      '【平安提醒】您的母亲王秀英今天到11:00还没有报平安，社工站已收到提醒。您联系上她后请回复"已联系"。',
    ]);
    expect(toSon[0].urgent).toBe(true);
    const toWorker = await sentTo(ctx, s.worker.wechatContactId!);
    expect(toWorker.map((m) => m.text)).toEqual([
      `【未报平安】${s.community.name} 王秀英（独居）今日未报平安。家属 王小明 138****0000。处理后回复"已处理 ${alerts[0].id}"。`,
    ]);
    expect(toWorker[0]).toMatchObject({ urgent: true, priority: 0 });
    // The elder got exactly two reminders that day, however often the job ran.
    expect(await sentTo(ctx, s.resident.wechatContactId!)).toHaveLength(2);
  });

  it('still sends a 09:00 reminder at 09:40 after downtime, but never yesterday\'s', async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-04T07:00:00'));
    const s = await elderScene(ctx);
    // Down all of 12-04; back on 12-05 at 08:30, before that day's reminder.
    clock.set(at('2026-12-05T08:30:00'));
    await runCheckins(ctx);
    expect(await queued(ctx, `checkin:${s.resident.id}:`)).toHaveLength(0);
    expect(await day(ctx, s.resident.id, '2026-12-04')).toBeNull();
    // Down again from 08:59 to 09:40.
    clock.set(at('2026-12-05T09:40:00'));
    await runCheckins(ctx);
    const rows = await queued(ctx, `checkin:${s.resident.id}:`);
    expect(rows.map((r) => r.dedupeKey)).toEqual([`checkin:${s.resident.id}:2026-12-05:first`]);
  });

  it('sends no reminder once the deadline passed while it was down, but has the workers phone', async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-06T07:00:00'));
    const s = await elderScene(ctx);
    clock.set(at('2026-12-06T11:30:00'));
    await runCheckins(ctx);
    expect(await queued(ctx, `checkin:${s.resident.id}:`)).toHaveLength(0);
    expect(await ctx.db.manager.count(Alert, { where: { residentId: s.resident.id } })).toBe(0);
    // Nobody asked her, so she did not "miss" it: the day is unreachable and the workers are told, the family is not.
    expect((await day(ctx, s.resident.id, '2026-12-06'))?.status).toBe('unreachable');
    expect(await sentTo(ctx, s.son!.wechatContactId!)).toHaveLength(0);
    const toWorker = await sentTo(ctx, s.worker.wechatContactId!);
    expect(toWorker.map((m) => m.text).join('\n')).toContain('王秀英');
  });

  it('sends no reminder to an elder who already said something that day', async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-07T07:00:00'));
    const s = await elderScene(ctx);
    clock.set(at('2026-12-07T08:10:00'));
    const res = await ctx.services.checkins.recordSignOfLife({ residentId: s.resident.id, at: clock.now(), source: 'voice' });
    expect(res).toEqual({ confirmed: true, alreadyConfirmed: false, afterEscalation: false });
    await runDay(ctx, clock, '2026-12-07', { times: ['09:00', '10:00', '11:00', '12:30'], deliver: false });
    expect(await sentTo(ctx, s.resident.wechatContactId!)).toHaveLength(0);
    expect(await sentTo(ctx, s.son!.wechatContactId!)).toHaveLength(0);
    expect((await day(ctx, s.resident.id, '2026-12-07'))).toMatchObject({ status: 'confirmed', confirmedSource: 'voice' });
  });

  it('stops after a reply between the reminders: no second reminder, no alarm', async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-08T07:00:00'));
    const s = await elderScene(ctx);
    clock.set(at('2026-12-08T09:00:00'));
    await runCheckins(ctx);
    await deliverAll(ctx);
    clock.set(at('2026-12-08T09:20:00'));
    const res = await ctx.services.checkins.recordSignOfLife({ residentId: s.resident.id, at: clock.now(), source: 'text', text: '好着呢' });
    expect(res).toEqual({ confirmed: true, alreadyConfirmed: false, afterEscalation: false });
    const again = await ctx.services.checkins.recordSignOfLife({ residentId: s.resident.id, at: clock.now(), source: 'text', text: '吃了吗' });
    expect(again).toEqual({ confirmed: true, alreadyConfirmed: true, afterEscalation: false });
    await runDay(ctx, clock, '2026-12-08', { times: ['10:00', '11:00', '12:30'], deliver: false });
    expect(await sentTo(ctx, s.resident.wechatContactId!)).toHaveLength(1);
    expect(await ctx.db.manager.count(Alert, { where: { residentId: s.resident.id } })).toBe(0);
  });

  it('after escalation a reply shows on the alert, the family gets an all-clear, and the alert stays open', async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-09T07:00:00'));
    const s = await elderScene(ctx);
    const daughter = await createFamily(ctx, { residentId: s.resident.id, name: '王小红', relation: '女儿', wechatContactId: `daughter-${s.k}` });
    await runDay(ctx, clock, '2026-12-09');
    clock.set(at('2026-12-09T11:20:00'));
    const res = await ctx.services.checkins.recordSignOfLife({ residentId: s.resident.id, at: clock.now(), source: 'text', text: '刚才在地里干活' });
    expect(res).toEqual({ confirmed: true, alreadyConfirmed: false, afterEscalation: true });
    const alert = await ctx.db.manager.findOneOrFail(Alert, { where: { residentId: s.resident.id } });
    expect(alert.status).toBe('open');
    expect(alert.replyText).toBe('刚才在地里干活');
    expect(alert.replyAt!.toISOString()).toBe(clock.now().toISOString());
    const sonTexts = (await sentTo(ctx, s.son!.wechatContactId!)).map((m) => m.text);
    expect(sonTexts[sonTexts.length - 1]).toBe('【平安消息】您的母亲王秀英11:20已报平安，请放心。');
    // Only the first contact in the order was alarmed, but everyone bound hears the all-clear.
    expect((await sentTo(ctx, daughter.wechatContactId!)).map((m) => m.text)).toEqual(['【平安消息】您的母亲王秀英11:20已报平安，请放心。']);
    const workerTexts = (await sentTo(ctx, s.worker.wechatContactId!)).map((m) => m.text);
    expect(workerTexts[workerTexts.length - 1]).toContain(`告警 ${alert.id} 仍待处理`);
    expect((await day(ctx, s.resident.id, '2026-12-09'))).toMatchObject({ status: 'confirmed', alertId: alert.id });
    // An hour later nobody is escalated to: there was a sign of life.
    clock.set(at('2026-12-09T12:30:00'));
    await runCheckins(ctx);
    expect(await sentTo(ctx, daughter.wechatContactId!)).toHaveLength(1);
    // A worker closes it: `visited` records a home visit.
    const closed = await ctx.services.alerts.resolve(actorOf(s.worker), alert.id, 'visited', '上门看过，身体无碍');
    expect(closed.status).toBe('resolved');
    const visit = await ctx.db.manager.findOneOrFail(ServiceRecord, { where: { alertId: alert.id } });
    expect(visit).toMatchObject({ type: 'home_visit', date: '2026-12-09', residentIds: [s.resident.id], createdBy: s.worker.id, summary: '上门看过，身体无碍' });
    await expect(ctx.services.alerts.resolve(actorOf(s.worker), alert.id, 'safe', null)).rejects.toMatchObject({ status: 409 });
  });

  it('a family contact replying 已联系 confirms the day and tells the workers', async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-10T07:00:00'));
    const s = await elderScene(ctx);
    await runDay(ctx, clock, '2026-12-10');
    clock.set(at('2026-12-10T11:15:00'));
    expect(await ctx.services.checkins.familyContacted({ familyContactId: s.son!.id, at: clock.now() })).toBe(true);
    expect(await day(ctx, s.resident.id, '2026-12-10')).toMatchObject({ status: 'confirmed', confirmedSource: 'family', confirmedBy: s.son!.id });
    const alert = await ctx.db.manager.findOneOrFail(Alert, { where: { residentId: s.resident.id } });
    expect(alert.status).toBe('open');
    expect(alert.replyText).toContain('家属已联系');
    const workerTexts = (await sentTo(ctx, s.worker.wechatContactId!)).map((m) => m.text);
    expect(workerTexts[workerTexts.length - 1]).toContain('家属 王小明 已联系上老人');
    // The son who reached her is not sent an all-clear about it.
    expect((await sentTo(ctx, s.son!.wechatContactId!)).map((m) => m.text).some((t) => t.startsWith('【平安消息】'))).toBe(false);
    expect(await ctx.services.checkins.familyContacted({ familyContactId: 999999, at: clock.now() })).toBe(false);
  });

  it('an elder with no WeChat is unreachable: the workers get a list to phone, the family no alarm', async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-11T07:00:00'));
    const s = await elderScene(ctx, { resident: { wechatContactId: null, phone: '13912345678' } });
    clock.set(at('2026-12-11T09:00:00'));
    await runCheckins(ctx);
    await runCheckins(ctx);
    expect(await day(ctx, s.resident.id, '2026-12-11')).toMatchObject({ status: 'unreachable', unreachableReason: 'no_wechat' });
    const list = await sentTo(ctx, s.worker.wechatContactId!);
    expect(list).toHaveLength(1);
    expect(list[0].text).toContain('请电话确认平安');
    expect(list[0].text).toContain(`${s.community.name} 王秀英 139****5678（未绑定微信）`);
    expect(list[0].urgent).toBe(true);
    const unreachableAlert = await ctx.db.manager.findOneOrFail(Alert, { where: { stationId: s.station.id, type: 'checkin_unreachable' } });
    expect(unreachableAlert.summary).toContain('王秀英');
    await deliverAll(ctx);
    clock.set(at('2026-12-11T11:00:00'));
    await runCheckins(ctx);
    expect(await sentTo(ctx, s.son!.wechatContactId!)).toHaveLength(0);
    expect(await ctx.db.manager.count(Alert, { where: { residentId: s.resident.id } })).toBe(0);
    // Once a worker phoned her, the day is confirmed.
    const r = await ctx.services.checkins.recordSignOfLife({ residentId: s.resident.id, at: clock.now(), source: 'worker', workerId: s.worker.id, note: '电话联系上' });
    expect(r?.confirmed).toBe(true);
    expect(await day(ctx, s.resident.id, '2026-12-11')).toMatchObject({ status: 'confirmed', confirmedSource: 'worker', confirmedBy: s.worker.id });
  });

  it('while the station account is down the day is unreachable, not missed, and nothing is queued to the elder', async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-12T07:00:00'));
    const s = await elderScene(ctx);
    ctx.services.accounts.set(s.station.id, false, 'logout');
    try {
      clock.set(at('2026-12-12T09:00:00'));
      await runCheckins(ctx);
      expect(await day(ctx, s.resident.id, '2026-12-12')).toMatchObject({ status: 'unreachable', unreachableReason: 'account_down' });
      expect(await sentTo(ctx, s.resident.wechatContactId!)).toHaveLength(0);
      expect((await sentTo(ctx, s.worker.wechatContactId!))[0].text).toContain('站点微信掉线');
      clock.set(at('2026-12-12T11:00:00'));
      await runCheckins(ctx);
      expect(await sentTo(ctx, s.son!.wechatContactId!)).toHaveLength(0);
    } finally {
      ctx.services.accounts.set(s.station.id, true);
    }
  });

  it('an account that goes down after the reminder makes the day unreachable at once', async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-13T07:00:00'));
    const s = await elderScene(ctx);
    clock.set(at('2026-12-13T09:00:00'));
    await runCheckins(ctx);
    await deliverAll(ctx);
    ctx.services.accounts.set(s.station.id, false, 'logout');
    try {
      clock.set(at('2026-12-13T09:30:00'));
      await runCheckins(ctx);
      expect(await day(ctx, s.resident.id, '2026-12-13')).toMatchObject({ status: 'unreachable', unreachableReason: 'account_down' });
    } finally {
      ctx.services.accounts.set(s.station.id, true);
    }
  });

  it('reminders that failed in the outbox make the day unreachable; undelivered ones at the deadline too', async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-14T07:00:00'));
    const failed = await elderScene(ctx);
    const stuck = await elderScene(ctx);
    clock.set(at('2026-12-14T09:00:00'));
    await runCheckins(ctx);
    await ctx.db.manager.update(OutboxMessage, { dedupeKey: `checkin:${failed.resident.id}:2026-12-14:first` }, { status: 'failed' });
    clock.set(at('2026-12-14T09:01:00'));
    await runCheckins(ctx);
    expect(await day(ctx, failed.resident.id, '2026-12-14')).toMatchObject({ status: 'unreachable', unreachableReason: 'not_delivered' });
    expect((await sentTo(ctx, failed.worker.wechatContactId!))[0].text).toContain('消息未送达');
    // The other elder's reminders never left the queue (the sender is stuck): unreachable at the deadline.
    clock.set(at('2026-12-14T10:00:00'));
    await runCheckins(ctx);
    expect(await day(ctx, stuck.resident.id, '2026-12-14')).toMatchObject({ status: 'reminded' });
    clock.set(at('2026-12-14T11:00:00'));
    await runCheckins(ctx);
    expect(await day(ctx, stuck.resident.id, '2026-12-14')).toMatchObject({ status: 'unreachable', unreachableReason: 'not_delivered' });
    for (const s of [failed, stuck]) {
      expect(await sentTo(ctx, s.son!.wechatContactId!)).toHaveLength(0);
      expect(await ctx.db.manager.count(Alert, { where: { residentId: s.resident.id } })).toBe(0);
    }
  });

  it('a paused plan sends nothing until the day after the pause', async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-15T07:00:00'));
    const s = await elderScene(ctx, { plan: { pausedUntil: '2026-12-16', pauseReason: '住女儿家' } });
    for (const d of ['2026-12-15', '2026-12-16']) await runDay(ctx, clock, d, { times: ['09:00', '11:00'], deliver: false });
    expect(await sentTo(ctx, s.resident.wechatContactId!)).toHaveLength(0);
    const board = await ctx.services.checkinBoard.board(actorOf(s.worker), { date: '2026-12-16', limit: 500, offset: 0 });
    expect(board.items.find((i) => i.residentId === s.resident.id)).toMatchObject({ status: 'paused', reason: '住女儿家' });
    clock.set(at('2026-12-17T09:00:00'));
    await runCheckins(ctx);
    expect(await queued(ctx, `checkin:${s.resident.id}:2026-12-17:first`)).toHaveLength(1);
  });

  it('pausing or hospitalising during the day stops that day', async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-18T07:00:00'));
    const paused = await elderScene(ctx);
    const hospital = await elderScene(ctx);
    clock.set(at('2026-12-18T09:00:00'));
    await runCheckins(ctx);
    await deliverAll(ctx);
    clock.set(at('2026-12-18T09:30:00'));
    await ctx.services.checkinPlans.savePlan(actorOf(paused.worker), paused.resident.id, {
      enabled: true, remindAt: '09:00', secondReminderMinutes: 60, graceMinutes: 120, pausedUntil: '2026-12-20', pauseReason: '住女儿家',
    });
    await ctx.db.manager.update(Resident, { id: hospital.resident.id }, { status: 'in_hospital' });
    await runDay(ctx, clock, '2026-12-18', { times: ['10:00', '11:00'], deliver: false });
    for (const s of [paused, hospital]) {
      expect(await day(ctx, s.resident.id, '2026-12-18')).toMatchObject({ status: 'paused' });
      expect(await sentTo(ctx, s.resident.wechatContactId!)).toHaveLength(1);
      expect(await sentTo(ctx, s.son!.wechatContactId!)).toHaveLength(0);
    }
    const board = await ctx.services.checkinBoard.board(actorOf(hospital.worker), { date: '2026-12-19', limit: 500, offset: 0 });
    expect(board.items.find((i) => i.residentId === hospital.resident.id)).toMatchObject({ status: 'paused', reason: '住院中' });
  });

  it('a resident who is not active, or a day not in the plan, gets nothing', async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-19T07:00:00'));
    const moved = await elderScene(ctx, { resident: { status: 'moved' } });
    // 2026-12-19 is a Saturday (6); this plan runs Monday to Friday.
    const weekdaysOnly = await elderScene(ctx, { plan: { weekdays: [1, 2, 3, 4, 5] } });
    clock.set(at('2026-12-19T09:00:00'));
    await runCheckins(ctx);
    expect(await sentTo(ctx, moved.resident.wechatContactId!)).toHaveLength(0);
    expect(await sentTo(ctx, weekdaysOnly.resident.wechatContactId!)).toHaveLength(0);
    clock.set(at('2026-12-21T09:00:00'));
    await runCheckins(ctx);
    expect(await sentTo(ctx, weekdaysOnly.resident.wechatContactId!)).toHaveLength(1);
    expect(await sentTo(ctx, moved.resident.wechatContactId!)).toHaveLength(0);
  });

  it('a plan made after today\'s reminder time starts tomorrow', async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-22T10:00:00'));
    const s = await elderScene(ctx);
    expect(s.plan.appliesFromDate).toBe('2026-12-23');
    await runCheckins(ctx);
    clock.set(at('2026-12-22T11:30:00'));
    await runCheckins(ctx);
    expect(await sentTo(ctx, s.resident.wechatContactId!)).toHaveLength(0);
    clock.set(at('2026-12-23T09:00:00'));
    await runCheckins(ctx);
    expect(await sentTo(ctx, s.resident.wechatContactId!)).toHaveLength(1);
  });

  it('an alert nobody acknowledged goes up the escalation order each hour, once per level', async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-24T07:00:00'));
    const s = await elderScene(ctx);
    const daughter = await createFamily(ctx, { residentId: s.resident.id, name: '王小红', relation: '女儿', wechatContactId: `d2-${s.k}` });
    await ctx.services.checkinPlans.savePlan(actorOf(s.worker), s.resident.id, {
      enabled: true, remindAt: '09:00', secondReminderMinutes: 60, graceMinutes: 120,
      escalation: { familyContactIds: [daughter.id, s.son!.id], volunteer: { name: '李志愿', phone: '13700001111' } },
    });
    await runDay(ctx, clock, '2026-12-24');
    const alert = await ctx.db.manager.findOneOrFail(Alert, { where: { residentId: s.resident.id } });
    // The daughter is first in this plan's order; the son waits for the next level.
    expect(await sentTo(ctx, daughter.wechatContactId!)).toHaveLength(1);
    expect(await sentTo(ctx, s.son!.wechatContactId!)).toHaveLength(0);
    clock.set(at('2026-12-24T11:59:00'));
    await runCheckins(ctx);
    expect(await sentTo(ctx, s.son!.wechatContactId!)).toHaveLength(0);
    clock.set(at('2026-12-24T12:00:00'));
    await runCheckins(ctx);
    await runCheckins(ctx);
    expect((await sentTo(ctx, s.son!.wechatContactId!)).map((m) => m.text)).toEqual([
      '【平安提醒】您的母亲王秀英今天到11:00还没有报平安，社工站已收到提醒。您联系上她后请回复"已联系"。',
    ]);
    const adminTexts = (await sentTo(ctx, s.admin.wechatContactId!)).map((m) => m.text);
    expect(adminTexts.filter((t) => t.startsWith('【告警升级】'))).toHaveLength(1);
    expect(adminTexts.find((t) => t.startsWith('【告警升级】'))).toContain('已再通知家属 王小明');
    expect((await ctx.db.manager.findOneByOrFail(Alert, { id: alert.id })).escalationLevel).toBe(1);
    clock.set(at('2026-12-24T13:00:00'));
    await runCheckins(ctx);
    const volunteerText = (await sentTo(ctx, s.admin.wechatContactId!)).map((m) => m.text).filter((t) => t.startsWith('【告警升级】'));
    expect(volunteerText).toHaveLength(2);
    expect(volunteerText[1]).toContain('可请志愿者 李志愿（137****1111）上门查看');
    // Everyone has been told: no more messages.
    clock.set(at('2026-12-24T14:00:00'));
    await runCheckins(ctx);
    expect((await sentTo(ctx, s.admin.wechatContactId!)).filter((m) => m.text.startsWith('【告警升级】'))).toHaveLength(2);
  });

  it('an acknowledged alert is not escalated', async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-25T07:00:00'));
    const s = await elderScene(ctx);
    await createFamily(ctx, { residentId: s.resident.id, name: '王小红', relation: '女儿', wechatContactId: `d3-${s.k}` });
    await runDay(ctx, clock, '2026-12-25');
    const alert = await ctx.db.manager.findOneOrFail(Alert, { where: { residentId: s.resident.id } });
    clock.set(at('2026-12-25T11:10:00'));
    await ctx.services.alerts.acknowledge(actorOf(s.worker), alert.id);
    clock.set(at('2026-12-25T12:30:00'));
    await runCheckins(ctx);
    expect(await sentTo(ctx, `d3-${s.k}`)).toHaveLength(0);
    expect((await sentTo(ctx, s.admin.wechatContactId!)).filter((m) => m.text.startsWith('【告警升级】'))).toHaveLength(0);
  });

  it('sends the station admin a morning summary of open alerts, once', async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-26T07:00:00'));
    const s = await elderScene(ctx);
    await runDay(ctx, clock, '2026-12-26');
    clock.set(at('2026-12-27T08:29:00'));
    await runCheckins(ctx);
    const summary = () => queued(ctx, `checkin:summary:${s.station.id}:2026-12-27`);
    expect(await summary()).toHaveLength(0);
    clock.set(at('2026-12-27T08:30:00'));
    await runCheckins(ctx);
    clock.set(at('2026-12-27T08:31:00'));
    await runCheckins(ctx);
    const rows = await summary();
    expect(rows).toHaveLength(1);
    expect(rows[0].toContactId).toBe(s.admin.wechatContactId);
    expect(rows[0].text).toContain('【今日待处理告警】');
    expect(rows[0].text).toContain('王秀英 未报平安');
  });

  it('after downtime sends the first reminder late, never the second in the same sweep; the deadline stays the plan\'s', async () => {
    const { ctx, clock } = env();
    clock.set(at('2027-01-04T07:00:00'));
    const s = await elderScene(ctx);
    const key = `checkin:${s.resident.id}:2027-01-04`;
    // No run at 09:00 or 10:00; the job comes back at 10:30.
    clock.set(at('2027-01-04T10:30:00'));
    const summary = await ctx.services.checkins.sweep(clock.now());
    // Every elder of the suite is late today: first reminders go, and no second one in this sweep.
    expect(summary.firstReminders).toBeGreaterThanOrEqual(1);
    expect(summary.secondReminders).toBe(0);
    expect((await queued(ctx, key)).map((m) => m.dedupeKey)).toEqual([`${key}:first`]);
    await deliverAll(ctx);
    await runDay(ctx, clock, '2027-01-04', { times: ['10:31', '10:59'], deliver: false });
    expect(await queued(ctx, `${key}:second`)).toHaveLength(0);
    // 10:30 + 60 min is past the 11:00 deadline: no second reminder, and the escalation is on time.
    clock.set(at('2027-01-04T11:00:00'));
    await runCheckins(ctx);
    expect(await day(ctx, s.resident.id, '2027-01-04')).toMatchObject({ status: 'escalated', secondReminderAt: null });
    expect(await sentTo(ctx, s.resident.wechatContactId!)).toHaveLength(1);
    expect((await sentTo(ctx, s.son!.wechatContactId!)).map((m) => m.text)).toEqual([
      '【平安提醒】您的母亲王秀英今天到11:00还没有报平安，社工站已收到提醒。您联系上她后请回复"已联系"。',
    ]);
  });

  it('sends the second reminder secondReminderMinutes after a late first reminder went', async () => {
    const { ctx, clock } = env();
    clock.set(at('2027-01-05T07:00:00'));
    const s = await elderScene(ctx, { plan: { secondReminderMinutes: 30, graceMinutes: 180 } });
    const key = `checkin:${s.resident.id}:2027-01-05`;
    clock.set(at('2027-01-05T09:45:00'));
    await runCheckins(ctx);
    expect((await queued(ctx, key)).map((m) => m.dedupeKey)).toEqual([`${key}:first`]);
    await deliverAll(ctx);
    // The plan's second time (09:30) has long passed, but the first reminder only went at 09:45.
    for (const t of ['09:46', '10:00', '10:14']) {
      clock.set(at(`2027-01-05T${t}:00`));
      await runCheckins(ctx);
      expect(await queued(ctx, `${key}:second`)).toHaveLength(0);
    }
    clock.set(at('2027-01-05T10:15:00'));
    await runCheckins(ctx);
    const second = await queued(ctx, `${key}:second`);
    expect(second).toHaveLength(1);
    expect(await day(ctx, s.resident.id, '2027-01-05')).toMatchObject({ status: 'reminded', secondReminderAt: at('2027-01-05T10:15:00') });
    await deliverAll(ctx);
    clock.set(at('2027-01-05T12:00:00'));
    await runCheckins(ctx);
    expect(await day(ctx, s.resident.id, '2027-01-05')).toMatchObject({ status: 'escalated' });
    expect(await sentTo(ctx, s.resident.wechatContactId!)).toHaveLength(2);
  });

  it('counts the second reminder from when the first actually went out of the paced outbox', async () => {
    const { ctx, clock } = env();
    clock.set(at('2027-01-06T07:00:00'));
    const s = await elderScene(ctx, { plan: { secondReminderMinutes: 60, graceMinutes: 180 } });
    const key = `checkin:${s.resident.id}:2027-01-06`;
    clock.set(at('2027-01-06T09:00:00'));
    await runCheckins(ctx);
    // The sender is slow: the first reminder is still waiting at 10:00.
    clock.set(at('2027-01-06T10:00:00'));
    await runCheckins(ctx);
    expect(await queued(ctx, `${key}:second`)).toHaveLength(0);
    clock.set(at('2027-01-06T10:10:00'));
    await deliverAll(ctx);
    clock.set(at('2027-01-06T11:09:00'));
    await runCheckins(ctx);
    expect(await queued(ctx, `${key}:second`)).toHaveLength(0);
    clock.set(at('2027-01-06T11:10:00'));
    await runCheckins(ctx);
    expect(await queued(ctx, `${key}:second`)).toHaveLength(1);
  });
});

describe('two job runners on one database', () => {
  const url = onMysql ? TEST_DATABASE_URL : `sqlite:${path.join(mkdtempSync(path.join(tmpdir(), 'checkins-')), 'db.sqlite')}`;
  let a: AppContext;
  let b: AppContext;
  const clock = new AdjustableClock(new Date('2026-12-03T07:00:00+08:00'), { frozen: true });

  beforeAll(async () => {
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: url, LOG_LEVEL: 'silent', DATA_DIR: mkdtempSync(path.join(tmpdir(), 'checkins-data-')) });
    const logger = createLogger('silent');
    a = await createContext(config, { jobs: JOBS, clock, logger, connectAttempts: 1, resetDatabase: onMysql });
    b = await createContext(config, { jobs: JOBS, clock, logger, connectAttempts: 1 });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  it('send each reminder and alarm once when they run the same minutes (at the same time on MariaDB)', async () => {
    const scenes = [];
    for (let i = 0; i < 5; i++) scenes.push(await elderScene(a));
    for (const t of ['09:00', '10:00', '11:00']) {
      clock.set(at(`2026-12-03T${t}:00`));
      const runs = [a, b, a, b].map((c) => () => c.services.jobs.runNow('checkins'));
      if (onMysql) {
        await Promise.all(runs.map((r) => r()));
      } else {
        // Two better-sqlite3 connections in one process deadlock on each other's busy wait (the
        // wait blocks the event loop), so on SQLite the two runners take turns.
        for (const r of runs) await r();
      }
      await deliverAll(a);
    }
    for (const s of scenes) {
      const toElder = await sentTo(a, s.resident.wechatContactId!);
      expect(toElder.map((m) => m.dedupeKey)).toEqual([`checkin:${s.resident.id}:2026-12-03:first`, `checkin:${s.resident.id}:2026-12-03:second`]);
      expect(await sentTo(a, s.son!.wechatContactId!)).toHaveLength(1);
      expect(await sentTo(a, s.worker.wechatContactId!)).toHaveLength(1);
      expect(await a.db.manager.count(Alert, { where: { residentId: s.resident.id } })).toBe(1);
      expect(await a.db.manager.findOne(CheckinDay, { where: { residentId: s.resident.id, date: '2026-12-03' } })).toMatchObject({ status: 'escalated' });
    }
  });
});

describe('a mass silence', () => {
  const env = useTestEnv();

  it('gives the workers lists instead of one alarm per elder, while every family is still alarmed', async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-03T07:00:00'));
    const first = await elderScene(ctx);
    const others = [];
    for (let i = 0; i < 34; i++) others.push(await elderScene(ctx, { stationId: first.station.id }));
    for (const t of ['09:00', '10:00', '11:00']) {
      clock.set(at(`2026-12-03T${t}:00`));
      await runCheckins(ctx);
      await runCheckins(ctx);
      await deliverAll(ctx);
    }
    const lists = (await sentTo(ctx, first.worker.wechatContactId!)).map((m) => m.text);
    expect(lists).toHaveLength(2);
    expect(lists[0]).toContain('以下35位老人今日未报平安');
    expect(lists[1]).toContain('35. ');
    for (const s of [first, ...others]) expect(await sentTo(ctx, s.son!.wechatContactId!)).toHaveLength(1);
    expect(await ctx.db.manager.count(Alert, { where: { stationId: first.station.id, type: 'checkin_missed' } })).toBe(35);
  });
});
