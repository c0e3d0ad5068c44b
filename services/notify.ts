import { In, IsNull, Not } from 'typeorm';
import { FamilyContact, PRIORITY, Resident, Worker } from '../entities';
import type { Infra } from './infra';
import type { OutboxService, OutgoingMessage } from './outbox';
import { aliasFor, familyRows, MessageBase, workerRows } from './messaging/audience';

export { aliasFor };

type Extra = Omit<OutgoingMessage, 'stationId' | 'toContactId' | 'toAlias' | 'text' | 'dedupeKey'> & { dedupeKey?: string };

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

  /** Queues `text` to the resident, if their WeChat is bound; false otherwise. */
  async resident(resident: Pick<Resident, 'id' | 'stationId' | 'wechatContactId'>, text: string, extra: Extra): Promise<boolean> {
    if (!resident.wechatContactId) return false;
    await this.deps.outbox.enqueue({
      priority: PRIORITY.reminder, ...extra, stationId: resident.stationId, text,
      toContactId: resident.wechatContactId, toAlias: aliasFor('resident', resident.id), dedupeKey: extra.dedupeKey ?? null,
    });
    return true;
  }
}
