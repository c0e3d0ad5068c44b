import { addressResident } from '../../services/address';
import { CheckinDay, CheckinPlan, OutboxMessage, Resident, Station } from '../../entities';
import type { AppContext } from '../../services/context';
import { alertTypeLabel } from '../../services/alert-labels';
import {
  addressElder, familyAlarmText, firstReminderText, kinWord, missedDigestText, morningSummaryText, unreachableSummary, unreachableTexts,
} from '../../services/checkin-texts';
import { inEscalationOrder as orderedFamily } from '../../services/messaging/audience';
import { seedDemoData } from '../../services/demo';
import { actorOf, elderScene } from '../checkin-fixtures';
import { createResident } from '../factories';
import { useTestEnv } from '../helpers';
import { atLocal } from '../../services/time';

const at = (s: string) => new Date(`${s}+08:00`);

describe('check-in texts', () => {
  it('addresses elders warmly and greets by the time of day', () => {
    const wang = { name: '王秀英', gender: 'female' as const, birthDate: '1944-03-12' };
    expect(addressElder(wang, '2026-12-03')).toBe('王奶奶');
    expect(addressElder({ name: '欧阳德明', gender: 'male', birthDate: null }, '2026-12-03')).toBe('欧阳爷爷');
    expect(addressElder({ name: '李芳', gender: 'female', birthDate: '1990-01-01' }, '2026-12-03')).toBe('李芳');
    expect(addressElder({ name: '赵四', gender: null }, '2026-12-03')).toBe('赵四');
    expect(firstReminderText(wang, '2026-12-03', 9 * 60)).toBe('王奶奶早上好！今天身体还好吗？回个话报个平安吧 🌞');
    expect(firstReminderText(wang, '2026-12-03', 15 * 60)).toBe('王奶奶下午好！今天身体还好吗？回个话报个平安吧 ☀️');
    expect(firstReminderText(wang, '2026-12-03', 19 * 60)).toContain('晚上好');
  });

  it('names the elder by the family contact\'s relation', () => {
    expect(kinWord('儿子', 'female')).toBe('母亲');
    expect(kinWord('女儿', 'male')).toBe('父亲');
    expect(kinWord('儿媳', 'female')).toBe('婆婆');
    expect(kinWord('孙女', 'male')).toBe('爷爷');
    expect(kinWord('邻居', 'female')).toBe('');
    expect(familyAlarmText({ name: '王秀英', gender: 'female' }, '儿子', 11 * 60))
      .toBe('【平安提醒】您的母亲王秀英今天到11:00还没有报平安，社工站已收到提醒。您联系上她后请回复"已联系"。');
    expect(familyAlarmText({ name: '刘振华', gender: 'male' }, '邻居', 10 * 60 + 30))
      .toBe('【平安提醒】您关心的老人刘振华今天到10:30还没有报平安，社工站已收到提醒。您联系上他后请回复"已联系"。');
  });

  it('splits long lists into numbered messages, phones masked', () => {
    const lines = Array.from({ length: 65 }, (_, i) => ({ community: '沙河村', name: `老人${i}`, phone: '13800001234', reason: 'no_wechat' as const }));
    const texts = unreachableTexts(lines);
    expect(texts).toHaveLength(3);
    expect(texts[0]).toContain('以下65位老人');
    expect(texts[0]).toContain('1. 沙河村 老人0 138****1234（未绑定微信）');
    expect(texts[2]).toContain('61. 沙河村 老人60');
    expect(texts.join()).not.toContain('13800001234');
    expect(missedDigestText(['a', 'b'], 30, 32)).toContain('31. a');
  });

  it('names every elder in an unreachable alert, or as many whole names as the summary holds and how many in all', () => {
    expect(unreachableSummary(['赵永福', '杨春花'])).toBe('2位老人今日报平安提醒无法送达，请电话联系：赵永福、杨春花');
    const many = Array.from({ length: 200 }, (_, i) => `老人${String(i).padStart(3, '0')}`);
    const summary = unreachableSummary(many);
    expect(summary.length).toBeLessThanOrEqual(500);
    expect(summary).toMatch(/^200位老人今日报平安提醒无法送达，请电话联系：老人000、老人001、/);
    expect(summary).toMatch(/、老人\d{3}等200位（完整名单见看板）$/);
  });

  it('names alert types in Chinese, the same words for the API, the bot and the morning summary', () => {
    expect(alertTypeLabel('checkin_unreachable')).toBe('提醒无法送达');
    expect(alertTypeLabel('checkin_missed')).toBe('未报平安');
    expect(alertTypeLabel('something_new')).toBe('其他告警');
    expect(morningSummaryText('沙河镇社工站', [{ id: 9, type: 'checkin_unreachable', who: '', when: '12月3日', replied: false, acknowledged: false }]))
      .toContain('9 提醒无法送达');
  });

  it('orders family contacts by the plan, or oldest first', () => {
    const fam = [{ id: 1 }, { id: 2 }, { id: 3 }];
    expect(orderedFamily(fam, { familyContactIds: [], volunteer: null }).map((f) => f.id)).toEqual([1, 2, 3]);
    expect(orderedFamily(fam, { familyContactIds: [3, 1], volunteer: null }).map((f) => f.id)).toEqual([3, 1]);
  });
});

