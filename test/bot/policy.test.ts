import { UnansweredQuestion } from '../../entities';
import { actorOf, createStation, createWorker } from '../factories';
import { useTestEnv } from '../helpers';
import { startTestBot, TestBot } from './harness';

describe('bot: policy answers', () => {
  const env = useTestEnv();
  let bot: TestBot;
  let stationId: number;

  beforeAll(async () => {
    const { ctx } = env();
    await ctx.services.policies.loadDefaults();
    stationId = (await createStation(ctx, { name: '沙河镇社工站', phone: '0936-5521001' })).id;
    bot = await startTestBot(ctx);
  });
  afterAll(async () => {
    await bot.stop();
  });

  it('answers a colloquial question with the policy, numbered steps and its source', async () => {
    const [reply] = await bot.say(stationId, 'asker1', '低保咋申请');
    expect(reply).toMatch(/^【城乡最低生活保障】/);
    expect(reply).toContain('1. ');
    expect(reply).toMatch(/依据：.*起施行/);
    expect(reply).toContain('回复“详细”看全文');
  });

  it('gives the whole text on 详细, for the policy last answered', async () => {
    await bot.say(stationId, 'asker2', '我爹80多了每月有钱领不');
    const [detail] = await bot.say(stationId, 'asker2', '详细');
    expect(detail).toContain('全文');
    expect(detail.length).toBeGreaterThan(100);
    const [none] = await bot.say(stationId, 'asker3', '详细');
    expect(none).toContain('请先直接打字提问');
  });

  it('admits what it does not know, logs it for the workers and offers 5', async () => {
    const { ctx } = env();
    const [reply] = await bot.say(stationId, 'asker4', '村口那条路什么时候修好啊');
    expect(reply).toContain('回复“5”找社工');
    expect(reply).not.toMatch(/^【/);
    const logged = await ctx.db.manager.findOneBy(UnansweredQuestion, { stationId });
    expect(logged?.text).toContain('修好');
  });

  it('answers thanks and chit-chat without pretending it is a policy question', async () => {
    const [thanks] = await bot.say(stationId, 'asker5', '谢谢');
    expect(thanks).toContain('不客气');
    const [chat] = await bot.say(stationId, 'asker5', '今天天气真好啊');
    expect(chat).not.toMatch(/^【/);
  });

  it('treats a question about the aftermath as a policy question, not an emergency', async () => {
    const { ctx } = env();
    const [fire] = await bot.say(stationId, 'asker7', '家里房子着火了 啥都没了');
    expect(fire).toMatch(/^【.*临时救助/);
    const [burning] = await bot.say(stationId, 'asker8', '着火了 快来人');
    expect(burning).toContain('119');
    const alerts = await ctx.services.alerts.list(actorOf(await createWorker(ctx, { stationId })), 'open');
    expect(alerts.map((a) => a.summary).join()).toContain('着火了 快来人');
    expect(alerts.map((a) => a.summary).join()).not.toContain('啥都没了');
  });

  it('understands traditional characters and typos', async () => {
    const [trad] = await bot.say(stationId, 'asker6', '殘疾人補貼怎麼申請');
    expect(trad).toMatch(/^【.*残疾/);
    const [typo] = await bot.say(stationId, 'asker6', '底保怎么申清');
    expect(typo).toMatch(/^【城乡最低生活保障】/);
  });
});
