import { In, IsNull, Like, Not } from 'typeorm';
import { FamilyContact, OutboxMessage, PRIORITY, Resident, SubscriptionPurpose, Worker } from '../entities';
import type { Actor } from './auth';
import type { Infra } from './infra';
import { ownStationId } from './permissions';
import type { OutboxService, OutgoingMessage } from './outbox';
import { aliasFor, familyRows, MessageBase, residentAddress, workerRows } from './messaging/audience';

export { aliasFor };

type Extra = Omit<OutgoingMessage, 'stationId' | 'toContactId' | 'toAlias' | 'text' | 'dedupeKey'> & { dedupeKey?: string };

/** The reminders to residents that workers follow up when they do not get through. */
const RESIDENT_REMINDER_KINDS = ['booking_reminder', 'booking_offer', 'booking_offer_expired', 'booking_slot_cancelled', 'activity_reminder', 'activity_cancelled'];

/** A reminder to a resident that did not get through, with whom it was for. */
export interface UndeliveredReminder {
  message: OutboxMessage;
  residentId: number | null;
  residentName: string | null;
}

/** Queues messages to the people around a resident: the station's workers, the family, the resident. */
export class NotifyService {
  constructor(
    private readonly ctx: Infra,
    private readonly deps: { outbox: OutboxService },
  ) {}

  /** Active workers (and station admins) of a station with a bound WeChat. */
  boundWorkers(stationId: number, roles: Worker['role'][] = ['worker', 'station_admin']): Promise<Worker[]> {
    return this.ctx.db.manager.find(Worker, {
      where: { stationId, active: true, role: In(roles), wechatContactId: Not(IsNull()) },
      order: { id: 'ASC' },
    });
  }

  /** A resident's family contacts with a bound WeChat. */
  boundFamily(residentId: number): Promise<FamilyContact[]> {
    return this.ctx.db.manager.find(FamilyContact, { where: { residentId, wechatContactId: Not(IsNull()) }, order: { id: 'ASC' } });
  }

  /** Queues `text` to every bound worker of the station; returns how many were queued. */
  async workers(stationId: number, text: string, extra: Extra, roles?: Worker['role'][]): Promise<number> {
    const ws = await this.boundWorkers(stationId, roles);
    return this.deps.outbox.enqueue(workerRows(stationId, ws, text, { ...extra, dedupeKey: extra.dedupeKey ?? null }));
  }

  /** Queues `text` to every bound family contact of a resident. */
  async family(resident: Pick<Resident, 'id' | 'stationId'>, text: string | ((f: FamilyContact) => string), extra: Extra): Promise<number> {
    const fs = await this.boundFamily(resident.id);
    return this.deps.outbox.enqueue(familyRows(resident.stationId, fs, text, { ...extra, dedupeKey: extra.dedupeKey ?? null }));
  }

  /** "Tell the station's workers" as outbox rows (not queued): for callers that queue them with other rows. */
  async workerRows(stationId: number, text: string, base: MessageBase, roles?: Worker['role'][]): Promise<OutgoingMessage[]> {
    return workerRows(stationId, await this.boundWorkers(stationId, roles), text, base);
  }

  /**
   * Queues `text` to the resident: on the bot when their WeChat is bound, else (given a `purpose`) as
   * a subscription message to their mini-program; false when neither reaches them.
   */
  async resident(
    resident: Pick<Resident, 'id' | 'stationId' | 'wechatContactId'> & { openid?: string | null },
    text: string,
    extra: Extra & { purpose?: SubscriptionPurpose | null },
  ): Promise<boolean> {
    const to = residentAddress({ id: resident.id, wechatContactId: resident.wechatContactId, openid: resident.openid ?? null }, extra.purpose ?? null);
    if (!to) return false;
    await this.deps.outbox.enqueue({ priority: PRIORITY.reminder, ...extra, ...to, stationId: resident.stationId, text, dedupeKey: extra.dedupeKey ?? null });
    return true;
  }

  /**
   * Reminders to the station's residents (bookings, activities) that failed for good, newest first,
   * with the reason (no subscription left and no WeChat, WeChat errors): the workers phone them
   * instead. Check-in reminders have the board for this.
   */
  async undelivered(actor: Actor, page: { limit: number; offset: number }): Promise<{ items: UndeliveredReminder[]; total: number }> {
    const stationId = ownStationId(actor);
    const m = this.ctx.db.manager;
    const [rows, total] = await m.findAndCount(OutboxMessage, {
      where: { stationId, status: 'failed', kind: In(RESIDENT_REMINDER_KINDS), toAlias: Like('sgz-r%') },
      order: { id: 'DESC' }, take: page.limit, skip: page.offset,
    });
    const residentOf = (row: OutboxMessage) => Number(row.toAlias!.slice('sgz-r'.length)) || null;
    const ids = [...new Set(rows.map(residentOf).filter((id): id is number => id !== null))];
    const residents = ids.length ? await m.find(Resident, { where: { id: In(ids), stationId }, select: { id: true, name: true } }) : [];
    const names = new Map(residents.map((r) => [r.id, r.name]));
    return {
      items: rows.map((message) => {
        const residentId = residentOf(message);
        return { message, residentId: residentId !== null && names.has(residentId) ? residentId : null, residentName: residentId !== null ? (names.get(residentId) ?? null) : null };
      }),
      total,
    };
  }
}
