import type { BookableService } from '../entities';
import { formatForChat } from './time';

/**
 * What residents read about their bookings, pushed through the outbox (reminders, offers, a
 * cancelled slot). The bot's replies in the booking dialogue use these too where they say the same.
 */

type ServiceRef = Pick<BookableService, 'name' | 'location'>;

const where = (s: ServiceRef) => (s.location ? `，地点：${s.location}` : '');

/** One booking in a line: `理发 12月3日（周三）上午9:00，地点：…`. */
export function bookingLine(s: ServiceRef, startsAt: Date): string {
  return `${s.name} ${formatForChat(startsAt)}${where(s)}`;
}

const HOW_TO_CANCEL = '不能来请回复“取消预约”。';

export function bookedText(s: ServiceRef, startsAt: Date): string {
  return `预约成功！${bookingLine(s, startsAt)}。\n${HOW_TO_CANCEL}`;
}

export function reminderText(name: string, s: ServiceRef, startsAt: Date, soon: boolean): string {
  const lead = soon ? '马上就到时间了' : '别忘了您的预约';
  return `【预约提醒】${name}，${lead}：${bookingLine(s, startsAt)}。\n${HOW_TO_CANCEL}`;
}

export function slotCancelledText(name: string, s: ServiceRef, startsAt: Date, reason: string | null): string {
  const why = reason ? `（${reason}）` : '';
  return `【预约取消】${name}，很抱歉，${s.name} ${formatForChat(startsAt)}这一场取消了${why}，您的预约已自动取消。想改约其他时间，回复“预约”。`;
}

export function offerText(name: string, s: ServiceRef, startsAt: Date, until: Date): string {
  return `【候补到位】${name}，您排队的${bookingLine(s, startsAt)}有空位了！\n名额为您保留到${formatForChat(until)}，回复“1”就约上。`;
}

export function offerExpiredText(s: ServiceRef, startsAt: Date): string {
  return `您候补的${s.name} ${formatForChat(startsAt)}保留时间已过，名额已让给下一位。想约其他时间，回复“预约”。`;
}
