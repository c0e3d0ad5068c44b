import request from 'supertest';
import { actorOf } from '../checkin-fixtures';
import { createResident, createSlot, createStation, createWorker } from '../factories';
import { useTestEnv } from '../helpers';

const at = (s: string) => new Date(`${s}+08:00`);

describe('GET /api/reminders/undelivered', () => {
  const env = useTestEnv({
    now: '2026-12-01T10:00:00+08:00',
    env: { WECHAT_APP_ID: 'wx-app', WECHAT_APP_SECRET: 'app-secret', WECHAT_TEMPLATES: JSON.stringify({ booking_reminder: 'T-BOOK' }) },
  });

  it('shows the workers a booking reminder that reached neither the bot nor the mini-program, with the reason; only to their station', async () => {
    const { ctx, app, clock } = env();
    clock.set(at('2026-12-01T10:00:00'));
    const station = await createStation(ctx);
    const worker = await createWorker(ctx, { stationId: station.id });
    const other = await createWorker(ctx);
    const slot = await createSlot(ctx, { stationId: station.id, startsAt: at('2026-12-03T09:00:00'), capacity: 3 });
    // A mini-program user who never accepted a booking reminder subscription, and has no bot contact.
    const mini = await createResident(ctx, { stationId: station.id, name: '刘桂兰', openid: `undelivered-${station.id}` });
    const booked = await ctx.services.bookings.book(actorOf(worker), { slotId: slot.id, residentId: mini.id, channel: 'console' });
    clock.set(at('2026-12-02T09:30:00'));
    await ctx.services.jobs.runNow('booking-reminders');
    await ctx.services.jobs.runNow('subscription-messages');
    const http = request(app.callback());
    const res = await http.get('/api/reminders/undelivered').set('Authorization', `Bearer ${worker.token}`);
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(1);
    expect(res.body.items[0]).toMatchObject({
      kind: 'booking_reminder', kindLabel: '预约提醒', residentId: mini.id, residentName: '刘桂兰', channel: 'miniapp', channelLabel: '小程序订阅消息',
      refType: 'booking', refId: booked.booking.id,
    });
    expect(res.body.items[0].reason).toContain('no_quota');
    const elsewhere = await http.get('/api/reminders/undelivered').set('Authorization', `Bearer ${other.token}`);
    expect(elsewhere.body).toEqual({ items: [], total: 0 });
  });
});
