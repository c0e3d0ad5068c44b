import { EntityManager, FindOptionsWhere, In, IsNull, MoreThan } from 'typeorm';
import { Handoff, PRIORITY, Resident } from '../entities';
import type { Infra } from './infra';
import type { ChatService } from './chat';
import type { NotifyService } from './notify';
import type { OutboxService } from './outbox';

import { conflict } from './errors';
import { aliasFor } from './notify';
import { toIso } from './time';
import { handoffKey, handoffTakenKey } from './messaging/keys';
import type { Actor } from './auth';
import { actingWorker, assertCaseRecord, caseStationId } from './permissions';

/**
 * How long the bot stays out of the way after a hand-off was asked for (or taken by a worker),
 * unless a worker closes it sooner. Help calls and check-ins still get answered meanwhile.
 */
export const HANDOFF_QUIET_MS = 30 * 60_000;
const TRANSCRIPT_LENGTH = 10;
const TRANSCRIPT_TEXT_MAX = 300;
/** Hand-offs of one resident in their export (PIPL). */
const EXPORT_HANDOFFS_MAX = 1000;

export type HandoffStatus = Handoff['status'];

/** Residents who asked for a person (人工 / 找社工 / 5): the workers take and close them. */
export class HandoffService {
  constructor(
    private readonly ctx: Infra,
    private readonly deps: { chat: ChatService; notify: NotifyService; outbox: OutboxService },
  ) {}

  /** The hand-off that keeps the bot quiet for this contact now, if any. */
  async active(stationId: number, contactId: string): Promise<Handoff | null> {
    const since = new Date(this.ctx.clock.now().getTime() - HANDOFF_QUIET_MS);
    const rows = await this.ctx.db.manager.find(Handoff, {
      where: [
        { stationId, contactId, status: 'open', createdAt: MoreThan(since) },
        { stationId, contactId, status: 'taken', takenAt: MoreThan(since) },
      ],
      order: { id: 'DESC' },
      take: 1,
    });
    return rows[0] ?? null;
  }

  /**
   * Opens a hand-off with the recent conversation and tells the station's bound workers. A contact
   * with one still active gets that one back (`created: false`), and the workers are not told twice.
   */
  async request(input: { stationId: number; contactId: string; contactName: string | null; residentId: number | null }): Promise<{ handoff: Handoff; created: boolean }> {
    const existing = await this.active(input.stationId, input.contactId);
    if (existing) return { handoff: existing, created: false };
    const recent = await this.deps.chat.recent(input.stationId, input.contactId, TRANSCRIPT_LENGTH);
    const transcript = recent.map((m) => ({ direction: m.direction, text: m.text.slice(0, TRANSCRIPT_TEXT_MAX), at: m.at.toISOString() }));
    const repo = this.ctx.db.manager.getRepository(Handoff);
    const handoff = await repo.save(repo.create({
      stationId: input.stationId, contactId: input.contactId, contactName: input.contactName?.slice(0, 50) ?? null,
      residentId: input.residentId, status: 'open', takenBy: null, transcript, createdAt: this.ctx.clock.now(),
    }));
    const resident = input.residentId ? await this.ctx.db.manager.findOne(Resident, { where: { id: input.residentId } }) : null;
    const who = resident ? resident.name : `${handoff.contactName ?? '未绑定联系人'}（未绑定）`;
    const lines = transcript.filter((t) => t.direction === 'in').slice(-3).map((t) => `“${t.text.slice(0, 60)}”`);
    const text = [`【找社工】${who} 想找社工聊聊（编号 ${handoff.id}）。`, ...(lines.length ? [`最近说：${lines.join(' ')}`] : []), '请在工作台“转人工”里接手。'].join('\n');
    await this.deps.notify.workers(input.stationId, text, { kind: 'handoff', priority: PRIORITY.alert, dedupeKey: handoffKey(handoff.id), refType: 'handoff', refId: handoff.id });
    return { handoff, created: true };
  }

  /** The caller's station's hand-offs, newest first. */
  async list(actor: Actor, filter: { status?: HandoffStatus; limit: number; offset: number }): Promise<{ items: Handoff[]; total: number }> {
    const [items, total] = await this.ctx.db.manager.findAndCount(Handoff, {
      where: { stationId: caseStationId(actor), ...(filter.status ? { status: filter.status } : { status: In(['open', 'taken', 'closed']) }) },
      order: { id: 'DESC' }, take: filter.limit, skip: filter.offset,
    });
    return { items, total };
  }

