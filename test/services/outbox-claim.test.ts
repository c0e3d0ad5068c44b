import { In } from 'typeorm';
import { OutboxMessage } from '../../entities';
import { atLocal } from '../../services/time';
import { createStation } from '../factories';
import { useTestEnv } from '../helpers';

/**
 * The claim race of the outbox senders, on the suite's engine (on MariaDB a real pool: each claim
 * on its own connection). Every row is sent by exactly one sender, however the claims interleave.
 */
describe('outbox claims', () => {
  const env = useTestEnv();

  it('many senders claiming at once each get their own rows, and every row goes out once', async () => {
    const { ctx, clock } = env();
    clock.set(atLocal('2027-01-10', '10:00'));
    const s = await createStation(ctx);
    const n = 120;
    await ctx.services.outbox.enqueue(Array.from({ length: n }, (_, i) => ({ stationId: s.id, toContactId: `c${i}`, text: '通知', kind: 'race', dedupeKey: `race-${s.id}-${i}` })));
    const sentBy = new Map<number, string[]>();
    // Eight senders, each claiming, "sending" at once and claiming again until nothing is left.
    await Promise.all(Array.from({ length: 8 }, async (_, k) => {
      for (;;) {
        const rows = await ctx.services.outbox.claimDue(s.id, `sender-${k}`, 7);
        if (!rows.length) return;
        for (const r of rows) {
          sentBy.set(r.id, [...(sentBy.get(r.id) ?? []), `sender-${k}`]);
          await ctx.services.outbox.markSent(r.id);
        }
      }
    }));
    expect(sentBy.size).toBe(n);
    expect([...sentBy.values()].filter((who) => who.length > 1)).toEqual([]);
    const rows = await ctx.db.manager.find(OutboxMessage, { where: { stationId: s.id } });
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
  });

  it('never takes a row that another sender claimed and sent between its look and its claim', async () => {
    const { ctx, clock } = env();
    clock.set(atLocal('2027-01-10', '10:00'));
    const s = await createStation(ctx);
    await ctx.services.outbox.enqueue([1, 2, 3].map((i) => ({ stationId: s.id, toContactId: `late${i}`, text: '通知', kind: 'race' })));
    // Sender "slow" looks at the due rows, then is held before claiming them…
    let looked!: () => void;
    const hasLooked = new Promise<void>((r) => (looked = r));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const manager = ctx.db.manager;
    const real = manager.getRepository.bind(manager);
    const spy = jest.spyOn(manager, 'getRepository').mockImplementationOnce(((target: typeof OutboxMessage) => {
      const repo = real(target);
      let first = true;
      return new Proxy(repo, {
        get(t, p, receiver) {
          if (p !== 'find') return Reflect.get(t, p, receiver);
          return async (...args: Parameters<typeof repo.find>) => {
            const res = await t.find(...args);
            if (first) {
              first = false;
              looked();
              await gate;
            }
            return res;
          };
        },
      });
    }) as typeof manager.getRepository);
    try {
      const slow = ctx.services.outbox.claimDue(s.id, 'slow', 10);
      await hasLooked;
      // …while sender "fast" claims and sends them all.
      const fast = await ctx.services.outbox.claimDue(s.id, 'fast', 10);
      expect(fast).toHaveLength(3);
      for (const r of fast) await ctx.services.outbox.markSent(r.id);
      release();
      expect(await slow).toEqual([]);
    } finally {
      spy.mockRestore();
    }
    const rows = await ctx.db.manager.find(OutboxMessage, { where: { id: In((await ctx.db.manager.find(OutboxMessage, { where: { stationId: s.id } })).map((r) => r.id)) } });
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent', 'sent']);
  });
});
