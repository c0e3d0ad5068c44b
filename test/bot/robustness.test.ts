import { MessageLog } from '../../entities';
import { MAX_QUEUED_PER_CONTACT } from '../../bot/router';
import { normalizeText } from '../../bot/normalize';
import { createStation } from '../factories';
import { useTestEnv } from '../helpers';
import { useTestBot } from './harness';

describe('bad input and floods', () => {
  const env = useTestEnv();
  const bot = useTestBot(env);

  it('normalises full-width, 【】, emoji, control characters and traditional characters', () => {
    expect(normalizeText('【綁定】 １２３ ４５６😀').compact).toBe('绑定123456');
    expect(normalizeText('a\u0000b\u0007c\u200b').text).toBe('a b c');
    expect(normalizeText('😀👍🏻🇨🇳[微笑]').onlySymbols).toBe(true);
    expect(normalizeText('x'.repeat(100_000)).raw).toHaveLength(2000);
  });

  it('answers odd messages sensibly, or not at all, and never crashes', async () => {
    const { ctx } = env();
    const s = await createStation(ctx);
    expect(await bot().say(s.id, 'odd', '')).toEqual([]);
    expect(await bot().say(s.id, 'odd', '   \n\t ')).toEqual([]);
    const big = await bot().say(s.id, 'odd', '低保'.repeat(50_000));
    expect(big).toHaveLength(1);
    const logged = await ctx.db.manager.findOneOrFail(MessageLog, { where: { contactId: 'odd', direction: 'in' }, order: { id: 'DESC' } });
    expect(logged.text.length).toBeLessThanOrEqual(2000);
    expect((await bot().say(s.id, 'odd', '\u0000\u0001\u0002'))).toEqual([]);
    expect((await bot().say(s.id, 'odd', '😀😀👍'))[0]).toContain('1 政策咨询');
    // Mixed scripts with a question in them: an honest "not sure" that offers a person.
    expect((await bot().say(s.id, 'odd', 'hello 我想问 ｂａｏｚｈａｎｇ 😀 низкий'))[0]).toMatch(/(没太明白|答不准)[\s\S]*5/);
    expect((await bot().say(s.id, 'odd', '💊\u202e救命'))[0]).toContain('120');
    expect((await bot().say(s.id, 'unknown-contact-123', '报平安'))[0]).toContain('绑定');
  });

  it("one contact's flood of 100 messages neither crashes nor delays another contact", async () => {
    const { ctx } = env();
    const s = await createStation(ctx);
    const order: string[] = [];
    const flood = Array.from({ length: 100 }, (_, i) =>
      bot().say(s.id, 'flooder', `第${i}条 没事瞎聊`).then((r) => {
        if (r.length && !r[0].startsWith('消息太多')) order.push(`a${i}`);
        return r;
      }),
    );
    const other = await bot().say(s.id, 'calm', '你好');
    order.push('b');
    const replies = await Promise.all(flood);
    expect(other[0]).toContain('1 政策咨询');
    // The calm contact was answered long before the flood was worked through.
    expect(order.indexOf('b')).toBeLessThan(order.length - 10);
    const answered = replies.filter((r) => r.length && !r[0].startsWith('消息太多'));
    const busy = replies.filter((r) => r.length && r[0].startsWith('消息太多'));
    expect(busy).toHaveLength(1);
    expect(answered.length).toBeGreaterThanOrEqual(MAX_QUEUED_PER_CONTACT);
    expect(answered.length).toBeLessThan(100);
    // A help call in the middle of a flood is never dropped.
    const more = Array.from({ length: 40 }, (_, i) => bot().say(s.id, 'flooder2', `刷屏${i}`));
    const help = await bot().say(s.id, 'flooder2', '救命');
    await Promise.all(more);
    expect(help[0]).toContain('120');
  });
});
