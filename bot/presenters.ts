import type { Alert, Policy, Resident, Station } from '../entities';
import type { BoundTarget } from '../services/binding';
import { alertTypeLabel } from '../services/alert-labels';
import { addressResident } from '../services/address';
import { handoffOpenedText } from '../services/handoffs';
import { formatForChat, localDate } from '../services/time';

/**
 * Every text the bot writes to residents, families and workers: short, warm, plain Chinese, every
 * list numbered so that one digit answers it.
 */

/** The station's short name as residents say it: 沙河镇社工站. */
function stationLabel(station: Pick<Station, 'name'>): string {
  return station.name;
}

/** How to address a resident: the one rule of the services (`addressResident`), as the reminders do. */
export function salutation(r: Pick<Resident, 'name' | 'gender' | 'birthDate' | 'tags'>, now: Date, planHolder = false): string {
  return addressResident({ ...r, planHolder }, localDate(now));
}

const MENU_LINE = '1 政策咨询  2 预约服务  3 近期活动  4 报平安  5 找社工';

export function menu(station: Pick<Station, 'name'>): string {
  return `您好，我是${stationLabel(station)}小助手。回复数字或直接打字提问：\n${MENU_LINE}`;
}

export function notUnderstood(): string {
  return `不好意思，没太明白您的意思。可以换个说法，或者回复数字：\n${MENU_LINE}\n想找真人社工，回复“5”。`;
}

const BIND_HOW = '请向社工索取绑定码，然后发送“绑定 123456”（换成您拿到的6位数字）。';

export function needsBinding(what: string): string {
  return `${what}需要先绑定身份。${BIND_HOW}`;
}

export const bindAskCode = `好的，请发送社工给您的6位绑定码，例如“绑定 123456”。`;
/** `怎么绑定`: what binding is for and how. */
export const bindHow = `绑定后就能预约服务、报名活动、报平安。${BIND_HOW}也可以直接把6位数字发给我。`;
export const bindRefused = '绑定码不对或已失效，请核对后再发，或向社工重新索取。';
export const bindThrottled = '错误次数太多，请15分钟后再试。';

/** Who the contact is bound as now. */
export function bound(target: BoundTarget, extra: { residentName?: string; relation?: string } = {}): string {
  if (target.targetType === 'resident') {
    return `绑定成功！您好，${target.name}。以后可以在这里报平安、预约服务、看活动。\n${MENU_LINE}`;
  }
  if (target.targetType === 'family') {
    const of = extra.residentName ? `${extra.residentName}的家属（${extra.relation ?? '家人'}）` : '家属';
    return `绑定成功！${target.name}，您好，您已登记为${of}。家人有情况时，社工站会第一时间在这里告诉您。`;
  }
  return `绑定成功！社工${target.name}，您可以在这里收到告警：回复“告警”查看未处理的，回复“已处理 编号”结案。`;
}

/** The reply to a help call: emergency number first, then the station. */
export function helpCallReply(station: Pick<Station, 'name' | 'phone'>, fire = false): string {
  const phone = station.phone ? `（电话 ${station.phone}）` : '';
  const call = fire ? '着火请马上拨打119，有人受伤拨打120' : '如果情况紧急，请马上拨打120';
  return `${call}！已通知${stationLabel(station)}${phone}，社工会尽快联系您。`;
}

/** How the workers can reach who called: the numbers on record, or the hand-off to reply to in WeChat. */
export interface Reach {
  phones: string | null;
  handoffId?: number;
}

function reachLine(reach: Reach): string {
  if (reach.handoffId) {
    return `对方未绑定，没有登记电话，请在微信里回复：发送“回复 ${reach.handoffId} 您要说的话”，或在工作台“转人工”里回复。`;
  }
  return reach.phones ? `请立即电话联系！${reach.phones}。` : '请立即电话联系！';
}

export function helpCallWorkerText(who: string, said: string, at: Date, reach: Reach = { phones: null }): string {
  return `【紧急求助】${who} ${formatForChat(at)} 发来：“${said.slice(0, 80)}”。${reachLine(reach)}处理后回复“已处理 {id}”。`;
}

