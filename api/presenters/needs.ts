import { NEED_STATUS_LABELS, NEED_TYPE_LABELS, NEED_URGENCY_LABELS, NeedWithNames } from '../../services/needs';
import { toIso } from '../../services/time';

/** One line of the needs list, with its words in Chinese. */
export function presentNeed(n: NeedWithNames) {
  return {
    id: n.id, stationId: n.stationId, residentId: n.residentId, residentName: n.residentName, communityName: n.communityName,
    type: n.type, typeLabel: NEED_TYPE_LABELS[n.type], urgency: n.urgency, urgencyLabel: NEED_URGENCY_LABELS[n.urgency],
    description: n.description, status: n.status, statusLabel: NEED_STATUS_LABELS[n.status],
    followUpWorkerId: n.followUpWorkerId, followUpWorkerName: n.followUpWorkerName, note: n.note,
    metAt: toIso(n.metAt), createdBy: n.createdBy, createdAt: toIso(n.createdAt), updatedAt: toIso(n.updatedAt),
  };
}
