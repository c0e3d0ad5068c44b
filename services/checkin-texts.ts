import type { ResidentTag, SignOfLifeSource, UnreachableReason } from '../entities';
import { alertTypeLabel } from './alert-labels';
import { maskPhone } from './phone';
import { addressResident } from './address';
import { spokenMinute, spokenTime } from './time';

/**
 * The words of the check-in messages: warm and short for elders, factual for family and workers.
 * Everything here is what people read, so it is Simplified Chinese.
 */

export interface ElderRef {
  name: string;
  gender: 'male' | 'female' | null;
  birthDate?: string | null;
}

/** How the reminders address an elder: everyone reminded holds a plan (`addressResident`). */
export function addressElder(e: ElderRef, today: string): string {
  return addressResident({ name: e.name, gender: e.gender, birthDate: e.birthDate, planHolder: true }, today);
}

function greeting(minute: number): { hello: string; icon: string } {
  if (minute < 11 * 60) return { hello: '早上好', icon: '🌞' };
  if (minute < 13 * 60) return { hello: '中午好', icon: '🌤' };
  if (minute < 18 * 60) return { hello: '下午好', icon: '☀️' };
  return { hello: '晚上好', icon: '🌙' };
}

/** The first reminder, greeting by the time of day: `王奶奶早上好！今天身体还好吗？回个话报个平安吧 🌞`. */
export function firstReminderText(e: ElderRef, today: string, minute: number): string {
  const g = greeting(minute);
  return `${addressElder(e, today)}${g.hello}！今天身体还好吗？回个话报个平安吧 ${g.icon}`;
}

/** The second reminder: any reply at all will do. */
export function secondReminderText(e: ElderRef, today: string): string {
  return `${addressElder(e, today)}，还没收到您今天的平安呢。回个"好"字，或者发个表情、语音都行 😊`;
}

