import type { Activity } from '../entities';
import { formatForChat } from '../services/time';

/** What the bot says about activities and sign-ups: numbered lists, one line per activity. */

function seats(a: Activity): string {
  if (a.capacity === null) return '';
  const left = Math.max(0, a.capacity - a.signedUp);
  return left ? `，还剩${left}个名额` : '，名额已满';
}

function line(n: number, a: Activity, signedUp: boolean): string {
  return `${n}. ${formatForChat(a.startsAt)} ${a.title}（${a.location}${seats(a)}）${signedUp ? ' ✅已报名' : ''}`;
}

/** The numbered list of upcoming activities; `bound` says whether the reader can sign up here. */
export function activityList(items: Activity[], signedUp: Set<number>, bound: boolean): string {
  if (!items.length) return '最近还没有活动安排，有新活动会第一时间告诉您。';
  const how = bound ? '报名请回复“报名 1”（换成序号），取消回复“取消报名 1”。' : '报名需要先绑定身份：请向社工索取绑定码，然后发送“绑定 123456”。';
  return ['近期活动：', ...items.map((a, i) => line(i + 1, a, signedUp.has(a.id))), how].join('\n');
}

/** The resident's own sign-ups, numbered for `取消报名 N`. */
export function mySignups(items: Activity[]): string {
  if (!items.length) return '您现在没有报名的活动。回复“活动”看看最近有什么活动。';
  return ['您报名的活动：', ...items.map((a, i) => `${i + 1}. ${formatForChat(a.startsAt)} ${a.title}（${a.location}）`), '取消请回复“取消报名 1”（换成序号）。'].join('\n');
}

export function signedUp(a: Activity, n: number | null): string {
  const cancel = n ? `“取消报名 ${n}”` : '“取消报名”';
  return `报名成功！${formatForChat(a.startsAt)}在${a.location}的“${a.title}”，到时候见。来不了请回复${cancel}。`;
}

export function signupCancelled(a: Activity): string {
  return `已取消“${a.title}”的报名。想再参加随时回复“活动”。`;
}

export function noSuchNumber(n: number): string {
  return `没有第${n}个活动。回复“活动”看看列表。`;
}

/** A sign-up refused (full, closed, already signed up): the reason in plain words. */
export function signupRefused(reason: string): string {
  return `${reason}。回复“活动”看看其他活动，或回复“5”找社工。`;
}
