import type { Resident, ServiceRecord } from '../../entities';
import { RISK_TIER_LABELS, VisitDue } from '../../services/visits';
import { toIso } from '../../services/time';
import { SERVICE_RECORD_SOURCE_LABELS, SERVICE_RECORD_TYPE_LABELS } from '../../services/service-records';

/** One key resident on the visit schedule. */
export function presentVisitDue(v: VisitDue) {
  return {
    residentId: v.resident.id, name: v.resident.name, communityId: v.resident.communityId, communityName: v.communityName,
    riskTier: v.resident.riskTier, riskTierLabel: RISK_TIER_LABELS[v.resident.riskTier], tags: v.resident.tags,
    caseWorkerId: v.resident.caseWorkerId, intervalDays: v.intervalDays, lastVisitDate: v.lastVisitDate, dueDate: v.dueDate,
    daysOverdue: v.daysOverdue, status: v.status,
  };
}

/** A service record with what made it (`source`, and `link` to the alert, booking or activity). */
export function presentServiceRecord(r: ServiceRecord) {
  const link = r.activityId !== null ? { kind: 'activity' as const, id: r.activityId }
    : r.bookingId !== null ? { kind: 'booking' as const, id: r.bookingId }
      : r.alertId !== null ? { kind: 'alert' as const, id: r.alertId } : null;
  return {
    id: r.id, stationId: r.stationId, type: r.type, typeLabel: SERVICE_RECORD_TYPE_LABELS[r.type], date: r.date, summary: r.summary,
    residentIds: r.residentIds, personTimes: r.residentIds.length, workerId: r.workerId, durationMinutes: r.durationMinutes,
    resourcesYuan: r.resourcesYuan, resourcesGiver: r.resourcesGiver, resourcesNote: r.resourcesNote,
    source: r.source, sourceLabel: SERVICE_RECORD_SOURCE_LABELS[r.source], link,
    alertId: r.alertId, bookingId: r.bookingId, activityId: r.activityId, createdBy: r.createdBy, createdAt: toIso(r.createdAt),
  };
}

export function presentCaseWorker(r: Resident) {
  return { residentId: r.id, caseWorkerId: r.caseWorkerId };
}
