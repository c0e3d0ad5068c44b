import type { Alert, AlertEntry, CheckinDay, CheckinPlan } from '../../entities';
import type { AlertWithNames } from '../../services/alerts';
import type { SignOfLifeResult } from '../../services/checkins';
import type { BoardItem, History } from '../../services/checkin-board';
import { alertTypeLabel } from '../../services/alert-labels';
import { wallTime, unreachableWords } from '../../services/checkin-texts';
import { maskPhone } from '../../services/phone';
import { atLocal, toIso } from '../../services/time';

/** A check-in plan: times as the worker set them, the volunteer's phone masked. */
export function presentPlan(p: CheckinPlan, today: string) {
  const paused = p.pausedUntil !== null && p.pausedUntil >= today;
  return {
    residentId: p.residentId, enabled: p.enabled, remindAt: p.remindAt,
    secondReminderMinutes: p.secondReminderMinutes, graceMinutes: p.graceMinutes,
    secondReminderAt: wallTime(p.remindMinute + p.secondReminderMinutes), deadline: wallTime(p.remindMinute + p.graceMinutes),
    weekdays: p.weekdays, paused, pausedUntil: paused ? p.pausedUntil : null, pauseReason: paused ? p.pauseReason : null,
    escalation: {
      familyContactIds: p.escalation.familyContactIds,
      volunteer: p.escalation.volunteer ? { name: p.escalation.volunteer.name, phone: maskPhone(p.escalation.volunteer.phone) } : null,
    },
    appliesFrom: toIso(atLocal(p.appliesFromDate, p.remindAt)),
    updatedAt: toIso(p.updatedAt),
  };
}

/** One day of an elder's check-ins. */
function presentDay(d: CheckinDay) {
  return {
    date: d.date, status: d.status, remindAt: wallTime(d.remindMinute), deadline: wallTime(d.deadlineMinute),
    remindedAt: toIso(d.firstReminderAt), secondReminderAt: toIso(d.secondReminderAt), confirmedAt: toIso(d.confirmedAt),
    source: d.confirmedSource, escalatedAt: toIso(d.escalatedAt), alertId: d.alertId,
    unreachableReason: d.unreachableReason, reason: unreachableWords(d.unreachableReason), note: d.note,
  };
}

/** The answer to a confirmation: the day and whether it was news. */
export function presentConfirmation(residentId: number, d: CheckinDay, r: SignOfLifeResult) {
  return { residentId, ...presentDay(d), alreadyConfirmed: r.alreadyConfirmed, afterEscalation: r.afterEscalation };
}

/** A line of the board. */
export function presentBoardItem(i: BoardItem) {
  return {
    residentId: i.residentId, name: i.name, status: i.status, remindedAt: toIso(i.remindedAt), confirmedAt: toIso(i.confirmedAt),
    communityId: i.communityId, communityName: i.communityName, reason: i.reason, remindAt: i.remindAt, deadline: i.deadline,
    wechatBound: i.wechatBound, secondReminderAt: toIso(i.secondReminderAt), source: i.source, escalatedAt: toIso(i.escalatedAt),
    alertId: i.alertId, note: i.note,
  };
}

/** A resident's history: the streak, the last 30 days' counts and the days. */
export function presentHistory(h: History) {
  return {
    residentId: h.resident.id, name: h.resident.name, today: h.today, hasPlan: h.plan !== null, enabled: h.plan?.enabled ?? false,
    streak: h.streak, missesIn30Days: h.missesIn30Days, unreachableIn30Days: h.unreachableIn30Days, confirmedIn30Days: h.confirmedIn30Days,
    items: h.days.map(presentDay), total: h.days.length,
  };
}

/** An alert for the console, with the elder's reply once there is one. */
export function presentAlert(a: Alert | AlertWithNames) {
  const names = a as Partial<AlertWithNames>;
  return {
    id: a.id, stationId: a.stationId, residentId: a.residentId, residentName: names.residentName ?? null,
    communityName: names.communityName ?? null, type: a.type, typeLabel: alertTypeLabel(a.type), status: a.status, summary: a.summary,
    createdAt: toIso(a.createdAt), escalationLevel: a.escalationLevel, escalatedAt: toIso(a.escalatedAt),
    acknowledgedAt: toIso(a.acknowledgedAt), acknowledgedBy: a.acknowledgedBy, resolvedAt: toIso(a.resolvedAt), resolvedBy: a.resolvedBy,
    outcome: a.outcome, note: a.note, reply: a.replyAt ? { at: toIso(a.replyAt), text: a.replyText } : null,
    replyAt: toIso(a.replyAt), replyText: a.replyText,
  };
}

/** Something said on an alert after it was raised (another call, the family's words, a note). */
export function presentAlertEntry(e: AlertEntry) {
  return { id: e.id, kind: e.kind, author: e.author, text: e.text, at: toIso(e.at) };
}