/** `HH:mm` of minutes since midnight. */
export function wallTime(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

const PRONOUN = { female: '她', male: '他' } as const;

/**
 * What the elder is to a family contact, from the contact's relation to the elder (a contact
 * recorded as 儿子 hears about 您的母亲). Unknown relations read 您关心的老人.
 */
export function kinWord(relation: string, gender: 'male' | 'female' | null): string {
  const r = relation.trim();
  const g = (female: string, male: string, either: string) => (gender === 'female' ? female : gender === 'male' ? male : either);
  if (/^(儿子|女儿|子女|儿女|长子|次子|长女|次女|小儿子|小女儿|大儿子|大女儿|养子|养女|继子|继女)$/.test(r)) return g('母亲', '父亲', '家人');
  if (/^(儿媳|儿媳妇|媳妇)$/.test(r)) return g('婆婆', '公公', '家人');
  if (r === '女婿') return g('岳母', '岳父', '家人');
  if (/^(孙子|孙女|孙儿)$/.test(r)) return g('奶奶', '爷爷', '家人');
  if (/^(外孙|外孙女)$/.test(r)) return g('外婆', '外公', '家人');
  if (r === '丈夫') return '妻子';
  if (r === '妻子') return '丈夫';
  if (/^(老伴|配偶)$/.test(r)) return '老伴';
  if (/^(哥哥|弟弟|姐姐|妹妹|兄弟|姐妹)$/.test(r)) return g('姐妹', '兄弟', '家人');
  if (/^(侄子|侄女|外甥|外甥女)$/.test(r)) return '长辈';
  return '';
}

function elderForFamily(relation: string, e: ElderRef): string {
  const kin = kinWord(relation, e.gender);
  return kin ? `您的${kin}${e.name}` : `您关心的老人${e.name}`;
}

function pronoun(e: ElderRef): string {
  return e.gender ? PRONOUN[e.gender] : '老人';
}

/** The family alarm at the deadline: `【平安提醒】您的母亲王秀英今天到11:00还没有报平安，…请回复"已联系"。`. */
export function familyAlarmText(e: ElderRef, relation: string, deadlineMinute: number): string {
  return `【平安提醒】${elderForFamily(relation, e)}今天到${wallTime(deadlineMinute)}还没有报平安，社工站已收到提醒。您联系上${pronoun(e)}后请回复"已联系"。`;
}

const TAG_WORDS: Partial<Record<ResidentTag, string>> = {
  living_alone: '独居', empty_nest_elder: '空巢', left_behind_elder: '留守', disabled: '残疾', extreme_poverty: '特困', low_income: '低保',
};

/** The care words of an elder's tags: `独居、低保`. */
function tagWords(tags: ResidentTag[]): string {
  return tags.map((t) => TAG_WORDS[t]).filter(Boolean).join('、');
}

export interface FamilyRef {
  name: string;
  relation: string;
  phone: string | null;
}

function elderLine(community: string | null, e: ElderRef & { tags?: ResidentTag[] }): string {
  const words = e.tags ? tagWords(e.tags) : '';
  return `${community ? `${community} ` : ''}${e.name}${words ? `（${words}）` : ''}`;
}

/** The workers' alarm: `【未报平安】幸福村 王秀英（独居）今日未报平安。家属 王小明 138****0000。处理后回复"已处理 12"。`. */
export function workerAlarmText(community: string | null, e: ElderRef & { tags: ResidentTag[] }, family: FamilyRef | null, alertId: number): string {
  const fam = family ? `家属 ${family.name}${family.phone ? ` ${maskPhone(family.phone)}` : ''}` : '无家属联系人';
  return `【未报平安】${elderLine(community, e)}今日未报平安。${fam}。处理后回复"已处理 ${alertId}"。`;
}

/** One line of the workers' list when many elders fell silent at once. */
export function missedDigestLine(community: string | null, e: ElderRef & { tags: ResidentTag[] }, family: FamilyRef | null, alertId: number): string {
  const fam = family ? `家属 ${family.name}${family.phone ? ` ${maskPhone(family.phone)}` : ''}` : '无家属联系人';
  return `${elderLine(community, e)}，${fam}，告警 ${alertId}`;
}

/** One of the workers' lists of silent elders: `lines` numbered from `offset + 1`, of `total` in all. */
export function missedDigestText(lines: string[], offset: number, total: number): string {
  const head = offset === 0 ? `【未报平安】以下${total}位老人今日未报平安，请尽快联系：` : '【未报平安】（续）';
  return [head, ...lines.map((l, k) => `${offset + k + 1}. ${l}`), '逐一处理后回复"已处理 告警编号"。'].join('\n');
}

/** The escalation to the station admin when nobody acknowledged the alert within the hour. */
export function adminEscalationText(
  community: string | null, e: ElderRef, alertId: number, hours: number,
  told: { familyName?: string | null; volunteer?: { name: string; phone: string } | null },
): string {
  const parts = [`【告警升级】${community ? `${community} ` : ''}${e.name} 今日未报平安，告警 ${alertId} 已超过${hours}小时无人确认。`];
  if (told.familyName) parts.push(`已再通知家属 ${told.familyName}。`);
  if (told.volunteer) parts.push(`可请志愿者 ${told.volunteer.name}（${maskPhone(told.volunteer.phone) ?? '无电话'}）上门查看。`);
  parts.push(`请安排人员联系或上门，处理后回复"已处理 ${alertId}"。`);
  return parts.join('');
}

const SOURCE_WORDS: Record<SignOfLifeSource, string> = {
  text: '回复了消息', voice: '发来了语音', media: '发来了图片或表情', miniapp: '在小程序报了平安', worker: '经社工确认平安', family: '家属已联系上',
};

/** The family's all-clear after an alarm. */
export function familyAllClearText(e: ElderRef, relation: string, atMinute: number, source: SignOfLifeSource): string {
  const how = source === 'worker' ? '社工已确认' : source === 'family' ? '家属已联系上' : '';
  return `【平安消息】${elderForFamily(relation, e)}${wallTime(atMinute)}${how ? `${how}，` : ''}已报平安，请放心。`;
}

/** A family contact's own words, quoted for the workers: `：“手机没电了，人没事”`. */
function quoted(words?: string | null): string {
  return words ? `：“${words.slice(0, 200)}”` : '';
}

/** The workers hear of a sign of life on an open alert (with the family's own words); the alert stays theirs to close. */
export function workerReplyText(
  community: string | null, e: ElderRef, atMinute: number, source: SignOfLifeSource, alertId: number, familyName?: string, words?: string | null,
): string {
  const what = source === 'family' && familyName ? `家属 ${familyName} 已联系上老人${quoted(words)}` : SOURCE_WORDS[source];
  return `【已有回音】${community ? `${community} ` : ''}${e.name} ${wallTime(atMinute)}${what}。告警 ${alertId} 仍待处理，核实后回复"已处理 ${alertId}"。`;
}

/** A family contact said 已联系 (and maybe more) with no alert open. */
export function workerFamilyContactedText(
  community: string | null, e: ElderRef, family: { name: string; relation: string }, atMinute: number, words?: string | null,
): string {
  return `【家属已联系】${community ? `${community} ` : ''}${e.name} 的家属 ${family.name}（${family.relation}）${wallTime(atMinute)}已联系上老人${quoted(words)}，今日记为平安。`;
}

/** How a family contact is named on an alert: `家属王小明（儿子）`. */
export function familyAuthor(f: { name: string; relation: string }): string {
  return `家属${f.name}（${f.relation}）`;
}

/** A family contact's words about an elder whose alert is still open, to the workers at once. */
export function workerFamilyWordsText(e: { name: string }, f: { name: string; relation: string }, words: string, alertId: number): string {
  return `【家属回复】${e.name} 的家属 ${f.name}（${f.relation}）说${quoted(words)}。告警 ${alertId} 仍待处理，核实后回复"已处理 ${alertId}"。`;
}

/** Today's check-in of an elder, as a family contact asking about it is told. */
export interface TodayCheckin {
  /** The board's statuses, and `no_plan` / `not_today` (the plan does not run on this weekday). */
  status: 'pending' | 'reminded' | 'confirmed' | 'missed' | 'escalated' | 'paused' | 'unreachable' | 'no_plan' | 'not_today';
  reason: string | null;
  remindMinute: number | null;
  deadlineMinute: number | null;
  confirmedAt: Date | null;
  source: SignOfLifeSource | null;
}

const CONFIRMED_BY: Partial<Record<SignOfLifeSource, string>> = { worker: '社工已确认平安', family: '家属已联系上，记为平安' };

/** `我妈今天报平安了没`: today's check-in of the elder a family contact follows, in one short line. */
export function familyTodayText(e: ElderRef, relation: string, t: TodayCheckin, stationPhone: string | null): string {
  const who = elderForFamily(relation, e);
  const them = pronoun(e);
  switch (t.status) {
    case 'confirmed': {
      const by = t.source ? CONFIRMED_BY[t.source] : undefined;
      const when = t.confirmedAt ? spokenTime(t.confirmedAt) : '';
      return by ? `${who}今天${when}${by} ✅` : `${who}今天${when}已经报平安了 ✅`;
    }
    case 'pending':
    case 'reminded':
      return `${who}今天还没有报平安。每天${spokenMinute(t.remindMinute!)}提醒${them}，到${spokenMinute(t.deadlineMinute!)}还没回音，我们会告诉您和社工。`;
    case 'missed':
    case 'escalated':
      return `${who}今天到${spokenMinute(t.deadlineMinute!)}还没有报平安，社工站正在跟进。您联系上${them}后请回复"已联系"。`;
    case 'unreachable':
      return `今天的提醒没能发到${who}的微信，社工会打电话问问${them}。您联系上${them}后请回复"已联系"。`;
    case 'paused':
      return `${who}的报平安现在暂停了${t.reason ? `（${t.reason}）` : ''}。`;
    case 'not_today':
      return `${who}今天不用报平安。`;
    default:
      return `${who}还没有开通每天报平安。需要的话请联系社工站${stationPhone ? `，电话 ${stationPhone}` : ''}。`;
  }
}

/** An elder the workers were asked to phone has since checked in. */
export function workerReachedText(community: string | null, e: ElderRef, atMinute: number): string {
  return `【已报平安】${community ? `${community} ` : ''}${e.name} ${wallTime(atMinute)}已报平安，无需再电话联系。`;
}

const UNREACHABLE_WORDS: Record<UnreachableReason, string> = {
  no_wechat: '未绑定微信', account_down: '站点微信掉线', not_delivered: '消息未送达',
};

export interface UnreachableLine {
  community: string | null;
  name: string;
  phone: string | null;
  reason: UnreachableReason;
}

/** The list of elders to phone, split into messages of at most `perMessage` lines. */
export function unreachableTexts(lines: UnreachableLine[], perMessage = 30): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines.length; i += perMessage) {
    const part = lines.slice(i, i + perMessage);
    const head = i === 0
      ? `【请电话联系】以下${lines.length}位老人今天的报平安提醒无法通过微信送达，请电话确认平安：`
      : `【请电话联系】（续）`;
    const body = part.map((l, k) => `${i + k + 1}. ${l.community ? `${l.community} ` : ''}${l.name}${l.phone ? ` ${maskPhone(l.phone)}` : ' 无电话'}（${UNREACHABLE_WORDS[l.reason]}）`);
    out.push([head, ...body].join('\n'));
  }
  return out;
}

