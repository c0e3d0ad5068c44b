import { Alert, CheckinDay, OutboxMessage, Resident, Worker } from '../../entities';
import type { AppContext } from '../../services/context';
import type { AdjustableClock } from '../../services/clock';
import { CheckinSweep } from '../../services/checkin-sweep';
import { alertLevelKey, checkinAlarmKey, checkinReminderKey, forFamily, forWorker } from '../../services/messaging/keys';
import { addDays, atLocal } from '../../services/time';
import { elderScene, runDay, sentTo } from '../checkin-fixtures';
import { createFamily } from '../factories';
import { useTestEnv } from '../helpers';

// What each step of the sweep hands on: its counts, and the kind, reference and text of every row it queues.

const FIRST_DATE = '2027-03-09';

describe('the check-in sweep, step by step', () => {
  const env = useTestEnv();
  // A day of its own for each test: a sweep works on every station's days of its date.
  let today = FIRST_DATE;
  let n = 0;
  beforeEach(() => {
    today = addDays(FIRST_DATE, n++);
  });

  const sweep = (ctx: AppContext, clock: AdjustableClock, time: string) => {
    clock.set(atLocal(today, time));
    return new CheckinSweep(ctx, ctx.services, clock.now()).run();
  };
  const reminder = (ctx: AppContext, residentId: number, which: 'first' | 'second' = 'first') =>
    ctx.db.manager.findOneByOrFail(OutboxMessage, { dedupeKey: checkinReminderKey(residentId, today, which) });
  const deliver = (ctx: AppContext, residentId: number, which: 'first' | 'second', status: 'sent' | 'failed' = 'sent') =>
    ctx.db.manager.update(OutboxMessage, { dedupeKey: checkinReminderKey(residentId, today, which) }, { status, sentAt: status === 'sent' ? ctx.clock.now() : null });
  const dayOf = (ctx: AppContext, residentId: number) => ctx.db.manager.findOneByOrFail(CheckinDay, { residentId, date: today });
  const alertOf = (ctx: AppContext, residentId: number) => ctx.db.manager.findOneByOrFail(Alert, { residentId, type: 'checkin_missed' });
  const none = { stopped: 0, opened: 0, firstReminders: 0, secondReminders: 0, unreachable: 0, unreachableNotices: 0, missed: 0, escalated: 0, levelUps: 0 };

  it('queues every reminder and alarm with its kind, urgency, reference and words', async () => {
    const { ctx, clock } = env();
    clock.set(atLocal(today, '07:00'));
    const s = await elderScene(ctx);
    const daughter = await createFamily(ctx, { residentId: s.resident.id, name: '王小红', relation: '女儿', wechatContactId: 'kinds-daughter' });
    // Silent an hour later than 王秀英: alarmed in the same run as her alert goes up a level.
    const later = await elderScene(ctx, { stationId: s.station.id, resident: { name: '李桂兰' }, plan: { graceMinutes: 180 } });
    const ids = [s.resident.id, later.resident.id];

    await sweep(ctx, clock, '09:00');
    expect(await reminder(ctx, s.resident.id)).toMatchObject({ kind: 'checkin_first', urgent: false, refType: 'checkin_day', refId: (await dayOf(ctx, s.resident.id)).id });
    for (const id of ids) await deliver(ctx, id, 'first');
    await sweep(ctx, clock, '10:00');
    expect(await reminder(ctx, s.resident.id, 'second')).toMatchObject({
      kind: 'checkin_second', text: '王奶奶，还没收到您今天的平安呢。回个"好"字，或者发个表情、语音都行 😊', toContactId: s.resident.wechatContactId,
    });
    for (const id of ids) await deliver(ctx, id, 'second');

    // A few minutes late (the job was busy): the alert and the family still say the plan's deadline.
    await sweep(ctx, clock, '11:07');
    const alert = await alertOf(ctx, s.resident.id);
    expect(alert.summary).toBe(`幸福村${s.k} 王秀英 ${today} 到11:00未报平安`);
    const alarm = { kind: 'alert_checkin_missed', urgent: true, refType: 'alert', refId: alert.id };
    expect(await sentTo(ctx, s.son!.wechatContactId!)).toEqual([expect.objectContaining({ ...alarm, dedupeKey: forFamily(checkinAlarmKey(s.resident.id, today), s.son!.id) })]);
    expect((await sentTo(ctx, s.worker.wechatContactId!)).filter((m) => m.kind === 'alert_checkin_missed')).toEqual([
      expect.objectContaining({ ...alarm, dedupeKey: forWorker(checkinAlarmKey(s.resident.id, today), s.worker.id) }),
    ]);

    await sweep(ctx, clock, '12:07');
    const up = { kind: 'alert_escalation', urgent: true, refType: 'alert', refId: alert.id };
    expect(await sentTo(ctx, daughter.wechatContactId!)).toEqual([expect.objectContaining({
      ...up, dedupeKey: forFamily(alertLevelKey(alert.id, 1), daughter.id),
      text: '【平安提醒】您的母亲王秀英今天到11:00还没有报平安，社工站已收到提醒。您联系上她后请回复"已联系"。',
    })]);
    const toAdmin = (await sentTo(ctx, s.admin.wechatContactId!)).filter((m) => m.kind === 'alert_escalation');
    expect(toAdmin).toEqual([expect.objectContaining({ ...up, dedupeKey: forWorker(alertLevelKey(alert.id, 1), s.admin.id) })]);
    expect(toAdmin[0].text).toContain(`告警 ${alert.id} 已超过1小时无人确认。已再通知家属 王小红。`);
    // The level-up is the station admins' alone, though the workers were just alarmed about 李桂兰 in the same run.
    const workers = [s.worker, later.worker];
    for (const w of workers) expect((await sentTo(ctx, w.wechatContactId!)).filter((m) => m.kind === 'alert_escalation')).toEqual([]);
    expect(await sentTo(ctx, later.son!.wechatContactId!)).toEqual([expect.objectContaining({ kind: 'alert_checkin_missed' })]);
  });

  it('moves every alert of a level up in one run; one with nobody left to tell is looked at again only in an hour', async () => {
    const { ctx, clock } = env();
    clock.set(atLocal(today, '07:00'));
    const a = await elderScene(ctx);
    const b = await elderScene(ctx, { stationId: a.station.id, resident: { name: '李桂兰' } });
    const alone = await elderScene(ctx, { stationId: a.station.id, resident: { name: '赵淑芬' } });
    for (const e of [a, b]) {
      for (const name of ['二女儿', '三女儿']) await createFamily(ctx, { residentId: e.resident.id, name, relation: '女儿', wechatContactId: `lvl-${name}-${e.k}` });
    }
    await runDay(ctx, clock, today);
    await sweep(ctx, clock, '12:00');
    for (const e of [a, b, alone]) expect(await alertOf(ctx, e.resident.id)).toMatchObject({ escalationLevel: 1, escalatedAt: clock.now() });
    await sweep(ctx, clock, '13:00');
    for (const e of [a, b]) expect(await alertOf(ctx, e.resident.id)).toMatchObject({ escalationLevel: 2, escalatedAt: clock.now() });
    const toAdmin = (await sentTo(ctx, a.admin.wechatContactId!)).filter((m) => m.kind === 'alert_escalation').map((m) => m.text);
    expect(toAdmin.filter((t) => t.includes('已超过2小时无人确认。已再通知家属 三女儿'))).toHaveLength(2);
    // 赵淑芬 has her son only, alarmed at 11:00, and the admin was told at 12:00: nobody is left, so her
    // alert is put aside for an hour instead of being read again every minute.
    const aside = await alertOf(ctx, alone.resident.id);
    expect(aside).toMatchObject({ escalationLevel: 1, escalatedAt: clock.now() });
    expect(toAdmin.filter((t) => t.includes(`告警 ${aside.id} `))).toHaveLength(1);
  });

  it('an alert with no day behind it still tells the family the time it was raised', async () => {
    const { ctx, clock } = env();
    clock.set(atLocal(today, '10:45'));
    const s = await elderScene(ctx);
    const daughter = await createFamily(ctx, { residentId: s.resident.id, name: '王小红', relation: '女儿', wechatContactId: 'noday-daughter' });
    const { alert } = await ctx.services.alerts.raise({ stationId: s.station.id, residentId: s.resident.id, type: 'checkin_missed', summary: '王秀英 未报平安' });
    await sweep(ctx, clock, '11:45');
    // Level 0 was the son's (the first bound contact); the next level is the daughter's.
    const told = await sentTo(ctx, daughter.wechatContactId!);
    expect(told.map((m) => m.refId)).toEqual([alert.id]);
    expect(told[0].text).toContain('今天到10:45还没有报平安');
  });

  it('a silent elder with no family on WeChat: the workers are alarmed, nobody else, and the day is escalated', async () => {
    const { ctx, clock } = env();
    clock.set(atLocal(today, '07:00'));
    const s = await elderScene(ctx);
    await ctx.db.manager.update('family_contacts', { id: s.son!.id }, { wechatContactId: null });
    await runDay(ctx, clock, today);
    const alert = await alertOf(ctx, s.resident.id);
    expect(await dayOf(ctx, s.resident.id)).toMatchObject({ status: 'escalated', alertId: alert.id });
    const alarms = await ctx.db.manager.find(OutboxMessage, { where: { kind: 'alert_checkin_missed', refId: alert.id } });
    expect(alarms.map((m) => m.toContactId).sort()).toEqual([s.admin.wechatContactId, s.worker.wechatContactId].sort());
    const toWorker = (await sentTo(ctx, s.worker.wechatContactId!)).filter((m) => m.kind === 'alert_checkin_missed');
    expect(toWorker[0].text).toContain('王小明');
  });

  it('with no station admin on WeChat the level-up goes to the workers', async () => {
    const { ctx, clock } = env();
    clock.set(atLocal(today, '07:00'));
    const s = await elderScene(ctx);
    await createFamily(ctx, { residentId: s.resident.id, name: '王小红', relation: '女儿', wechatContactId: 'noadmin-daughter' });
    await ctx.db.manager.update(Worker, { id: s.admin.id }, { wechatContactId: null });
    await runDay(ctx, clock, today);
    await sweep(ctx, clock, '12:00');
    expect((await sentTo(ctx, s.worker.wechatContactId!)).filter((m) => m.kind === 'alert_escalation')).toHaveLength(1);
  });

  it('up to ten silent elders at a station are one alarm each; the eleventh makes lists, each line with the first family contact', async () => {
    const { ctx, clock } = env();
    clock.set(atLocal(today, '07:00'));
    const ten = await elderScene(ctx);
    for (let i = 1; i < 10; i++) await elderScene(ctx, { stationId: ten.station.id });
    const eleven = await elderScene(ctx);
    for (let i = 1; i < 11; i++) await elderScene(ctx, { stationId: eleven.station.id });
    await runDay(ctx, clock, today);
    const alarms = (await sentTo(ctx, ten.worker.wechatContactId!)).filter((m) => m.kind === 'alert_checkin_missed');
    expect(alarms).toHaveLength(10);
    expect(alarms.every((m) => m.refType === 'alert')).toBe(true);
    const lists = (await sentTo(ctx, eleven.worker.wechatContactId!)).filter((m) => m.kind === 'alert_checkin_missed');
    expect(lists).toHaveLength(1);
    expect(lists[0].text).toContain('以下11位老人今日未报平安');
    expect(lists[0].text).toContain('1. 幸福村');
    expect(lists[0].text).toContain('家属 王小明 138****0000，告警');
  });

  it('tells the workers of every elder unreachable at once in one list, referring to its alert', async () => {
    const { ctx, clock } = env();
    clock.set(atLocal(today, '07:00'));
    const a = await elderScene(ctx, { resident: { wechatContactId: null } });
    await elderScene(ctx, { stationId: a.station.id, resident: { name: '李桂兰', wechatContactId: null } });
    expect(await sweep(ctx, clock, '09:00')).toMatchObject({ unreachable: 2, unreachableNotices: 1 });
    const alert = await ctx.db.manager.findOneByOrFail(Alert, { stationId: a.station.id, type: 'checkin_unreachable' });
    const lists = (await sentTo(ctx, a.worker.wechatContactId!)).filter((m) => m.kind === 'checkin_unreachable');
    expect(lists).toEqual([expect.objectContaining({ urgent: true, refType: 'alert', refId: alert.id })]);
    expect(lists[0].text).toContain('以下2位老人');
    expect(lists[0].text).toContain('王秀英');
    expect(lists[0].text).toContain('李桂兰');
    expect(lists[0].dedupeKey).toMatch(/:1:w\d+$/);
  });

  it('sends no second reminder while the station account is down, and sends it once it is back', async () => {
    const { ctx, clock } = env();
    clock.set(atLocal(today, '07:00'));
    const s = await elderScene(ctx);
    await sweep(ctx, clock, '09:00');
    await deliver(ctx, s.resident.id, 'first');
    ctx.services.accounts.set(s.station.id, false);
    // The reminder steps alone: a whole run would first make the day unreachable (accountsDown).
    const summary = await new CheckinSweep(ctx, ctx.services, atLocal(today, '10:00')).reminders();
    expect(summary.secondReminders).toBe(0);
    ctx.services.accounts.set(s.station.id, true);
    expect((await new CheckinSweep(ctx, ctx.services, atLocal(today, '10:05')).reminders()).secondReminders).toBe(1);
  });

  describe('on a database of its own', () => {
    const own = useTestEnv();

    it('says how much each step did, run by run', async () => {
      const { ctx, clock } = own();
      clock.set(atLocal(today, '07:00'));
      const silent = await elderScene(ctx);
      const station = silent.station.id;
      await createFamily(ctx, { residentId: silent.resident.id, name: '王小红', relation: '女儿', wechatContactId: 'sum-daughter' });
      const noWechat = await elderScene(ctx, { stationId: station, resident: { wechatContactId: null } });
      const failed = await elderScene(ctx, { stationId: station });
      const undelivered = await elderScene(ctx, { stationId: station });
      const hospital = await elderScene(ctx, { stationId: station });
      const elsewhere = await elderScene(ctx);

      expect(await sweep(ctx, clock, '09:00')).toEqual({
        ...none, date: today, time: '09:00', opened: 6, firstReminders: 5, unreachable: 1, unreachableNotices: 1,
      });
      expect((await dayOf(ctx, noWechat.resident.id)).unreachableReason).toBe('no_wechat');
      for (const e of [silent, hospital, elsewhere]) await deliver(ctx, e.resident.id, 'first');
      await deliver(ctx, failed.resident.id, 'first', 'failed');
      await ctx.db.manager.update(Resident, { id: hospital.resident.id }, { status: 'in_hospital' });
      ctx.services.accounts.set(elsewhere.station.id, false);
      // One station's account down, one reminder failed for good: two more unreachable, a list at each station.
      expect(await sweep(ctx, clock, '09:30')).toEqual({ ...none, date: today, time: '09:30', stopped: 1, unreachable: 2, unreachableNotices: 2 });
      expect((await dayOf(ctx, elsewhere.resident.id)).unreachableReason).toBe('account_down');
      expect((await dayOf(ctx, silent.resident.id)).status).toBe('reminded');
      expect((await dayOf(ctx, failed.resident.id)).unreachableReason).toBe('not_delivered');
      ctx.services.accounts.set(elsewhere.station.id, true);

      // The undelivered elder's first reminder is still on its way: no second one for them yet.
      expect(await sweep(ctx, clock, '10:00')).toEqual({ ...none, date: today, time: '10:00', secondReminders: 1 });
      await deliver(ctx, silent.resident.id, 'second');
      expect(await sweep(ctx, clock, '11:00')).toEqual({ ...none, date: today, time: '11:00', unreachable: 1, unreachableNotices: 1, missed: 1, escalated: 1 });
      expect((await dayOf(ctx, undelivered.resident.id)).unreachableReason).toBe('not_delivered');
      expect(await sweep(ctx, clock, '12:00')).toEqual({ ...none, date: today, time: '12:00', levelUps: 1 });
      expect(await sweep(ctx, clock, '12:01')).toEqual({ ...none, date: today, time: '12:01' });
    // Each run's newly unreachable elders made a list of their own: 09:00, 09:30 and 11:00.
    expect((await sentTo(ctx, silent.worker.wechatContactId!)).filter((m) => m.kind === 'checkin_unreachable')).toHaveLength(3);
    });

  });

  describe('on another database of its own', () => {
    const own = useTestEnv();

    it('the escalation sweep alone does the deadline, the list of unreachable elders and the alarms', async () => {
      const { ctx, clock } = own();
      clock.set(atLocal(today, '07:00'));
      const s = await elderScene(ctx);
      await elderScene(ctx, { stationId: s.station.id, resident: { name: '李桂兰' } });
      await sweep(ctx, clock, '09:00');
      await deliver(ctx, s.resident.id, 'first');
      clock.set(atLocal(today, '11:00'));
      expect(await new CheckinSweep(ctx, ctx.services, clock.now()).escalations()).toEqual({ unreachable: 1, missed: 1, escalated: 1, notices: 1 });
      expect(await alertOf(ctx, s.resident.id)).toMatchObject({ status: 'open' });
    });
  });
});
