/** @jest-environment jsdom */
import { installWx, loadPage, openPage, tap, textOf } from './fake-wx';

const ACTIVITY = {
  id: 5, title: '重阳节包饺子', description: '一起包饺子', startsAt: '2026-12-05T06:00:00.000Z', location: '社区活动室',
  capacity: 20, available: 3, signupOpen: true,
};

describe('活动: upcoming activities for my community, signing up', () => {
  const pageId = loadPage('activities');

  it('lists the station\'s upcoming activities with time, place and seats left', async () => {
    const wx = installWx();
    wx.on('GET', '/api/activities', { body: { items: [ACTIVITY, { ...ACTIVITY, id: 6, title: '健康讲座', capacity: null, available: null, signupOpen: false }], total: 2 } });
    wx.on('GET', '/api/me/signups', { body: { items: [], total: 0 } });
    const page = await openPage(pageId);
    expect(wx.callsTo('GET', '/api/activities')[0].query).toEqual({ stationId: '3' });
    const cards = page.querySelectorAll('.activity').map((c: { dom: Element }) => c.dom.textContent);
    expect(cards[0]).toContain('12月5日（周六）下午2:00');
    expect(cards[0]).toContain('社区活动室');
    expect(cards[0]).toContain('还剩 3 个名额');
    expect(cards[1]).toContain('不限人数');
    expect(cards[1]).toContain('报名已结束');
    expect(page.querySelectorAll('.signup')).toHaveLength(1);
  });

  it('signs up, marks it as mine, and asks for the activity reminder', async () => {
    const wx = installWx();
    wx.on('GET', '/api/activities', { body: { items: [ACTIVITY], total: 1 } });
    wx.on('GET', '/api/me/signups', { body: { items: [], total: 0 } });
    wx.on('POST', '/api/activities/5/signups', () => {
      wx.on('GET', '/api/me/signups', { body: { items: [{ activityId: 5, status: 'signed_up' }], total: 1 } });
      return { status: 201, body: { id: 1, activityId: 5, status: 'signed_up' } };
    });
    const page = await openPage(pageId);
    await tap(page, '.signup');
    expect(wx.callsTo('POST', '/api/activities/5/signups')[0].header.Authorization).toBe('Bearer tok-1');
    expect(textOf(page, '.ok')).toBe('报名成功：重阳节包饺子。活动前会提醒您');
    expect(textOf(page, '.signed')).toBe('您已报名');
    expect(page.querySelectorAll('.signup')).toHaveLength(0);
    expect(wx.subscribePrompts).toEqual([['T-ACT']]);
    expect(wx.callsTo('POST', '/api/me/subscriptions')[0].body).toEqual({ templates: ['activity_reminder'] });
  });

  it('shows why a sign-up was refused (full) and cancels a sign-up', async () => {
    const wx = installWx();
    wx.on('GET', '/api/activities', { body: { items: [ACTIVITY, { ...ACTIVITY, id: 6, title: '健康讲座' }], total: 2 } });
    wx.on('GET', '/api/me/signups', { body: { items: [{ activityId: 6, status: 'signed_up' }], total: 1 } });
    wx.on('POST', '/api/activities/5/signups', { status: 409, body: { error: { code: 'activity_full', message: '活动名额已满' } } });
    wx.on('POST', '/api/activities/6/signups/cancel', { body: { id: 2, activityId: 6, status: 'cancelled' } });
    const page = await openPage(pageId);
    await tap(page, '.signup');
    expect(textOf(page, '.error')).toBe('活动名额已满');
    expect(wx.subscribePrompts).toHaveLength(0);
    await tap(page, '.leave');
    expect(wx.callsTo('POST', '/api/activities/6/signups/cancel')).toHaveLength(1);
    expect(textOf(page, '.ok')).toBe('已取消报名');
  });
});
