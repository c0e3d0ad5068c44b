import { Community, FamilyContact, FamilyReminder, FamilyReminderSchedule, Need, OutboxMessage, Worker } from '../../entities';
import { seedDemoData } from '../../services/demo';
import { useTestEnv } from '../helpers';

const at = (s: string) => new Date(`${s}+08:00`);

describe('demo left-behind families', () => {
  const env = useTestEnv();

  it("seeds children's officers, weekly reminders to migrant parents and a history; the next Sunday's reminder goes out", async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-03T09:00:00'));
    const lines = (await seedDemoData(ctx)).join('\n');
    expect(lines).toContain('每周日 19:00');
    expect(lines).toContain('demo-officer-shahe');
    const m = ctx.db.manager;
    const officer = await m.findOneByOrFail(Worker, { wechatContactId: 'demo-officer-shahe' });
    expect(await m.count(Community, { where: { stationId: officer.stationId!, childrenOfficerId: officer.id } })).toBeGreaterThanOrEqual(4);
    const father = await m.findOneByOrFail(FamilyContact, { wechatContactId: 'demo-wangjianjun' });
    expect(await m.findOneBy(FamilyReminderSchedule, { familyContactId: father.id })).toMatchObject({ weekday: 0, time: '19:00' });
    const history = await m.find(FamilyReminder, { where: { familyContactId: father.id }, order: { dueAt: 'ASC' } });
    expect(history.map((h) => h.dueAt)).toEqual([at('2026-11-22T19:00:00'), at('2026-11-29T19:00:00')]);
    expect(history[0].acknowledgedAt).not.toBeNull();
    expect(history[0].text).toBe('王先生您好，这周和小军视频了吗？孩子在家挺想您的。聊过了回复1。');
    clock.set(at('2026-12-06T19:00:00'));
    await ctx.services.jobs.runNow('family-reminders');
    expect(await m.count(OutboxMessage, { where: { toContactId: 'demo-wangjianjun' } })).toBe(1);
  });

  it('seeds home visits so that the morning list has visits due and overdue', async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-04T08:00:00'));
    expect(await ctx.services.jobs.runNow('visits')).toMatchObject({ workers: expect.any(Number) });
    const list = await ctx.db.manager.findOneByOrFail(OutboxMessage, { toContactId: 'demo-worker-shahe', kind: 'visit_list' });
    expect(list.text).toMatch(/^【今日走访】赵敏，早上好！需要走访 \d+ 户（逾期 \d+ 户）/);
    expect(list.text).toContain('高风险·每周');
    expect(await ctx.db.manager.count(Need)).toBe(8);
  });
});
