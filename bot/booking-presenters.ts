import type { BookableService, Station } from '../entities';
import type { BookingView, SlotView } from '../services/bookings';
import { bookingLine } from '../services/booking-texts';
import { formatForChat } from '../services/time';

/** The booking dialogue's replies: short, every list numbered so that one digit answers it. */

export function serviceList(services: BookableService[]): string {
  const lines = services.map((s, i) => `${i + 1} ${s.name}（${s.durationMinutes}分钟${s.location ? `，${s.location}` : ''}）`);
  return `可以预约这些服务，回复数字选择：\n${lines.join('\n')}\n看已约的回复“我的预约”。`;
}

export function noServices(station: Pick<Station, 'phone'>): string {
  const call = station.phone ? `，或打电话 ${station.phone}` : '';
  return `本站暂时没有可以在微信上预约的服务。需要帮忙回复“5”找社工${call}。`;
}

export function slotList(service: BookableService, slots: SlotView[]): string {
  if (slots.every((v) => !v.bookable)) {
    const lines = slots.map((v, i) => `${i + 1} ${formatForChat(v.slot.startsAt)}（已满）`);
    return `【${service.name}】近期都约满了。回复数字排候补，有人取消会马上告诉您：\n${lines.join('\n')}`;
  }
  const lines = slots.map((v, i) => `${i + 1} ${formatForChat(v.slot.startsAt)}（${v.bookable ? `剩${v.available}位` : '已满，可排候补'}）`);
  return `【${service.name}】可约时间，回复数字就约上：\n${lines.join('\n')}`;
}

export function noSlots(service: BookableService): string {
  return `【${service.name}】近两周暂时没有可约的时间，过几天再看看，或回复“5”找社工。`;
}

export function waitlisted(service: BookableService, startsAt: Date, position: number): string {
  return `已为您排上候补（第${position}位）：${bookingLine(service, startsAt)}。\n有人取消会马上发消息给您，回复“1”就能约上。`;
}

export function myBookings(views: BookingView[]): string {
  if (!views.length) return noBookings;
  const lines = views.map((v, i) => `${i + 1} ${bookingLine(v.service, v.slot.startsAt)}`);
  return `您的预约：\n${lines.join('\n')}\n要取消请回复“取消预约”。`;
}

export const noBookings = '您目前没有预约。回复“预约”看看可以约什么。';

export function cancelChoice(views: BookingView[]): string {
  const lines = views.map((v, i) => `${i + 1} ${bookingLine(v.service, v.slot.startsAt)}`);
  return `要取消哪一个？回复数字：\n${lines.join('\n')}`;
}

export function cancelled(v: BookingView): string {
  return `已取消：${v.service.name} ${formatForChat(v.slot.startsAt)}。想改约其他时间，回复“预约”。`;
}

/** A refusal from the booking service, said plainly, with what to do next. */
export function refused(message: string, code: string | null): string {
  const next = code === 'slot_full' || code === 'offer_expired' || code === 'booking_closed' || code === 'slot_past' ? '回复“预约”看看其他时间。' : code === 'booking_limit' ? '回复“我的预约”看看已约的。' : '需要帮忙回复“5”找社工。';
  return `${message}。${next}`;
}

export const bookingForFamily = '预约要用老人本人的微信绑定后才能约；家里老人想约，可以请社工代约，回复“5”找社工。';
export const bookingForWorker = '社工代居民预约请在工作台操作；您自己的预约需要用居民身份绑定。';
