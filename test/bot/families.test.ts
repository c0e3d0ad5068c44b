import { FamilyContact, FamilyReminder } from '../../entities';
import { sentTo } from '../checkin-fixtures';
import { familyScene, runFamilyReminders } from '../family-fixtures';
import { createResident } from '../factories';
import { useTestEnv } from '../helpers';
import { useTestBot } from './harness';
import { CONSENT_NOTICE } from '../../services/family-texts';
import { presentFamily } from '../../api/presenters/people';

const at = (s: string) => new Date(`${s}+08:00`);

/** Left-behind families through the real bot on the mock puppet. */
describe('family reminders through the bot', () => {
  const env = useTestEnv();
  const bot = useTestBot(env);

  it('a family contact who binds is told what they will receive and how to stop it, and that is recorded', async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-03T10:00:00'));
    const s = await familyScene(ctx);
    const child = await createResident(ctx, { stationId: s.station.id, name: '赵小花', tags: ['left_behind_child'] });
    const { family, code } = await ctx.services.residents.addFamily(s.actor, child.id, { name: '赵刚', relation: '父亲' });
    const replies = await bot().say(s.station.id, `zhao-${s.k}`, `绑定 ${code}`);
    expect(replies[0]).toContain('您已登记为赵小花的家属（父亲）');
    expect(replies[1]).toBe(CONSENT_NOTICE);
    expect(replies[1]).toContain('退订');
    expect(await ctx.db.manager.findOneByOrFail(FamilyContact, { id: family.id })).toMatchObject({ consentAt: at('2026-12-03T10:00:00'), optedOut: false });
    const listed = await ctx.services.residents.listFamily(s.actor, child.id);
    expect(presentFamily(listed[0])).toMatchObject({ wechatBound: true, consentAt: '2026-12-03T10:00:00+08:00', optedOut: false });
  });

  it('the father answers 1 and the reminder is acknowledged; others cannot acknowledge it', async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-03T10:00:00'));
    const s = await familyScene(ctx);
    await ctx.services.familyReminders.saveSchedules(s.actor, s.child.id, [{ familyContactId: s.father.id, weekday: 0, time: '19:00' }]);
    clock.set(at('2026-12-06T19:00:00'));
    await runFamilyReminders(ctx);
    clock.set(at('2026-12-06T19:40:00'));
    // The grandmother was sent nothing: her 聊过了 is refused politely, her 1 is a menu choice.
    expect(await bot().say(s.station.id, s.grandma.wechatContactId!, '聊过了')).toEqual([expect.stringContaining('没有找到发给您')]);
    expect(await bot().say(s.station.id, s.grandma.wechatContactId!, '1')).not.toEqual([expect.stringContaining('谢谢您')]);
    expect(await bot().say(s.station.id, `stranger-${s.k}`, '聊过了')).toEqual([expect.stringContaining('没有找到发给您')]);
    expect((await ctx.db.manager.findOneByOrFail(FamilyReminder, { residentId: s.child.id })).acknowledgedAt).toBeNull();

    expect(await bot().say(s.station.id, s.father.wechatContactId!, '1')).toEqual(['谢谢您！孩子知道您惦记着他，社工站也会常去看看孩子。']);
    expect((await ctx.db.manager.findOneByOrFail(FamilyReminder, { residentId: s.child.id })).acknowledgedAt).toEqual(at('2026-12-06T19:40:00'));
    // Answered already: 1 is the menu again, 聊过了 finds nothing open.
    expect(await bot().say(s.station.id, s.father.wechatContactId!, '聊过了')).toEqual([expect.stringContaining('没有找到发给您')]);
  });

  it('退订 from a family contact stops their reminders; 订阅 restarts them', async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-03T10:00:00'));
    const s = await familyScene(ctx);
    await ctx.services.familyReminders.saveSchedules(s.actor, s.child.id, [{ familyContactId: s.father.id, weekday: 0, time: '19:00' }]);
    expect(await bot().say(s.station.id, s.father.wechatContactId!, '退订')).toEqual([expect.stringContaining('已为您停止定期提醒')]);
    clock.set(at('2026-12-06T19:00:00'));
    await runFamilyReminders(ctx);
    expect(await sentTo(ctx, s.father.wechatContactId!)).toHaveLength(0);
    expect(await bot().say(s.station.id, s.father.wechatContactId!, '订阅')).toEqual([expect.stringContaining('已恢复定期提醒')]);
    clock.set(at('2026-12-13T19:00:00'));
    await runFamilyReminders(ctx);
    expect(await sentTo(ctx, s.father.wechatContactId!)).toHaveLength(1);
  });
});
