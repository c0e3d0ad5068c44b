import type { GuardianReminderType } from '../entities';
import { surname } from './address';
import { formatForChat } from './time';

/**
 * The words of the family reminders: to migrant parents (call home), to the grandparents raising
 * a child (school meetings, health checks, vaccinations), and to the workers when a family has gone
 * quiet. Short and warm; every reminder ends with how to answer it.
 */

/** The answer a reminder asks for. */
const ACK_HINT = '聊过了回复1。';
const GUARDIAN_ACK_HINT = '收到请回复1。';

/** A child's given name, as a parent says it (王小明 → 小明; a one-character given name keeps the surname). */
function childName(name: string): string {
  const given = name.slice(surname(name).length);
  return given.length >= 2 ? given : name;
}

/**
 * How a family contact is greeted, from their name and relation to the child: 张先生 (father),
 * 张女士 (mother), 张奶奶 / 张爷爷 (grandparents), the name otherwise.
 */
function addressFamily(f: { name: string; relation: string }): string {
  const s = surname(f.name);
  const r = f.relation;
  if (/奶奶|祖母|外婆|姥姥/.test(r)) return `${s}奶奶`;
  if (/爷爷|祖父|外公|姥爷/.test(r)) return `${s}爷爷`;
  if (/父亲|爸爸|爸|丈夫/.test(r)) return `${s}先生`;
  if (/母亲|妈妈|妈|妻子/.test(r)) return `${s}女士`;
  return f.name;
}

/** The weekly call-home reminder: `张先生您好，这周和小明视频了吗？孩子在家挺想您的。聊过了回复1。`. */
export function callHomeText(f: { name: string; relation: string }, child: { name: string }, message: string | null): string {
  if (message) return /回复\s*1/.test(message) ? message : `${message}${ACK_HINT}`;
  return `${addressFamily(f)}您好，这周和${childName(child.name)}视频了吗？孩子在家挺想您的。${ACK_HINT}`;
}

/** The standard templates of guardian reminders; `{称呼}` `{孩子}` `{时间}` `{地点}` `{备注}` are filled in. */
export const GUARDIAN_TEMPLATES: Record<GuardianReminderType, string> = {
  school_meeting: '{称呼}您好，{孩子}的学校{时间}开家长会{地点}，请您记得参加。{备注}',
  health_check: '{称呼}您好，{孩子}的健康体检安排在{时间}{地点}，请记得带孩子去。{备注}',
  vaccination: '{称呼}您好，{孩子}该打疫苗了：{时间}{地点}，请带上预防接种证。{备注}',
  other: '{称呼}您好，{孩子}：{备注}（{时间}{地点}）',
};

/** A guardian reminder from a template (the station's words, or the standard ones). */
export function guardianText(
  template: string,
  f: { name: string; relation: string },
  child: { name: string },
  event: { at: Date; place: string | null; note: string | null },
): string {
  const text = template
    .replace(/\{称呼\}/g, addressFamily(f))
    .replace(/\{孩子\}/g, childName(child.name))
    .replace(/\{时间\}/g, formatForChat(event.at))
    .replace(/\{地点\}/g, event.place ? `，地点：${event.place}` : '')
    .replace(/\{备注\}/g, event.note ?? '')
    .replace(/（，/g, '（').trim();
  return /回复\s*1/.test(text) ? text : `${text}${GUARDIAN_ACK_HINT}`;
}

/** What a family contact is told when they bind: what they will receive and how to stop it. */
export const CONSENT_NOTICE =
  '以后社工站会在这里给您发：家人有情况时的提醒，每周和孩子（老人）联系的提醒，孩子上学、体检、打疫苗的提醒。' +
  '不想再收定期提醒，随时回复“退订”；想恢复回复“订阅”。紧急情况仍会第一时间告诉您。';

export const familyOptedOut = '已为您停止定期提醒。想恢复时回复“订阅”。家人有紧急情况，社工站仍会告诉您。';
export const familyOptedIn = '已恢复定期提醒。回复“退订”可随时停止。';

/** Thanks for answering a reminder. */
export function ackThanks(kind: 'call_home' | 'guardian'): string {
  return kind === 'call_home' ? '谢谢您！孩子知道您惦记着他，社工站也会常去看看孩子。' : '收到，谢谢您！有需要帮忙的随时回复“5”找社工。';
}

/** Someone who was sent no reminder answers as if they were. */
export const ackRefused = '您好，这条回复是给收到提醒的家长用的，我们没有找到发给您、还没回复的提醒。有事请回复“5”找社工。';

/** To the station's workers (and the children's officer) when a child's family has not answered three weeks running. */
export function familySilentText(
  community: string | null,
  child: { name: string },
  family: { name: string; relation: string }[],
  weeks: number,
  officer: boolean,
): string {
  const who = family.length ? family.map((f) => `${f.relation}${f.name}`).join('、') : '家长';
  const head = officer ? '儿童主任您好，' : '';
  return `${head}【留守儿童关注】${community ?? ''}${child.name}的${who}已连续${weeks}周没有回复“和孩子联系”的提醒，请了解孩子和家里的情况。处理后回复“已处理 {id}”。`;
}