/** Another call for help while the alert is open: sent at once like the first. */
export function helpCallMoreWorkerText(who: string, said: string, at: Date, reach: Reach = { phones: null }): string {
  return `【紧急求助·新消息】${who} ${formatForChat(at)} 又发来：“${said.slice(0, 80)}”（告警 {id}）。${reachLine(reach)}处理后回复“已处理 {id}”。`;
}

export function helpCallFamilyText(residentName: string, said: string, station: Pick<Station, 'name' | 'phone'>): string {
  const phone = station.phone ? `，电话 ${station.phone}` : '';
  return `【紧急】${residentName}刚刚在微信上求助：“${said.slice(0, 80)}”。${stationLabel(station)}已收到${phone}。如情况紧急请拨打120。`;
}

export function helpCallMoreFamilyText(residentName: string, said: string, at: Date): string {
  return `【紧急·新消息】${residentName} ${formatForChat(at)} 又发来：“${said.slice(0, 80)}”。社工站已收到。如情况紧急请拨打120。`;
}

/** The reply to words of suicide or self-harm: warm, the hotline 12356, 120, and that a person is coming. */
export function crisisReply(station: Pick<Station, 'name' | 'phone'>): string {
  const phone = station.phone ? `社工站电话 ${station.phone}。` : '';
  return `听到您这么说，我们很心疼您。您不是一个人，社工已经知道了，会尽快联系您。现在就可以拨打全国心理援助热线 12356，和专业的人说说心里话；如果已经伤到自己或有危险，请马上拨打120。${phone}`;
}

export function crisisWorkerText(who: string, said: string, at: Date, reach: Reach = { phones: null }): string {
  return `【心理危机】${who} ${formatForChat(at)} 发来：“${said.slice(0, 80)}”。可能有轻生念头，已告知心理援助热线12356和120。${reachLine(reach)}必要时上门或拨打120/110。处理后回复“已处理 {id}”。`;
}

export function crisisMoreWorkerText(who: string, said: string, at: Date, reach: Reach = { phones: null }): string {
  return `【心理危机·新消息】${who} ${formatForChat(at)} 又发来：“${said.slice(0, 80)}”（告警 {id}）。${reachLine(reach)}处理后回复“已处理 {id}”。`;
}

export function crisisFamilyText(residentName: string, said: string, station: Pick<Station, 'name' | 'phone'>): string {
  const phone = station.phone ? `（电话 ${station.phone}）` : '';
  return `【紧急】${residentName}刚刚在微信上说：“${said.slice(0, 80)}”。请马上和${residentName}联系，多陪陪、多听听。${stationLabel(station)}已收到${phone}。全国心理援助热线 12356，有危险请拨打120。`;
}

/** Fear or loneliness: a kind word, and what happens next (a worker will answer here). */
export function lonelyReply(station: Pick<Station, 'phone'>, whatNext: string): string {
  void station;
  return `谢谢您告诉我们。一个人的时候害怕、心里难受，都是常有的，您不用憋着。${whatNext}如果有危险，请马上拨打110或120。`;
}

export const lonelyDuringHandoff = '我们在呢，您说的话社工都能看到，会在这里回复您。想和专业的人聊聊，也可以拨打心理援助热线 12356。';

/** The hand-off's one explanation: a worker will answer here; the station's phone for urgent matters. */
/** What a resident may ask of the station's record. */
export type StationFact = 'hours' | 'address' | 'phone';

/**
 * The station's hours, address or phone from its record, the one asked for first and the others
 * after it; what is not on record is not made up: a person is offered instead.
 */
export function stationFact(station: Pick<Station, 'name' | 'address' | 'phone' | 'openHours'>, asked: StationFact): string {
  const facts: Record<StationFact, string | null> = {
    hours: station.openHours ? `工作时间：${station.openHours}` : null,
    address: station.address ? `地址：${station.address}` : null,
    phone: station.phone ? `电话：${station.phone}` : null,
  };
  const order: StationFact[] = [asked, ...(['hours', 'address', 'phone'] as StationFact[]).filter((f) => f !== asked)];
  const known = order.map((f) => facts[f]).filter((x): x is string => x !== null);
  if (!facts[asked]) {
    const missing = { hours: '工作时间', address: '地址', phone: '电话' }[asked];
    return `${stationLabel(station)}的${missing}我这里还没有登记。${known.length ? `${known.join('；')}。` : ''}回复“5”找社工问问。`;
  }
  return `${stationLabel(station)}${known.join('；')}。`;
}

