import { types } from 'wechaty';
import { Alert, FamilyContact, Handoff, MessageLog, OutboxMessage, Resident, Worker } from '../../entities';
import { aliasFor } from '../../services/notify';
import { actorOf, createFamily, createResident, createStation, createWorker } from '../factories';
import { useTestEnv } from '../helpers';
import { useTestBot } from './harness';

const MENU = '1 政策咨询  2 预约服务  3 近期活动  4 报平安  5 找社工';

describe('bot router on the mock puppet', () => {
  const env = useTestEnv();
  const bot = useTestBot(env);

  it('answers a greeting with the menu naming the station, through a real Wechaty mock contact', async () => {
    const { ctx } = env();
    const station = await createStation(ctx, { name: '沙河镇社工站' });
    const account = await bot().account(station.id);
    const mocker = account.mocker!;
    const self = mocker.ContactMock.load(account.selfId!);
    const wang = mocker.createContact({ id: 'wang-raw', name: '王奶奶' });
    const reply = new Promise<string>((resolve) => {
      wang.on('message', (m: { payload: { talkerId: string; text?: string } }) => {
        if (m.payload.talkerId === self.id) resolve(m.payload.text ?? '');
      });
    });
    wang.say('你好').to(self);
    expect(await reply).toBe(`您好，我是沙河镇社工站小助手。回复数字或直接打字提问：\n${MENU}`);
  });

  it('matches tolerantly: full-width, 【】, emoji, spaces, traditional characters', async () => {
    const { ctx } = env();
    const s = await createStation(ctx);
    for (const text of ['菜单', '【菜单】', ' 在吗？ ', '你好😊', '幫助', '？', 'ＨＥＬＬＯ']) {
      const replies = await bot().say(s.id, 'tolerant', text);
      expect(replies).toHaveLength(1);
      expect(replies[0]).toContain(MENU);
    }
  });

  it('logs every message in and out, and /api/dev/sent-style reads list what went out', async () => {
    const { ctx } = env();
    const s = await createStation(ctx);
    await bot().say(s.id, 'logger', '你好');
    const rows = await ctx.db.manager.find(MessageLog, { where: { contactId: 'logger', stationId: s.id }, order: { id: 'ASC' } });
    expect(rows.map((r) => r.direction)).toEqual(['in', 'out']);
    expect(rows[0].text).toBe('你好');
  });

  it('binds a resident with a code, sets the remark, and refuses wrong codes neutrally, then throttles', async () => {
    const { ctx } = env();
    const s = await createStation(ctx);
    const r = await createResident(ctx, { stationId: s.id, name: '王秀英', gender: 'female' });
    const { code } = await ctx.services.binding.issue(s.id, 'resident', r.id);
    const ok = await bot().say(s.id, 'wang', `绑定 ${code.split('').join(' ')}`.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d))));
    expect(ok[0]).toContain('绑定成功');
    expect(ok[0]).toContain('王秀英');
    expect((await ctx.db.manager.findOneByOrFail(Resident, { id: r.id })).wechatContactId).toBe('wang');
    const account = await bot().account(s.id);
    expect(account.mocker!.contactPayload('wang').alias).toBe(aliasFor('resident', r.id));

    const used = await bot().say(s.id, 'other', `绑定 ${code}`);
    const wrong = await bot().say(s.id, 'other', '绑定 000000');
    const expired = await bot().say(s.id, 'other', '绑定 12345');
    expect(used).toEqual(wrong);
    expect(wrong).toEqual(expired);
    expect(wrong[0]).toContain('绑定码不对或已失效');
    await bot().say(s.id, 'other', '绑定 111111');
    await bot().say(s.id, 'other', '绑定 222222');
    const throttled = await bot().say(s.id, 'other', '绑定 333333');
    expect(throttled[0]).toContain('15分钟');
  });

  it('asks for the code when 绑定 comes alone, and takes the next six digits as the code', async () => {
    const { ctx } = env();
    const s = await createStation(ctx);
    const f = await createFamily(ctx, { residentId: (await createResident(ctx, { stationId: s.id, name: '李桂兰' })).id, name: '李明', relation: '儿子' });
    const { code } = await ctx.services.binding.issue(s.id, 'family', f.id);
    expect((await bot().say(s.id, 'liming', '绑定'))[0]).toContain('6位绑定码');
    const done = await bot().say(s.id, 'liming', code);
    expect(done[0]).toContain('李桂兰的家属（儿子）');
    expect((await ctx.db.manager.findOneByOrFail(FamilyContact, { id: f.id })).wechatContactId).toBe('liming');
  });

  it('a help call raises one urgent alert to workers and family and answers with 120 and the phone', async () => {
    const { ctx } = env();
    const s = await createStation(ctx, { phone: '0936-5521001' });
    const r = await createResident(ctx, { stationId: s.id, name: '赵大爷', wechatContactId: 'zhao' });
    await createFamily(ctx, { residentId: r.id, wechatContactId: 'zhao-son' });
    const w = await createWorker(ctx, { stationId: s.id, wechatContactId: 'worker-zhao' });
    const replies = await bot().say(s.id, 'zhao', '我摔倒了起不来😭');
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatch(/^如果情况紧急，请马上拨打120！已通知.*（电话 0936-5521001）/);
    const alerts = await ctx.db.manager.find(Alert, { where: { stationId: s.id, type: 'help_call' } });
    expect(alerts).toHaveLength(1);
    expect(alerts[0].residentId).toBe(r.id);
    const queued = await ctx.db.manager.find(OutboxMessage, { where: { stationId: s.id, kind: 'alert_help_call' } });
    expect(queued.map((q) => q.toContactId).sort()).toEqual(['worker-zhao', 'zhao-son']);
    expect(queued.every((q) => q.urgent)).toBe(true);
    expect(queued.find((q) => q.toContactId === 'worker-zhao')!.text).toContain(`已处理 ${alerts[0].id}`);
    // Said again: the reply again, no second alert.
    expect((await bot().say(s.id, 'zhao', '救命'))[0]).toContain('120');
    expect(await ctx.db.manager.count(Alert, { where: { stationId: s.id, type: 'help_call' } })).toBe(1);
    void w;
  });

  it('does not take "不难受" for distress', async () => {
    const { ctx } = env();
    const s = await createStation(ctx);
    const replies = await bot().say(s.id, 'fine', '我不难受');
    expect(replies[0]).not.toContain('120');
    expect(await ctx.db.manager.count(Alert, { where: { stationId: s.id } })).toBe(0);
  });

  it('hands off to a worker with the conversation; the bot then answers only help calls and the like until it closes', async () => {
    const { ctx, clock } = env();
    const s = await createStation(ctx);
    await createWorker(ctx, { stationId: s.id, wechatContactId: 'w-handoff' });
    await bot().say(s.id, 'asker', '低保到底咋回事');
    const r = await bot().say(s.id, 'asker', '５');
    expect(r[0]).toContain('已通知社工');
    const h = await ctx.db.manager.findOneOrFail(Handoff, { where: { stationId: s.id, contactId: 'asker' } });
    expect(h.status).toBe('open');
    expect(h.transcript.map((t) => t.text)).toContain('低保到底咋回事');
    const notice = await ctx.db.manager.findOneOrFail(OutboxMessage, { where: { toContactId: 'w-handoff', kind: 'handoff' } });
    expect(notice.text).toContain('低保到底咋回事');
    expect(await bot().say(s.id, 'asker', '你好')).toEqual([]);
    expect((await bot().say(s.id, 'asker', '人工'))[0]).toContain('已经通知社工');
    expect(await ctx.db.manager.count(Handoff, { where: { contactId: 'asker' } })).toBe(1);
    expect((await bot().say(s.id, 'asker', '胸口疼'))[0]).toContain('120');
    // Still in progress half an hour later; once a worker closes it, the bot answers again.
    clock.advance(31 * 60_000);
    expect(await bot().say(s.id, 'asker', '你好')).toEqual([]);
    clock.advance(-31 * 60_000);
    await ctx.services.handoffs.close(actorOf(await createWorker(ctx, { stationId: s.id })), h.id);
    expect((await bot().say(s.id, 'asker', '你好'))[0]).toContain(MENU);
  });

  it('opts a bound resident out and back in; an unbound contact is told how to bind', async () => {
    const { ctx } = env();
    const s = await createStation(ctx);
    const r = await createResident(ctx, { stationId: s.id, wechatContactId: 'opt' });
    expect((await bot().say(s.id, 'opt', '退订'))[0]).toContain('已退订');
    expect((await ctx.db.manager.findOneByOrFail(Resident, { id: r.id })).optedOut).toBe(true);
    expect((await bot().say(s.id, 'opt', '订阅'))[0]).toContain('重新订阅');
    expect((await ctx.db.manager.findOneByOrFail(Resident, { id: r.id })).optedOut).toBe(false);
    expect((await bot().say(s.id, 'stranger', '退订'))[0]).toContain('绑定 123456');
    for (const t of ['预约', '我的预约', '报平安', '4']) expect((await bot().say(s.id, 'stranger', t))[0]).toContain('请向社工索取绑定码');
  });

  it('报平安 from a bound elder calls the check-ins and answers with the salutation', async () => {
    const { ctx } = env();
    const s = await createStation(ctx);
    const r = await createResident(ctx, { stationId: s.id, name: '王秀英', gender: 'female', birthDate: '1945-03-01', wechatContactId: 'wxy' });
    const calls: unknown[] = [];
    const spy = jest.spyOn(ctx.services.checkins, 'recordSignOfLife').mockImplementation(async (input) => {
      calls.push(input);
      return { confirmed: true, alreadyConfirmed: calls.length > 1, afterEscalation: false };
    });
    try {
      expect(await bot().say(s.id, 'wxy', '好着呢')).toEqual(['收到！王奶奶今天平安 ✅']);
      expect(await bot().say(s.id, 'wxy', '报平安')).toEqual(['收到！王奶奶今天平安 ✅']);
      expect(calls).toHaveLength(2);
      expect(calls[0]).toMatchObject({ residentId: r.id, source: 'text', text: '好着呢' });
    } finally {
      spy.mockRestore();
    }
  });

  it('a voice note counts as a sign of life and gets the cannot-listen reply offering 5', async () => {
    const { ctx } = env();
    const s = await createStation(ctx);
    const r = await createResident(ctx, { stationId: s.id, wechatContactId: 'voice' });
    const spy = jest.spyOn(ctx.services.checkins, 'recordSignOfLife').mockResolvedValue(null);
    try {
      const account = await bot().account(s.id);
      const mocker = account.mocker!;
      const c = mocker.createContact({ id: 'voice', name: '语音' });
      const got = new Promise<string>((resolve) => c.on('message', (m: { payload: { talkerId: string; text?: string } }) => {
        if (m.payload.talkerId === account.selfId) resolve(m.payload.text ?? '');
      }));
      // What a puppet delivers for a voice note: a message of type Audio.
      mocker.MessageMock.create({ id: 'voice-1', talkerId: c.id, listenerId: account.selfId!, timestamp: Date.now(), type: types.Message.Audio });
      account.bot.puppet.emit('message', { messageId: 'voice-1' });
      expect(await got).toContain('听不了语音');
      expect(await got).toContain('5');
      expect(spy).toHaveBeenCalledWith(expect.objectContaining({ residentId: r.id, source: 'voice' }));
    } finally {
      spy.mockRestore();
    }
  });

  it('已联系 from a bound family contact tells the check-ins and thanks them', async () => {
    const { ctx } = env();
    const s = await createStation(ctx);
    const f = await createFamily(ctx, { residentId: (await createResident(ctx, { stationId: s.id })).id, wechatContactId: 'fam' });
    const spy = jest.spyOn(ctx.services.checkins, 'familyContacted').mockResolvedValue(true);
    try {
      expect((await bot().say(s.id, 'fam', '已联系'))[0]).toContain('谢谢');
      expect(spy).toHaveBeenCalledWith({ familyContactId: f.id, at: ctx.clock.now() });
    } finally {
      spy.mockRestore();
    }
  });

  it('bound workers list open alerts and resolve one of their station only', async () => {
    const { ctx } = env();
    const s = await createStation(ctx);
    const other = await createStation(ctx);
    const w = await createWorker(ctx, { stationId: s.id, wechatContactId: 'worker-cmd' });
    const r = await createResident(ctx, { stationId: s.id, name: '孙大妈' });
    const { alert } = await ctx.services.alerts.raise({ stationId: s.id, residentId: r.id, type: 'help_call', summary: '孙大妈：不舒服' });
    const { alert: foreign } = await ctx.services.alerts.raise({ stationId: other.id, type: 'help_call', summary: '别站的' });
    const list = (await bot().say(s.id, 'worker-cmd', '告警'))[0];
    expect(list).toContain(`1. 编号${alert.id}【求助】孙大妈：不舒服（`);
    expect(list).not.toContain('别站的');
    expect((await bot().say(s.id, 'worker-cmd', `已处理 ${foreign.id}`))[0]).toContain('没有找到');
    expect((await ctx.db.manager.findOneByOrFail(Alert, { id: foreign.id })).status).toBe('open');
    expect((await bot().say(s.id, 'worker-cmd', `已处理 ${alert.id}`))[0]).toContain('已结案');
    const done = await ctx.db.manager.findOneByOrFail(Alert, { id: alert.id });
    expect(done).toMatchObject({ status: 'resolved', outcome: 'other', resolvedBy: w.id });
    expect((await bot().say(s.id, 'worker-cmd', `已处理 ${alert.id}`))[0]).toContain('已经处理过');
    // A resident saying the same words is not a worker.
    expect((await bot().say(s.id, 'not-worker', '告警'))[0]).toContain('没太明白');
    void Worker;
  });

  it('ignores group messages without a mention and answers when mentioned', async () => {
    const { ctx } = env();
    const s = await createStation(ctx);
    const account = await bot().account(s.id);
    const mocker = account.mocker!;
    const self = mocker.ContactMock.load(account.selfId!);
    const a = mocker.createContact({ id: 'roomie', name: '群友' });
    const room = mocker.createRoom({ id: 'r1@chatroom', topic: '沙河村群', memberIdList: [a.id, self.id] });
    const quiet = account.router.track('quiet-1');
    mocker.MessageMock.create({ id: 'quiet-1', talkerId: a.id, roomId: room.id, timestamp: Date.now(), type: 7, text: '你好', mentionIdList: [] });
    account.bot.puppet.emit('message', { messageId: 'quiet-1' });
    expect(await quiet).toEqual([]);
    const loud = account.router.track('loud-1');
    mocker.MessageMock.create({ id: 'loud-1', talkerId: a.id, roomId: room.id, timestamp: Date.now(), type: 7, text: '@社工站 菜单', mentionIdList: [self.id] });
    account.bot.puppet.emit('message', { messageId: 'loud-1' });
    const replies = await loud;
    expect(replies[0]).toContain(MENU);
    const logged = await ctx.db.manager.findOneOrFail(MessageLog, { where: { contactId: room.id, direction: 'out' } });
    expect(logged.text).toContain(MENU);
  });
});