  /** The residents' names of hand-offs (one query, whatever the count). */
  async residentNames(items: Handoff[]): Promise<Map<number, string>> {
    const ids = [...new Set(items.map((h) => h.residentId).filter((x): x is number => x !== null))];
    const residents = ids.length ? await this.ctx.db.manager.find(Resident, { where: { id: In(ids) }, select: { id: true, name: true } }) : [];
    return new Map(residents.map((r) => [r.id, r.name]));
  }

  /** One hand-off of the caller's station (403 for a county admin, 404 for another station's). */
  async get(actor: Actor, id: number): Promise<Handoff> {
    const h = await this.ctx.db.manager.findOne(Handoff, { where: { id } });
    assertCaseRecord(actor, h, '转人工请求');
    return h;
  }

  /** A resident's hand-offs: theirs by record, and those of their contact from before it was bound. */
  private ofResident(r: Resident): FindOptionsWhere<Handoff>[] {
    return [
      { stationId: r.stationId, residentId: r.id },
      ...(r.wechatContactId ? [{ stationId: r.stationId, contactId: r.wechatContactId, residentId: IsNull() }] : []),
    ];
  }

  /** A resident's hand-offs with their transcripts, for the export of everything held on them. */
  async exportFor(em: EntityManager, resident: Resident): Promise<unknown> {
    const rows = await em.find(Handoff, { where: this.ofResident(resident), order: { id: 'ASC' }, take: EXPORT_HANDOFFS_MAX });
    return rows.map((h) => ({
      id: h.id, status: h.status, contactName: h.contactName, createdAt: toIso(h.createdAt), takenAt: toIso(h.takenAt),
      closedAt: toIso(h.closedAt), transcript: h.transcript,
    }));
  }

  /**
   * On erase: the hand-offs stay as counts (status, times) without the contact's name or the
   * conversation; what was sent about them loses its text.
   */
  async eraseFor(em: EntityManager, resident: Resident): Promise<void> {
    const rows = await em.find(Handoff, { where: this.ofResident(resident), select: { id: true } });
    if (!rows.length) return;
    const ids = rows.map((h) => h.id);
    await em.update(Handoff, { id: In(ids) }, { contactName: null, transcript: [] });
    await this.deps.chat.eraseSentAbout(em, resident.stationId, 'handoff', ids);
  }

  /** A worker takes an open hand-off; the contact is told a person will answer. 409 when already taken or closed. */
  async take(actor: Actor, id: number): Promise<Handoff> {
    const h = await this.get(actor, id);
    const worker = actingWorker(actor);
    const stationId = h.stationId;
    const now = this.ctx.clock.now();
    const res = await this.ctx.db.manager.update(Handoff, { id, stationId, status: 'open' }, { status: 'taken', takenBy: worker.id, takenAt: now });
    if (!res.affected) throw conflict('handoff_not_open', h.status === 'closed' ? '该请求已结束' : '该请求已有社工接手');
    await this.deps.outbox.enqueue({
      stationId, toContactId: h.contactId, toAlias: h.residentId ? aliasFor('resident', h.residentId) : null,
      text: `社工${worker.name}已经看到您的消息，马上和您联系。`, kind: 'handoff_taken', priority: PRIORITY.alert,
      urgent: true, dedupeKey: handoffTakenKey(id), refType: 'handoff', refId: id,
    });
    return this.get(actor, id);
  }

  /** Ends a hand-off (open or taken): the bot answers the contact again. 409 when already closed. */
  async close(actor: Actor, id: number): Promise<Handoff> {
    const { stationId } = await this.get(actor, id);
    const workerId = actingWorker(actor).id;
    const res = await this.ctx.db.manager.update(
      Handoff, { id, stationId, status: In(['open', 'taken']) },
      { status: 'closed', closedAt: this.ctx.clock.now() },
    );
    if (!res.affected) throw conflict('handoff_closed', '该请求已结束');
    const h = await this.get(actor, id);
    if (h.takenBy === null) await this.ctx.db.manager.update(Handoff, { id }, { takenBy: workerId });
    return this.get(actor, id);
  }
}
