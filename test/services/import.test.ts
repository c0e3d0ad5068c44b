import { AuditEntry, Resident } from '../../entities';
import { actorOf, createCommunity, createStation, createWorker } from '../factories';
import { useTestEnv } from '../helpers';

describe('resident import (the Actor)', () => {
  const env = useTestEnv();
  const file = Buffer.from('姓名,村（社区）\n王秀英,沙河村\n');

  it("imports into the worker's own station and names them in the audit; the command line names none", async () => {
    const { ctx } = env();
    const station = await createStation(ctx);
    await createCommunity(ctx, { stationId: station.id, name: '沙河村' });
    const worker = await createWorker(ctx, { stationId: station.id });
    expect(await ctx.services.imports.importResidents(actorOf(worker), file)).toMatchObject({ created: 1, errors: [] });
    const r = await ctx.db.manager.findOneByOrFail(Resident, { name: '王秀英' });
    expect(r.stationId).toBe(station.id);
    expect(await ctx.db.manager.findOneByOrFail(AuditEntry, { residentId: r.id, action: 'create' })).toMatchObject({ workerId: worker.id, detail: 'import' });

    const other = await createStation(ctx);
    await createCommunity(ctx, { stationId: other.id, name: '沙河村' });
    expect(await ctx.services.imports.importByOperator(other.id, file)).toMatchObject({ created: 1 });
    const theirs = await ctx.db.manager.findOneByOrFail(Resident, { name: '王秀英', stationId: other.id });
    expect(await ctx.db.manager.findOneByOrFail(AuditEntry, { residentId: theirs.id, action: 'create' })).toMatchObject({ workerId: null });
  });

  it('refuses a county admin and a resident (403): they import into no station', async () => {
    const { ctx } = env();
    const county = await createWorker(ctx, { role: 'county_admin' });
    const before = await ctx.db.manager.count(Resident);
    await expect(ctx.services.imports.importResidents(actorOf(county), file)).rejects.toMatchObject({ status: 403 });
    await expect(ctx.services.imports.importResidents({ kind: 'resident', openid: 'o', residentId: null, stationId: null }, file)).rejects.toMatchObject({ status: 403 });
    expect(await ctx.db.manager.count(Resident)).toBe(before);
  });
});
