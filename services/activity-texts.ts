import type { Activity } from '../entities';
import { formatForChat, localDate } from './time';

/**
 * The words of activity messages residents read: reminders, cancellations, the default notice.
 * Dates read like `12月4日（周四）上午9:00`.
 */

/** `12月4日（周四）上午9:00，沙河村委会`. */
function whenWhere(a: Pick<Activity, 'startsAt' | 'location'>): string {
  return `${formatForChat(a.startsAt)}，${a.location}`;
}

/** The reminder the day before: `王奶奶，明天（…）在…有“义诊”，别忘了哦。`. */
export function activityReminderText(name: string, a: Pick<Activity, 'title' | 'startsAt' | 'location'>): string {
  return `【活动提醒】${name}，明天${formatForChat(a.startsAt)}在${a.location}有“${a.title}”，别忘了哦。来不了请回复“取消报名”。`;
}

/** The activity was called off: to those signed up. */
export function activityCancelledText(name: string, a: Pick<Activity, 'title' | 'startsAt'>): string {
  return `【活动取消】${name}，原定${formatForChat(a.startsAt)}的“${a.title}”取消了，给您添麻烦了。有新活动会再告诉您。`;
}

/** The notice text of an activity when the worker writes none; `{name}` becomes the resident's name. */
export function activityNoticeText(a: Pick<Activity, 'title' | 'description' | 'startsAt' | 'location' | 'capacity'>): string {
  const seats = a.capacity ? `（限${a.capacity}人）` : '';
  const about = a.description ? `\n${a.description.slice(0, 200)}` : '';
  return `【活动通知】{name}您好！${whenWhere(a)}有“${a.title}”${seats}。${about}\n想参加回复“我去”或“报名”。`;
}

/** The local date of an activity, as its service record is dated. */
export function activityDate(a: Pick<Activity, 'startsAt'>): string {
  return localDate(a.startsAt);
}
