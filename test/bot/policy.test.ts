import { Station, UnansweredQuestion } from '../../entities';
import { actorOf, createStation, createWorker } from '../factories';
import { useTestEnv } from '../helpers';
import { startTestBot, TestBot } from './harness';

describe('bot: policy answers', () => {
  const env = useTestEnv();
  let bot: TestBot;
  let stationId: number;

  beforeAll(async () => {
    const { ctx } = env();
    await ctx.services.policyImport.loadDefaults();
    stationId = (await createStation(ctx, { name: '沙河镇社工站', phone: '0936-5521001' })).id;
    bot = await startTestBot(ctx);
  });
  afterAll(async () => {
    await bot.stop();
  });

  it('answers a colloquial question with the policy in a first answer that fits a phone screen', async () => {
    const [reply] = await bot.say(stationId, 'asker1', '低保咋申请');
    expect(reply).toMatch(/^【城乡最低生活保障】/);
    expect(reply.length).toBeLessThanOrEqual(150);
    expect(reply).toContain('回复“详细”看怎么办、带什么');
  });

  it('gives the steps, materials, text and source on 详细, for the policy last answered', async () => {
    await bot.say(stationId, 'asker2', '我爹80多了每月有钱领不');
    const [detail] = await bot.say(stationId, 'asker2', '详细');
    expect(detail).toContain('全文');
    expect(detail).toContain('1. ');
    expect(detail).toMatch(/依据：.*起施行/);
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

  it('answers an amount question with the county\'s amount first, or says it is set locally and gives the phone', async () => {
    const { ctx } = env();
    const [unknown] = await bot.say(stationId, 'asker9', '高龄补贴多少钱');
    expect(unknown).toMatch(/^【高龄津贴】具体金额由当地定，请问沙河镇社工站（电话 0936-5521001）/);
    expect(unknown.length).toBeLessThanOrEqual(150);
    const station = await ctx.db.manager.findOneByOrFail(Station, { id: stationId });
    const admin = await createWorker(ctx, { role: 'county_admin', county: station.county });
    const policy = (await ctx.services.policyIndex.search('高龄津贴')).hits[0].policy;
    await ctx.services.policies.update(actorOf(admin), policy.id, { amount: '80–89周岁每人每月100元，90周岁以上每人每月200元' });
    const [known] = await bot.say(stationId, 'asker9', '我爹八十五了，高龄补贴一个月给多少钱');
    expect(known).toMatch(/^【高龄津贴】当地标准：80–89周岁每人每月100元，90周岁以上每人每月200元。/);
    expect(known.length).toBeLessThanOrEqual(150);
    const [plain] = await bot.say(stationId, 'asker10', '高龄津贴怎么申请');
    expect(plain).toContain('当地标准：80–89周岁');
    const [detail] = await bot.say(stationId, 'asker10', '详细');
    expect(detail).toContain('当地标准：80–89周岁');
    const [insurance] = await bot.say(stationId, 'asker11', '今年医保交多少钱');
    expect(insurance).toContain('具体金额由当地定');
  });

  it('understands traditional characters and typos', async () => {
    const [trad] = await bot.say(stationId, 'asker6', '殘疾人補貼怎麼申請');
    expect(trad).toMatch(/^【.*残疾/);
    const [typo] = await bot.say(stationId, 'asker6', '底保怎么申清');
    expect(typo).toMatch(/^【城乡最低生活保障】/);
  });
});
