import request from 'supertest';
import { Like } from 'typeorm';
import { Alert, CheckinDay, Resident, UnansweredQuestion } from '../../entities';
import { looksLikeQuestion } from '../../services/policy-questions';
import { alertTypeLabel } from '../../services/alert-labels';
import { unreachableSummary } from '../../services/checkin-texts';
import { elderScene, runCheckins } from '../checkin-fixtures';
import { createBookableService, createResident, createSlot, createStation } from '../factories';
import { useTestEnv } from '../helpers';
import { startTestBot, TestBot } from './harness';

const at = (s: string) => new Date(`${s}+08:00`);
const PHONE = '0936-5521001';

describe('looksLikeQuestion', () => {
  it('does not take the particles 呢/嘛/么 for question marks, but keeps real question words', () => {
    for (const remark of ['好着呢', '吃了嘛', '挺好的么', '在家呢', '好着呢好着呢']) expect(looksLikeQuestion(remark)).toBe(false);
    for (const question of ['好着吗', '这是什么', '你们干嘛的', '低保怎么申请', '几点开门', '是否可以代办', '路什么时候修好呢']) {
      expect(looksLikeQuestion(question)).toBe(true);
    }
  });
});

/** Findings of the contract review: what elders, families and workers type, end to end through the bot. */
describe('bot words: remarks, menu words, 报平安 for family and workers, 告警 and 已处理', () => {
  const env = useTestEnv();
  let bot: TestBot;
  let stationId: number;

  beforeAll(async () => {
    const { ctx } = env();
    await ctx.services.policyImport.loadDefaults();
    stationId = (await createStation(ctx, { name: '沙河镇社工站', phone: PHONE, openHours: '周一至周五 8:30-17:30' })).id;
    bot = await startTestBot(ctx);
  });
  afterAll(async () => {
    await bot?.stop();
  });

  it('answers an elder\'s second remark of the day warmly and never logs it as an unanswered question', async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-03T07:00:00'));
    const s = await elderScene(ctx, { stationId });
    clock.set(at('2026-12-03T09:00:00'));
    await runCheckins(ctx);
    clock.set(at('2026-12-03T09:05:00'));
    const elder = s.resident.wechatContactId!;
    expect(await bot.say(stationId, elder, '好着呢')).toEqual(['收到！王奶奶今天平安 ✅']);
    expect(await bot.say(stationId, elder, '好着呢')).toEqual(['收到！王奶奶，有事随时找我们。回复“5”找社工。']);
    expect(await bot.say(stationId, elder, '吃了嘛')).toEqual(['收到！王奶奶，有事随时找我们。回复“5”找社工。']);
    expect(await ctx.db.manager.countBy(UnansweredQuestion, { stationId })).toBe(0);
    // A real question is still a question: logged for the workers, with the offer of a person.
    const [unknown] = await bot.say(stationId, elder, '村口那条路什么时候修好啊');
    expect(unknown).toContain('答不准');
    expect((await ctx.db.manager.findOneByOrFail(UnansweredQuestion, { stationId })).text).toContain('修好');
    // And a policy question still gets the policy.
    expect((await bot.say(stationId, elder, '低保咋申请'))[0]).toMatch(/^【城乡最低生活保障】/);
    expect(await ctx.db.manager.findOneBy(CheckinDay, { residentId: s.resident.id, date: '2026-12-03' })).toMatchObject({ status: 'confirmed' });
  });

  it('logs a real question even when it is the elder\'s first message of the day (after the 平安 reply)', async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-04T08:10:00'));
    const s = await elderScene(ctx, { stationId });
    const replies = await bot.say(stationId, s.resident.wechatContactId!, '村口小卖部几点关门');
    expect(replies[0]).toBe('收到！王奶奶今天平安 ✅');
    expect(replies[1]).toContain('答不准');
    expect((await ctx.db.manager.findBy(UnansweredQuestion, { stationId })).map((q) => q.text)).toContain('村口小卖部几点关门');
  });

  it('routes 预约 / 我的预约 / 取消预约 like the menu digits, with the station phone; 活动 / 报名 N to the activities', async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-04T10:00:00'));
    const s = await elderScene(ctx, { stationId });
    const elder = s.resident.wechatContactId!;
    await bot.say(stationId, elder, '你好');
    // The booking words reach the booking dialogue (test/bot/bookings.test.ts); this station has no services.
    for (const [text, reply] of [['2', /没有可以在微信上预约的服务/], ['预约', /没有可以在微信上预约的服务/], ['我的预约', /您目前没有预约/], ['取消预约', /您目前没有预约/]] as const) {
      expect((await bot.say(stationId, elder, text))[0]).toMatch(reply);
    }
    // The activity words reach the activities (none planned at this station).
    for (const text of ['3', '活动', '最近有啥活动']) expect(await bot.say(stationId, elder, text)).toEqual(['最近还没有活动安排，有新活动会第一时间告诉您。']);
    for (const text of ['报名 1', '报名１']) expect(await bot.say(stationId, elder, text)).toEqual(['没有第1个活动。回复“活动”看看列表。']);
    // Bookings and sign-ups are personal: a stranger is told how to bind; the activity list is public.
    expect((await bot.say(stationId, 'stranger-words', '预约'))[0]).toContain('需要先绑定');
    expect((await bot.say(stationId, 'stranger-words', '报名 2'))[0]).toContain('需要先绑定');
    expect((await bot.say(stationId, 'stranger-words', '活动'))[0]).toBe('最近还没有活动安排，有新活动会第一时间告诉您。');
    expect(await ctx.db.manager.countBy(UnansweredQuestion, { stationId, text: '活动' })).toBe(0);
  });

  it('tells a bound family member and a bound worker their part when they send 报平安 / 4', async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-04T10:30:00'));
    const s = await elderScene(ctx, { stationId });
    for (const text of ['4', '报平安']) {
      const [fam] = await bot.say(stationId, s.son!.wechatContactId!, text);
      expect(fam).not.toContain('绑定');
      expect(fam).toContain('老人本人');
      expect(fam).toContain('已联系');
      const [worker] = await bot.say(stationId, s.worker.wechatContactId!, text);
      expect(worker).not.toContain('绑定');
      expect(worker).toContain('工作台');
      expect(worker).toContain('/api/checkins/');
    }
    // The son's 报平安 did not confirm his mother's day.
    expect(await ctx.db.manager.findOneBy(CheckinDay, { residentId: s.resident.id, date: '2026-12-04' })).toBeNull();
    // A family member's 预约 is told a worker can book for the elder, not to "bind first".
    expect((await bot.say(stationId, s.son!.wechatContactId!, '预约'))[0]).toContain('社工代约');
  });

  it('lists alerts in Chinese, one numbered line each with its id, with the whole list of names to phone', async () => {
    const { ctx, app, clock } = env();
    clock.set(at('2026-12-05T10:00:00'));
    const s = await elderScene(ctx, { family: false });
    const names = ['赵永福', '杨春花', '钱德胜', '孙桂芝', '周建国', '吴秀兰', '郑玉珍', '冯长山'];
    const { alert: unreachable } = await ctx.services.alerts.raise({
      stationId: s.station.id, type: 'checkin_unreachable', summary: unreachableSummary(names), dedupeKey: `test:unreachable:${s.station.id}`,
    });
    const said = '我在厨房摔倒了起不来，腿很疼，门从里面锁着，钥匙在邻居李大姐家';
    const { alert: help } = await ctx.services.alerts.raise({ stationId: s.station.id, residentId: s.resident.id, type: 'help_call', summary: `王秀英：${said}` });
    const replies = await bot.say(s.station.id, s.worker.wechatContactId!, '告警');
    const text = replies.join('\n');
    expect(text).not.toMatch(/checkin_unreachable|help_call/);
    const lines = text.split('\n').filter((l) => /^\d+\. /.test(l));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^1\\. 编号${help.id}【求助】王秀英：${said}（`));
    expect(lines[1]).toMatch(new RegExp(`^2\\. 编号${unreachable.id}【提醒无法送达】8位老人`));
    for (const n of names) expect(lines[1]).toContain(n);
    expect(text).toContain(`“已处理 ${help.id}”`);
    // The API shows the same words for the type.
    const api = await request(app.callback()).get('/api/alerts?status=open').set({ Authorization: `Bearer ${s.worker.token}` });
    const labels = new Map(api.body.items.map((a: { id: number; typeLabel: string }) => [a.id, a.typeLabel]));
    expect(labels.get(unreachable.id)).toBe(alertTypeLabel('checkin_unreachable'));
    expect(labels.get(unreachable.id)).toBe('提醒无法送达');
    expect(labels.get(help.id)).toBe(alertTypeLabel('help_call'));
  });

  it('answers a bound worker\'s bare 已处理 with how to use it', async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-05T11:00:00'));
    const s = await elderScene(ctx, { stationId });
    const { alert } = await ctx.services.alerts.raise({ stationId, residentId: s.resident.id, type: 'help_call', summary: '王秀英：不舒服' });
    expect(await bot.say(stationId, s.worker.wechatContactId!, '已处理')).toEqual(['请回复“已处理 编号”，编号见“告警”列表（回复“告警”查看）。']);
    expect((await ctx.db.manager.findOneByOrFail(Alert, { id: alert.id })).status).toBe('open');
    // Someone who is not a worker gets no alert instructions.
    expect((await bot.say(stationId, 'not-a-worker', '已处理'))[0]).not.toContain('编号');
  });

  it('closes alert N with the note a worker writes after 已处理, the outcome read from its words', async () => {
    const { ctx, clock } = env();
    clock.set(at('2026-12-05T11:30:00'));
    const s = await elderScene(ctx, { stationId });
    const raise = async () => (await ctx.services.alerts.raise({ stationId, residentId: s.resident.id, type: 'help_call', summary: '王秀英：不舒服' })).alert.id;
    const cases: [string, string, string][] = [
      ['电话确认平安', 'safe', '电话确认平安'], ['：上门看了，没事', 'visited', '上门看了，没事'], ['已送县医院住院', 'hospital', '已送县医院住院'], ['邻居在照看', 'other', '邻居在照看'],
    ];
    for (const [words, outcome, note] of cases) {
      const id = await raise();
      const [reply] = await bot.say(stationId, s.worker.wechatContactId!, `已处理 ${id} ${words}`);
      expect(reply).toContain(`告警 ${id} 已结案`);
      expect(await ctx.db.manager.findOneByOrFail(Alert, { id })).toMatchObject({ status: 'resolved', outcome, note });
    }
    // Without words it still closes, as before.
    const plain = await raise();
    expect((await bot.say(stationId, s.worker.wechatContactId!, `已处理${plain}`))[0]).toContain('已结案');
    expect(await ctx.db.manager.findOneByOrFail(Alert, { id: plain })).toMatchObject({ status: 'resolved', outcome: 'other' });
    expect(await ctx.db.manager.countBy(UnansweredQuestion, { stationId, text: Like('%已处理%') })).toBe(0);
  });
});

/** Ordinary words reach the right place, before the policy search. */
describe('ordinary words: the station\'s facts, bookings, activities and binding', () => {
  const env = useTestEnv();
  let bot: TestBot;
  let stationId: number;

  beforeAll(async () => {
    const { ctx } = env();
    await ctx.services.policyImport.loadDefaults();
    stationId = (await createStation(ctx, {
      name: '沙河镇社工站', phone: PHONE, openHours: '周一至周五 8:30-17:30', address: '沙河镇政府大院东侧二楼',
    })).id;
    bot = await startTestBot(ctx);
  });
  afterAll(async () => {
    await bot?.stop();
  });

  it.each(['社工站几点上班', '你们几点开门', '几点下班', '周末上班吗', '你明天上班吗'])('"%s" is answered with the hours from the station record', async (text) => {
    const [reply] = await bot.say(stationId, 'asker-hours', text);
    expect(reply).toContain('周一至周五 8:30-17:30');
    expect(reply).toContain(PHONE);
  });

  it.each(['社工站在哪', '你们在哪里', '社工站地址', '怎么去社工站'])('"%s" is answered with the address from the station record', async (text) => {
    const [reply] = await bot.say(stationId, 'asker-where', text);
    expect(reply).toContain('沙河镇政府大院东侧二楼');
  });

  it.each(['电话多少', '社工站电话是多少', '你们电话', '联系电话'])('"%s" is answered with the phone from the station record', async (text) => {
    const [reply] = await bot.say(stationId, 'asker-phone', text);
    expect(reply).toContain(PHONE);
    expect(reply.length).toBeLessThanOrEqual(150);
  });

  it('a policy question naming a place or a phone stays a policy question', async () => {
    const [reply] = await bot.say(stationId, 'asker-policy', '低保在哪申请');
    expect(reply).toMatch(/^【城乡最低生活保障】/);
  });

  it('a station with nothing on record says so and offers a person', async () => {
    const { ctx } = env();
    const bare = await createStation(ctx, { name: '平川镇社工站', phone: null, openHours: null, address: null });
    const [reply] = await bot.say(bare.id, 'asker-bare', '社工站在哪');
    expect(reply).toContain('5');
    expect(reply).not.toContain('null');
  });

  it('"我想约个理发" and "能预约吗" go to the booking dialogue; "最近有啥活动没" to the activities', async () => {
    const { ctx } = env();
    const r = await createResident(ctx, { stationId, name: '何大爷', wechatContactId: 'he-daye' });
    const cut = await createBookableService(ctx, { stationId, name: '理发', location: '社工站一楼' });
    await createBookableService(ctx, { stationId, name: '康复理疗' });
    await createSlot(ctx, { serviceId: cut.id, startsAt: at('2026-12-20T09:00:00') });
    expect((await bot.say(stationId, r.wechatContactId!, '我想约个理发'))[0]).toContain('理发');
    expect((await bot.say(stationId, r.wechatContactId!, '我想约个理发'))[0]).toMatch(/回复数字|剩/);
    expect((await bot.say(stationId, r.wechatContactId!, '能预约吗'))[0]).toContain('1 理发');
    const [acts] = await bot.say(stationId, r.wechatContactId!, '最近有啥活动没');
    expect(acts).toMatch(/活动/);
    expect(await ctx.db.manager.countBy(UnansweredQuestion, { stationId, text: Like('%活动%') })).toBe(0);
    expect(await ctx.db.manager.countBy(UnansweredQuestion, { stationId, text: Like('%约%') })).toBe(0);
  });

  it('"怎么绑定" explains binding; "帮定 123456" (the typo) binds', async () => {
    const { ctx } = env();
    const [how] = await bot.say(stationId, 'new-binder', '怎么绑定');
    expect(how).toContain('绑定码');
    const r = await createResident(ctx, { stationId, name: '罗奶奶', gender: 'female' });
    const { code } = await ctx.services.binding.issue(stationId, 'resident', r.id);
    const [done] = await bot.say(stationId, 'new-binder', `帮定 ${code}`);
    expect(done).toContain('罗');
    expect((await ctx.db.manager.findOneByOrFail(Resident, { id: r.id })).wechatContactId).toBe('new-binder');
  });
});
