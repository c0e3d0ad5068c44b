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

  it('stores every field of a message, and tells the senders only when something new was queued', async () => {
    const { ctx, clock } = env();
    clock.set(atLocal('2026-12-03', '10:00'));
    const s = await createStation(ctx);
    let told = 0;
    const onQueued = () => told++;
    ctx.events.on('outbox:queued', onQueued);
    try {
      const later = atLocal('2026-12-03', '11:00');
      const msg = {
        stationId: s.id, toContactId: 'f1', toAlias: 'f:7', text: '提醒', kind: 'test', priority: PRIORITY.reminder, dedupeKey: `fields-${s.id}`,
        refType: 'checkin_day', refId: 42, channel: 'miniapp' as const, toOpenid: 'o-f1', purpose: 'checkin_reminder' as const, notBefore: later,
      };
      expect(await ctx.services.outbox.enqueue(msg)).toBe(1);
      expect(await ctx.db.manager.findOneByOrFail(OutboxMessage, { dedupeKey: msg.dedupeKey })).toMatchObject({
        toAlias: 'f:7', refType: 'checkin_day', refId: 42, channel: 'miniapp', toOpenid: 'o-f1', purpose: 'checkin_reminder', notBefore: later, status: 'pending', attempts: 0,
      });
      expect(told).toBe(1);
      expect(await ctx.services.outbox.enqueue(msg)).toBe(0);
      expect(await ctx.services.outbox.enqueue([])).toBe(0);
      expect(told).toBe(1);
      // A due time already past is now.
      await ctx.services.outbox.enqueue({ ...msg, dedupeKey: `past-${s.id}`, notBefore: atLocal('2026-12-03', '09:00') });
      expect((await ctx.db.manager.findOneByOrFail(OutboxMessage, { dedupeKey: `past-${s.id}` })).notBefore).toEqual(clock.now());
    } finally {
      ctx.events.off('outbox:queued', onQueued);
    }
  });

  it('claims alerts only when told to, rows below a priority when told to, in priority, due time and id order', async () => {
    const { ctx, clock } = env();
    clock.set(atLocal('2026-12-03', '10:00'));
    const s = await createStation(ctx);
    // Inserted as they stand in the queue (enqueue would make every past due time now).
    const row = (toContactId: string, priority: number, at: string, urgent = false) => ({
      stationId: s.id, toContactId, text: toContactId, kind: 'x', priority, urgent, notBefore: atLocal('2026-12-03', at),
      status: 'pending' as const, channel: 'bot' as const, attempts: 0,
    });
    await ctx.db.manager.insert(OutboxMessage, [
      row('notice', PRIORITY.broadcast, '09:00'), row('r-0950', PRIORITY.reminder, '09:50'), row('r-0940-a', PRIORITY.reminder, '09:40'),
      row('r-0940-b', PRIORITY.reminder, '09:40'), row('alert', PRIORITY.alert, '09:55', true),
    ]);
    const names = (rows: OutboxMessage[]) => rows.map((r) => r.toContactId);
    expect(names(await ctx.services.outbox.claimDue(s.id, 'urgent', 10, { urgentOnly: true }))).toEqual(['alert']);
    expect(names(await ctx.services.outbox.claimDue(s.id, 'below', 10, { belowPriority: PRIORITY.broadcast }))).toEqual(['r-0940-a', 'r-0940-b', 'r-0950']);
    expect(names(await ctx.services.outbox.claimDue(s.id, 'rest', 10))).toEqual(['notice']);
    expect(await ctx.services.outbox.claimDue(s.id, 'rest', 10)).toEqual([]);
  });

  it('backs off 15 s, then 30 s, keeps 500 characters of the error; a bot row that fails for good goes over to the mini-program once', async () => {
    const { ctx } = env();
    const s = await createStation(ctx);
    const now = ctx.clock.now().getTime();
    await ctx.services.outbox.enqueue([
      { stationId: s.id, toContactId: 'back', text: 'x', kind: 'x' },
      { stationId: s.id, toContactId: 'both', text: 'x', kind: 'checkin_first', toOpenid: 'o-both', purpose: 'checkin_reminder' },
    ]);
    const get = (toContactId: string) => ctx.db.manager.findOneByOrFail(OutboxMessage, { toContactId });
    await ctx.services.outbox.markFailed(await get('back'), 'e'.repeat(600));
    expect(await get('back')).toMatchObject({ attempts: 1, notBefore: new Date(now + 15_000), lastError: 'e'.repeat(500) });
    await ctx.services.outbox.markFailed(await get('back'), 'again');
    expect(await get('back')).toMatchObject({ attempts: 2, notBefore: new Date(now + 30_000), status: 'pending' });

    expect(await ctx.services.outbox.markFailed(await get('both'), 'network')).toBe('retry');
    expect(await get('both')).toMatchObject({ channel: 'bot', status: 'pending', attempts: 1 });
    expect(await ctx.services.outbox.markFailed(await get('both'), 'blocked', { final: true })).toBe('retry');
    expect(await get('both')).toMatchObject({ channel: 'miniapp', status: 'pending', attempts: 0, lastError: 'bot: blocked', claimedBy: null });
    expect(await ctx.services.outbox.markFailed(await get('both'), '43101', { final: true })).toBe('failed');
    expect(await get('both')).toMatchObject({ channel: 'miniapp', status: 'failed', lastError: '43101' });
    expect(await ctx.services.outbox.markFailed(await get('back'), 'blocked', { final: true })).toBe('failed');
  });

  it('puts back rows a crashed sender left in sending for five minutes, and nothing else', async () => {
    const { ctx, clock } = env();
    clock.set(atLocal('2026-12-03', '10:00'));
    const s = await createStation(ctx);
    await ctx.services.outbox.enqueue(['old', 'fresh', 'sent'].map((toContactId) => ({ stationId: s.id, toContactId, text: 'x', kind: 'x' })));
    await ctx.services.outbox.claimDue(s.id, 'crashed', 10);
    const get = (toContactId: string) => ctx.db.manager.findOneByOrFail(OutboxMessage, { toContactId, stationId: s.id });
    // The claim is stamped with real time (a sender's lease), so the test moves the stamps, not the clock.
    const sixMinutesAgo = new Date(Date.now() - 6 * 60_000);
    await ctx.db.manager.update(OutboxMessage, { id: (await get('old')).id }, { claimedAt: sixMinutesAgo });
    await ctx.db.manager.update(OutboxMessage, { id: (await get('sent')).id }, { claimedAt: sixMinutesAgo, status: 'sent' });
    expect(await ctx.services.outbox.releaseStale()).toBe(1);
    expect((await get('old')).status).toBe('pending');
    expect((await get('fresh')).status).toBe('sending');
    expect((await get('sent')).status).toBe('sent');
    expect(await ctx.services.outbox.releaseStale()).toBe(0);
  });

  it('cancels the pending rows of a reference, or of its given kinds only', async () => {
    const { ctx } = env();
    const s = await createStation(ctx);
    const row = (toContactId: string, kind: string, refId: number) => ({ stationId: s.id, toContactId, text: 'x', kind, refType: 'handoff', refId });
    await ctx.services.outbox.enqueue([row('a', 'handoff_notice', 1), row('b', 'handoff_reply', 1), row('c', 'handoff_notice', 2), row('d', 'handoff_notice', 1)]);
    await ctx.db.manager.update(OutboxMessage, { toContactId: 'd', stationId: s.id }, { status: 'sent' });
    expect(await ctx.services.outbox.cancel('handoff', [])).toBe(0);
    expect(await ctx.services.outbox.cancel('handoff', [1], [])).toBe(0);
    expect(await ctx.services.outbox.cancel('handoff', [1], ['handoff_notice'])).toBe(1);
    expect(await ctx.services.outbox.cancel('handoff', [1])).toBe(1);
    const status = async (c: string) => (await ctx.db.manager.findOneByOrFail(OutboxMessage, { toContactId: c, stationId: s.id })).status;
    expect([await status('a'), await status('b'), await status('c'), await status('d')]).toEqual(['cancelled', 'cancelled', 'pending', 'sent']);
  });
});

