import { In, IsNull, Not } from 'typeorm';
import { FamilyContact, PRIORITY, Resident, Worker } from '../entities';
import type { BindingTarget } from '../entities';
import type { Infra } from './infra';
import type { OutboxService } from './outbox';

import type { OutgoingMessage } from './outbox';

/**
 * The stable remark the bot sets on a bound contact; contact ids change on some puppets, the
 * remark does not, so the sender finds the contact by it when an id fails.
 */
export function aliasFor(type: BindingTarget, id: number): string {
  return `sgz-${type[0]}${id}`;
}

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
    return this.deps.outbox.enqueue(
      ws.map((w) => ({
        ...extra, stationId, text, toContactId: w.wechatContactId!, toAlias: aliasFor('worker', w.id),
        dedupeKey: extra.dedupeKey ? `${extra.dedupeKey}:w${w.id}` : null,
      })),
    );
  }

  /** Queues `text` to every bound family contact of a resident. */
  async family(resident: Pick<Resident, 'id' | 'stationId'>, text: string | ((f: FamilyContact) => string), extra: Extra): Promise<number> {
    const fs = await this.boundFamily(resident.id);
    return this.deps.outbox.enqueue(
      fs.map((f) => ({
        ...extra, stationId: resident.stationId, text: typeof text === 'function' ? text(f) : text,
        toContactId: f.wechatContactId!, toAlias: aliasFor('family', f.id),
        dedupeKey: extra.dedupeKey ? `${extra.dedupeKey}:f${f.id}` : null,
      })),
    );
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
