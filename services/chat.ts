import { In, IsNull, MoreThan } from 'typeorm';
import { FamilyContact, MessageLog, Resident, Station, Worker } from '../entities';
import type { BindingTarget } from '../entities';
import type { AppContext } from './context';

/** Longest text kept in the message log (a 100 KB paste would not fit a MySQL `text` column). */
export const LOGGED_TEXT_MAX = 2000;

/** Who a WeChat contact is on one station's account: any of resident, family contact, worker. */
export interface ChatIdentity {
  resident: Resident | null;
  family: FamilyContact[];
  worker: Worker | null;
}

/** The resident-facing message types the log distinguishes. */
export type LoggedType = 'text' | 'voice' | 'image' | 'video' | 'file' | 'sticker' | 'other';

/**
 * The conversation side of the bot that is not WeChat itself: the message log (every message in
 * and out of a station account), who a contact is, and the few changes a contact makes by chat.
 */
export class ChatService {
  constructor(private readonly ctx: AppContext) {}

  /** Logs one message; long texts are cut. Returns the log id (ids increase). */
  async log(input: { stationId: number; contactId: string; direction: 'in' | 'out'; text: string; type?: LoggedType; at?: Date }): Promise<number> {
    const res = await this.ctx.db.manager.insert(MessageLog, {
      stationId: input.stationId, contactId: input.contactId, direction: input.direction, type: input.type ?? 'text',
      text: input.text.slice(0, LOGGED_TEXT_MAX), at: input.at ?? this.ctx.clock.now(),
    });
    return Number(res.identifiers[0]?.id);
  }

  /** The last `limit` messages with a contact on a station account, oldest first. */
  async recent(stationId: number, contactId: string, limit = 10): Promise<MessageLog[]> {
    const rows = await this.ctx.db.manager.find(MessageLog, { where: { stationId, contactId }, order: { id: 'DESC' }, take: limit });
    return rows.reverse();
  }

  /** What the bot sent to a contact after log id `after`, oldest first (the simulator's feed). */
  sentTo(contactId: string, after = 0, limit = 1000): Promise<MessageLog[]> {
    return this.ctx.db.manager.find(MessageLog, {
      where: { contactId, direction: 'out', id: MoreThan(after) }, order: { id: 'ASC' }, take: limit,
    });
  }

  /** The records bound to a contact on one station's account. */
  async identify(stationId: number, contactId: string): Promise<ChatIdentity> {
    const m = this.ctx.db.manager;
    const [resident, family, worker] = await Promise.all([
      m.findOne(Resident, { where: { stationId, wechatContactId: contactId, erasedAt: IsNull() } }),
      m.find(FamilyContact, { where: { stationId, wechatContactId: contactId }, order: { id: 'ASC' } }),
      m.findOne(Worker, { where: { stationId, wechatContactId: contactId, active: true, role: In(['worker', 'station_admin']) } }),
    ]);
    return { resident, family, worker };
  }

  /** A station, or null. */
  station(id: number): Promise<Station | null> {
    return this.ctx.db.manager.findOne(Station, { where: { id } });
  }

  /** The residents a set of family contacts belong to, by id. */
  async residentsOf(family: FamilyContact[]): Promise<Map<number, Resident>> {
    if (!family.length) return new Map();
    const rows = await this.ctx.db.manager.find(Resident, { where: { id: In(family.map((f) => f.residentId)) } });
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** 退订 / 订阅: a bound resident stops or restarts activity notices and broadcasts. */
  async setOptedOut(residentId: number, optedOut: boolean): Promise<void> {
    await this.ctx.db.manager.update(Resident, { id: residentId }, { optedOut });
  }

  /**
   * A contact's id changed (some puppets give new ids after a re-login): the record whose stable
   * remark is `alias` (see `aliasFor`) is linked to the new id. Returns false for a foreign alias.
   */
  async relinkByAlias(alias: string, newContactId: string): Promise<boolean> {
    const match = /^sgz-([rfw])(\d+)$/.exec(alias);
    if (!match) return false;
    const id = Number(match[2]);
    const type: BindingTarget = match[1] === 'r' ? 'resident' : match[1] === 'f' ? 'family' : 'worker';
    const entity = type === 'resident' ? Resident : type === 'family' ? FamilyContact : Worker;
    const res = await this.ctx.db.manager.update(entity, { id }, { wechatContactId: newContactId });
    return Boolean(res.affected);
  }
}