/** Longest alert summary the alerts table holds. */
const SUMMARY_MAX = 500;

/**
 * The summary of an unreachable-elders alert: every name, or, when they do not all fit the
 * alert's summary, as many whole names as fit and how many more (the workers' messages and the
 * board have the full list).
 */
export function unreachableSummary(names: string[], max = SUMMARY_MAX): string {
  const head = `${names.length}位老人今日报平安提醒无法送达，请电话联系：`;
  const whole = head + names.join('、');
  if (whole.length <= max) return whole;
  let shown = 0;
  let text = head;
  for (const n of names) {
    const next = `${text}${shown ? '、' : ''}${n}`;
    if (`${next}等${names.length}位（完整名单见看板）`.length > max) break;
    text = next;
    shown++;
  }
  return `${text}等${names.length}位（完整名单见看板）`;
}

/** The reason words shown on the board. */
export function unreachableWords(reason: UnreachableReason | null): string | null {
  return reason ? UNREACHABLE_WORDS[reason] : null;
}

/** The station admin's morning summary of open alerts. */
export function morningSummaryText(stationName: string, items: { id: number; type: string; who: string; when: string; replied: boolean; acknowledged: boolean }[]): string {
  const shown = items.slice(0, 30);
  const lines = shown.map((a, i) =>
    `${i + 1}. 告警${a.id} ${a.who ? `${a.who} ` : ''}${alertTypeLabel(a.type)}（${a.when}）${a.acknowledged ? '，已确认' : ''}${a.replied ? '，已有回音' : ''}`);
  const more = items.length > shown.length ? [`……另有${items.length - shown.length}条，请在工作台查看。`] : [];
  return [`【今日待处理告警】${stationName} 共${items.length}条：`, ...lines, ...more, '处理后回复"已处理 编号"。'].join('\n');
}
