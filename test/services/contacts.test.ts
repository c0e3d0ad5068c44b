import type { Actor } from '../../services/auth';
import { actorOf, createFamily, createResident, createStation, createWorker } from '../factories';
import { useTestEnv } from '../helpers';

describe('ContactService.callLine', () => {
  const env = useTestEnv();

  it("the numbers a help call carries to the workers: for the resident calling and the station's workers only", async () => {
    const { ctx } = env();
    const station = await createStation(ctx);
    const other = await createStation(ctx);
    const worker = await createWorker(ctx, { stationId: station.id });
    const stranger = await createWorker(ctx, { stationId: other.id });
    const wang = await createResident(ctx, { stationId: station.id, name: '王秀英', phone: '13700000001', wechatContactId: 'cl-wang' });
    await createFamily(ctx, { residentId: wang.id, name: '王小明', relation: '儿子', phone: '13900000002' });
    await createFamily(ctx, { residentId: wang.id, name: '王小红', relation: '女儿', phone: null });
    const line = '电话：王秀英 13700000001；王小明（儿子）13900000002';
    const self: Actor = { kind: 'contact', stationId: station.id, contactId: 'cl-wang', residentId: wang.id };
    expect(await ctx.services.contacts.callLine(self, wang.id)).toBe(line);
    expect(await ctx.services.contacts.callLine(actorOf(worker), wang.id)).toBe(line);
    const denied: Actor[] = [
      actorOf(stranger),
      { kind: 'contact', stationId: station.id, contactId: 'cl-someone', residentId: null },
      { kind: 'contact', stationId: other.id, contactId: 'cl-wang', residentId: wang.id },
      { kind: 'resident', openid: 'o-cl', residentId: wang.id, stationId: station.id },
      { kind: 'anonymous' },
    ];
    for (const actor of denied) await expect(ctx.services.contacts.callLine(actor, wang.id)).rejects.toMatchObject({ status: 404 });
    const nobody = await createResident(ctx, { stationId: station.id, name: '李桂兰', phone: null });
    expect(await ctx.services.contacts.callLine(actorOf(worker), nobody.id)).toBeNull();
  });
});
