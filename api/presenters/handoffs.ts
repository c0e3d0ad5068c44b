import type { Handoff, HandoffMessage } from '../../entities';
import { toIso } from '../../services/time';

/** A hand-off for the station's workers: who asked, the recent conversation; never the WeChat id. */
export function presentHandoff(h: Handoff, residentName: string | null) {
  return {
    id: h.id, stationId: h.stationId, status: h.status, reason: h.reason, contactName: h.contactName, residentId: h.residentId, residentName,
    name: residentName ?? h.contactName ?? '未绑定联系人', takenBy: h.takenBy, createdAt: toIso(h.createdAt), takenAt: toIso(h.takenAt),
    closedAt: toIso(h.closedAt), lastMessageAt: toIso(h.lastMessageAt), remindedAt: toIso(h.remindedAt), note: h.note,
    transcript: h.transcript.map((t) => ({ direction: t.direction, text: t.text, at: toIso(new Date(t.at)) })),
  };
}

/** One message said on a hand-off. */
export function presentHandoffMessage(m: HandoffMessage) {
  return { id: m.id, direction: m.direction, text: m.text, at: toIso(m.at), workerId: m.workerId };
}
