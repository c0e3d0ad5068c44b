/**
 * Reading distress in what residents write: an emergency (a fall, a fire, chest pain), thoughts of
 * suicide or self-harm (a crisis), or fear and loneliness. One module, so the bot, the router's
 * queue and anything else that reads messages agree on the same words. Input is the compact form
 * of a message (bot/normalize: no spaces or punctuation, simplified, lower case).
 */

export type Distress = 'crisis' | 'emergency' | 'lonely';

/** Words of an emergency: an elder who writes any of these is treated as one. */
const HELP_WORDS = [
  '救命', '救救', '摔倒', '摔了', '跌倒', '不舒服', '难受', '胸口疼', '胸口痛', '心口疼', '心口痛', '喘不上气', '喘不过气',
  '上不来气', '快来人', '来人啊', '起不来', '头晕', '晕倒', '出血', '流血', '着火', '失火', '急救', '救护车', 'sos', '疼死',
];
// "不难受" / "没有不舒服" are not distress.
const NEGATED = /(不|没有|没|别)(难受|不舒服)/;
// Words that leave no doubt it is happening now, whatever else the message says.
const URGENT_NOW = /救命|救救|快来人|来人啊|sos|急救|救护车|喘不上气|喘不过气|上不来气|起不来|晕倒|疼死|快救/;
// A question about help afterwards ("房子着火了啥都没了", "摔了腿能报销吗") is a policy question, not a call for help.
const AFTERMATH = /申请|补贴|补助|救助|报销|政策|怎么办理|怎么领|能不能领|有没有钱|给不给钱|啥都没了|什么都没了|烧没了|烧光|去年|前年|以前|上个月|之前|后来|住过院|低保|医保/;

/** Thoughts of suicide or self-harm, as people write them. */
const CRISIS = new RegExp([
  '不想活', '不愿活', '活着(真|都|也|还|就|实在|太|一点)?(没|没有|没啥|没什么)(意思|意义|劲|盼头|奔头)', '活着(有|还有)(啥|什么)(意思|意义|用)',
  '活着干啥', '活着干什么', '活够了', '活不下去', '不活了', '没法活', '没办法活', '想死', '寻死', '去死', '死了算了', '死了好',
  '不如死', '一死了之', '自杀', '轻生', '想不开', '结束生命', '了结自己', '割腕', '跳楼', '跳河', '喝农药', '吃农药', '上吊',
  '吃安眠药', '活着是累赘', '拖累孩子', '拖累儿女', '离开这个世界',
].join('|'));
// "想死你了" is missing someone; "不想死" asks to live; "笑死" and "累死了" are figures of speech.
const CRISIS_NOT = /想死(你|您|我了|他|她|咱|宝宝)|不想死|想死(了)?都(没|不)/;

/** Emotional pain said with words that elsewhere mean a body in pain ("心里难受" is not chest pain). */
const EMOTIONAL_PAIN = /心里(头)?(很|好|特别|真|太|有点|有些|挺|怪)?(难受|不舒服|不好受|苦|堵得慌|憋屈|发慌)/g;

/** Fear and loneliness. */
const LONELY = new RegExp([
  '害怕', '好怕', '怕得很', '一个人在家', '一个人好', '就我一个人', '没人说话', '没人陪', '没人管', '没人理', '没人问',
  '没人关心', '没有人说话', '没有人陪', '没有人管', '孤单', '孤独', '寂寞', '冷清', EMOTIONAL_PAIN.source, '心里堵', '难过', '伤心', '想哭', '闷得慌', '好闷', '睡不着', '想找人说说话', '想找人聊聊',
  '想有人陪', '想孩子', '想儿子', '想女儿', '想老伴',
].join('|'));

/** True when a compact text says an emergency is happening now. */
function isHelpCall(compact: string): boolean {
  if (!compact) return false;
  const body = compact.replace(EMOTIONAL_PAIN, '');
  if (!HELP_WORDS.some((w) => body.includes(w))) return false;
  if (!URGENT_NOW.test(body) && AFTERMATH.test(body)) return false;
  return !(NEGATED.test(body) && !HELP_WORDS.filter((w) => w !== '不舒服' && w !== '难受').some((w) => body.includes(w)));
}

/** Fire is 119, not 120. */
export function isFire(compact: string): boolean {
  return /着火|失火|火灾|烧起来/.test(compact);
}

/** True when a compact text speaks of suicide or self-harm. */
function isCrisis(compact: string): boolean {
  if (!compact) return false;
  const body = compact.replace(CRISIS_NOT, '');
  return CRISIS.test(body);
}

/** True when a compact text speaks of fear, loneliness or a heavy heart. */
function isLonely(compact: string): boolean {
  if (!compact || /不(害怕|孤单|孤独|寂寞|难过|伤心)|没(有)?(害怕|难过|伤心)/.test(compact)) return false;
  return LONELY.test(compact);
}

/** What kind of distress a message says, the gravest first; null for none. */
export function detectDistress(compact: string): Distress | null {
  if (isCrisis(compact)) return 'crisis';
  if (isHelpCall(compact)) return 'emergency';
  if (isLonely(compact)) return 'lonely';
  return null;
}
