import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Like } from 'typeorm';
import { BookingSlot, OutboxMessage, WaitlistEntry } from '../../entities';
import { JOBS } from '../../jobs';
import { AdjustableClock } from '../../services/clock';
import { loadConfig } from '../../services/config';
import { AppContext, createContext } from '../../services/context';
import { createLogger } from '../../services/logger';
import { actorOf } from '../checkin-fixtures';
import { createBookableService, createResident, createSlot, createStation, createWorker } from '../factories';
import { onMysql, TEST_DATABASE_URL, useTestEnv } from '../helpers';

const at = (s: string) => new Date(`${s}+08:00`);
const reminders = (ctx: AppContext, bookingId: number) => ctx.db.manager.find(OutboxMessage, { where: { dedupeKey: Like(`booking:${bookingId}:%`), kind: 'booking_reminder' }, order: { id: 'ASC' } });

describe('booking-reminders', () => {
  const env = useTestEnv({ now: '2026-12-01T10:00:00+08:00' });

  async function scene(ctx: AppContext, over: { startsAt?: Date } = {}) {
    const station = await createStation(ctx);
    const worker = await createWorker(ctx, { stationId: station.id });
    const service = await createBookableService(ctx, { stationId: station.id, name: '康复理疗', location: '社工站二楼' });
    const slot = await createSlot(ctx, { serviceId: service.id, startsAt: over.startsAt ?? at('2026-12-05T09:00:00'), capacity: 5 });
    const resident = await createResident(ctx, { stationId: station.id, name: '李德福', gender: 'male', birthDate: '1940-08-21', wechatContactId: `remind-${station.id}` });
    return { station, worker, service, slot, resident };
  }

  it('reminds within the 24 hours before and again within the 2 hours before, once each however often it runs', async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-01T10:00:00'));
    const s = await scene(ctx);
    const b = await ctx.services.bookings.book(actorOf(s.worker), { slotId: s.slot.id, residentId: s.resident.id, channel: 'console' });
    const run = () => ctx.services.jobs.runNow('booking-reminders');
    clock.set(at('2026-12-04T08:55:00'));
    await run();
    expect(await reminders(ctx, b.booking.id)).toHaveLength(0);
    clock.set(at('2026-12-04T09:05:00'));
    await run();
    await run();
    const first = await reminders(ctx, b.booking.id);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ toContactId: s.resident.wechatContactId, dedupeKey: `booking:${b.booking.id}:24h` });
    expect(first[0].text).toBe('【预约提醒】李爷爷，别忘了您的预约：康复理疗 12月5日（周六）上午9:00，地点：社工站二楼。\n不能来请回复“取消预约”。');
    clock.set(at('2026-12-05T06:00:00'));
    await run();
    expect(await reminders(ctx, b.booking.id)).toHaveLength(1);
    clock.set(at('2026-12-05T07:05:00'));
    await Promise.all([run(), run()]);
    const both = await reminders(ctx, b.booking.id);
    expect(both.map((m) => m.dedupeKey)).toEqual([`booking:${b.booking.id}:24h`, `booking:${b.booking.id}:2h`]);
    expect(both[1].text).toContain('马上就到时间了');
    // Past the start: nothing more.
    clock.set(at('2026-12-05T09:10:00'));
    await run();
    expect(await reminders(ctx, b.booking.id)).toHaveLength(2);
  });

  it('reminds a mini-program-only resident by subscription message; one on both gets the bot with the fall-over', async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-01T10:00:00'));
    const s = await scene(ctx);
    const both = await createResident(ctx, { stationId: s.station.id, wechatContactId: `both-${s.station.id}`, openid: `both-o-${s.station.id}` });
    const miniOnly = await createResident(ctx, { stationId: s.station.id, openid: `mini-o-${s.station.id}` });
    const w = actorOf(s.worker);
    const [b1, b2] = [await ctx.services.bookings.book(w, { slotId: s.slot.id, residentId: both.id, channel: 'console' }), await ctx.services.bookings.book(w, { slotId: s.slot.id, residentId: miniOnly.id, channel: 'console' })];
    clock.set(at('2026-12-04T09:05:00'));
    await ctx.services.jobs.runNow('booking-reminders');
    const [r1] = await reminders(ctx, b1.booking.id);
    const [r2] = await reminders(ctx, b2.booking.id);
    expect(r1).toMatchObject({ channel: 'bot', toContactId: both.wechatContactId, toOpenid: both.openid, purpose: 'booking_reminder' });
    expect(r2).toMatchObject({ channel: 'miniapp', toContactId: `mp:${miniOnly.openid}`, toOpenid: miniOnly.openid, purpose: 'booking_reminder' });
  });

  it('leaves out cancelled bookings, residents no longer active, and a reminder the booking reply just made', async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-01T10:00:00'));
    const s = await scene(ctx);
    const cancelled = await ctx.services.bookings.book(actorOf(s.worker), { slotId: s.slot.id, residentId: s.resident.id, channel: 'console' });
    await ctx.services.bookings.cancel(actorOf(s.worker), cancelled.booking.id);
    const away = await createResident(ctx, { stationId: s.station.id, wechatContactId: `away-${s.station.id}` });
    const awayBooking = await ctx.services.bookings.book(actorOf(s.worker), { slotId: s.slot.id, residentId: away.id, channel: 'console' });
    await ctx.db.manager.update('residents', { id: away.id }, { status: 'in_hospital' });
    // Booked 10 hours before the start: no "within 24 hours" reminder right after, the 2-hour one later.
    clock.set(at('2026-12-04T23:00:00'));
    const late = await createResident(ctx, { stationId: s.station.id, wechatContactId: `late-${s.station.id}` });
    const lateBooking = await ctx.services.bookings.book(actorOf(s.worker), { slotId: s.slot.id, residentId: late.id, channel: 'console' });
    clock.set(at('2026-12-04T23:05:00'));
    await ctx.services.jobs.runNow('booking-reminders');
    clock.set(at('2026-12-05T07:30:00'));
    await ctx.services.jobs.runNow('booking-reminders');
    expect(await reminders(ctx, cancelled.booking.id)).toHaveLength(0);
    expect(await reminders(ctx, awayBooking.booking.id)).toHaveLength(0);
    expect((await reminders(ctx, lateBooking.booking.id)).map((m) => m.dedupeKey)).toEqual([`booking:${lateBooking.booking.id}:2h`]);
  });
});

