import type { Handoff } from '../../entities';
import { toIso } from '../../services/time';

/** A hand-off for the station's workers: who asked, the recent conversation; never the WeChat id. */
export function presentHandoff(h: Handoff, residentName: string | null) {
  return {
    id: h.id, stationId: h.stationId, status: h.status, contactName: h.contactName, residentId: h.residentId, residentName,
    takenBy: h.takenBy, createdAt: toIso(h.createdAt), takenAt: toIso(h.takenAt), closedAt: toIso(h.closedAt),
    transcript: h.transcript.map((t) => ({ direction: t.direction, text: t.text, at: toIso(new Date(t.at)) })),
  };
}
