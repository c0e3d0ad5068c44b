import type { Broadcast } from '../../entities';
import type { Preview, RecipientRow, Report } from '../../services/broadcasts';
import type { SendPlan } from '../../services/outbox';
import { toIso } from '../../services/time';

/** How long the sends take under the budget, for the worker before sending. */
function presentPlan(p: SendPlan) {
  return {
    messages: p.messages, ahead: p.ahead, gapMs: p.gapMs, hourlyCap: p.hourlyCap, dailyCap: p.dailyCap,
    sendableToday: p.sendableToday, days: p.days, finishesAt: toIso(p.finishesAt),
    estimatedMinutes: Math.max(0, Math.round((p.finishesAt.getTime() - Date.now()) / 60_000)),
  };
}

export function presentPreview(p: Preview, now: Date) {
  const plan = presentPlan(p.plan);
  plan.estimatedMinutes = Math.max(0, Math.round((p.plan.finishesAt.getTime() - now.getTime()) / 60_000));
  return {
    recipients: p.recipients, optedOut: p.optedOut, unreachable: p.unreachable, rooms: p.rooms, parts: p.parts, messages: p.messages,
    audience: p.audienceText, budget: plan, exceedsDailyBudget: p.plan.days > 1, warning: p.warning,
  };
}

export function presentBroadcast(b: Broadcast) {
  return {
    id: b.id, stationId: b.stationId, activityId: b.activityId, text: b.text, audience: b.audience, sendAt: toIso(b.sendAt), status: b.status,
    recipients: b.recipients, optedOut: b.optedOut, unreachable: b.unreachable, rooms: b.rooms, parts: b.parts,
    createdAt: toIso(b.createdAt), queuedAt: toIso(b.queuedAt), cancelledAt: toIso(b.cancelledAt),
  };
}

/** The delivery report (API.md's fields first). */
export function presentReport(r: Report) {
  return {
    id: r.broadcast.id, status: r.status, recipients: r.recipients, queued: r.queued, sent: r.sent, failed: r.failed,
    optedOut: r.optedOut, unreachable: r.unreachable, cancelled: r.cancelled, rooms: r.rooms,
    text: r.broadcast.text, activityId: r.broadcast.activityId, sendAt: toIso(r.broadcast.sendAt), createdAt: toIso(r.broadcast.createdAt),
  };
}

export function presentRecipient(r: RecipientRow) {
  return {
    id: r.id, residentId: r.residentId, name: r.name, room: r.room, state: r.state, sentAt: toIso(r.sentAt), attempts: r.attempts,
    error: r.error, repliedAt: toIso(r.repliedAt),
  };
}
