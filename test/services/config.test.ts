import { ConfigError, loadConfig } from '../../services/config';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const c = loadConfig({ NODE_ENV: 'test' });
    expect(c.port).toBe(3000);
    expect(c.roles).toEqual(['api', 'bot', 'jobs']);
    expect(c.puppet).toBe('wechaty-puppet-mock');
    expect(c.databaseUrl).toMatch(/^sqlite:.*station\.db$/);
    expect(c.sendGapMs).toBe(0);
    expect(c.rateLimitPerMinute).toBe(600);
    expect(c.loginMaxFailures).toBe(5);
    expect(c.devEndpoints).toBe(true);
  });

  it('names every bad value in one message', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', ROLES: 'api,cook', RATE_LIMIT_PER_MINUTE: '-1', DATABASE_URL: 'postgres://x', BOT_STATIONS: '1,two' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const msg = (error as Error).message;
    for (const name of ['PORT', 'ROLES', 'RATE_LIMIT_PER_MINUTE', 'DATABASE_URL', 'BOT_STATIONS']) expect(msg).toContain(name);
    expect(loadConfig({ NODE_ENV: 'test', BOT_STATIONS: '1, 2' }).botStations).toEqual([1, 2]);
  });

  it('requires real secrets in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET[\s\S]*DATA_KEY/);
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'short', DATA_KEY: 'z'.repeat(32) })).toThrow(/JWT_SECRET/);
    const c = loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), DATA_KEY: 'y'.repeat(32) });
    expect(c.devEndpoints).toBe(false);
    expect(c.demoData).toBe(false);
  });

  it('paces sends by default with a real puppet', () => {
    const c = loadConfig({ NODE_ENV: 'test', WECHATY_PUPPET: 'wechaty-puppet-wechat4u' });
    expect(c.sendGapMs).toBe(3000);
    expect(c.sendDailyCap).toBeGreaterThan(0);
  });
});
