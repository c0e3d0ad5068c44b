import { OutboxMessage } from '../../entities';
import { atLocal } from '../../services/time';
import { elderScene, queued, runCheckins, runDay, sentTo } from '../checkin-fixtures';
import { useTestEnv } from '../helpers';

/** What mutation testing found unguarded in the sweep: each of these turns red if the guard goes. */
describe('the checkins job: guards', () => {
  const env = useTestEnv();

  it('tells the workers about an unreachable elder once, not again on every later run', async () => {
    const { ctx, clock } = env();
    clock.set(atLocal('2027-02-01', '07:00'));
    const s = await elderScene(ctx, { resident: { wechatContactId: null, phone: '13912345678' } });
    await runDay(ctx, clock, '2027-02-01', { times: ['09:00', '09:01', '09:02', '10:30'], deliver: false });
    const lists = (await sentTo(ctx, s.worker.wechatContactId!)).filter((m) => m.kind === 'checkin_unreachable');
    expect(lists).toHaveLength(1);
    expect(await ctx.db.manager.count(OutboxMessage, { where: { kind: 'checkin_unreachable', stationId: s.station.id } })).toBe(2);
  });

  it('sends the morning summary from 08:30 and makes it up until noon, not at noon', async () => {
    const { ctx, clock } = env();
    clock.set(atLocal('2027-02-03', '07:00'));
    const s = await elderScene(ctx);
    await runDay(ctx, clock, '2027-02-03');
    const summary = (date: string) => queued(ctx, `checkin:summary:${s.station.id}:${date}`);
    // The job was down all morning of 02-04: its first run at 12:00 is too late for a morning summary.
    clock.set(atLocal('2027-02-04', '12:00'));
    await runCheckins(ctx);
    expect(await summary('2027-02-04')).toHaveLength(0);
    // On 02-05 it comes back at 11:59: the summary is made up.
    clock.set(atLocal('2027-02-05', '11:59'));
    await runCheckins(ctx);
    expect(await summary('2027-02-05')).toHaveLength(1);
    // On 02-06 it runs from 08:29: nothing before 08:30, then once.
    clock.set(atLocal('2027-02-06', '08:29'));
    await runCheckins(ctx);
    expect(await summary('2027-02-06')).toHaveLength(0);
    for (const t of ['08:30', '08:31']) {
      clock.set(atLocal('2027-02-06', t));
      await runCheckins(ctx);
    }
    expect(await summary('2027-02-06')).toHaveLength(1);
  });
});