describe('check-in service', () => {
  const env = useTestEnv();

  it('records no sign of life without an enabled plan', async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-03T08:00:00'));
    const lone = await createResident(ctx);
    expect(await ctx.services.checkins.recordSignOfLife({ residentId: lone.id, at: clock.now(), source: 'text', text: '你好' })).toBeNull();
    const s = await elderScene(ctx, { plan: { enabled: false } });
    expect(await ctx.services.checkins.recordSignOfLife({ residentId: s.resident.id, at: clock.now(), source: 'text' })).toBeNull();
  });

  it('keeps the start date of an unchanged schedule, and moves a changed one to its next reminder time', async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-03T08:00:00'));
    const s = await elderScene(ctx);
    expect(s.plan.appliesFromDate).toBe('2026-12-03');
    clock.set(at('2026-12-03T12:00:00'));
    const base = { enabled: true, remindAt: '09:00', secondReminderMinutes: 60, graceMinutes: 120 };
    const same = await ctx.services.checkinPlans.savePlan(actorOf(s.worker), s.resident.id, { ...base, graceMinutes: 150 });
    expect(same.plan.appliesFromDate).toBe('2026-12-03');
    const later = await ctx.services.checkinPlans.savePlan(actorOf(s.worker), s.resident.id, { ...base, remindAt: '15:00' });
    expect(later.plan.appliesFromDate).toBe('2026-12-03');
    const earlier = await ctx.services.checkinPlans.savePlan(actorOf(s.worker), s.resident.id, { ...base, remindAt: '10:00' });
    expect(earlier.plan.appliesFromDate).toBe('2026-12-04');
    expect(earlier.created).toBe(false);
  });

  it('gives the demo elders living alone or in an empty nest a plan', async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-03T08:00:00'));
    // The demo seeds only an empty database.
    await ctx.db.manager.query('DELETE FROM checkin_plans');
    for (const t of ['checkin_days', 'family_contacts', 'residents', 'communities', 'workers', 'stations']) await ctx.db.manager.query(`DELETE FROM ${t}`);
    const lines = await seedDemoData(ctx);
    const residents = await ctx.db.manager.find(Resident);
    const tagged = residents.filter((r) => r.tags.some((t) => t === 'living_alone' || t === 'empty_nest_elder'));
    expect(tagged.length).toBeGreaterThan(0);
    const plans = await ctx.db.manager.find(CheckinPlan);
    expect(plans.map((p) => p.residentId).sort()).toEqual(tagged.map((r) => r.id).sort());
    expect(plans.every((p) => p.remindAt === '09:00' && p.appliesFromDate === '2026-12-03')).toBe(true);
    expect(lines.join('\n')).toContain('报平安计划');
    expect(await ctx.db.manager.count(Station)).toBeGreaterThan(0);
  });
});

describe('addressing a resident', () => {
  it('is one rule for the reminder and the reply: a 55-year-old living alone is called by name in both', () => {
    const today = '2026-12-03';
    const wang = { name: '王秀英', gender: 'female' as const, birthDate: '1971-05-01', tags: ['living_alone'] };
    expect(firstReminderText(wang, today, 9 * 60)).toMatch(/^王秀英/);
    expect(addressResident({ ...wang, planHolder: true }, today)).toBe('王秀英');
    expect(addressResident({ ...wang, birthDate: '1946-05-01' }, today)).toBe('王奶奶');
    // With no known age an elder's tag or a check-in plan decides.
    expect(addressResident({ ...wang, birthDate: null }, today)).toBe('王奶奶');
    expect(addressResident({ ...wang, birthDate: null, tags: [] }, today)).toBe('王秀英');
    expect(addressResident({ ...wang, birthDate: null, tags: [], planHolder: true }, today)).toBe('王奶奶');
  });
});

