/** @jest-environment jsdom */
import { installWx, loadPage, openPage, settle, tap, textOf, type } from './fake-wx';

describe('首页: asking a policy question', () => {
  const pageId = loadPage('home');

  it('searches, then shows the best answer with its source and the other candidates', async () => {
    const wx = installWx();
    wx.on('GET', '/api/policies/search', {
      body: { answered: true, items: [{ id: 7, title: '高龄津贴', summary: '80岁以上老人每月领取', score: 9 }, { id: 8, title: '养老服务补贴', summary: '…', score: 3 }] },
    });
    wx.on('GET', '/api/policies/7', {
      body: { id: 7, title: '高龄津贴', summary: '80岁以上老人每月领取', content: '由户籍所在地发放', steps: ['带身份证到村委会申请'], materials: ['身份证'], source: '县民政局2026年文件', amount: '80–89周岁每人每月100元' },
    });
    const page = await openPage(pageId);
    await type(page, '.question', '  高龄补贴怎么领 ');
    await tap(page, '.ask');
    const search = wx.callsTo('GET', '/api/policies/search');
    expect(search).toHaveLength(1);
    expect(search[0].query).toEqual({ q: '高龄补贴怎么领', limit: '5', stationId: '1' });
    expect(wx.callsTo('GET', '/api/policies/7')[0].query).toEqual({ stationId: '1' });
    expect(search[0].header.Authorization).toBeUndefined();
    expect(wx.callsTo('GET', '/api/policies/7')).toHaveLength(1);
    expect(textOf(page, '.answer-title')).toBe('高龄津贴');
    expect(textOf(page, '.source')).toBe('来源：县民政局2026年文件');
    expect(textOf(page, '.amount')).toBe('标准：80–89周岁每人每月100元');
    expect(textOf(page, '.steps')).toContain('1. 带身份证到村委会申请');
    expect(page.querySelectorAll('.other').map((o: { dom: Element }) => o.dom.textContent)).toEqual(['养老服务补贴']);
    expect(page.querySelector('.not-found')).toBeUndefined();
  });

  it('says so when nothing is a confident match, and opens a candidate on tap', async () => {
    const wx = installWx();
    wx.on('GET', '/api/policies/search', { body: { answered: false, items: [{ id: 9, title: '临时救助', summary: '突发困难', score: 1 }] } });
    wx.on('GET', '/api/policies/9', { body: { id: 9, title: '临时救助', summary: '突发困难', content: '', steps: [], materials: [], source: null } });
    const page = await openPage(pageId);
    await type(page, '.question', '家里着火了怎么办');
    await tap(page, '.ask');
    expect(wx.callsTo('GET', '/api/policies/9')).toHaveLength(0);
    expect(textOf(page, '.not-found')).toContain('没有找到确切的答案');
    await tap(page, '.other');
    expect(textOf(page, '.answer-title')).toBe('临时救助');
    expect(textOf(page, '.source')).toBe('来源：社工站整理');
  });

  it('asks for a question before calling, and shows the API error message or a network one', async () => {
    const wx = installWx();
    const page = await openPage(pageId);
    await tap(page, '.ask');
    expect(textOf(page, '.error')).toBe('请先写下您想问的问题');
    expect(wx.callsTo('GET', '/api/policies/search')).toHaveLength(0);

    wx.on('GET', '/api/policies/search', { status: 429, body: { error: { code: 'rate_limited', message: '请求太频繁，请稍后再试' } } });
    await type(page, '.question', '低保');
    await tap(page, '.ask');
    expect(textOf(page, '.error')).toBe('请求太频繁，请稍后再试');

    wx.on('GET', '/api/policies/search', 'network');
    await tap(page, '.ask');
    expect(textOf(page, '.error')).toBe('网络不通，请检查网络后再试');

    wx.on('GET', '/api/policies/search', { status: 502, body: '<html>bad gateway</html>' });
    await tap(page, '.ask');
    expect(textOf(page, '.error')).toBe('服务器开小差了，请稍后再试');
  });

  it('has an extra-large text switch that is remembered', async () => {
    const wx = installWx();
    const page = await openPage(pageId);
    expect(page.querySelector('.page').dom.className).not.toContain('xl');
    page.querySelector('.big-switch').dispatchEvent('change', { detail: { value: true } });
    await settle();
    expect(page.querySelector('.page').dom.className).toContain('xl');
    expect(wx.storage.get('bigText')).toBe(true);
    const again = await openPage(pageId);
    expect(again.querySelector('.page').dom.className).toContain('xl');
  });
});