export function handoffReply(station: Pick<Station, 'phone' | 'openHours'>, already: boolean): string {
  return handoffOpenedText(station, already);
}

export const optedOut = '已退订活动通知。想再收到时，回复“订阅”。（报平安提醒不受影响）';
export const optedIn = '已重新订阅活动通知，有新活动会告诉您。回复“退订”可随时停止。';

export function nonText(kind: 'voice' | 'media'): string {
  return kind === 'voice'
    ? '收到您的语音啦！小助手暂时还听不了语音，麻烦打字告诉我；想找社工直接回复“5”。'
    : '收到！小助手暂时看不了图片和文件，有事请打字告诉我；想找社工直接回复“5”。';
}

export function checkinConfirmed(name: string): string {
  return `收到！${name}今天平安 ✅`;
}

/** A bound elder with a check-in plan says something that is not a question (the day is already confirmed). */
export function elderChatAck(name: string): string {
  return `收到！${name}，有事随时找我们。回复“5”找社工。`;
}

/** A bound family contact sends `报平安` / `4`: that is for the elder; their part is `已联系`. */
export const checkinIsForElder =
  '报平安是老人本人发给社工站的（老人回任何一句话、语音或表情都算）。老人没报平安时我们会在这里告诉您，您联系上老人后回复“已联系”就好。';

/** A bound worker sends `报平安` / `4`: how a worker confirms for an elder. */
export const checkinByWorker =
  '报平安是老人本人发的。您见到或电话联系上老人后，请在工作台“今日报平安”里点“已见到/已电话确认”（接口：POST /api/checkins/{居民编号}/confirm）。查看未处理的告警请回复“告警”。';

export const familyThanks = '谢谢您！已记录您联系上了家人，社工站会继续关注。';

/** `已联系` with more words: they are kept and passed on. */
export const familyThanksWords = '谢谢您！已记录您联系上了家人，您说的情况也转告社工了。';

/** A family contact's words while the elder's alert is open. */
export const familyWordsPassedOn = '谢谢您告诉我们，已经转告社工。有新情况随时发给我；联系上老人后请回复“已联系”。';

export const tooManyMessages = '消息太多，请稍等，我一条一条回复您。';

/** Longest summary shown for one alert in the `告警` list (an unreachable alert shows its whole list of names). */
const ALERT_SUMMARY_CHARS = 120;
/** The `告警` list shows this many alerts; the console has them all. */
const ALERT_LIST_MAX = 20;
/** A reply longer than this is split (at line ends) into several messages. */
const MESSAGE_CHARS = 1500;

/** Joins lines into messages of at most `MESSAGE_CHARS` characters, never splitting a line. */
function splitMessages(lines: string[]): string[] {
  const out: string[] = [];
  let cur = '';
  for (const line of lines) {
    if (cur && cur.length + 1 + line.length > MESSAGE_CHARS) {
      out.push(cur);
      cur = line;
    } else {
      cur = cur ? `${cur}\n${line}` : line;
    }
  }
  if (cur) out.push(cur);
  return out;
}

/**
 * A bound worker's list of open alerts: one numbered line each, with the alert's id (编号) for
 * `已处理 编号`, its type in words, who, and the summary (long enough to act on). Long lists come
 * as several messages.
 */
export function alertList(alerts: Alert[], names: Map<number, string>): string[] {
  if (!alerts.length) return ['目前没有未处理的告警 👍'];
  const shown = alerts.slice(0, ALERT_LIST_MAX);
  const lines = shown.map((a, i) => {
    const name = a.residentId ? (names.get(a.residentId) ?? '') : '';
    const who = name && !a.summary.includes(name) ? `${name}：` : '';
    const summary = a.type === 'checkin_unreachable' ? a.summary : clip(a.summary, ALERT_SUMMARY_CHARS);
    const notes = [formatForChat(a.createdAt), a.status === 'acknowledged' ? '已确认' : '', a.replyAt ? '已有回音' : ''].filter(Boolean).join('，');
    return `${i + 1}. 编号${a.id}【${alertTypeLabel(a.type)}】${who}${summary.replace(/\s+/g, ' ').trim()}（${notes}）`;
  });
  const more = alerts.length > shown.length ? [`……共 ${alerts.length} 条，请到工作台查看全部。`] : [];
  return splitMessages([
    `未处理告警 ${alerts.length} 条：`, ...lines, ...more, `处理后回复“已处理 编号”，例如“已处理 ${shown[0].id}”。`,
  ]);
}

