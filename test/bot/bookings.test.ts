import { Booking, BookingSlot, Conversation, OutboxMessage, WaitlistEntry } from '../../entities';
import { actorOf } from '../checkin-fixtures';
import { createBookableService, createResident, createSlot, createStation, createWorker } from '../factories';
import { useTestEnv } from '../helpers';
import { useTestBot } from './harness';

const HOUR = 3600_000;

/** The booking dialogue of BOT.md through a real Wechaty on the mock puppet and the real booking service. */
describe('booking by chat', () => {
  const env = useTestEnv();
  const bot = useTestBot(env);
  let n = 0;

  async function scene() {
    const { ctx } = env();
    const k = ++n;
    const station = await createStation(ctx, { phone: '0936-5521001' });
    const haircut = await createBookableService(ctx, { stationId: station.id, name: '义剪理发', location: '社工站一楼', durationMinutes: 30 });
    const therapy = await createBookableService(ctx, { stationId: station.id, name: '康复理疗', location: '社工站二楼', durationMinutes: 45 });
    const tomorrow9 = new Date('2026-12-04T09:00:00+08:00');
    const slots = [
      await createSlot(ctx, { serviceId: haircut.id, startsAt: tomorrow9, capacity: 2 }),
      await createSlot(ctx, { serviceId: haircut.id, startsAt: new Date(tomorrow9.getTime() + HOUR), capacity: 2 }),
    ];
    const wang = await createResident(ctx, { stationId: station.id, name: '王秀英', gender: 'female', birthDate: '1944-03-12', wechatContactId: `chat-wang-${k}` });
    return { station, haircut, therapy, slots, wang };
  }

  it('预约 → numbered services → numbered free slots → booked, the reply saying how to cancel', async () => {
    const { ctx } = env();
    const { station, slots, wang } = await scene();
    const say = (text: string) => bot().say(station.id, wang.wechatContactId!, text);
    const services = await say('预约');
    expect(services).toHaveLength(1);
    expect(services[0]).toContain('1 义剪理发（30分钟，社工站一楼）');
    expect(services[0]).toContain('2 康复理疗（45分钟，社工站二楼）');
    const conv = await ctx.db.manager.findOneByOrFail(Conversation, { stationId: station.id, contactId: wang.wechatContactId! });
    expect(conv.state).toMatchObject({ booking: { step: 'service' } });
    const times = await say('1');
    expect(times[0]).toContain('【义剪理发】可约时间');
    expect(times[0]).toContain('1 12月4日（周五）上午9:00（剩2位）');
    expect(times[0]).toContain('2 12月4日（周五）上午10:00（剩2位）');
    const booked = await say('2');
    expect(booked[0]).toBe('预约成功！义剪理发 12月4日（周五）上午10:00，地点：社工站一楼。\n不能来请回复“取消预约”。');
    const b = await ctx.db.manager.findOneByOrFail(Booking, { residentId: wang.id });
    expect(b).toMatchObject({ slotId: slots[1].id, status: 'booked', channel: 'chat' });
    expect(await ctx.db.manager.findOneBy(Conversation, { stationId: station.id, contactId: wang.wechatContactId! })).toBeNull();
    // A digit after the dialogue ended is the menu again, not a booking.
    expect((await say('2'))[0]).toContain('可以预约这些服务');
  });

  it('ordinary words: 我想约个理发 goes straight to the haircut times; 能预约吗 lists the services', async () => {
    const { station, wang } = await scene();
    const say = (text: string) => bot().say(station.id, wang.wechatContactId!, text);
    expect((await say('我想约个理发'))[0]).toContain('【义剪理发】可约时间');
    expect((await say('能预约吗？'))[0]).toContain('可以预约这些服务');
    expect((await say('帮我约一下康复理疗'))[0]).toContain('【康复理疗】近两周暂时没有可约的时间');
  });

  it('我的预约 lists them; 取消预约 → numbered → cancelled, the seat back on the slot', async () => {
    const { ctx } = env();
    const { station, slots, wang } = await scene();
    const say = (text: string) => bot().say(station.id, wang.wechatContactId!, text);
    expect((await say('我的预约'))[0]).toBe('您目前没有预约。回复“预约”看看可以约什么。');
    expect((await say('取消预约'))[0]).toBe('您目前没有预约。回复“预约”看看可以约什么。');
    await say('预约');
    await say('1');
    await say('1');
    const mine = await say('我的预约');
    expect(mine[0]).toContain('1 义剪理发 12月4日（周五）上午9:00，地点：社工站一楼');
    expect(mine[0]).toContain('取消预约');
    expect((await say('取消预约'))[0]).toContain('要取消哪一个？回复数字：\n1 义剪理发 12月4日（周五）上午9:00');
    expect((await say('1'))[0]).toBe('已取消：义剪理发 12月4日（周五）上午9:00。想改约其他时间，回复“预约”。');
    expect((await ctx.db.manager.findOneByOrFail(BookingSlot, { id: slots[0].id })).booked).toBe(0);
  });

  it('a full slot puts the resident on the waiting list; a cancellation offers the seat, and 1 takes it', async () => {
    const { ctx } = env();
    const { station, haircut, wang } = await scene();
    const full = await createSlot(ctx, { serviceId: haircut.id, startsAt: new Date('2026-12-05T09:00:00+08:00'), capacity: 1 });
    // Only the full slot remains: the others are cancelled.
    const worker = await createWorker(ctx, { stationId: station.id });
    for (const s of await ctx.db.manager.find(BookingSlot, { where: { serviceId: haircut.id } })) {
      if (s.id !== full.id) await ctx.services.bookings.cancelSlot(actorOf(worker), s.id, null);
    }
    const li = await createResident(ctx, { stationId: station.id, name: '李德福', wechatContactId: `chat-li-${n}` });
    const liBooking = await ctx.services.bookings.book(actorOf(worker), { slotId: full.id, residentId: li.id, channel: 'console' });
    const say = (text: string) => bot().say(station.id, wang.wechatContactId!, text);
    const list = await say('我想约个理发');
    expect(list[0]).toContain('近期都约满了');
    expect(list[0]).toContain('1 12月5日（周六）上午9:00（已满）');
    const queued = await say('1');
    expect(queued[0]).toContain('已为您排上候补（第1位）');
    const entry = await ctx.db.manager.findOneByOrFail(WaitlistEntry, { residentId: wang.id });
    expect(entry.status).toBe('waiting');
    await ctx.services.bookings.cancel(actorOf(worker), liBooking.booking.id);
    const offer = await ctx.db.manager.findOneByOrFail(OutboxMessage, { toContactId: wang.wechatContactId!, kind: 'booking_offer' });
    expect(offer.text).toContain('有空位了');
    expect(offer.text).toContain('回复“1”就约上');
    expect((await ctx.db.manager.findOneByOrFail(BookingSlot, { id: full.id }))).toMatchObject({ booked: 0, held: 1 });
    const taken = await say('1');
    expect(taken[0]).toContain('预约成功！义剪理发 12月5日（周六）上午9:00');
    expect((await ctx.db.manager.findOneByOrFail(BookingSlot, { id: full.id }))).toMatchObject({ booked: 1, held: 0 });
    expect(await ctx.db.manager.findOneByOrFail(WaitlistEntry, { id: entry.id })).toMatchObject({ status: 'accepted' });
  });

  it('digits of a list win over the menu numbers (4 is the fourth service, not 报平安)', async () => {
    const { ctx } = env();
    const { station, wang } = await scene();
    const more = [await createBookableService(ctx, { stationId: station.id, name: '心理咨询' }), await createBookableService(ctx, { stationId: station.id, name: '政策面谈' })];
    await createSlot(ctx, { serviceId: more[1].id, startsAt: new Date('2026-12-07T14:00:00+08:00'), capacity: 3 });
    const say = (text: string) => bot().say(station.id, wang.wechatContactId!, text);
    expect((await say('2'))[0]).toContain('4 政策面谈');
    expect((await say('4'))[0]).toContain('1 12月7日（周一）下午2:00（剩3位）');
    // A number beyond the list is not a choice: 5 still reaches a social worker.
    expect((await say('5'))[0]).toMatch(/社工/);
  });

  it('unbound contacts are told how to bind, in menu words and ordinary words alike', async () => {
    const { station } = await scene();
    for (const text of ['预约', '2', '我想约个理发', '我的预约', '取消预约']) {
      const replies = await bot().say(station.id, `stranger-${station.id}`, text);
      expect(replies[0]).toContain('绑定');
    }
  });
});
