import type { Community, FamilyReminder, FamilyReminderSchedule } from '../../entities';
import type { ReminderWithNames } from '../../services/family-reminders';
import { toIso } from '../../services/time';

const WEEKDAY_WORDS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];

/** One weekly call-home reminder of a family's schedule. */
export function presentSchedule(s: FamilyReminderSchedule) {
  return {
    id: s.id, residentId: s.residentId, familyContactId: s.familyContactId, weekday: s.weekday, weekdayLabel: WEEKDAY_WORDS[s.weekday],
    time: s.time, message: s.message, activeFrom: toIso(s.activeFrom),
  };
}

/** A reminder to a family contact: to whom, what, when it was due, queued, delivered and acknowledged. */
export function presentFamilyReminder(x: FamilyReminder & Partial<ReminderWithNames>) {
  return {
    id: x.id, residentId: x.residentId, residentName: x.residentName ?? null, familyContactId: x.familyContactId,
    familyName: x.familyName ?? null, relation: x.relation ?? null, kind: x.kind, guardianType: x.guardianType,
    text: x.text, status: x.status, dueAt: toIso(x.dueAt), queuedAt: toIso(x.queuedAt), sentAt: toIso(x.sentAt ?? null),
    delivery: x.delivery ?? null, acknowledgedAt: toIso(x.acknowledgedAt),
  };
}

export function presentCommunityOfficer(c: Community) {
  return { id: c.id, stationId: c.stationId, name: c.name, childrenOfficerId: c.childrenOfficerId };
}
