import { OutboxMessage, PRIORITY } from '../../entities';
import { atLocal } from '../../services/time';
import { createStation } from '../factories';
import { useTestEnv } from '../helpers';

describe('outbox', () => {
  const env = useTestEnv();

  it('queues a dedupe key once, even when offered concurrently', async () => {
    const { ctx } = env();
    const s = await createStation(ctx);
    const msg = { stationId: s.id, toContactId: 'c1', text: '提醒', kind: 'test', dedupeKey: `k-${s.id}` };
    const added = await Promise.all([1, 2, 3, 4, 5].map(() => ctx.services.outbox.enqueue(msg)));
    expect(added.reduce((a, b) => a + b, 0)).toBe(1);
    expect(await ctx.db.manager.count(OutboxMessage, { where: { dedupeKey: `k-${s.id}` } })).toBe(1);
  });

  it('budget: no caps is unlimited; each cap limits only its own window, broadcasts their share of the day', async () => {
    const { ctx, clock } = env();
    const s = await createStation(ctx);
    clock.set(atLocal('2026-12-03', '10:00'));
    const sent = (kind: string, priority: number, at: string) => ({
      stationId: s.id, toContactId: `b-${kind}`, text: '已发', kind, priority, urgent: false, status: 'sent' as const, channel: 'bot' as const,
      notBefore: atLocal('2026-12-03', at), sentAt: atLocal('2026-12-03', at), attempts: 1,
    });
    await ctx.db.manager.insert(OutboxMessage, [sent('r1', PRIORITY.reminder, '08:30'), sent('r2', PRIORITY.reminder, '09:30'), sent('n1', PRIORITY.broadcast, '09:40')]);
    const budget = (caps: { hourlyCap?: number; dailyCap?: number }) => ctx.services.outbox.budget(s.id, caps);
    expect(await budget({})).toEqual({ hour: Infinity, day: Infinity, broadcasts: Infinity });
    // A daily cap alone: 3 sent today, one of them a notice; no hourly limit.
    expect(await budget({ dailyCap: 10 })).toEqual({ hour: Infinity, day: 7, broadcasts: 7 });
    expect(await budget({ dailyCap: 5 })).toEqual({ hour: Infinity, day: 2, broadcasts: 2 });
    // An hourly cap alone: 2 sent in the last hour (09:30, 09:40); no daily limit.
    expect(await budget({ hourlyCap: 5 })).toEqual({ hour: 3, day: Infinity, broadcasts: Infinity });
  });

  it('moves non-urgent rows out of the quiet hours, not urgent ones', async () => {
    const { ctx, clock } = env();
    const s = await createStation(ctx);
    clock.set(atLocal('2026-12-03', '22:30'));
    await ctx.services.outbox.enqueue([
      { stationId: s.id, toContactId: 'quiet', text: '活动提醒', kind: 'test' },
      { stationId: s.id, toContactId: 'loud', text: '告警', kind: 'test', urgent: true },
    ]);
    const quiet = await ctx.db.manager.findOneByOrFail(OutboxMessage, { toContactId: 'quiet' });
    const loud = await ctx.db.manager.findOneByOrFail(OutboxMessage, { toContactId: 'loud' });
    expect(quiet.notBefore.toISOString()).toBe(atLocal('2026-12-04', '08:00').toISOString());
    expect(loud.notBefore.toISOString()).toBe(atLocal('2026-12-03', '22:30').toISOString());
    expect(loud.priority).toBe(PRIORITY.alert);
  });

  it('claims due rows in priority order, each for one sender only', async () => {
    const { ctx, clock } = env();
    clock.set(atLocal('2026-12-03', '10:00'));
    const s = await createStation(ctx);
    await ctx.services.outbox.enqueue([
      { stationId: s.id, toContactId: 'b', text: '通知', kind: 'broadcast', priority: PRIORITY.broadcast },
      { stationId: s.id, toContactId: 'a', text: '告警', kind: 'alert', urgent: true },
      { stationId: s.id, toContactId: 'later', text: '以后', kind: 'x', notBefore: atLocal('2026-12-03', '11:00') },
    ]);
    const [one, two] = await Promise.all([
      ctx.services.outbox.claimDue(s.id, 'one', 10),
      ctx.services.outbox.claimDue(s.id, 'two', 10),
    ]);
    const all = [...one, ...two];
    expect(all.map((r) => r.toContactId).sort()).toEqual(['a', 'b']);
    expect(new Set(all.map((r) => r.id)).size).toBe(2);
    const first = one.length ? one : two;
    expect(first[0].toContactId).toBe('a');
  });

  it('retries with back-off, then fails for good', async () => {
    const { ctx } = env();
    const s = await createStation(ctx);
    await ctx.services.outbox.enqueue({ stationId: s.id, toContactId: 'f', text: 'x', kind: 'x' });
    let row = await ctx.db.manager.findOneByOrFail(OutboxMessage, { toContactId: 'f' });
    for (let i = 0; i < 4; i++) {
      expect(await ctx.services.outbox.markFailed(row, 'network')).toBe('retry');
      row = await ctx.db.manager.findOneByOrFail(OutboxMessage, { id: row.id });
      expect(row.status).toBe('pending');
      expect(row.notBefore.getTime()).toBeGreaterThan(ctx.clock.now().getTime());
    }
    expect(await ctx.services.outbox.markFailed(row, 'network')).toBe('failed');
    row = await ctx.db.manager.findOneByOrFail(OutboxMessage, { id: row.id });
    expect(row.status).toBe('failed');
    expect(row.lastError).toBe('network');
  });
});
