import { normalizeText } from '../../bot/normalize';
import { detectDistress } from '../../services/distress';

const read = (text: string) => detectDistress(normalizeText(text).compact);

describe('reading distress', () => {
  it.each([
    ['救命', 'emergency'], ['我摔倒了起不来', 'emergency'], ['家里着火了', 'emergency'], ['胸口疼得厉害', 'emergency'],
    ['不想活了', 'crisis'], ['活着没意思', 'crisis'], ['活着真没意思啊', 'crisis'], ['想死', 'crisis'], ['我真想死了算了', 'crisis'],
    ['活不下去了', 'crisis'], ['想喝农药', 'crisis'], ['我不想活了，救命', 'crisis'],
    ['我一个人在家害怕', 'lonely'], ['没人说话', 'lonely'], ['心里难受', 'lonely'], ['心里好难受啊', 'lonely'], ['晚上睡不着，好孤单', 'lonely'],
  ])('"%s" is %s', (text, kind) => {
    expect(read(text)).toBe(kind);
  });

  it.each(['我不难受', '想死你了', '低保咋申请', '房子着火了啥都没了能申请补助吗', '我不害怕', '好着呢', '摔了腿能报销吗'])('"%s" is no distress', (text) => {
    expect(read(text)).toBeNull();
  });
});
