import { Alert, MessageLog, OutboxMessage, PRIORITY, Resident } from '../../entities';
import { OutboxSender, SenderOptions } from '../../bot/sender';
import { aliasFor } from '../../services/notify';
import { atLocal } from '../../services/time';
import { createResident, createStation } from '../factories';
import { useTestEnv } from '../helpers';
import { startTestBot, TestBot } from './harness';

type Row = Pick<OutboxMessage, 'toContactId' | 'text' | 'kind'>;

/** A transport that records what it was given, and fails while `failing` is set. */
function fakeTransport() {
  const sent: Row[] = [];
  const t = {
    sent, failing: false as boolean | string, up: true,
    deliver: async (row: Row) => {
      if (t.failing) throw new Error(typeof t.failing === 'string' ? t.failing : 'network down');
      sent.push(row);
      return row.toContactId;
    },
    isUp: () => t.up,
  };
  return t;
}

describe('outbox sender', () => {
  const env = useTestEnv();

  function sender(stationId: number, transport: ReturnType<typeof fakeTransport>, opts: Partial<SenderOptions> = {}) {
    return new OutboxSender(env().ctx, stationId, transport, { gapMs: 0, ...opts });
  }

  it('sends due rows in priority order: alerts, check-ins, reminders, broadcasts', async () => {
    const { ctx, clock } = env();
    clock.set(atLocal('2026-12-03', '10:00'));
    const s = await createStation(ctx);
    await ctx.services.outbox.enqueue([
      { stationId: s.id, toContactId: 'b', text: 'broadcast', kind: 'x', priority: PRIORITY.broadcast },
      { stationId: s.id, toContactId: 'r', text: 'reminder', kind: 'x', priority: PRIORITY.reminder },
      { stationId: s.id, toContactId: 'a', text: 'alert', kind: 'x', urgent: true },
      { stationId: s.id, toContactId: 'c', text: 'checkin', kind: 'x', priority: PRIORITY.checkin },
    ]);
    const t = fakeTransport();
    expect(await sender(s.id, t).tick()).toBe(4);
    expect(t.sent.map((r) => r.text)).toEqual(['alert', 'checkin', 'reminder', 'broadcast']);
    const rows = await ctx.db.manager.find(OutboxMessage, { where: { stationId: s.id } });
    expect(rows.every((r) => r.status === 'sent' && r.sentAt)).toBe(true);
    expect(await sender(s.id, t).tick()).toBe(0);
  });

  it('paces sends with the gap plus jitter', async () => {
    const { ctx, clock } = env();
    clock.set(atLocal('2026-12-03', '10:00'));
    const s = await createStation(ctx);
    await ctx.services.outbox.enqueue([1, 2, 3, 4, 5].map((i) => ({ stationId: s.id, toContactId: `p${i}`, text: `m${i}`, kind: 'x' })));
    const waits: number[] = [];
    const t = fakeTransport();
    await sender(s.id, t, { gapMs: 3000, jitter: 0.3, sleep: async (ms) => void waits.push(ms), random: () => 0.5 }).tick();
    expect(t.sent).toHaveLength(5);
    // The first send of a sender does not wait; every later one waits about gap + jitter.
    expect(waits).toHaveLength(4);
    for (const w of waits) {
      expect(w).toBeGreaterThan(3000);
      expect(w).toBeLessThanOrEqual(3450);
    }
  });

  it('really spaces sends in time with a small gap', async () => {
    const { ctx, clock } = env();
    clock.set(atLocal('2026-12-03', '10:00'));
    const s = await createStation(ctx);
    await ctx.services.outbox.enqueue([1, 2, 3, 4].map((i) => ({ stationId: s.id, toContactId: `g${i}`, text: `g${i}`, kind: 'x' })));
    const stamps: number[] = [];
    const t = fakeTransport();
    const orig = t.deliver;
    t.deliver = async (row) => {
      stamps.push(Date.now());
      return orig(row);
    };
    await sender(s.id, t, { gapMs: 50, jitter: 0 }).tick();
    expect(stamps).toHaveLength(4);
    for (let i = 1; i < stamps.length; i++) expect(stamps[i] - stamps[i - 1]).toBeGreaterThanOrEqual(45);
  });

  it('holds non-urgent rows through the quiet hours, sends alerts at once', async () => {
    const { ctx, clock } = env();
    const s = await createStation(ctx);
    clock.set(atLocal('2026-12-03', '22:00'));
    await ctx.services.outbox.enqueue([
      { stationId: s.id, toContactId: 'q', text: '活动通知', kind: 'x', priority: PRIORITY.broadcast },
      { stationId: s.id, toContactId: 'u', text: '紧急告警', kind: 'x', urgent: true },
    ]);
    const t = fakeTransport();
    const snd = sender(s.id, t);
    expect(await snd.tick()).toBe(1);
    expect(t.sent.map((r) => r.text)).toEqual(['紧急告警']);
    clock.set(atLocal('2026-12-04', '07:59'));
    expect(await snd.tick()).toBe(0);
    clock.set(atLocal('2026-12-04', '08:00'));
    expect(await snd.tick()).toBe(1);
    expect(t.sent.map((r) => r.text)).toEqual(['紧急告警', '活动通知']);
    // Queued in the evening, due before 21:00, but the sender only gets to it at night: it waits.
    clock.set(atLocal('2026-12-04', '20:30'));
    await ctx.services.outbox.enqueue({ stationId: s.id, toContactId: 'late', text: '晚间提醒', kind: 'x' });
    clock.set(atLocal('2026-12-04', '21:30'));
    expect(await snd.tick()).toBe(0);
    clock.set(atLocal('2026-12-05', '08:00'));
    expect(await snd.tick()).toBe(1);
  });

  it('keeps non-urgent rows within the hourly and daily caps, broadcasts within their share; alerts are exempt', async () => {
    const { ctx, clock } = env();
    const s = await createStation(ctx);
    clock.set(atLocal('2026-12-03', '10:00'));
    await ctx.services.outbox.enqueue([1, 2, 3, 4, 5, 6, 7].map((i) => ({ stationId: s.id, toContactId: `c${i}`, text: `n${i}`, kind: 'x', priority: PRIORITY.broadcast })));
    const t = fakeTransport();
    const snd = sender(s.id, t, { hourlyCap: 2, dailyCap: 5 });
    expect(await snd.tick()).toBe(2);
    expect(await snd.tick()).toBe(0);
    await ctx.services.outbox.enqueue({ stationId: s.id, toContactId: 'alarm', text: '告警', kind: 'x', urgent: true });
    expect(await snd.tick()).toBe(1);
    expect(t.sent.at(-1)!.text).toBe('告警');
    clock.set(atLocal('2026-12-03', '11:01'));
    expect(await snd.tick()).toBe(2);
    // Broadcasts may spend 80% of the day (4 of 5): the last send of the day is kept for safety messages.
    clock.set(atLocal('2026-12-03', '12:02'));
    expect(await snd.tick()).toBe(0);
    await ctx.services.outbox.enqueue({ stationId: s.id, toContactId: 'checkin', text: '报平安提醒', kind: 'x', priority: PRIORITY.checkin });
    expect(await snd.tick()).toBe(1);
    expect(t.sent.at(-1)!.text).toBe('报平安提醒');
    clock.set(atLocal('2026-12-03', '20:00'));
    expect(await snd.tick()).toBe(0); // the day's budget of 5 is spent
    clock.set(atLocal('2026-12-04', '08:00'));
    expect(await snd.tick()).toBe(2);
    clock.set(atLocal('2026-12-04', '09:01'));
    expect(await snd.tick()).toBe(1);
    expect(await ctx.db.manager.count(OutboxMessage, { where: { stationId: s.id, status: 'pending' } })).toBe(0);
  });

  it('records failures with the reason, retries with back-off, alerts the admin when sends keep failing', async () => {
    const { ctx, clock } = env();
    const s = await createStation(ctx);
    clock.set(atLocal('2026-12-03', '10:00'));
    await ctx.services.outbox.enqueue([1, 2, 3].map((i) => ({ stationId: s.id, toContactId: `f${i}`, text: `f${i}`, kind: 'x' })));
    const t = fakeTransport();
    t.failing = '发送消息过于频繁';
    const snd = sender(s.id, t, { alertAfterFailures: 3 });
    ctx.services.accounts.set(s.id, true);
    expect(await snd.tick()).toBe(0);
    const rows = await ctx.db.manager.find(OutboxMessage, { where: { stationId: s.id } });
    expect(rows.every((r) => r.status === 'pending' && r.attempts === 1 && r.lastError === '发送消息过于频繁')).toBe(true);
    expect(rows.every((r) => r.notBefore.getTime() > clock.now().getTime())).toBe(true);
    const alerts = await ctx.db.manager.find(Alert, { where: { stationId: s.id, type: 'send_failed' } });
    expect(alerts).toHaveLength(1);
    expect(ctx.services.accounts.isUp(s.id)).toBe(false);
    // Still nothing due until the back-off passes; then the rows go and the account is up again.
    expect(await snd.tick()).toBe(0);
    t.failing = false;
    clock.advance(20_000);
    expect(await snd.tick()).toBe(3);
    expect(ctx.services.accounts.isUp(s.id)).toBe(true);
  });

  it('never sends a row twice with two senders on one station', async () => {
    const { ctx, clock } = env();
    const s = await createStation(ctx);
    clock.set(atLocal('2026-12-03', '10:00'));
    await ctx.services.outbox.enqueue(Array.from({ length: 60 }, (_, i) => ({ stationId: s.id, toContactId: `d${i}`, text: `d${i}`, kind: 'x' })));
    const t1 = fakeTransport();
    const t2 = fakeTransport();
    const a = sender(s.id, t1, { batch: 7 });
    const b = sender(s.id, t2, { batch: 7 });
    for (let i = 0; i < 10; i++) await Promise.all([a.tick(), b.tick()]);
    const all = [...t1.sent, ...t2.sent].map((r) => r.text);
    expect(all).toHaveLength(60);
    expect(new Set(all).size).toBe(60);
  });

  describe('through a real account', () => {
    let bot: TestBot;
    afterAll(async () => {
      await bot?.stop();
    });

    it('finds a contact by its remark when the id fails, and relinks the record', async () => {
      const { ctx } = env();
      bot ??= await startTestBot(ctx);
      const s = await createStation(ctx);
      const r = await createResident(ctx, { stationId: s.id, wechatContactId: 'old-id' });
      const account = await bot.account(s.id);
      // After a re-login the puppet knows the contact under a new id, with the remark we set.
      account.mocker!.createContact({ id: 'new-id', name: '王奶奶', alias: aliasFor('resident', r.id) });
      // It went to the contact found by the remark; the sender logs it under that id.
      expect(await account.deliver({ toContactId: 'old-id', toAlias: aliasFor('resident', r.id), text: '提醒', kind: 'x' })).toBe('new-id');
      expect((await ctx.db.manager.findOneByOrFail(Resident, { id: r.id })).wechatContactId).toBe('new-id');
    });

    it('records a sent row as sent and in the message log, in one step', async () => {
      const { ctx } = env();
      bot ??= await startTestBot(ctx);
      const s = await createStation(ctx);
      const account = await bot.account(s.id);
      account.mocker!.createContact({ id: 'log-me', name: '李爷爷' });
      await ctx.services.outbox.enqueue({ stationId: s.id, toContactId: 'log-me', text: '明天上午有义诊', kind: 'x', dedupeKey: `log-me-${s.id}` });
      // The account's own loop may be sending it too: the row still goes once.
      await Promise.all([account.sender.tick(), account.sender.tick()]);
      let row = await ctx.db.manager.findOneByOrFail(OutboxMessage, { dedupeKey: `log-me-${s.id}` });
      for (let i = 0; i < 50 && row.status !== 'sent'; i++) {
        await new Promise((r) => setTimeout(r, 20)); // bounded wait for the loop's send to commit
        row = await ctx.db.manager.findOneByOrFail(OutboxMessage, { dedupeKey: `log-me-${s.id}` });
      }
      expect(row.status).toBe('sent');
      expect(await ctx.db.manager.count(MessageLog, { where: { contactId: 'log-me', direction: 'out', text: '明天上午有义诊' } })).toBe(1);
    });

    it('a logout pauses sending, raises one alert and marks the account down; a new login resumes', async () => {
      const { ctx, clock } = env();
      clock.set(atLocal('2026-12-03', '10:00'));
      bot ??= await startTestBot(ctx);
      const s = await createStation(ctx);
      const account = await bot.account(s.id);
      expect(ctx.services.accounts.isUp(s.id)).toBe(true);
      const states: unknown[] = [];
      ctx.events.on('bot:state', (e) => states.push(e));
      await account.bot.puppet.logout();
      await new Promise((r) => setImmediate(r));
      expect(ctx.services.accounts.isUp(s.id)).toBe(false);
      expect(ctx.services.accounts.downSince(s.id)).toEqual(clock.now());
      expect(states).toContainEqual(expect.objectContaining({ stationId: s.id, loggedIn: false }));
      // The alert is raised by the logout handler, after the event: a bounded wait for its commit (slow on a loaded MariaDB).
      for (let i = 0; i < 100 && !(await ctx.db.manager.count(Alert, { where: { stationId: s.id, type: 'bot_logout' } })); i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(await ctx.db.manager.count(Alert, { where: { stationId: s.id, type: 'bot_logout' } })).toBe(1);
      expect(await ctx.metrics.text()).toMatch(new RegExp(`bot_events_total\\{station="${s.id}",event="logout"\\} 1`));

      await ctx.services.outbox.enqueue({ stationId: s.id, toContactId: 'paused', text: '等登录', kind: 'x' });
      expect(await account.sender.tick()).toBe(0);
      const login = new Promise((r) => account.bot.once('login', r));
      account.mocker!.login(account.mocker!.ContactMock.load(account.selfId!));
      await login;
      expect(ctx.services.accounts.isUp(s.id)).toBe(true);
      // The running sender picks it up within its poll.
      let sent = 0;
      for (let i = 0; i < 60 && !sent; i++) {
        sent = await ctx.db.manager.count(OutboxMessage, { where: { toContactId: 'paused', status: 'sent' } });
        if (!sent) await new Promise((r) => setTimeout(r, 25));
      }
      expect(sent).toBe(1);
    });
  });
});
