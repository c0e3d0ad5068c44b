/** @jest-environment jsdom */
import { installWx, loadPage, openPage, tap, textOf } from './fake-wx';

const SLOTS = {
  items: [
    { id: 21, startsAt: '2026-12-03T01:00:00.000Z', available: 2, bookable: true },
    { id: 22, startsAt: '2026-12-03T06:30:00.000Z', available: 0, bookable: false },
  ],
  total: 2,
};
const BOOKING = { id: 31, slotId: 21, serviceName: '理发', location: '站点一楼', status: 'booked', startsAt: '2026-12-03T01:00:00.000Z' };

function withServices() {
  const wx = installWx();
  wx.on('GET', '/api/services', { body: { items: [{ id: 5, name: '理发', description: '每周二上午' }], total: 1 } });
  wx.on('GET', '/api/services/5/slots', { body: SLOTS });
  wx.on('GET', '/api/me/bookings', { body: { items: [], total: 0 } });
  return wx;
}

describe('预约: services, free times, booking, my bookings, cancelling, the waiting list', () => {
  const pageId = loadPage('booking');

  it('logs in with a dev code, lists the station\'s services and the free times in Beijing time', async () => {
    const wx = withServices();
    const page = await openPage(pageId);
    const login = wx.callsTo('POST', '/api/miniapp/login');
    expect(login).toHaveLength(1);
    expect((login[0].body as { code: string }).code).toMatch(/^dev:dev-/);
    expect(wx.callsTo('GET', '/api/services')[0].query).toEqual({ stationId: '3' });
    expect(wx.callsTo('GET', '/api/me/bookings')[0].header.Authorization).toBe('Bearer tok-1');
    expect(textOf(page, '.no-bookings')).toBe('还没有预约');
    await tap(page, '.service');
    expect(page.querySelectorAll('.slot').map((s: { dom: Element }) => s.dom.textContent)).toEqual([
      expect.stringContaining('12月3日（周四）上午9:00'),
      expect.stringContaining('已约满'),
    ]);
    expect(page.querySelectorAll('.book')).toHaveLength(1);
    expect(page.querySelectorAll('.waitlist')).toHaveLength(1);
  });

  it('books with an Idempotency-Key, shows the booking, then asks for the booking reminder', async () => {
    const wx = withServices();
    wx.on('POST', '/api/bookings', { status: 201, body: BOOKING });
    const page = await openPage(pageId);
    await tap(page, '.service');
    wx.on('GET', '/api/me/bookings', { body: { items: [BOOKING], total: 1 } });
    await tap(page, '.book');
    const book = wx.callsTo('POST', '/api/bookings');
    expect(book).toHaveLength(1);
    expect(book[0].body).toEqual({ slotId: 21 });
    expect(book[0].header['Idempotency-Key']).toMatch(/^mp-21-/);
    expect(textOf(page, '.ok')).toBe('预约成功：12月3日（周四）上午9:00，到时会提醒您');
    expect(textOf(page, '.booking')).toContain('理发');
    expect(wx.subscribePrompts).toEqual([['T-BOOK']]);
    expect(wx.callsTo('POST', '/api/me/subscriptions')[0].body).toEqual({ templates: ['booking_reminder'] });
  });

  it('a refused reminder prompt reports nothing to the server', async () => {
    const wx = withServices();
    wx.subscribeAnswer = 'reject';
    wx.on('POST', '/api/bookings', { status: 201, body: BOOKING });
    const page = await openPage(pageId);
    await tap(page, '.service');
    await tap(page, '.book');
    expect(wx.subscribePrompts).toHaveLength(1);
    expect(wx.callsTo('POST', '/api/me/subscriptions')).toHaveLength(0);
  });

  it('a slot taken meanwhile says so and offers the waiting list', async () => {
    const wx = withServices();
    wx.on('POST', '/api/bookings', { status: 409, body: { error: { code: 'slot_full', message: '该时段已约满' } } });
    wx.on('POST', '/api/slots/22/waitlist', { status: 201, body: { id: 4, slotId: 22, status: 'waiting', position: 2 } });
    const page = await openPage(pageId);
    await tap(page, '.service');
    await tap(page, '.book');
    expect(textOf(page, '.error')).toContain('这个时间刚刚约满了');
    await tap(page, '.waitlist');
    expect(wx.callsTo('POST', '/api/slots/22/waitlist')).toHaveLength(1);
    expect(textOf(page, '.ok')).toBe('已排候补（第2位），有人取消时会马上通知您');
    expect(page.querySelector('.error')).toBeUndefined();
  });

  it('cancels a booking after confirming, and not without', async () => {
    const wx = withServices();
    wx.on('GET', '/api/me/bookings', { body: { items: [BOOKING], total: 1 } });
    wx.on('POST', '/api/bookings/31/cancel', { body: { ...BOOKING, status: 'cancelled' } });
    const page = await openPage(pageId);
    wx.modalConfirm = false;
    await tap(page, '.cancel');
    expect(wx.callsTo('POST', '/api/bookings/31/cancel')).toHaveLength(0);
    wx.modalConfirm = true;
    wx.on('GET', '/api/me/bookings', { body: { items: [{ ...BOOKING, status: 'cancelled' }], total: 1 } });
    await tap(page, '.cancel');
    expect(wx.callsTo('POST', '/api/bookings/31/cancel')).toHaveLength(1);
    expect(textOf(page, '.ok')).toBe('已取消预约');
    expect(textOf(page, '.booking')).toContain('已取消');
    expect(page.querySelectorAll('.cancel')).toHaveLength(0);
  });

  it('shows the API\'s own words for a refused cancel (past the cut-off)', async () => {
    const wx = withServices();
    wx.on('GET', '/api/me/bookings', { body: { items: [BOOKING], total: 1 } });
    wx.on('POST', '/api/bookings/31/cancel', { status: 409, body: { error: { code: 'cancel_closed', message: '开始前 2 小时内不能自行取消，请联系社工' } } });
    const page = await openPage(pageId);
    await tap(page, '.cancel');
    expect(textOf(page, '.error')).toBe('开始前 2 小时内不能自行取消，请联系社工');
  });

  it('an expired token logs in again once and retries the call', async () => {
    const wx = withServices();
    wx.storage.set('token', 'old-token');
    wx.storage.set('resident', { id: 11, name: '王秀英', stationId: 3 });
    wx.on('GET', '/api/me/bookings', (c) =>
      c.header.Authorization === 'Bearer old-token'
        ? { status: 401, body: { error: { code: 'invalid_token', message: '登录已失效，请重新登录' } } }
        : { body: { items: [BOOKING], total: 1 } },
    );
    const page = await openPage(pageId);
    expect(wx.callsTo('POST', '/api/miniapp/login')).toHaveLength(1);
    expect(wx.callsTo('GET', '/api/me/bookings').map((c) => c.header.Authorization)).toEqual(['Bearer old-token', 'Bearer tok-1']);
    expect(page.querySelector('.error')).toBeUndefined();
    expect(textOf(page, '.booking')).toContain('理发');
  });

  it('an unbound user sees services but is told to bind before booking', async () => {
    const wx = installWx({ bound: null });
    wx.on('GET', '/api/services', { body: { items: [{ id: 5, name: '理发', description: null }], total: 1 } });
    const page = await openPage(pageId);
    expect(wx.callsTo('GET', '/api/me/bookings')).toHaveLength(0);
    expect(wx.callsTo('GET', '/api/services')[0].query).toEqual({ stationId: '1' });
    expect(textOf(page, '.no-bookings')).toContain('绑定后可以预约');
  });
});
