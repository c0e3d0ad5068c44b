import { AuditEntry, Resident } from '../../entities';
import { actorOf, createCommunity, createResident, createStation, createWorker } from '../factories';
import { useTestEnv } from '../helpers';

describe('residents list pages kept while unchanged', () => {
  const env = useTestEnv();
  const page = { limit: 50, offset: 0 };

  async function station() {
    const { ctx } = env();
    const s = await createStation(ctx);
    const community = await createCommunity(ctx, { stationId: s.id });
    const worker = actorOf(await createWorker(ctx, { stationId: s.id }));
    const residents = [];
    for (let i = 0; i < 3; i++) residents.push(await createResident(ctx, { stationId: s.id, communityId: community.id, name: `张${i}` }));
    return { ctx, station: s, community, worker, residents };
  }

  it('serves the same page again while nothing changed, and a fresh one after any write to residents, however made', async () => {
    const { ctx, station: s, community, worker, residents } = await station();
    const list = () => ctx.services.residents.list(worker, page);
    const first = await list();
    expect(first.items.map((r) => r.name)).toEqual(['张0', '张1', '张2']);
    expect(await list()).toBe(first);

    // Writes that bypass every service (the CLI, another instance, a hand-made fix) are seen too.
    await ctx.db.manager.query('UPDATE residents SET name = ? WHERE id = ?', ['李秀兰', residents[1].id]);
    const renamed = await list();
    expect(renamed.items.map((r) => r.name)).toEqual(['张0', '李秀兰', '张2']);
    expect(await list()).toBe(renamed);

    await createResident(ctx, { stationId: s.id, communityId: community.id, name: '新来的' });
    expect((await list()).items.map((r) => r.name)).toEqual(['张0', '李秀兰', '张2', '新来的']);

    await ctx.db.manager.query('DELETE FROM residents WHERE id = ?', [residents[0].id]);
    const after = await list();
    expect(after.items.map((r) => r.name)).toEqual(['李秀兰', '张2', '新来的']);
    expect(after.total).toBe(3);

    await ctx.db.manager.update(Resident, { id: residents[2].id }, { optedOut: true });
    expect((await list()).items.find((r) => r.id === residents[2].id)?.optedOut).toBe(true);
  });

  it("keeps a station's page when another station's residents change, and drops both when a resident moves between them", async () => {
    const a = await station();
    const { ctx } = a;
    const other = await createStation(ctx);
    const otherCommunity = await createCommunity(ctx, { stationId: other.id });
    const otherWorker = actorOf(await createWorker(ctx, { stationId: other.id }));
    const kept = await ctx.services.residents.list(a.worker, page);
    expect((await ctx.services.residents.list(otherWorker, page)).items).toEqual([]);

    await createResident(ctx, { stationId: other.id, communityId: otherCommunity.id, name: '别站的' });
    expect(await ctx.services.residents.list(a.worker, page)).toBe(kept);

    await ctx.db.manager.query('UPDATE residents SET stationId = ?, communityId = ? WHERE id = ?', [other.id, otherCommunity.id, a.residents[0].id]);
    expect((await ctx.services.residents.list(a.worker, page)).items.map((r) => r.name)).toEqual(['张1', '张2']);
    expect((await ctx.services.residents.list(otherWorker, page)).items.map((r) => r.name)).toEqual(['张0', '别站的']);
  });

  it('keeps each filter and page apart', async () => {
    const { ctx, worker, residents } = await station();
    await ctx.db.manager.update(Resident, { id: residents[0].id }, { tags: ['living_alone'] });
    const all = await ctx.services.residents.list(worker, page);
    const alone = await ctx.services.residents.list(worker, { ...page, tag: 'living_alone' });
    const second = await ctx.services.residents.list(worker, { limit: 2, offset: 2 });
    expect(all.items).toHaveLength(3);
    expect(alone.items.map((r) => r.name)).toEqual(['张0']);
    expect(second).toMatchObject({ total: 3 });
    expect(second.items.map((r) => r.name)).toEqual(['张2']);
    expect(await ctx.services.residents.list(worker, { ...page, tag: 'living_alone' })).toBe(alone);
  });

  it('audits every read, a kept page too, each written before the caller gets the page', async () => {
    const { ctx, station: s, worker } = await station();
    const reads = await Promise.all(Array.from({ length: 20 }, () => ctx.services.residents.list(worker, page)));
    expect(new Set(reads).size).toBeLessThanOrEqual(2);
    expect(await ctx.db.manager.countBy(AuditEntry, { stationId: s.id, action: 'list' })).toBe(20);
    await ctx.services.residents.list(worker, { ...page, q: '张' });
    const entries = await ctx.db.manager.find(AuditEntry, { where: { stationId: s.id, action: 'list' }, order: { id: 'DESC' }, take: 1 });
    expect(entries[0]).toMatchObject({ workerId: worker.kind === 'worker' ? worker.id : null, detail: 'n=3;search=name' });
  });

  it('reads every list afresh for a station without a version (a database where the triggers could not be made)', async () => {
    const { ctx, station: s, worker, residents } = await station();
    await ctx.db.manager.query('DELETE FROM resident_versions WHERE stationId = ?', [s.id]);
    const first = await ctx.services.residents.list(worker, page);
    expect(await ctx.services.residents.list(worker, page)).not.toBe(first);
    await ctx.db.manager.query('UPDATE residents SET name = ? WHERE id = ?', ['李秀兰', residents[0].id]);
    expect((await ctx.services.residents.list(worker, page)).items[0].name).toBe('李秀兰');
  });
});
