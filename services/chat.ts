import { EntityManager, In, IsNull, MoreThan, Not } from 'typeorm';
import { FamilyContact, MessageLog, OutboxMessage, Resident, Station, Worker } from '../entities';
import type { BindingTarget } from '../entities';
import type { Infra } from './infra';
import { toIso } from './time';

/** Longest text kept in the message log (a 100 KB paste would not fit a MySQL `text` column). */
const LOGGED_TEXT_MAX = 2000;
/** Messages of a resident's contact in their export (PIPL): the most recent ones. */
const EXPORT_MESSAGES_MAX = 500;
/** What stays of a queued or sent message's text once the resident it was to or about is erased. */
export const ERASED_TEXT = '（内容已随居民信息删除）';

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
  constructor(private readonly ctx: Infra) {}

  /** Logs one message; long texts are cut. Returns the log id (ids increase). */
  async log(
    input: { stationId: number; contactId: string; direction: 'in' | 'out'; text: string; type?: LoggedType; at?: Date },
    em: EntityManager = this.ctx.db.manager,
  ): Promise<number> {
    const res = await em.insert(MessageLog, {
      stationId: input.stationId, contactId: input.contactId, direction: input.direction, type: input.type ?? 'text',
      text: input.text.slice(0, LOGGED_TEXT_MAX), at: input.at ?? this.ctx.clock.now(),
    });
    return Number(res.identifiers[0]?.id);
  }

  /** Logs several messages in one statement (the sender's group of sent rows). */
  async logMany(
    inputs: { stationId: number; contactId: string; direction: 'in' | 'out'; text: string; type?: LoggedType; at?: Date }[],
    em: EntityManager = this.ctx.db.manager,
  ): Promise<void> {
    if (!inputs.length) return;
    await em.insert(MessageLog, inputs.map((input) => ({
      stationId: input.stationId, contactId: input.contactId, direction: input.direction, type: input.type ?? 'text',
      text: input.text.slice(0, LOGGED_TEXT_MAX), at: input.at ?? this.ctx.clock.now(),
    })));
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

  /** The bot's message log with the resident's WeChat contact, for their export: the last 500, oldest first. */
  async exportFor(em: EntityManager, resident: Resident): Promise<unknown> {
    if (!resident.wechatContactId) return [];
    const rows = await em.find(MessageLog, {
      where: { stationId: resident.stationId, contactId: resident.wechatContactId }, order: { id: 'DESC' }, take: EXPORT_MESSAGES_MAX,
    });
    return rows.reverse().map((m) => ({ direction: m.direction, type: m.type, text: m.text, at: toIso(m.at) }));
  }

  /**
   * On erase: what the bot said to the station's workers about the resident goes from their chat
   * logs (alert and hand-off notices, alert lists name the resident). The resident's and family's
   * own logs are deleted by the erase itself.
   */
  async eraseFor(em: EntityManager, resident: Resident): Promise<void> {
    const name = resident.name.replace(/[%_\\]/g, '').trim();
    if (name.length < 2) return; // a one-character "name" would match far too much
    const workers = await em.find(Worker, { where: { stationId: resident.stationId, wechatContactId: Not(IsNull()) }, select: { id: true, wechatContactId: true } });
    if (!workers.length) return;
    await em.createQueryBuilder().delete().from(MessageLog)
      .where('stationId = :sid AND direction = :out AND text LIKE :name', { sid: resident.stationId, out: 'out', name: `%${name}%` })
      .andWhere('contactId IN (:...contacts)', { contacts: workers.map((w) => w.wechatContactId!) })
      .execute();
  }

  /**
   * On erase: messages queued or sent about a record of the resident (`refType`/`refId`, e.g. an
   * alert's notice to the workers) keep their row for the counts but lose their text; pending ones
   * are cancelled, and the logged copies of those sent are deleted.
   */
  async eraseSentAbout(em: EntityManager, stationId: number, refType: string, refIds: number[]): Promise<void> {
    if (!refIds.length) return;
    const where = { stationId, refType, refId: In(refIds) };
    const rows = await em.find(OutboxMessage, { where: { ...where, text: Not(ERASED_TEXT) }, select: { id: true, toContactId: true, text: true } });
    for (const row of rows) await em.delete(MessageLog, { stationId, contactId: row.toContactId, direction: 'out', text: row.text });
    await em.update(OutboxMessage, { ...where, status: 'pending' }, { status: 'cancelled' });
    await em.update(OutboxMessage, where, { text: ERASED_TEXT });
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

  /**
   * The station's bound WeChat contacts, for the simulator to pick from: residents, family
   * contacts (with whose relative they are) and workers, at most `limit` of each.
   */
  async boundContacts(stationId: number, limit = 30): Promise<{ id: string; name: string; role: 'resident' | 'family' | 'worker'; label: string }[]> {
    const m = this.ctx.db.manager;
    const bound = { stationId, wechatContactId: Not(IsNull()) };
    const [residents, family, workers] = await Promise.all([
      m.find(Resident, { where: { ...bound, erasedAt: IsNull() }, order: { id: 'ASC' }, take: limit }),
      m.find(FamilyContact, { where: bound, order: { id: 'ASC' }, take: limit }),
      m.find(Worker, { where: { ...bound, active: true, role: In(['worker', 'station_admin']) }, order: { id: 'ASC' }, take: limit }),
    ]);
    const elders = await this.residentsOf(family);
    return [
      ...residents.map((r) => ({ id: r.wechatContactId!, name: r.name, role: 'resident' as const, label: `${r.name}（居民）` })),
      ...family.map((f) => ({ id: f.wechatContactId!, name: f.name, role: 'family' as const, label: `${f.name}（${elders.get(f.residentId)?.name ?? ''}的${f.relation}）` })),
      ...workers.map((w) => ({ id: w.wechatContactId!, name: w.name, role: 'worker' as const, label: `${w.name}（${w.role === 'station_admin' ? '站长' : '社工'}）` })),
    ];
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
