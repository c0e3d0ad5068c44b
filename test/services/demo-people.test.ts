import { FamilyContact, Resident, RESIDENT_TAGS, Worker } from '../../entities';
import { seedDemoData } from '../../services/demo';
import { useTestEnv } from '../helpers';

describe('demo people', () => {
  const env = useTestEnv();

  it('seeds staff, residents across every tag with families, and stable mock contacts', async () => {
    const { ctx } = env();
    const lines = await seedDemoData(ctx);
    const m = ctx.db.manager;
    const residents = await m.find(Resident);
    expect(residents.length).toBeGreaterThanOrEqual(24);
    for (const tag of RESIDENT_TAGS) expect(residents.some((r) => r.tags.includes(tag))).toBe(true);
    expect(await m.count(FamilyContact)).toBeGreaterThanOrEqual(8);
    const text = lines.join('\n');
    expect(text).toContain('shahe-admin / shahe-demo-2026');
    expect(text).toContain('demo-wangxiuying');
    expect(text).toContain('demo-wangxiaoming');
    expect(text).toContain('demo-worker-shahe');
    const wang = await m.findOneByOrFail(Resident, { wechatContactId: 'demo-wangxiuying' });
    expect(wang.name).toBe('王秀英');
    expect(wang.idNumberEnc).not.toContain('6207');
    expect((await m.findOneByOrFail(FamilyContact, { wechatContactId: 'demo-wangxiaoming' })).residentId).toBe(wang.id);
    expect((await m.findOneByOrFail(Worker, { wechatContactId: 'demo-worker-shahe' })).role).toBe('worker');
    // the printed credentials work
    const { worker } = await ctx.services.auth.login('shahe-admin', 'shahe-demo-2026', '127.0.0.1');
    expect(worker.role).toBe('station_admin');
  });
});
