import type { UndeliveredReminder } from '../../services/notify';
import { toIso } from '../../services/time';

const KIND_LABELS: Record<string, string> = {
  booking_reminder: '预约提醒', booking_offer: '候补名额通知', booking_offer_expired: '候补名额过期', booking_slot_cancelled: '预约时段取消',
  activity_reminder: '活动提醒', activity_cancelled: '活动取消',
};
const CHANNEL_LABELS: Record<string, string> = { bot: '微信', miniapp: '小程序订阅消息' };

/** A reminder that did not reach a resident, for the worker who will phone them instead. */
export function presentUndelivered(u: UndeliveredReminder) {
  const m = u.message;
  return {
    id: m.id, kind: m.kind, kindLabel: KIND_LABELS[m.kind] ?? m.kind, residentId: u.residentId, residentName: u.residentName,
    channel: m.channel, channelLabel: CHANNEL_LABELS[m.channel] ?? m.channel, text: m.text, reason: m.lastError, attempts: m.attempts,
    queuedAt: toIso(m.createdAt), refType: m.refType, refId: m.refId,
  };
}