describe('signs of life the workers hear of', () => {
  const env = useTestEnv();
  const run = (ctx: AppContext) => ctx.services.jobs.runNow('checkins');
  const toWorker = async (ctx: AppContext, contactId: string, kind: string) =>
    (await ctx.db.manager.find(OutboxMessage, { where: { toContactId: contactId, kind }, order: { id: 'ASC' } }));

  it('an elder the workers were given to phone who then answers: they are told at once not to call', async () => {
    const { ctx, clock } = env();
    clock.set(atLocal('2027-04-06', '07:00'));
    const s = await elderScene(ctx);
    clock.set(atLocal('2027-04-06', '09:00'));
    await run(ctx);
    await ctx.db.manager.update(OutboxMessage, { toContactId: s.resident.wechatContactId! }, { status: 'failed' });
    clock.set(atLocal('2027-04-06', '09:20'));
    await run(ctx);
    expect(await ctx.db.manager.findOneByOrFail(CheckinDay, { residentId: s.resident.id, date: '2027-04-06' })).toMatchObject({ status: 'unreachable' });
    expect(await toWorker(ctx, s.worker.wechatContactId!, 'checkin_reached')).toEqual([]);
    clock.set(atLocal('2027-04-06', '09:47'));
    expect(await ctx.services.checkins.messageFromResident({ residentId: s.resident.id, at: clock.now(), kind: 'text', text: '好' })).toMatchObject({ newlyConfirmed: true });
    expect(await toWorker(ctx, s.worker.wechatContactId!, 'checkin_reached')).toEqual([expect.objectContaining({
      urgent: true, refType: 'checkin_day', text: `【已报平安】幸福村${s.k} 王秀英 09:47已报平安，无需再电话联系。`,
    })]);
  });

  it('an unreachable day the workers were not told of yet needs no word when the elder answers', async () => {
    const { ctx, clock } = env();
    clock.set(atLocal('2027-04-07', '09:05'));
    const s = await elderScene(ctx);
    await ctx.db.manager.insert(CheckinDay, {
      residentId: s.resident.id, stationId: s.station.id, date: '2027-04-07', status: 'unreachable', unreachableReason: 'not_delivered',
      remindMinute: 540, secondMinute: 600, deadlineMinute: 660,
    });
    await ctx.services.checkins.messageFromResident({ residentId: s.resident.id, at: clock.now(), kind: 'voice' });
    expect(await ctx.db.manager.findOneByOrFail(CheckinDay, { residentId: s.resident.id, date: '2027-04-07' })).toMatchObject({ status: 'confirmed', confirmedSource: 'voice' });
    expect(await toWorker(ctx, s.worker.wechatContactId!, 'checkin_reached')).toEqual([]);
  });

  it('a family contact who reached the elder before any alert: the workers hear it, once, without urgency', async () => {
    const { ctx, clock } = env();
    clock.set(atLocal('2027-04-08', '07:00'));
    const s = await elderScene(ctx);
    clock.set(atLocal('2027-04-08', '09:30'));
    await run(ctx);
    expect(await ctx.services.checkins.familyContacted({ familyContactId: s.son!.id, at: clock.now() })).toBe(true);
    expect(await ctx.services.checkins.familyContacted({ familyContactId: s.son!.id, at: clock.now() })).toBe(true);
    const told = await toWorker(ctx, s.worker.wechatContactId!, 'checkin_family');
    expect(told).toEqual([expect.objectContaining({ urgent: false, refType: 'checkin_day' })]);
    expect(told[0].text).toBe(`【家属已联系】幸福村${s.k} 王秀英 的家属 王小明（儿子）09:30已联系上老人，今日记为平安。`);
    expect(await ctx.services.checkins.familyContacted({ familyContactId: 999_999, at: clock.now() })).toBe(false);
  });
});

