/** @jest-environment jsdom */
import { installWx, loadPage, openPage, tap, textOf } from './fake-wx';

const today = '2026-12-02';

describe('报平安: one large button, today\'s state, the elders I follow', () => {
  const pageId = loadPage('checkin');

  it('an elder with a plan taps the big button once and sees today confirmed', async () => {
    const wx = installWx();
    wx.on('GET', '/api/me/checkins', { body: { today, hasPlan: true, enabled: true, streak: 4, items: [{ date: today, status: 'reminded', confirmedAt: null }] } });
    wx.on('POST', '/api/me/checkins', { body: { residentId: 11, date: today, status: 'confirmed', confirmedAt: '2026-12-02T01:15:00.000Z', alreadyConfirmed: false } });
    const page = await openPage(pageId);
    expect(wx.callsTo('GET', '/api/me/checkins')[0].query).toEqual({ days: '1' });
    expect(textOf(page, '.state')).toBe('已提醒，还没报平安');
    expect(textOf(page, '.checkin-button')).toBe('我很好，报平安');
    expect(textOf(page, '.streak')).toBe('已连续报平安 4 天');
    await tap(page, '.checkin-button');
    expect(wx.callsTo('POST', '/api/me/checkins')).toHaveLength(1);
    expect(textOf(page, '.state')).toBe('今天已报平安，谢谢您！');
    expect(textOf(page, '.confirmed-at')).toBe('报平安时间：上午9:15');
    expect(textOf(page, '.checkin-button')).toBe('今天已报平安');
    expect(wx.toasts).toEqual(['已报平安']);
  });

  it('a day without a row yet reads from the plan; no plan says whom to ask', async () => {
    const wx = installWx();
    wx.on('GET', '/api/me/checkins', { body: { today, hasPlan: true, enabled: true, streak: 0, items: [] } });
    const page = await openPage(pageId);
    expect(textOf(page, '.state')).toBe('今天还没报平安');
    wx.on('GET', '/api/me/checkins', { body: { today, hasPlan: false, enabled: false, streak: 0, items: [] } });
    const none = await openPage(pageId);
    expect(none.querySelector('.checkin-button')).toBeUndefined();
    expect(textOf(none, '.no-plan')).toContain('请联系社工开通');
  });

  it('shows the server\'s words when a check-in is refused, and asks for reminders on request', async () => {
    const wx = installWx();
    wx.on('GET', '/api/me/checkins', { body: { today, hasPlan: true, enabled: true, streak: 0, items: [] } });
    wx.on('POST', '/api/me/checkins', { status: 409, body: { error: { code: 'no_checkin_plan', message: '您还没有报平安计划，请联系社工开通' } } });
    const page = await openPage(pageId);
    await tap(page, '.checkin-button');
    expect(textOf(page, '.error')).toBe('您还没有报平安计划，请联系社工开通');
    await tap(page, '.remind');
    expect(wx.subscribePrompts).toEqual([['T-CHECK']]);
    expect(wx.callsTo('POST', '/api/me/subscriptions')[0].body).toEqual({ templates: ['checkin_reminder'] });
    expect(wx.toasts).toEqual(['已开启提醒']);
  });

  it('a family member who is not a resident sees the elder\'s state of today, and no button', async () => {
    const wx = installWx({ bound: null });
    wx.on('GET', '/api/me/family', {
      body: { items: [{ familyContactId: 8, relation: '女儿', residentId: 11, name: '王秀英', today: { date: today, status: 'confirmed', confirmedAt: '2026-12-02T00:40:00.000Z' } }], total: 1 },
    });
    const page = await openPage(pageId);
    expect(wx.callsTo('GET', '/api/me/checkins')).toHaveLength(0);
    expect(page.querySelector('.checkin-button')).toBeUndefined();
    expect(textOf(page, '.unbound')).toContain('绑定后才能报平安');
    const elder = textOf(page, '.elder');
    expect(textOf(page, '.elder-name')).toBe('王秀英');
    expect(elder).toContain('今天已报平安');
    expect(elder).toContain('上午8:40');
  });
});