describe('the send plan a worker sees before a broadcast', () => {
  describe('with a gap between sends and no caps', () => {
    const env = useTestEnv({ env: { SEND_GAP_MS: '3000' } });

    it('sends about 1,043 an hour (the gap and its jitter) until 21:00', async () => {
      const { ctx, clock } = env();
      clock.set(atLocal('2026-12-03', '10:00'));
      const s = await createStation(ctx);
      expect(await ctx.services.outbox.plan(s.id, 2000, PRIORITY.broadcast)).toEqual({
        messages: 2000, ahead: 0, gapMs: 3000, hourlyCap: null, dailyCap: null, sendableToday: 1043 * 11, days: 1,
        finishesAt: new Date(atLocal('2026-12-03', '11:00').getTime() + (957 / 1043) * 3600_000),
      });
    });
  });

  describe('with no gap and no caps', () => {
    const env = useTestEnv({ env: { SEND_GAP_MS: '0' } });

    it('sends everything now', async () => {
      const { ctx, clock } = env();
      clock.set(atLocal('2026-12-03', '10:00'));
      const s = await createStation(ctx);
      expect(await ctx.services.outbox.plan(s.id, 5000, PRIORITY.broadcast)).toEqual({
        messages: 5000, ahead: 0, gapMs: 0, hourlyCap: null, dailyCap: null, sendableToday: null, days: 1, finishesAt: clock.now(),
      });
    });
  });

  describe('with an hourly and a daily cap', () => {
    const env = useTestEnv({ env: { SEND_DAILY_CAP: '100', SEND_HOURLY_CAP: '50', SEND_GAP_MS: '3000' } });

    it("counts what was sent and what waits, keeps a fifth of the day for the rest, and goes on the next morning", async () => {
      const { ctx, clock } = env();
      clock.set(atLocal('2026-12-03', '10:00'));
      const s = await createStation(ctx);
      await ctx.db.manager.insert(OutboxMessage, Array.from({ length: 30 }, (_, i) => ({
        stationId: s.id, toContactId: `sent-${i}`, text: '已发', kind: 'x', priority: PRIORITY.reminder, urgent: false, status: 'sent' as const,
        channel: 'bot' as const, notBefore: atLocal('2026-12-03', '09:30'), sentAt: atLocal('2026-12-03', '09:30'), attempts: 1,
      })));
      await ctx.services.outbox.enqueue([
        ...Array.from({ length: 20 }, (_, i) => ({ stationId: s.id, toContactId: `wait-${i}`, text: '等', kind: 'x', priority: PRIORITY.reminder })),
        { stationId: s.id, toContactId: 'alarm', text: '告警', kind: 'alert', urgent: true },
        { stationId: s.id, toContactId: 'after', text: '后', kind: 'x', priority: PRIORITY.broadcast + 1 },
      ]);
      // This hour 20 more (50 − 30 sent), then 50 at 11:00 fills the broadcasts' 80 of 100 (30 already gone on reminders: 70 left).
      expect(await ctx.services.outbox.plan(s.id, 100, PRIORITY.broadcast)).toEqual({
        messages: 100, ahead: 20, gapMs: 3000, hourlyCap: 50, dailyCap: 100, sendableToday: 70, days: 2, finishesAt: atLocal('2026-12-04', '09:00'),
      });
      // A reminder may use the whole day's 100: 70 left today, however few it is.
      expect(await ctx.services.outbox.plan(s.id, 10, PRIORITY.reminder)).toMatchObject({ ahead: 20, sendableToday: 70, days: 1 });
    });
  });
});