describe('waiting-list offers', () => {
  const env = useTestEnv({ now: '2026-12-01T10:00:00+08:00' });

  it('a lapsed offer passes to the next in line, then the seat goes back to everyone; each told once', async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-01T10:00:00'));
    const station = await createStation(ctx);
    const worker = await createWorker(ctx, { stationId: station.id });
    const slot = await createSlot(ctx, { stationId: station.id, startsAt: at('2026-12-03T09:00:00'), capacity: 1 });
    const people = await Promise.all([0, 1, 2].map((i) => createResident(ctx, { stationId: station.id, wechatContactId: `wl-${station.id}-${i}` })));
    const w = actorOf(worker);
    const first = await ctx.services.bookings.book(w, { slotId: slot.id, residentId: people[0].id, channel: 'console' });
    const e1 = await ctx.services.bookings.joinWaitlist(w, slot.id, people[1].id);
    const e2 = await ctx.services.bookings.joinWaitlist(w, slot.id, people[2].id);
    expect([e1.position, e2.position]).toEqual([1, 2]);
    await ctx.services.bookings.cancel(w, first.booking.id);
    expect(await ctx.db.manager.findOneByOrFail(WaitlistEntry, { id: e1.entry.id })).toMatchObject({ status: 'offered' });
    expect(await ctx.db.manager.findOneByOrFail(BookingSlot, { id: slot.id })).toMatchObject({ booked: 0, held: 1 });
    // Nobody else can take the held seat meanwhile.
    const stranger = await createResident(ctx, { stationId: station.id });
    await expect(ctx.services.bookings.book(w, { slotId: slot.id, residentId: stranger.id, channel: 'console' })).rejects.toMatchObject({ code: 'slot_full' });
    clock.set(at('2026-12-01T10:29:00'));
    await ctx.services.jobs.runNow('booking-offers');
    expect(await ctx.db.manager.findOneByOrFail(WaitlistEntry, { id: e1.entry.id })).toMatchObject({ status: 'offered' });
    clock.set(at('2026-12-01T10:31:00'));
    await ctx.services.jobs.runNow('booking-offers');
    await ctx.services.jobs.runNow('booking-offers');
    expect(await ctx.db.manager.findOneByOrFail(WaitlistEntry, { id: e1.entry.id })).toMatchObject({ status: 'expired' });
    expect(await ctx.db.manager.findOneByOrFail(WaitlistEntry, { id: e2.entry.id })).toMatchObject({ status: 'offered' });
    const toFirst = await ctx.db.manager.find(OutboxMessage, { where: { toContactId: people[1].wechatContactId! } });
    expect(toFirst.map((m) => m.kind)).toEqual(['booking_offer', 'booking_offer_expired']);
    expect(await ctx.db.manager.count(OutboxMessage, { where: { toContactId: people[2].wechatContactId!, kind: 'booking_offer' } })).toBe(1);
    // Too late for the first: 409, the seat stays with the second.
    await expect(ctx.services.bookings.acceptOffer(w, e1.entry.id, 'console')).rejects.toMatchObject({ code: 'offer_expired' });
    clock.set(at('2026-12-01T11:05:00'));
    await ctx.services.jobs.runNow('booking-offers');
    expect(await ctx.db.manager.findOneByOrFail(BookingSlot, { id: slot.id })).toMatchObject({ booked: 0, held: 0 });
    const open = await ctx.services.bookings.book(w, { slotId: slot.id, residentId: stranger.id, channel: 'console' });
    expect(open.booking.status).toBe('booked');
  });

  it('an offer made in the quiet hours is held from 08:00', async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-01T20:00:00'));
    const station = await createStation(ctx);
    const worker = await createWorker(ctx, { stationId: station.id });
    const slot = await createSlot(ctx, { stationId: station.id, startsAt: at('2026-12-03T09:00:00'), capacity: 1 });
    const [a, b] = await Promise.all([0, 1].map((i) => createResident(ctx, { stationId: station.id, wechatContactId: `q-${station.id}-${i}` })));
    const w = actorOf(worker);
    const booked = await ctx.services.bookings.book(w, { slotId: slot.id, residentId: a.id, channel: 'console' });
    const { entry } = await ctx.services.bookings.joinWaitlist(w, slot.id, b.id);
    clock.set(at('2026-12-01T22:00:00'));
    await ctx.services.bookings.cancel(w, booked.booking.id);
    expect((await ctx.db.manager.findOneByOrFail(WaitlistEntry, { id: entry.id })).offerExpiresAt).toEqual(at('2026-12-02T08:30:00'));
  });
});