export function handoffReplyHow(id: number): string {
  return `请在编号后写上要说的话，例如“回复 ${id} 您好，我是社工，马上给您打电话”。`;
}
export function handoffReplied(id: number, who: string): string {
  return `已发给${who}（转人工 ${id}）✅`;
}
export function handoffNotFound(id: number): string {
  return `没有找到本站的转人工请求 ${id}。`;
}
export function handoffAlreadyClosed(id: number): string {
  return `转人工请求 ${id} 已经结束，无法回复。`;
}

/** `已处理` without a number. */
export const resolveHow = '请回复“已处理 编号”，编号见“告警”列表（回复“告警”查看）。';

export function alertResolved(id: number): string {
  return `告警 ${id} 已结案 ✅`;
}
export function alertNotFound(id: number): string {
  return `没有找到本站的告警 ${id}，请回复“告警”查看编号。`;
}
export function alertAlreadyResolved(id: number): string {
  return `告警 ${id} 之前已经处理过了。`;
}

export const askPolicy = '请直接打字说出您想问的事，比如“低保怎么申请”“残疾人补贴”。';

/** A policy's name as residents read it: without the bracketed alias (城乡最低生活保障（低保） → 城乡最低生活保障). */
function policyName(title: string): string {
  return title.replace(/[（(][^）)]*[）)]\s*$/, '').trim() || title;
}
const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** The first answer to a policy question fits a phone screen. */
const ANSWER_CHARS = 150;

/**
 * The short first answer, fitting a phone screen: to an amount question the local amount first (or, without
 * one, that it is set locally and the station's phone), then what the policy is; how to apply and what to
 * bring are behind `详细`.
 */
export function policyAnswer(
  p: Pick<Policy, 'title' | 'summary'>,
  opts: { amount: string | null; amountAsked: boolean; station: Pick<Station, 'name' | 'phone'> },
): string {
  const head = `【${policyName(p.title)}】`;
  const tail = '回复“详细”看怎么办、带什么，回复“5”找社工。';
  const phone = opts.station.phone ? `（电话 ${opts.station.phone}）` : '';
  const amount = opts.amount
    ? `当地标准：${clip(opts.amount, 60)}。`
    : opts.amountAsked
      ? `具体金额由当地定，请问${stationLabel(opts.station)}${phone}。`
      : '';
  const summary = clip(p.summary, Math.max(24, ANSWER_CHARS - head.length - amount.length - tail.length - 1));
  return `${head}${opts.amountAsked ? amount + summary : summary + amount}\n${tail}`;
}

/** `详细`: the local amount, the steps, what to bring, then the text, cut to what one WeChat message comfortably holds. */
export function policyDetail(p: Pick<Policy, 'title' | 'content' | 'source' | 'steps' | 'materials' | 'effectiveFrom'>, amount: string | null = null): string {
  const lines = [`【${policyName(p.title)}】`];
  if (amount) lines.push(`当地标准：${amount}`);
  if (p.steps.length) lines.push('怎么办：', ...p.steps.slice(0, 8).map((s, i) => `${i + 1}. ${clip(s, 80)}`));
  if (p.materials.length) lines.push(`带什么：${p.materials.slice(0, 12).join('、')}`);
  lines.push(`全文：${clip(p.content, 1000)}`);
  if (p.source) lines.push(`依据：${clip(p.source, 120)}${p.effectiveFrom ? `（${p.effectiveFrom}起施行）` : ''}`);
  lines.push('具体以当地公布为准，有疑问回复“5”找社工。');
  return lines.join('\n');
}

export const policyDetailNone = '您想看哪项政策的全文？请先直接打字提问，比如“低保怎么申请”。';

export const policyUnknown =
  '这个问题我还答不准，已经记下来转给社工了。您可以换个说法再问，或者回复“5”找社工。';

export const youAreWelcome = '不客气！还有什么需要，随时发消息给我。';
