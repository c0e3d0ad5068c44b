import type { BookableService, BookingSettings, WaitlistEntry } from '../../entities';
import { REPEATED_NO_SHOWS, type BookingView, type SlotView } from '../../services/bookings';
import { toIso } from '../../services/time';

export function presentService(s: BookableService) {
  return {
    id: s.id, stationId: s.stationId, name: s.name, description: s.description, durationMinutes: s.durationMinutes,
    location: s.location, tags: s.tags, recordType: s.recordType,
  };
}

export function presentSlot(v: SlotView) {
  const s = v.slot;
  return {
    id: s.id, serviceId: s.serviceId, startsAt: toIso(s.startsAt), endsAt: toIso(s.endsAt), capacity: s.capacity,
    booked: s.booked, held: s.held, available: v.available, bookable: v.bookable, status: s.status, cancelReason: s.cancelReason,
  };
}

/**
 * A booking with what it is for. Workers also see the resident's name and their no-shows of the
 * last 90 days (`repeatedNoShows` from two on); a resident sees their own booking only.
 */
export function presentBooking(v: BookingView, noShows?: Map<number, number>) {
  const b = v.booking;
  const n = noShows?.get(b.residentId) ?? 0;
  return {
    id: b.id, slotId: b.slotId, serviceId: b.serviceId, serviceName: v.service.name, location: v.service.location,
    residentId: b.residentId, status: b.status, startsAt: toIso(v.slot.startsAt), endsAt: toIso(v.slot.endsAt),
    channel: b.channel, bookedBy: b.bookedBy, createdAt: toIso(b.createdAt), cancelledAt: toIso(b.cancelledAt),
    cancelReason: b.cancelReason, attendanceAt: toIso(b.attendanceAt),
    ...(noShows ? { residentName: v.resident.name, noShows: n, repeatedNoShows: n >= REPEATED_NO_SHOWS } : {}),
  };
}

export function presentWaitlistEntry(e: WaitlistEntry, position?: number) {
  return {
    id: e.id, slotId: e.slotId, residentId: e.residentId, status: e.status, offeredAt: toIso(e.offeredAt),
    offerExpiresAt: toIso(e.offerExpiresAt), bookingId: e.bookingId, createdAt: toIso(e.createdAt),
    ...(position === undefined ? {} : { position }),
  };
}

export function presentSettings(s: BookingSettings) {
  return {
    stationId: s.stationId, maxActivePerResident: s.maxActivePerResident, closeMinutesBefore: s.closeMinutesBefore,
    cancelCutoffMinutes: s.cancelCutoffMinutes, offerHoldMinutes: s.offerHoldMinutes,
  };
}
