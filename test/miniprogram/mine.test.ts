/** @jest-environment jsdom */
import { installWx, loadPage, openPage, tap, textOf, type } from './fake-wx';

describe('我的: binding, the family I follow, reminder settings', () => {
  const pageId = loadPage('mine');

  it('binds the resident record with the station\'s code and remembers it', async () => {
    const wx = installWx({ bound: null });
    wx.on('GET', '/api/me/subscriptions', { body: { quota: {} } });
    wx.on('POST', '/api/miniapp/bind', { body: { boundAs: 'resident', id: 11, name: '王秀英', stationId: 3, communityId: 2, phone: '138****5555' } });
    const page = await openPage(pageId);
    expect(textOf(page, '.not-bound')).toBe('还没有绑定本人档案');
    await type(page, '.code', '123456');
    await tap(page, '.bind');
    expect(wx.callsTo('POST', '/api/miniapp/bind')[0].body).toEqual({ bindingCode: '123456' });
    expect(textOf(page, '.ok')).toBe('绑定成功，王秀英，欢迎您！');
    expect(textOf(page, '.me')).toBe('已绑定：王秀英');
    expect(wx.storage.get('resident')).toEqual({ id: 11, name: '王秀英', stationId: 3, communityId: 2 });
  });

  it('opened from the station\'s printed QR code, the code is filled in and one tap binds', async () => {
    const wx = installWx({ bound: null });
    wx.on('GET', '/api/me/subscriptions', { body: { quota: {} } });
    wx.on('POST', '/api/miniapp/bind', { body: { boundAs: 'resident', id: 12, name: '李德福', stationId: 3, communityId: 2, phone: null } });
    const page = await openPage(pageId, { bindingCode: '654321' });
    expect(textOf(page, '.ok')).toBe('已填好绑定码，点“绑定”即可');
    await tap(page, '.bind');
    expect(wx.callsTo('POST', '/api/miniapp/bind')[0].body).toEqual({ bindingCode: '654321' });
    expect(textOf(page, '.ok')).toBe('绑定成功，李德福，欢迎您！');
  });

  it('a family code makes the user follow the elder', async () => {
    const wx = installWx({ bound: null });
    wx.on('GET', '/api/me/subscriptions', { body: { quota: {} } });
    wx.on('POST', '/api/miniapp/bind', () => {
      wx.on('GET', '/api/me/family', {
        body: { items: [{ familyContactId: 8, relation: '女儿', residentId: 11, name: '王秀英', today: { date: '2026-12-02', status: 'pending', confirmedAt: null } }], total: 1 },
      });
      return { body: { boundAs: 'family', familyContactId: 8, name: '李梅', relation: '女儿', elder: { residentId: 11, name: '王秀英' } } };
    });
    const page = await openPage(pageId);
    expect(textOf(page, '.no-family')).toContain('还没有');
    await type(page, '.code', '654321');
    await tap(page, '.bind');
    expect(textOf(page, '.ok')).toBe('绑定成功：您已作为王秀英的家人（女儿）关注TA的报平安');
    expect(textOf(page, '.followed-name')).toBe('王秀英（您是TA的女儿）');
    expect(textOf(page, '.followed')).toContain('今天还没报平安');
    expect(wx.storage.has('resident')).toBe(false);
  });

  it('checks the code\'s form before asking, and shows the server\'s refusal', async () => {
    const wx = installWx({ bound: null });
    wx.on('GET', '/api/me/subscriptions', { body: { quota: {} } });
    wx.on('POST', '/api/miniapp/bind', { status: 400, body: { error: { code: 'invalid_binding_code', message: '绑定码无效或已过期，请向社工索取新的绑定码' } } });
    const page = await openPage(pageId);
    await type(page, '.code', '12a');
    await tap(page, '.bind');
    expect(textOf(page, '.error')).toBe('绑定码是 6 位数字，请核对后再输入');
    expect(wx.callsTo('POST', '/api/miniapp/bind')).toHaveLength(0);
    await type(page, '.code', '000000');
    await tap(page, '.bind');
    expect(textOf(page, '.error')).toBe('绑定码无效或已过期，请向社工索取新的绑定码');
  });

  it('shows the reminders left and asks for all three on request', async () => {
    const wx = installWx();
    wx.on('GET', '/api/me/subscriptions', { body: { quota: { booking_reminder: 2 } } });
    const page = await openPage(pageId);
    const counts = () => page.querySelectorAll('.quota-count').map((c: { dom: Element }) => c.dom.textContent);
    expect(counts()).toEqual(['还能提醒 2 次', '还能提醒 0 次', '还能提醒 0 次']);
    wx.on('POST', '/api/me/subscriptions', { body: { quota: { booking_reminder: 3, activity_reminder: 1, checkin_reminder: 1 } } });
    await tap(page, '.subscribe');
    expect(wx.subscribePrompts).toEqual([['T-BOOK', 'T-ACT', 'T-CHECK']]);
    expect(wx.callsTo('POST', '/api/me/subscriptions')[0].body).toEqual({ templates: ['booking_reminder', 'activity_reminder', 'checkin_reminder'] });
    expect(counts()).toEqual(['还能提醒 3 次', '还能提醒 1 次', '还能提醒 1 次']);
  });
});
