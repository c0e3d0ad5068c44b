import { In } from 'typeorm';
import { Alert, OutboxMessage } from '../../entities';
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
