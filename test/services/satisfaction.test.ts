import { OutboxMessage, SatisfactionRating, WaitlistEntry } from '../../entities';
import type { Actor } from '../../services/auth';
import { satisfactionKey } from '../../services/messaging/keys';
import { actorOf, createBookableService, createResident, createSlot, createStation, createWorker } from '../factories';
import { useTestEnv } from '../helpers';

const at = (s: string) => new Date(`${s}+08:00`);
/** 王 writing to the station's bot: the chat a pending question belongs to. */
const wangOnWeChat = (s: { station: { id: number }; wang: { id: number; wechatContactId: string | null } }): Actor =>
  ({ kind: 'contact', stationId: s.station.id, contactId: s.wang.wechatContactId!, residentId: s.wang.id });

describe('SatisfactionService: who is asked, and when a digit is a score', () => {
  const env = useTestEnv();
  let k = 0;

  async function scene() {
    const { ctx, clock } = env();
    clock.set(at('2026-12-03T10:00:00'));
    k++;
    const station = await createStation(ctx);
    const worker = await createWorker(ctx, { stationId: station.id });
    const wang = await createResident(ctx, { stationId: station.id, name: '王秀英', wechatContactId: `ss-wang-${k}` });
    const moved = await createResident(ctx, { stationId: station.id, name: '搬走的', status: 'moved', wechatContactId: `ss-moved-${k}` });
    const noWechat = await createResident(ctx, { stationId: station.id, name: '没微信' });
    const record = (residentIds: number[], date = '2026-12-03') => ctx.services.serviceRecords.create(actorOf(worker), { type: 'case', residentIds, date, summary: '个案' });
    return { ctx, clock, station, worker, wang, moved, noWechat, record };
  }

  it('asks only active residents with WeChat, once per record and at most once in 20 hours', async () => {
    const s = await scene();
    const r1 = await s.record([s.wang.id, s.moved.id, s.noWechat.id]);
    expect(await s.ctx.db.manager.find(SatisfactionRating, { where: { recordId: r1.id } })).toEqual([expect.objectContaining({ residentId: s.wang.id, rating: null })]);
    expect(await s.ctx.services.satisfaction.askAfter(r1)).toBe(0);
    const r2 = await s.record([s.wang.id]);
    expect(await s.ctx.db.manager.count(SatisfactionRating, { where: { recordId: r2.id } })).toBe(0);
    s.clock.set(at('2026-12-04T07:00:00'));
    const r3 = await s.record([s.wang.id]);
    expect(await s.ctx.db.manager.count(SatisfactionRating, { where: { recordId: r3.id } })).toBe(1);
    const row = await s.ctx.db.manager.findOneByOrFail(OutboxMessage, { dedupeKey: satisfactionKey(r3.id, s.wang.id) });
    expect(row).toMatchObject({ toContactId: s.wang.wechatContactId, kind: 'satisfaction', urgent: false });
  });

  it('a question not yet delivered (quiet hours, a slow sender) is not answered by a digit; once seen it is, once', async () => {
    const s = await scene();
    const r = await s.record([s.wang.id]);
    const pending = () => s.ctx.services.satisfaction.pending(wangOnWeChat(s));
    expect(await pending()).toBeNull();
    await s.ctx.db.manager.update(OutboxMessage, { dedupeKey: satisfactionKey(r.id, s.wang.id) }, { status: 'sent', sentAt: s.clock.now() });
    const row = await pending();
    expect(row).toMatchObject({ recordId: r.id });
    expect(await s.ctx.services.satisfaction.rate(row!, 3)).toBe(true);
    expect(await s.ctx.services.satisfaction.rate(row!, 5)).toBe(false);
    expect(await pending()).toBeNull();
  });

  it('a question is pending only in the resident\'s own chat: not for a worker, an unbound contact or another station\'s chat', async () => {
    const s = await scene();
    const r = await s.record([s.wang.id]);
    await s.ctx.db.manager.update(OutboxMessage, { dedupeKey: satisfactionKey(r.id, s.wang.id) }, { status: 'sent', sentAt: s.clock.now() });
    expect(await s.ctx.services.satisfaction.pending(wangOnWeChat(s))).toMatchObject({ recordId: r.id });
    const other = await createStation(s.ctx);
    const not: Actor[] = [
      actorOf(s.worker),
      { kind: 'contact', stationId: s.station.id, contactId: s.wang.wechatContactId!, residentId: null },
      { kind: 'contact', stationId: other.id, contactId: s.wang.wechatContactId!, residentId: s.wang.id },
      { kind: 'resident', openid: 'o-wang', residentId: s.wang.id, stationId: s.station.id },
    ];
    for (const actor of not) expect(await s.ctx.services.satisfaction.pending(actor)).toBeNull();
  });

  it('a seat offered from the waiting list after the question owns the `1`', async () => {
    const s = await scene();
    const r = await s.record([s.wang.id]);
    await s.ctx.db.manager.update(OutboxMessage, { dedupeKey: satisfactionKey(r.id, s.wang.id) }, { status: 'sent', sentAt: s.clock.now() });
    const slot = await createSlot(s.ctx, { serviceId: (await createBookableService(s.ctx, { stationId: s.station.id })).id });
    s.clock.set(at('2026-12-03T10:10:00'));
    await s.ctx.db.manager.insert(WaitlistEntry, {
      stationId: s.station.id, slotId: slot.id, residentId: s.wang.id, status: 'offered', activeKey: `x-${k}`, addedBy: null,
      offeredAt: s.clock.now(), offerExpiresAt: at('2026-12-03T10:40:00'), bookingId: null, createdAt: s.clock.now(),
    });
    expect(await s.ctx.services.satisfaction.pending(wangOnWeChat(s))).toBeNull();
    s.clock.set(at('2026-12-03T10:45:00'));
    expect(await s.ctx.services.satisfaction.pending(wangOnWeChat(s))).not.toBeNull();
  });
});
