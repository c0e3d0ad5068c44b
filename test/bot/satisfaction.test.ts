import request from 'supertest';
import { OutboxMessage, SatisfactionRating } from '../../entities';
import { createBookableService, createResident, createSlot, createStation, createWorker } from '../factories';
import { useTestEnv } from '../helpers';
import { useTestBot } from './harness';

const at = (s: string) => new Date(`${s}+08:00`);

/** The satisfaction question after a service, answered by a bare digit on WeChat, without taking digits that mean something else. */
describe('satisfaction ratings by chat', () => {
  const env = useTestEnv();
  const bot = useTestBot(env);
  let n = 0;

  async function scene() {
    const { ctx, clock } = env();
    clock.set(at('2026-12-03T10:00:00'));
    const k = ++n;
    const station = await createStation(ctx);
    const worker = await createWorker(ctx, { stationId: station.id });
    const service = await createBookableService(ctx, { stationId: station.id, name: '义剪理发' });
    await createSlot(ctx, { serviceId: service.id, startsAt: at('2026-12-05T09:00:00') });
    const wang = await createResident(ctx, { stationId: station.id, name: '王秀英', gender: 'female', birthDate: '1944-03-12', wechatContactId: `sat-wang-${k}` });
    const say = (text: string) => bot().say(station.id, wang.wechatContactId!, text);
    /** A worker records a case service for 王秀英 and the question reaches her WeChat (the row marked sent at this moment). */
    const serve = async () => {
      const res = await request(env().app.callback()).post('/api/service-records').set('Authorization', `Bearer ${worker.token}`)
        .send({ type: 'case', residentIds: [wang.id], date: '2026-12-03', summary: '个案：心理疏导' });
      expect(res.status).toBe(201);
      const row = await ctx.db.manager.findOneByOrFail(OutboxMessage, { kind: 'satisfaction', refId: res.body.id });
      await ctx.db.manager.update(OutboxMessage, { id: row.id }, { status: 'sent', sentAt: clock.now() });
      return { recordId: res.body.id as number, question: row.text };
    };
    const rating = (recordId: number) => ctx.db.manager.findOneByOrFail(SatisfactionRating, { recordId, residentId: wang.id });
    return { station, worker, wang, say, serve, rating };
  }

  it('asks once after a service; a bare digit is the score, the next digit is the menu again', async () => {
    const { clock } = env();
    const s = await scene();
    const { recordId, question } = await s.serve();
    expect(question).toBe('【服务评价】王奶奶，您好！您对12月3日的个案服务满意吗？\n请回复一个数字打分：5 非常满意，4 满意，3 一般，2 不太满意，1 不满意。\n不想评价可以不回复。');
    clock.set(at('2026-12-03T10:30:00'));
    const thanks = await s.say('4');
    expect(thanks).toEqual(['谢谢您的评价！已记录：4分（满意）。\n如果您刚才是想选菜单，请回复“菜单”。']);
    expect(await s.rating(recordId)).toMatchObject({ rating: 4, ratedAt: at('2026-12-03T10:30:00') });
    // Answered: `2` is the booking menu item again.
    expect((await s.say('2'))[0]).toContain('【义剪理发】可约时间');
    expect((await s.rating(recordId)).rating).toBe(4);
  });

  it('a low score says the workers will see it; `5分` counts as 5', async () => {
    const s = await scene();
    const first = await s.serve();
    expect((await s.say('1'))[0]).toContain('社工会看到您的意见');
    expect((await s.rating(first.recordId)).rating).toBe(1);
    env().clock.set(at('2026-12-04T11:00:00'));
    const second = await s.serve();
    expect((await s.say('5分'))[0]).toContain('已记录：5分（非常满意）');
    expect((await s.rating(second.recordId)).rating).toBe(5);
  });

  it('a dialogue started after the question owns the digit: 预约 then `1` picks the service', async () => {
    const { clock } = env();
    const s = await scene();
    const { recordId } = await s.serve();
    clock.set(at('2026-12-03T10:05:00'));
    expect((await s.say('预约'))[0]).toContain('【义剪理发】可约时间');
    const chosen = await s.say('1');
    expect(chosen[0]).toContain('预约成功');
    expect((await s.rating(recordId)).rating).toBeNull();
  });

  it('a question seen after a list was shown takes the digit', async () => {
    const { clock } = env();
    const s = await scene();
    await s.say('预约');
    clock.set(at('2026-12-03T10:02:00'));
    const { recordId } = await s.serve();
    clock.set(at('2026-12-03T10:03:00'));
    expect((await s.say('1'))[0]).toContain('已记录：1分');
    expect((await s.rating(recordId)).rating).toBe(1);
  });

  it('twelve hours after the question a digit means what it always meant (`5` asks for a worker)', async () => {
    const { clock } = env();
    const s = await scene();
    const { recordId } = await s.serve();
    clock.set(at('2026-12-03T22:30:00'));
    const reply = await s.say('5');
    expect(reply.join('\n')).not.toContain('评价');
    expect((await s.rating(recordId)).rating).toBeNull();
  });

  it('without a question a digit is untouched', async () => {
    const s = await scene();
    expect((await s.say('2'))[0]).toContain('【义剪理发】可约时间');
  });
});
