import { createHash } from 'node:crypto';
import { localDate } from '../time';

/**
 * Every dedupe key of the outbox and of alerts, built in one place so that no key is written by hand
 * twice: a job run twice, or on two instances, offers the same key and the message (or alert) is
 * queued once. A key names the cause (who, which day, which step); the recipient is appended by the
 * audience builders (`:w<workerId>`, `:f<familyContactId>`), never by the caller.
 */
export type DedupeKey = string;

/** The hour bucket of an instant (alerts about a failing account: at most one an hour). */
function hourOf(at: Date): number {
  return Math.floor(at.getTime() / 3600_000);
}

// ---------------------------------------------------------------- per recipient

/** The key of one worker's copy of a message to the station's workers. */
export function forWorker(key: DedupeKey, workerId: number): DedupeKey {
  return `${key}:w${workerId}`;
}

/** The key of one family contact's copy of a message to a resident's family. */
export function forFamily(key: DedupeKey, familyContactId: number): DedupeKey {
  return `${key}:f${familyContactId}`;
}

// ---------------------------------------------------------------- check-ins

/** The elder's first or second reminder of the day. */
export function checkinReminderKey(residentId: number, date: string, which: 'first' | 'second'): DedupeKey {
  return `checkin:${residentId}:${date}:${which}`;
}

/** The alert of an elder silent past the day's deadline (one per resident and day). */
export function checkinMissedAlertKey(residentId: number, date: string): DedupeKey {
  return `checkin:${residentId}:${date}`;
}

/** The first alarm of a missed day: the first family contact in the order and the workers. */
export function checkinAlarmKey(residentId: number, date: string): DedupeKey {
  return `${checkinMissedAlertKey(residentId, date)}:escalate`;
}

/** A list of silent elders to the workers (a mass event), keyed by the alerts it lists. */
export function checkinMissedDigestKey(stationId: number, date: string, alertIds: number[]): DedupeKey {
  return `checkin:missed:${stationId}:${date}:${createHash('sha1').update(alertIds.join(',')).digest('hex').slice(0, 16)}`;
}

/** The alert listing the elders of a station that could not be reached in one sweep (`batch`: date and minute). */
export function checkinUnreachableAlertKey(stationId: number, batch: string): DedupeKey {
  return `checkin:unreachable:${stationId}:${batch}`;
}

/** Part `part` (from 1) of the unreachable list sent to the workers. */
export function checkinUnreachableListKey(stationId: number, batch: string, part: number): DedupeKey {
  return `${checkinUnreachableAlertKey(stationId, batch)}:${part}`;
}

/** A sign of life after the alarm: the family is told all is well. */
export function checkinAllClearKey(residentId: number, date: string): DedupeKey {
  return `checkin:${residentId}:${date}:allclear`;
}

/** A sign of life after the alarm: the workers are told the elder replied. */
export function checkinRepliedKey(residentId: number, date: string): DedupeKey {
  return `checkin:${residentId}:${date}:replied`;
}

/** An elder the workers were told was unreachable has been heard from after all. */
export function checkinReachedKey(residentId: number, date: string): DedupeKey {
  return `checkin:${residentId}:${date}:reached`;
}

/** A family contact said they reached the elder (before any alarm). */
export function checkinFamilyContactedKey(residentId: number, date: string, familyContactId: number): DedupeKey {
  return `checkin:${residentId}:${date}:family:${familyContactId}`;
}

/** The morning list of a station's open alerts to its admins (once a day). */
export function morningSummaryKey(stationId: number, date: string): DedupeKey {
  return `checkin:summary:${stationId}:${date}`;
}

// ---------------------------------------------------------------- alerts

/** The first telling of an alert (workers and family). */
export function alertKey(alertId: number): DedupeKey {
  return `alert:${alertId}`;
}

/** Escalation level `level` (from 1) of an alert nobody acknowledged. */
export function alertLevelKey(alertId: number, level: number): DedupeKey {
  return `${alertKey(alertId)}:L${level}`;
}

/** Half an hour: repeated calls for help from one contact within it make one alert. */
const HELP_CALL_WINDOW_MS = 30 * 60_000;

/** A call for help from a contact (one alert per contact per half hour). */
function helpCallKey(stationId: number, contactId: string, at: Date): DedupeKey {
  return `help:${stationId}:${contactId}:${Math.floor(at.getTime() / HELP_CALL_WINDOW_MS)}`;
}

/**
 * A call for help or a crisis from a contact: one alert per contact per half hour (`n` counts the
 * alerts of that half hour once earlier ones were closed; the first is the help call's own key).
 */
export function distressKey(type: 'help_call' | 'crisis', stationId: number, contactId: string, at: Date, n = 1): DedupeKey {
  const base = type === 'help_call' ? helpCallKey(stationId, contactId, at) : `crisis:${stationId}:${contactId}:${Math.floor(at.getTime() / HELP_CALL_WINDOW_MS)}`;
  return n === 1 ? base : `${base}:${n}`;
}

/** Something more said on an alert (another call for help, the family's words), told at once. */
export function alertEntryKey(alertId: number, entryId: number): DedupeKey {
  return `${alertKey(alertId)}:e${entryId}`;
}