describe('booking jobs on two instances', () => {
  const url = onMysql ? TEST_DATABASE_URL : `sqlite:${path.join(mkdtempSync(path.join(tmpdir(), 'bookings-')), 'db.sqlite')}`;
  let a: AppContext;
  let b: AppContext;
  const clock = new AdjustableClock(new Date('2026-12-01T10:00:00+08:00'), { frozen: true });

  beforeAll(async () => {
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: url, LOG_LEVEL: 'silent', DATA_DIR: mkdtempSync(path.join(tmpdir(), 'bookings-data-')) });
    const logger = createLogger('silent');
    a = await createContext(config, { jobs: JOBS, clock, logger, connectAttempts: 1, resetDatabase: onMysql });
    b = await createContext(config, { jobs: JOBS, clock, logger, connectAttempts: 1 });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  it('send each reminder once when both run the same minutes', async () => {
    const station = await createStation(a);
    const worker = await createWorker(a, { stationId: station.id });
    const slot = await createSlot(a, { stationId: station.id, startsAt: at('2026-12-03T09:00:00'), capacity: 20 });
    const ids: number[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await createResident(a, { stationId: station.id, wechatContactId: `two-${i}` });
      ids.push((await a.services.bookings.book(actorOf(worker), { slotId: slot.id, residentId: r.id, channel: 'console' })).booking.id);
    }
    for (const t of ['2026-12-02T09:30:00', '2026-12-03T07:30:00']) {
      clock.set(at(t));
      const runs = [a, b, a, b].map((c) => () => c.services.jobs.runNow('booking-reminders'));
      if (onMysql) await Promise.all(runs.map((r) => r()));
      else for (const r of runs) await r();
    }
    for (const id of ids) expect((await reminders(a, id)).map((m) => m.dedupeKey)).toEqual([`booking:${id}:24h`, `booking:${id}:2h`]);
  });
});
