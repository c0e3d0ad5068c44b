import { Alert, CheckinDay } from '../../entities';
import { deliverAll, elderScene, runCheckins, sentTo, runDay } from '../checkin-fixtures';
import { useTestEnv } from '../helpers';
import { useTestBot } from './harness';

const at = (s: string) => new Date(`${s}+08:00`);

/** The check-ins end to end: the job, the real bot on the mock puppet, the real check-in service. */
describe('check-ins through the bot', () => {
  const env = useTestEnv();
  const bot = useTestBot(env);

  it('an elder\'s reply to the reminder confirms the day; after escalation it shows on the alert and the son gets an all-clear', async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-03T07:00:00'));
    const calm = await elderScene(ctx);
    const silent = await elderScene(ctx, { stationId: calm.station.id });
    clock.set(at('2026-12-03T09:00:00'));
    await runCheckins(ctx);
    clock.set(at('2026-12-03T09:05:00'));
    await bot().say(calm.station.id, calm.resident.wechatContactId!, '好着呢');
    expect(await ctx.db.manager.findOneBy(CheckinDay, { residentId: calm.resident.id, date: '2026-12-03' })).toMatchObject({ status: 'confirmed', confirmedSource: 'text' });

    for (const t of ['10:00', '11:00']) {
      await deliverAll(ctx);
      clock.set(at(`2026-12-03T${t}:00`));
      await runCheckins(ctx);
    }
    const alert = await ctx.db.manager.findOneByOrFail(Alert, { residentId: silent.resident.id });
    clock.set(at('2026-12-03T11:20:00'));
    await bot().say(silent.station.id, silent.resident.wechatContactId!, '刚才去地里了');
    const after = await ctx.db.manager.findOneByOrFail(Alert, { id: alert.id });
    expect(after).toMatchObject({ status: 'open', replyText: '刚才去地里了' });
    const sonTexts = (await sentTo(ctx, silent.son!.wechatContactId!)).map((m) => m.text);
    expect(sonTexts).toContain('【平安消息】您的母亲王秀英11:20已报平安，请放心。');
    // The calm elder was never escalated.
    expect(await ctx.db.manager.countBy(Alert, { residentId: calm.resident.id })).toBe(0);
  });

  it('a son replying 已联系 confirms his mother\'s day', async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-04T07:00:00'));
    const s = await elderScene(ctx);
    await runDay(ctx, clock, '2026-12-04');
    clock.set(at('2026-12-04T11:30:00'));
    await bot().say(s.station.id, s.son!.wechatContactId!, '已联系');
    expect(await ctx.db.manager.findOneBy(CheckinDay, { residentId: s.resident.id, date: '2026-12-04' })).toMatchObject({ status: 'confirmed', confirmedSource: 'family' });
  });

  it("a son's own words after 已联系 are kept on the alert and told to the workers", async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-05T07:00:00'));
    const s = await elderScene(ctx);
    // Everyone messaged is a real contact of the account, so no send fails (three failures would mark the account down).
    const { mocker } = await bot().account(s.station.id);
    for (const id of [s.resident.wechatContactId!, s.son!.wechatContactId!, s.worker.wechatContactId!, s.admin.wechatContactId!]) mocker!.createContact({ id, name: id });
    await runDay(ctx, clock, '2026-12-05');
    const alert = await ctx.db.manager.findOneByOrFail(Alert, { residentId: s.resident.id });
    clock.set(at('2026-12-05T11:40:00'));
    const [reply] = await bot().say(s.station.id, s.son!.wechatContactId!, '已联系，我妈手机没电了，人没事');
    expect(reply).toContain('谢谢');
    const entries = await ctx.services.alerts.entries(alert);
    expect(entries.map((e) => [e.author, e.text])).toContainEqual(['家属王小明（儿子）', '我妈手机没电了，人没事']);
    const toWorker = (await sentTo(ctx, s.worker.wechatContactId!)).map((m) => m.text).find((t) => t.startsWith('【已有回音】'));
    expect(toWorker).toContain('我妈手机没电了，人没事');
    // Words without 已联系, on an alert still open, are kept and passed on too.
    clock.set(at('2026-12-05T11:50:00'));
    const [second] = await bot().say(s.station.id, s.son!.wechatContactId!, '她在邻居家打牌呢，晚点我再打给她');
    expect(second).toContain('转告社工');
    expect((await ctx.services.alerts.entries(alert)).map((e) => e.text)).toContain('她在邻居家打牌呢，晚点我再打给她');
    const told = (await sentTo(ctx, s.worker.wechatContactId!)).map((m) => m.text).find((t) => t.includes('她在邻居家打牌呢'));
    expect(told).toContain(`告警 ${alert.id}`);
    // A thank-you is answered, not passed on as news.
    const before = (await sentTo(ctx, s.worker.wechatContactId!)).length;
    expect((await bot().say(s.station.id, s.son!.wechatContactId!, '好的谢谢'))[0]).not.toContain('转告');
    expect(await sentTo(ctx, s.worker.wechatContactId!)).toHaveLength(before);
  });

  it("a son asking whether his mother checked in today hears today's status", async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-06T07:00:00'));
    const s = await elderScene(ctx);
    const son = s.son!.wechatContactId!;
    clock.set(at('2026-12-06T08:30:00'));
    expect((await bot().say(s.station.id, son, '我妈今天报平安了没'))[0]).toBe('您的母亲王秀英今天还没有报平安。每天上午9:00提醒她，到上午11:00还没回音，我们会告诉您和社工。');
    clock.set(at('2026-12-06T09:05:00'));
    await bot().say(s.station.id, s.resident.wechatContactId!, '好着呢');
    for (const q of ['我妈今天报平安了没', '我妈报平安了吗', '今天我妈平安吗']) {
      expect((await bot().say(s.station.id, son, q))[0]).toBe('您的母亲王秀英今天上午9:05已经报平安了 ✅');
    }
  });
});
