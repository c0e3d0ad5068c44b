import { In } from 'typeorm';
import { OutboxMessage } from '../../entities';
import { actorOf, createResident, createStation, createWorker } from '../factories';
import { useTestEnv } from '../helpers';
import { atLocal } from '../../services/time';

describe('notices about a hand-off since taken or closed are cancelled before they go', () => {
  const env = useTestEnv();

  async function scene() {
    const { ctx } = env();
    const s = await createStation(ctx);
    const r = await createResident(ctx, { stationId: s.id, name: '孙大爷', wechatContactId: `sun-${s.id}` });
    const w = await createWorker(ctx, { stationId: s.id, name: '周敏', wechatContactId: `zm-${s.id}` });
    const other = await createWorker(ctx, { stationId: s.id, wechatContactId: `other-${s.id}` });
    return { s, r, w, other };
  }

  it('a 【找社工】 notice and its reminder waiting for the morning are cancelled when a worker takes it', async () => {
    const { ctx, clock } = env();
    const { s, r, w } = await scene();
    clock.set(atLocal('2026-12-14', '22:30'));
    const { handoff } = await ctx.services.handoffs.request({ stationId: s.id, contactId: r.wechatContactId!, contactName: '孙大爷', residentId: r.id });
    clock.set(atLocal('2026-12-15', '00:40'));
    await ctx.services.handoffs.sweep(clock.now());
    const notices = await ctx.db.manager.find(OutboxMessage, { where: { refType: 'handoff', refId: handoff.id, kind: In(['handoff', 'handoff_reminder']) } });
    expect(notices.map((n) => n.kind).sort()).toEqual(['handoff', 'handoff', 'handoff_reminder', 'handoff_reminder']);
    expect(notices.every((n) => n.status === 'pending')).toBe(true);
    clock.set(atLocal('2026-12-15', '07:50'));
    await ctx.services.handoffs.take(actorOf(w), handoff.id);
    const after = await ctx.db.manager.find(OutboxMessage, { where: { id: In(notices.map((n) => n.id)) } });
    expect(after.every((n) => n.status === 'cancelled')).toBe(true);
  });

  it("the resident's words still waiting for the worker are cancelled when the hand-off is closed", async () => {
    const { ctx, clock } = env();
    const { s, r, w } = await scene();
    clock.set(atLocal('2026-12-16', '20:50'));
    const { handoff } = await ctx.services.handoffs.request({ stationId: s.id, contactId: r.wechatContactId!, contactName: '孙大爷', residentId: r.id });
    await ctx.services.handoffs.take(actorOf(w), handoff.id);
    clock.set(atLocal('2026-12-16', '21:30'));
    await ctx.services.handoffs.addIncoming(await ctx.services.handoffs.get(actorOf(w), handoff.id), '我睡了，明天再说');
    const words = await ctx.db.manager.findOneOrFail(OutboxMessage, { where: { refType: 'handoff', refId: handoff.id, kind: 'handoff_message' } });
    expect(words.status).toBe('pending');
    await ctx.services.handoffs.close(actorOf(w), handoff.id);
    expect((await ctx.db.manager.findOneByOrFail(OutboxMessage, { id: words.id })).status).toBe('cancelled');
  });
});
