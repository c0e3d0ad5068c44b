import { CheckinDay, CheckinPlan, Resident } from '../../entities';
import type { CheckinStatus } from '../../entities';
import type { Actor } from '../../services/auth';
import { actorOf, elderScene } from '../checkin-fixtures';
import { createWorker } from '../factories';
import { useTestEnv } from '../helpers';
import { addDays, atLocal } from '../../services/time';

describe('check-in board, history and today: what is counted', () => {
  const env = useTestEnv();

  /** A day row as the sweep would have left it. */
  async function day(ctx: ReturnType<typeof env>['ctx'], r: { id: number; stationId: number }, date: string, status: CheckinStatus, over: Partial<CheckinDay> = {}) {
    const m = ctx.db.manager;
    return m.save(CheckinDay, m.create(CheckinDay, {
      residentId: r.id, stationId: r.stationId, date, status, remindMinute: 540, secondMinute: 600, deadlineMinute: 660, ...over,
    }));
  }

  it('history: the streak skips paused days and today still open, stops at anything else; 30 days counted', async () => {
    const { ctx, clock } = env();
    const T = '2027-02-26';
    clock.set(atLocal(T, '08:00'));
    const s = await elderScene(ctx);
    const r = s.resident;
    const d = (n: number) => addDays(T, n);
    await day(ctx, r, d(1), 'confirmed');
    await day(ctx, r, T, 'pending');
    await day(ctx, r, d(-1), 'confirmed');
    await day(ctx, r, d(-2), 'paused');
    await day(ctx, r, d(-3), 'confirmed');
    await day(ctx, r, d(-4), 'unreachable', { unreachableReason: 'no_wechat' });
    await day(ctx, r, d(-5), 'confirmed', { escalatedAt: clock.now() });
    await day(ctx, r, d(-6), 'escalated');
    await day(ctx, r, d(-29), 'missed');
    await day(ctx, r, d(-30), 'missed');
    const h = await ctx.services.checkinBoard.history(actorOf(s.worker), r.id);
    expect(h).toMatchObject({ today: T, streak: 2, missesIn30Days: 3, unreachableIn30Days: 1, confirmedIn30Days: 3 });
    expect(h.plan?.residentId).toBe(r.id);
    expect(h.days.map((x) => x.date)).toEqual([T, d(-1), d(-2), d(-3), d(-4), d(-5), d(-6), d(-29)]);
    expect((await ctx.services.checkinBoard.history(actorOf(s.worker), r.id, 5)).days.map((x) => x.date)).toEqual([T, d(-1), d(-2), d(-3), d(-4)]);
    // A past day left reminded (never answered, never swept) breaks the streak too; today confirmed counts.
    await ctx.db.manager.update(CheckinDay, { residentId: r.id, date: T }, { status: 'escalated' });
    expect((await ctx.services.checkinBoard.history(actorOf(s.worker), r.id)).streak).toBe(0);
    await ctx.db.manager.update(CheckinDay, { residentId: r.id, date: T }, { status: 'confirmed' });
    expect((await ctx.services.checkinBoard.history(actorOf(s.worker), r.id))).toMatchObject({ streak: 3, confirmedIn30Days: 4 });
    await ctx.db.manager.update(CheckinDay, { residentId: r.id, date: d(-1) }, { status: 'reminded' });
    expect((await ctx.services.checkinBoard.history(actorOf(s.worker), r.id)).streak).toBe(1);

    // The elder herself in the mini-program: her own only; others and other stations: 404.
    const self = { kind: 'resident' as const, openid: 'o-1', residentId: r.id, stationId: r.stationId };
    expect((await ctx.services.checkinBoard.history(self, r.id)).resident.id).toBe(r.id);
    const other = await elderScene(ctx);
    await expect(ctx.services.checkinBoard.history(self, other.resident.id)).rejects.toMatchObject({ status: 404 });
    await expect(ctx.services.checkinBoard.history(actorOf(other.worker), r.id)).rejects.toMatchObject({ status: 404 });
    const herself = { kind: 'resident' as const, openid: 'o-2', residentId: other.resident.id, stationId: other.resident.stationId };
    const hers = await ctx.services.checkinBoard.history(herself, other.resident.id);
    expect([hers.resident.id, hers.plan?.residentId]).toEqual([other.resident.id, other.resident.id]);
    // Once erased, her history is gone for her too.
    await ctx.db.manager.update(Resident, { id: other.resident.id }, { erasedAt: clock.now() });
    await expect(ctx.services.checkinBoard.history(herself, other.resident.id)).rejects.toMatchObject({ status: 404 });
  });

  it("board: a community's residents, a page of them, counts over all; times from the day or the plan", async () => {
    const { ctx, clock } = env();
    const date = '2027-03-02';
    clock.set(atLocal(date, '08:00'));
    const a = await elderScene(ctx);
    const b = await elderScene(ctx, { stationId: a.station.id, resident: { name: '李桂兰', wechatContactId: null } });
    const c = await elderScene(ctx, { stationId: a.station.id, resident: { name: '赵大爷' } });
    const { alert } = await ctx.services.alerts.raise({ stationId: a.station.id, residentId: c.resident.id, type: 'checkin_missed', summary: '未报平安' });
    await day(ctx, c.resident, date, 'confirmed', {
      remindMinute: 600, deadlineMinute: 750, confirmedSource: 'worker', note: '电话',
      firstReminderAt: atLocal(date, '10:00'), secondReminderAt: atLocal(date, '11:00'), escalatedAt: atLocal(date, '12:30'), alertId: alert.id,
    });
    const me = actorOf(a.worker);
    const all = await ctx.services.checkinBoard.board(me, { date, limit: 10, offset: 0 });
    expect(all.items.map((i) => [i.name, i.status, i.remindAt, i.deadline, i.wechatBound])).toEqual([
      ['王秀英', 'pending', '09:00', '11:00', true], ['李桂兰', 'pending', '09:00', '11:00', false], ['赵大爷', 'confirmed', '10:00', '12:30', true],
    ]);
    expect(all.items[2]).toMatchObject({
      source: 'worker', note: '电话', communityName: c.community.name, alertId: alert.id,
      remindedAt: atLocal(date, '10:00'), secondReminderAt: atLocal(date, '11:00'), escalatedAt: atLocal(date, '12:30'),
    });
    const page = await ctx.services.checkinBoard.board(me, { date, limit: 1, offset: 1 });
    expect(page).toMatchObject({ total: 3, items: [{ residentId: b.resident.id }] });
    const confirmed = await ctx.services.checkinBoard.board(me, { date, status: 'confirmed', limit: 10, offset: 0 });
    expect(confirmed.items.map((i) => i.residentId)).toEqual([c.resident.id]);
    expect(confirmed.total).toBe(1);
    expect(confirmed.counts).toMatchObject({ pending: 2, confirmed: 1 });
    const village = await ctx.services.checkinBoard.board(me, { date, communityId: b.community.id, limit: 10, offset: 0 });
    expect(village.items.map((i) => i.residentId)).toEqual([b.resident.id]);
    const county = await createWorker(ctx, { role: 'county_admin' });
    await expect(ctx.services.checkinBoard.board(actorOf(county), { date, limit: 10, offset: 0 })).rejects.toMatchObject({ status: 403 });
  });

  it("today, as the family and the mini-program see it: the day's row, else what the plan says", async () => {
    const { ctx, clock } = env();
    const date = '2027-03-09'; // a Tuesday
    clock.set(atLocal(date, '08:00'));
    const neighbour = await elderScene(ctx, { resident: { name: '李桂兰', status: 'in_hospital' } });
    await day(ctx, neighbour.resident, date, 'escalated');
    const s = await elderScene(ctx);
    const board = ctx.services.checkinBoard;
    expect(await board.todayFor(actorOf(s.worker), s.resident.id, clock.now())).toMatchObject({ status: 'pending', reason: null, remindMinute: 540, deadlineMinute: 660, confirmedAt: null });
    const states = async () => (await board.todayStates([s.resident]))[Symbol.iterator]().next().value![1];
    expect(await states()).toEqual({ date, status: 'pending', confirmedAt: null });
    await ctx.db.manager.update(CheckinPlan, { residentId: s.resident.id }, { pausedUntil: date, pauseReason: null });
    expect(await board.todayFor(actorOf(s.worker), s.resident.id, clock.now())).toMatchObject({ status: 'paused', reason: `暂停至${date}` });
    await ctx.db.manager.update(CheckinPlan, { residentId: s.resident.id }, { pausedUntil: null, weekdayMask: 1 << 0 });
    expect(await board.todayFor(actorOf(s.worker), s.resident.id, clock.now())).toMatchObject({ status: 'not_today', remindMinute: null });
    expect(await states()).toMatchObject({ status: 'none' });
    await day(ctx, s.resident, date, 'unreachable', { unreachableReason: 'no_wechat', remindMinute: 600, deadlineMinute: 700 });
    expect(await board.todayFor(actorOf(s.worker), s.resident.id, clock.now())).toMatchObject({ status: 'unreachable', reason: '未绑定微信', remindMinute: 600, deadlineMinute: 700 });
    expect(await states()).toMatchObject({ status: 'unreachable' });
    const other = await elderScene(ctx, { stationId: s.station.id, resident: { name: '李桂兰' } });
    await ctx.db.manager.delete(CheckinPlan, { residentId: other.resident.id });
    expect(await board.todayFor(actorOf(s.worker), other.resident.id, clock.now())).toMatchObject({ status: 'no_plan', remindMinute: null });
    expect((await board.todayStates([other.resident])).get(other.resident.id)).toMatchObject({ status: 'none' });
    expect((await board.todayStates([])).size).toBe(0);
  });

  it("today's check-in is told to the elder's family and the elder on WeChat and the station's workers; anyone else is told 404", async () => {
    const { ctx, clock } = env();
    clock.set(atLocal('2027-03-09', '08:00'));
    const s = await elderScene(ctx);
    const elsewhere = await elderScene(ctx);
    const board = ctx.services.checkinBoard;
    const contact = (contactId: string, residentId: number | null = null, stationId = s.station.id): Actor => ({ kind: 'contact', stationId, contactId, residentId });
    const pending = { status: 'pending', remindMinute: 540 };
    expect(await board.todayFor(contact(s.son!.wechatContactId!), s.resident.id, clock.now())).toMatchObject(pending);
    expect(await board.todayFor(contact(s.resident.wechatContactId!, s.resident.id), s.resident.id, clock.now())).toMatchObject(pending);
    expect(await board.todayFor(actorOf(s.admin), s.resident.id, clock.now())).toMatchObject(pending);
    expect(await board.todayFor({ kind: 'resident', openid: 'o-1', residentId: s.resident.id, stationId: s.station.id }, s.resident.id, clock.now())).toMatchObject(pending);
    const denied = [
      contact('stranger-1'),
      contact(elsewhere.son!.wechatContactId!),
      contact(s.son!.wechatContactId!, null, elsewhere.station.id),
      contact(elsewhere.resident.wechatContactId!, elsewhere.resident.id),
      actorOf(elsewhere.worker),
      { kind: 'resident', openid: 'o-2', residentId: elsewhere.resident.id, stationId: elsewhere.station.id } as Actor,
    ];
    for (const actor of denied) await expect(board.todayFor(actor, s.resident.id, clock.now())).rejects.toMatchObject({ status: 404 });
    await expect(board.todayFor(actorOf(s.worker), 999_999, clock.now())).rejects.toMatchObject({ status: 404 });
  });
});