/** A station's WeChat account logged out (one alert an hour). */
export function botLogoutKey(stationId: number, at: Date): DedupeKey {
  return `bot_logout:${stationId}:${localDate(at)}:${hourOf(at)}`;
}

/** A station's sends keep failing (one alert an hour). */
export function sendFailedKey(stationId: number, at: Date): DedupeKey {
  return `send_failed:${stationId}:${localDate(at)}:${hourOf(at)}`;
}

// ---------------------------------------------------------------- hand-offs

/** A hand-off to the workers. */
export function handoffKey(handoffId: number): DedupeKey {
  return `handoff:${handoffId}`;
}

/** The resident is told a worker took the hand-off. */
export function handoffTakenKey(handoffId: number): DedupeKey {
  return `${handoffKey(handoffId)}:taken`;
}

/** The workers' one reminder of a hand-off nobody took. */
export function handoffReminderKey(handoffId: number): DedupeKey {
  return `${handoffKey(handoffId)}:reminder`;
}

/** A resident's message on a taken hand-off, to the worker who took it. */
export function handoffInKey(handoffId: number, messageId: number): DedupeKey {
  return `${handoffKey(handoffId)}:in:${messageId}`;
}

/** A worker's reply on a hand-off, to the resident. */
export function handoffOutKey(handoffId: number, messageId: number): DedupeKey {
  return `${handoffKey(handoffId)}:out:${messageId}`;
}

/** The resident is told the hand-off closed by itself. */
export function handoffClosedKey(handoffId: number): DedupeKey {
  return `${handoffKey(handoffId)}:closed`;
}

// ---------------------------------------------------------------- features being built

/** A booking's reminder, within the day or within the two hours before its start. */
export function bookingReminderKey(bookingId: number, which: '24h' | '2h'): DedupeKey {
  return `booking:${bookingId}:${which}`;
}

/** A booking cancelled because its slot was cancelled (the resident is told once). */
export function bookingSlotCancelledKey(bookingId: number): DedupeKey {
  return `booking:${bookingId}:slot-cancelled`;
}

/** A freed seat offered to one place on a waiting list. */
export function waitlistOfferKey(entryId: number): DedupeKey {
  return `waitlist:${entryId}:offer`;
}

/** An offer that lapsed unanswered (the resident is told the seat moved on). */
export function waitlistOfferExpiredKey(entryId: number): DedupeKey {
  return `waitlist:${entryId}:expired`;
}

/** An activity's reminder to one sign-up. */
export function activityReminderKey(activityId: number, signupId: number): DedupeKey {
  return `activity:${activityId}:signup:${signupId}:reminder`;
}

/** Those signed up are told an activity was called off. */
export function activityCancelledKey(activityId: number, signupId: number): DedupeKey {
  return `activity:${activityId}:signup:${signupId}:cancelled`;
}

/** A broadcast to one recipient (a resident, or a family contact with `forFamily`). */
export function broadcastKey(broadcastId: number, residentId: number): DedupeKey {
  return `broadcast:${broadcastId}:r${residentId}`;
}

/** Part `part` (from 2) of a long broadcast to one recipient; part 1 is the recipient's `broadcastKey`. */
export function broadcastPartKey(key: DedupeKey, part: number): DedupeKey {
  return part <= 1 ? key : `${key}:p${part}`;
}

/** A broadcast to one community WeChat group. */
export function broadcastRoomKey(broadcastId: number, roomId: string): DedupeKey {
  return `broadcast:${broadcastId}:room:${roomId}`;
}

/** The workers are told of a resident's reply to a broadcast (once per recipient). */
export function broadcastReplyKey(broadcastId: number, residentId: number): DedupeKey {
  return `${broadcastKey(broadcastId, residentId)}:reply`;
}

/** The workers are told which recipients of a broadcast could not be reached (once). */
export function broadcastFailuresKey(broadcastId: number): DedupeKey {
  return `broadcast:${broadcastId}:failures`;
}

// ---------------------------------------------------------------- left-behind families and visits

/** The message of one family reminder (a weekly call-home one, or a guardian one). */
export function familyReminderKey(reminderId: number): DedupeKey {
  return `family-reminder:${reminderId}`;
}

/** The reminder a weekly schedule makes on one date (the unique key of the reminder row itself). */
export function familyScheduleKey(scheduleId: number, date: string): DedupeKey {
  return `family-reminder:s${scheduleId}:${date}`;
}

/** A guardian reminder: one per contact, type and event time. */
export function guardianReminderKey(familyContactId: number, type: string, eventAt: Date): DedupeKey {
  return `guardian:${familyContactId}:${type}:${eventAt.toISOString()}`;
}

/** A child whose family has been silent since the week starting `firstWeek` (one alert per run of silence). */
export function familySilentAlertKey(residentId: number, firstWeek: string): DedupeKey {
  return `family-silent:${residentId}:${firstWeek}`;
}

/** The morning home-visit list of a station for a date (each worker's copy with `forWorker`). */
export function visitListKey(stationId: number, date: string): DedupeKey {
  return `visits:${stationId}:${date}`;
}
