/**
 * The words of broadcasts: the notice split into WeChat-sized parts, `{name}` filled in, and what
 * the workers are told about replies and failures.
 */

/** A part of a notice holds at most this many characters (a phone screen or two). */
const PART_CHARS = 1000;
/** A notice is at most this many parts; longer ones are refused with the reason. */
export const MAX_PARTS = 3;
/** Room for `{name}` and the `（1/3）` mark in each part. */
const MARGIN = 20;

/**
 * Splits a notice at paragraph, then sentence ends, then anywhere, into parts of at most
 * `PART_CHARS` (less a margin for the name and the part mark); a short text stays one part.
 */
export function splitNotice(text: string): string[] {
  const limit = PART_CHARS - MARGIN;
  if (text.length <= PART_CHARS) return [text];
  const parts: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const window = rest.slice(0, limit);
    const cut = Math.max(window.lastIndexOf('\n'), ...['。', '！', '？', '；', '!', '?'].map((p) => window.lastIndexOf(p)));
    const at = cut > limit / 2 ? cut + 1 : limit;
    parts.push(rest.slice(0, at).trim());
    rest = rest.slice(at).trim();
  }
  if (rest) parts.push(rest);
  return parts.length > 1 ? parts.map((p, i) => `${p}（${i + 1}/${parts.length}）`) : parts;
}

/** Fills in `{name}` (every occurrence). */
export function personalise(text: string, name: string): string {
  return text.split('{name}').join(name);
}

/** Why a notice is refused as too long. */
export function tooLongMessage(length: number): string {
  return `通知太长了（${length}字）：最多${PART_CHARS * MAX_PARTS - MARGIN * MAX_PARTS}字，会分成${MAX_PARTS}条发出。老人看长消息吃力，请精简，或分几次通知。`;
}

/** A resident answered a notice: the workers are told, with what they said. */
export function noticeReplyText(who: string, notice: string, said: string): string {
  return `【通知回复】${who} 回复了通知“${notice.replace(/\{name\}/g, '').slice(0, 20)}…”：“${said.slice(0, 200)}”。请在工作台查看或直接联系。`;
}

/** The resident is told their reply reached the workers. */
export const noticeReplyAck = '收到，已经转告社工，他们会尽快回复您。着急请回复“5”找社工。';

/** Recipients a broadcast could not reach after its retries: the workers are told whom to phone. */
export function failuresText(notice: string, names: string[], total: number): string {
  const shown = names.slice(0, 20).join('、');
  const more = total > 20 ? `等${total}人` : `${total}人`;
  return `【通知未送达】通知“${notice.replace(/\{name\}/g, '').slice(0, 20)}…”有${more}没收到：${shown}。请电话告知，名单见工作台。`;
}

/** The budget warning before a broadcast that takes more than today's sends. */
export function budgetWarning(messages: number, dailyCap: number, days: number, finishes: string): string {
  return `本站微信每天最多发${dailyCap}条，这次共${messages}条消息，预计${days}天发完（约${finishes}）。告警和报平安提醒会优先发送。`;
}
