import { FamilyContact, Handoff, Resident, Worker } from '../../entities';
import { HANDOFF_QUIET_MS } from '../../services/handoffs';
import { aliasFor } from '../../services/notify';
import { actorOf, createFamily, createResident, createStation, createWorker } from '../factories';
import { useTestEnv } from '../helpers';

describe('chat, hand-off and account services', () => {
  const env = useTestEnv();

  it('identifies a contact per station account, and relinks records by their remark', async () => {
    const { ctx } = env();
    const s = await createStation(ctx);
    const other = await createStation(ctx);
    const r = await createResident(ctx, { stationId: s.id, wechatContactId: 'same' });
    const f = await createFamily(ctx, { residentId: r.id, wechatContactId: 'same' });
    const w = await createWorker(ctx, { stationId: s.id, wechatContactId: 'same' });
    const here = await ctx.services.chat.identify(s.id, 'same');
    expect(here.resident?.id).toBe(r.id);
    expect(here.family.map((x) => x.id)).toEqual([f.id]);
    expect(here.worker?.id).toBe(w.id);
    const there = await ctx.services.chat.identify(other.id, 'same');
    expect(there).toEqual({ resident: null, family: [], worker: null });

    expect(await ctx.services.chat.relinkByAlias(aliasFor('resident', r.id), 'new-r')).toBe(true);
    expect(await ctx.services.chat.relinkByAlias(aliasFor('family', f.id), 'new-f')).toBe(true);
    expect(await ctx.services.chat.relinkByAlias(aliasFor('worker', w.id), 'new-w')).toBe(true);
    expect(await ctx.services.chat.relinkByAlias('某人的备注', 'x')).toBe(false);
    expect((await ctx.db.manager.findOneByOrFail(Resident, { id: r.id })).wechatContactId).toBe('new-r');
    expect((await ctx.db.manager.findOneByOrFail(FamilyContact, { id: f.id })).wechatContactId).toBe('new-f');
    expect((await ctx.db.manager.findOneByOrFail(Worker, { id: w.id })).wechatContactId).toBe('new-w');
  });

  it('keeps long texts out of the log, and lists recent messages oldest first', async () => {
    const { ctx } = env();
    const s = await createStation(ctx);
    for (let i = 0; i < 12; i++) await ctx.services.chat.log({ stationId: s.id, contactId: 'r', direction: i % 2 ? 'out' : 'in', text: `m${i}` });
    await ctx.services.chat.log({ stationId: s.id, contactId: 'r', direction: 'in', text: '长'.repeat(100_000) });
    const recent = await ctx.services.chat.recent(s.id, 'r', 3);
    expect(recent.map((x) => x.text.slice(0, 3))).toEqual(['m10', 'm11', '长长长']);
    expect(recent[2].text).toHaveLength(2000);
  });

  it('a hand-off keeps the bot quiet for half an hour, or until closed', async () => {
    const { ctx, clock } = env();
    const s = await createStation(ctx);
    const w = await createWorker(ctx, { stationId: s.id });
    const { handoff, created } = await ctx.services.handoffs.request({ stationId: s.id, contactId: 'h', contactName: null, residentId: null });
    expect(created).toBe(true);
    expect((await ctx.services.handoffs.request({ stationId: s.id, contactId: 'h', contactName: null, residentId: null })).created).toBe(false);
    expect(await ctx.services.handoffs.active(s.id, 'h')).not.toBeNull();
    clock.advance(HANDOFF_QUIET_MS + 1000);
    expect(await ctx.services.handoffs.active(s.id, 'h')).toBeNull();
    clock.advance(-(HANDOFF_QUIET_MS + 1000));
    await ctx.services.handoffs.close(actorOf(w), handoff.id);
    expect(await ctx.services.handoffs.active(s.id, 'h')).toBeNull();
    expect((await ctx.db.manager.findOneByOrFail(Handoff, { id: handoff.id })).takenBy).toBe(w.id);
  });

  it('tracks account state: unknown counts as up, down since when, and emits bot:state on change', async () => {
    const { ctx, clock } = env();
    const seen: unknown[] = [];
    ctx.events.on('bot:state', (e) => seen.push(e));
    expect(ctx.services.accounts.isUp(4242)).toBe(true);
    ctx.services.accounts.set(4242, true);
    ctx.services.accounts.set(4242, true);
    ctx.services.accounts.set(4242, false, 'logout');
    expect(ctx.services.accounts.isUp(4242)).toBe(false);
    expect(ctx.services.accounts.downSince(4242)).toEqual(clock.now());
    expect(ctx.services.accounts.reason(4242)).toBe('logout');
    expect(seen).toEqual([{ stationId: 4242, loggedIn: true, reason: undefined }, { stationId: 4242, loggedIn: false, reason: 'logout' }]);
  });
});
