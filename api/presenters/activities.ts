import type { Activity, ActivitySignup } from '../../entities';
import { toIso } from '../../services/time';

/** An activity with its seats: `available` is null when there is no limit. */
export function presentActivity(a: Activity, now: Date) {
  const open = a.status === 'scheduled' && a.startsAt > now && (!a.signupDeadline || a.signupDeadline > now);
  return {
    id: a.id, stationId: a.stationId, title: a.title, description: a.description, startsAt: toIso(a.startsAt), endsAt: toIso(a.endsAt),
    location: a.location, capacity: a.capacity, signedUp: a.signedUp, available: a.capacity === null ? null : Math.max(0, a.capacity - a.signedUp),
    signupDeadline: toIso(a.signupDeadline), signupOpen: open && (a.capacity === null || a.signedUp < a.capacity),
    audience: a.audience, kind: a.kind, status: a.status, serviceRecordId: a.serviceRecordId, createdAt: toIso(a.createdAt),
  };
}

/** A sign-up; the resident's name only for the station's workers. */
export function presentSignup(s: ActivitySignup & { residentName?: string }) {
  return {
    id: s.id, activityId: s.activityId, residentId: s.residentId, ...(s.residentName !== undefined ? { residentName: s.residentName } : {}),
    status: s.status, source: s.source, signedUpAt: toIso(s.signedUpAt), cancelledAt: toIso(s.cancelledAt),
  };
}
