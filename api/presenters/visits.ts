import type { Resident, ServiceRecord } from '../../entities';
import { RISK_TIER_LABELS, VisitDue } from '../../services/visits';
import { toIso } from '../../services/time';

/** One key resident on the visit schedule. */
export function presentVisitDue(v: VisitDue) {
  return {
    residentId: v.resident.id, name: v.resident.name, communityId: v.resident.communityId, communityName: v.communityName,
    riskTier: v.resident.riskTier, riskTierLabel: RISK_TIER_LABELS[v.resident.riskTier], tags: v.resident.tags,
    caseWorkerId: v.resident.caseWorkerId, intervalDays: v.intervalDays, lastVisitDate: v.lastVisitDate, dueDate: v.dueDate,
    daysOverdue: v.daysOverdue, status: v.status,
  };
}

export function presentServiceRecord(r: ServiceRecord) {
  return {
    id: r.id, stationId: r.stationId, type: r.type, date: r.date, summary: r.summary, resourcesYuan: r.resourcesYuan,
    residentIds: r.residentIds, alertId: r.alertId, createdBy: r.createdBy, createdAt: toIso(r.createdAt),
  };
}

export function presentCaseWorker(r: Resident) {
  return { residentId: r.id, caseWorkerId: r.caseWorkerId };
}