describe('the rules of a check-in plan', () => {
  const env = useTestEnv();
  const base = { enabled: true, remindAt: '09:00', secondReminderMinutes: 60, graceMinutes: 120 };

  it('keeps reminders between 08:00 and 21:00 and the deadline within the day, saying which rule and what time', async () => {
    const { ctx, clock } = env();
    clock.set(atLocal('2027-05-04', '07:00'));
    const s = await elderScene(ctx);
    const save = (input: Partial<typeof base> & { pausedUntil?: string }) => ctx.services.checkinPlans.savePlan(actorOf(s.worker), s.resident.id, { ...base, ...input });
    const refused = async (input: Parameters<typeof save>[0], message: string) => {
      await expect(save(input)).rejects.toMatchObject({ status: 400, code: 'validation_failed', message: `输入有误：${message}` });
    };
    await expect(save({ remindAt: '08:00' })).resolves.toMatchObject({ created: false });
    await refused({ remindAt: '07:59' }, '提醒时间需在 08:00–21:00 之间（夜间不打扰）');
    await refused({ remindAt: '21:00' }, '提醒时间需在 08:00–21:00 之间（夜间不打扰）');
    await expect(save({ remindAt: '20:00', secondReminderMinutes: 59, graceMinutes: 239 })).resolves.toBeTruthy();
    await refused({ remindAt: '20:00', secondReminderMinutes: 60, graceMinutes: 239 }, '第二次提醒（21:00）需在 21:00 之前（夜间不打扰）');
    await refused({ remindAt: '20:00', secondReminderMinutes: 30, graceMinutes: 240 }, '截止时间 20:00 后 240 分钟已过当天 23:59，请提早提醒时间或缩短等待');
    await refused({ secondReminderMinutes: 120, graceMinutes: 120 }, '截止时间（提醒后 120 分钟）必须晚于第二次提醒（提醒后 120 分钟）');
    await expect(save({ pausedUntil: '2027-05-04' })).resolves.toBeTruthy();
    await refused({ pausedUntil: '2027-05-03' }, '暂停截止日期 2027-05-03 已经过去，不能早于今天 2027-05-04');
  });

  it('names the escalation contacts that are not this elder\'s family, and keeps the volunteer\'s phone sent back masked', async () => {
    const { ctx, clock } = env();
    clock.set(atLocal('2027-05-04', '07:00'));
    const s = await elderScene(ctx);
    const other = await elderScene(ctx, { stationId: s.station.id });
    const save = (escalation: { familyContactIds: number[]; volunteer: { name: string; phone: string } | null }) =>
      ctx.services.checkinPlans.savePlan(actorOf(s.worker), s.resident.id, { ...base, escalation });
    await expect(save({ familyContactIds: [s.son!.id, other.son!.id, 999_999], volunteer: null })).rejects.toMatchObject({
      status: 400, message: `输入有误：家属 ${other.son!.id}、999999 不是该居民的家属联系人`,
    });
    await save({ familyContactIds: [s.son!.id], volunteer: { name: '李志愿', phone: '137 0000 1111' } });
    const { plan } = await save({ familyContactIds: [s.son!.id], volunteer: { name: '李志愿', phone: '137****1111' } });
    expect(plan.escalation.volunteer).toEqual({ name: '李志愿', phone: '13700001111' });
    await expect(save({ familyContactIds: [], volunteer: { name: '李志愿', phone: '12345' } })).rejects.toMatchObject({
      message: '输入有误：志愿者电话格式不正确（手机号11位，座机带区号）',
    });
  });

  it('a changed time saved at the reminder minute starts tomorrow, a minute earlier today; the plan says who saved it', async () => {
    const { ctx, clock } = env();
    clock.set(atLocal('2027-05-04', '07:00'));
    const s = await elderScene(ctx);
    clock.set(atLocal('2027-05-04', '09:59'));
    const early = await ctx.services.checkinPlans.savePlan(actorOf(s.admin), s.resident.id, { ...base, remindAt: '10:00' });
    expect(early.plan).toMatchObject({ appliesFromDate: '2027-05-04', updatedBy: s.admin.id, remindMinute: 600 });
    clock.set(atLocal('2027-05-04', '10:30'));
    const onTime = await ctx.services.checkinPlans.savePlan(actorOf(s.worker), s.resident.id, { ...base, remindAt: '10:30' });
    expect(onTime.plan).toMatchObject({ appliesFromDate: '2027-05-05', updatedBy: s.worker.id });
    expect(await ctx.services.checkinPlans.hasEnabledPlan(s.resident.id)).toBe(true);
    await ctx.services.checkinPlans.savePlan(actorOf(s.worker), s.resident.id, { ...base, enabled: false });
    expect(await ctx.services.checkinPlans.hasEnabledPlan(s.resident.id)).toBe(false);
    expect(await ctx.services.checkinPlans.hasEnabledPlan(999_999)).toBe(false);
  });
});
