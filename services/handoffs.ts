import { EntityManager, FindOptionsWhere, In, IsNull, LessThanOrEqual } from 'typeorm';
import { Handoff, HandoffMessage, HandoffReason, PRIORITY, Resident, Station, Worker } from '../entities';
import type { Infra } from './infra';
import type { ChatService } from './chat';
import type { NotifyService } from './notify';
import type { OutboxService } from './outbox';
import { conflict } from './errors';
import { aliasFor } from './notify';
import { formatForChat, toIso } from './time';
import { handoffClosedKey, handoffInKey, handoffKey, handoffOutKey, handoffReminderKey, handoffTakenKey } from './messaging/keys';
import type { Actor } from './auth';
import { actingWorker, assertCaseRecord, caseStationId } from './permissions';

/** An open hand-off nobody has taken is reminded to the workers once after this long. */
const HANDOFF_REMIND_AFTER_MS = 2 * 3600_000;
/** A hand-off nobody took, or one where nothing was said for this long, is closed with a note. */
const HANDOFF_EXPIRE_MS = 24 * 3600_000;
const TRANSCRIPT_LENGTH = 10;
const TRANSCRIPT_TEXT_MAX = 300;
const MESSAGE_TEXT_MAX = 2000;
/** Hand-offs of one resident in their export (PIPL). */
const EXPORT_HANDOFFS_MAX = 1000;
/** What a hand-off closed by the clock says on it. */
const EXPIRED_NOTE = '无人接手，已自动结束';
const IDLE_NOTE = '长时间没有新消息，已自动结束';

export type HandoffStatus = Handoff['status'];

/** What the resident is told, once, when a hand-off opens. */
export function handoffOpenedText(station: Pick<Station, 'phone' | 'openHours'>, already = false): string {
  const first = already ? '已经通知社工了，请稍等，社工会在这里回复您。' : '好的，已通知社工，社工看到后会在这里回复您。';
  const hours = station.openHours ? `工作时间：${station.openHours}。` : '';
  const phone = station.phone ? `急事请打 ${station.phone}。` : '';
  return `${first}${hours}${phone}`;
}

/**
 * Residents who asked for a person (人工 / 找社工 / 5), who wrote of fear or loneliness, or who
 * called for help without a bound record: a conversation between them and the station's workers.
 * Everything the resident writes meanwhile is added to it; the workers reply from the console, the
 * API or their own WeChat, and the reply reaches the resident through the outbox.
 */
export class HandoffService {
  constructor(
    private readonly ctx: Infra,
    private readonly deps: { chat: ChatService; notify: NotifyService; outbox: OutboxService },
  ) {}

  /** The hand-off in progress (open or taken) for this contact now, if any. */
  async active(stationId: number, contactId: string): Promise<Handoff | null> {
    const rows = await this.ctx.db.manager.find(Handoff, {
      where: { stationId, contactId, status: In(['open', 'taken']) }, order: { id: 'DESC' }, take: 1,
    });
    return rows[0] ?? null;
  }

  /**
   * Opens a hand-off with the recent conversation and tells the station's bound workers (unless
   * `notify` is false: a help call's alert already told them). A contact with one in progress gets
   * that one back (`created: false`), and the workers are not told twice.
   */
  async request(input: {
    stationId: number; contactId: string; contactName: string | null; residentId: number | null; reason?: HandoffReason; notify?: boolean;
  }): Promise<{ handoff: Handoff; created: boolean }> {
    const existing = await this.active(input.stationId, input.contactId);
    if (existing) return { handoff: existing, created: false };
    const recent = await this.deps.chat.recent(input.stationId, input.contactId, TRANSCRIPT_LENGTH);
    const transcript = recent.map((m) => ({ direction: m.direction, text: m.text.slice(0, TRANSCRIPT_TEXT_MAX), at: m.at.toISOString() }));
    const repo = this.ctx.db.manager.getRepository(Handoff);
    const now = this.ctx.clock.now();
    const handoff = await repo.save(repo.create({
      stationId: input.stationId, contactId: input.contactId, contactName: input.contactName?.slice(0, 50) ?? null,
      residentId: input.residentId, status: 'open', reason: input.reason ?? 'asked', takenBy: null, transcript, createdAt: now,
      lastMessageAt: now, remindedAt: null, note: null,
    }));
    if (input.notify === false) return { handoff, created: true };
    const who = await this.who(handoff);
    const lines = transcript.filter((t) => t.direction === 'in').slice(-3).map((t) => `“${t.text.slice(0, 60)}”`);
    const why = handoff.reason === 'lonely' ? '心里不好受，想找人说说话' : '想找社工聊聊';
    const text = [
      `【找社工】${who} ${why}（编号 ${handoff.id}）。`, ...(lines.length ? [`最近说：${lines.join(' ')}`] : []),
      `请在工作台“转人工”里接手，或直接回复“回复 ${handoff.id} 您要说的话”。`,
    ].join('\n');
    // Words of fear or loneliness wait for the morning like other notices; a request for a person too.
    await this.deps.notify.workers(input.stationId, text, {
      kind: 'handoff', priority: PRIORITY.alert, urgent: false, dedupeKey: handoffKey(handoff.id), refType: 'handoff', refId: handoff.id,
    });
    return { handoff, created: true };
  }

  /** Who a hand-off is with, in words: the resident's name, or the contact's name and that it is unbound. */
  async who(h: Pick<Handoff, 'residentId' | 'contactName'>): Promise<string> {
    const resident = h.residentId ? await this.ctx.db.manager.findOne(Resident, { where: { id: h.residentId }, select: { id: true, name: true } }) : null;
    return resident ? resident.name : `${h.contactName ?? '未绑定联系人'}（未绑定）`;
  }

  /**
   * Something the resident wrote while the hand-off is in progress: added to it; the worker who
   * took it hears of it on their WeChat.
   */
  async addIncoming(h: Handoff, text: string): Promise<HandoffMessage> {
    const now = this.ctx.clock.now();
    const msg = await this.insertMessage(h, 'in', text, null, now);
    if (h.status === 'taken' && h.takenBy !== null) {
      const w = await this.ctx.db.manager.findOne(Worker, { where: { id: h.takenBy, active: true } });
      if (w?.wechatContactId) {
        await this.deps.outbox.enqueue({
          stationId: h.stationId, toContactId: w.wechatContactId, toAlias: aliasFor('worker', w.id), kind: 'handoff_message',
          text: `【转人工 ${h.id}】${await this.who(h)} ${formatForChat(now)}：“${text.slice(0, 200)}”\n回复“回复 ${h.id} 您要说的话”。`,
          priority: PRIORITY.alert, urgent: false, dedupeKey: handoffInKey(h.id, msg.id), refType: 'handoff', refId: h.id,
        });
      }
    }
    return msg;
  }

  private async insertMessage(h: Handoff, direction: 'in' | 'out', text: string, workerId: number | null, at: Date): Promise<HandoffMessage> {
    const repo = this.ctx.db.manager.getRepository(HandoffMessage);
    const msg = await repo.save(repo.create({ handoffId: h.id, stationId: h.stationId, direction, text: text.slice(0, MESSAGE_TEXT_MAX), workerId, at }));
    await this.ctx.db.manager.update(Handoff, { id: h.id }, { lastMessageAt: at });
    return msg;
  }

  /** Everything said on a hand-off since it opened, oldest first. */
  messages(h: Pick<Handoff, 'id' | 'stationId'>): Promise<HandoffMessage[]> {
    return this.ctx.db.manager.find(HandoffMessage, { where: { handoffId: h.id, stationId: h.stationId }, order: { id: 'ASC' }, take: 1000 });
  }

  /**
   * A worker answers: the text is on the hand-off and goes to the resident's WeChat through the
   * outbox (a reply in a conversation the resident started: it does not wait for the morning). An
   * open hand-off becomes the replying worker's; a closed one is a 409.
   */
  async reply(actor: Actor, id: number, text: string): Promise<{ handoff: Handoff; message: HandoffMessage }> {
    const h = await this.get(actor, id);
    const worker = actingWorker(actor);
    const stationId = h.stationId;
    if (h.status === 'closed') throw conflict('handoff_closed', '该请求已结束，无法回复');
    const now = this.ctx.clock.now();
    if (h.status === 'open') {
      const took = await this.ctx.db.manager.update(Handoff, { id, stationId, status: 'open' }, { status: 'taken', takenBy: worker.id, takenAt: now });
      if (took.affected) await this.cancelWorkerNotices(id);
    }
    const message = await this.insertMessage(h, 'out', text, worker.id, now);
    await this.deps.outbox.enqueue({
      stationId, toContactId: h.contactId, toAlias: h.residentId ? aliasFor('resident', h.residentId) : null,
      text: `社工${worker.name}：${text}`, kind: 'handoff_reply', priority: PRIORITY.alert, urgent: true,
      dedupeKey: handoffOutKey(id, message.id), refType: 'handoff', refId: id,
    });
    return { handoff: await this.get(actor, id), message };
  }

  /**
   * The workers' notices and reminders about a hand-off that is now taken or closed: they would be
   * stale. Once it is closed, the resident's words still on their way to the worker are too (they
   * stay on the hand-off).
   */
  private cancelWorkerNotices(id: number, closed = false): Promise<number> {
    return this.deps.outbox.cancel('handoff', [id], ['handoff', 'handoff_reminder', ...(closed ? ['handoff_message'] : [])]);
  }

  /**
   * The step of the `handoffs` job: an open hand-off nobody took for two hours is reminded to the
   * workers once (the reminder waits for the morning in the quiet hours); one nobody took for a day,
   * or where nothing was said for a day, is closed with a note and the resident is told.
   */
  async sweep(at: Date): Promise<{ reminded: number; closed: number }> {
    const m = this.ctx.db.manager;
    let reminded = 0;
    let closed = 0;
    const due = await m.find(Handoff, {
      where: { status: 'open', remindedAt: IsNull(), createdAt: LessThanOrEqual(new Date(at.getTime() - HANDOFF_REMIND_AFTER_MS)) }, take: 1000,
    });
    for (const h of due) {
      if (at.getTime() - h.createdAt.getTime() >= HANDOFF_EXPIRE_MS) continue; // closed below
      const won = await m.update(Handoff, { id: h.id, status: 'open', remindedAt: IsNull() }, { remindedAt: at });
      if (!won.affected) continue;
      reminded++;
      const text = `【找社工·提醒】${await this.who(h)} ${formatForChat(h.createdAt)}想找社工，还没有人接手（编号 ${h.id}）。请在工作台“转人工”里接手，或回复“回复 ${h.id} 您要说的话”。`;
      await this.deps.notify.workers(h.stationId, text, {
        kind: 'handoff_reminder', priority: PRIORITY.alert, urgent: false, dedupeKey: handoffReminderKey(h.id), refType: 'handoff', refId: h.id,
      });
    }
    const cut = new Date(at.getTime() - HANDOFF_EXPIRE_MS);
    const stale = await m.find(Handoff, {
      where: [
        { status: 'open', createdAt: LessThanOrEqual(cut) },
        { status: 'taken', lastMessageAt: LessThanOrEqual(cut) },
      ],
      take: 1000,
    });
    for (const h of stale) {
      const note = h.status === 'open' ? EXPIRED_NOTE : IDLE_NOTE;
      const done = await m.update(Handoff, { id: h.id, status: h.status }, { status: 'closed', closedAt: at, note });
      if (!done.affected) continue;
      closed++;
      await this.cancelWorkerNotices(h.id, true);
      const station = await m.findOne(Station, { where: { id: h.stationId } });
      const phone = station?.phone ? `请打 ${station.phone}，` : '';
      const text = h.status === 'open'
        ? `很抱歉，社工这次没能及时回复您。您的话已经记下了，${phone}或回复“5”再找社工。`
        : `这次和社工的对话先结束了。有事随时发消息给我，${phone}或回复“5”再找社工。`;
      await this.deps.outbox.enqueue({
        stationId: h.stationId, toContactId: h.contactId, toAlias: h.residentId ? aliasFor('resident', h.residentId) : null, text,
        kind: 'handoff_closed', priority: PRIORITY.reminder, urgent: false, dedupeKey: handoffClosedKey(h.id), refType: 'handoff', refId: h.id,
      });
    }
    return { reminded, closed };
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
    const messages = rows.length ? await em.find(HandoffMessage, { where: { handoffId: In(rows.map((h) => h.id)) }, order: { id: 'ASC' } }) : [];
    return rows.map((h) => ({
      id: h.id, status: h.status, contactName: h.contactName, createdAt: toIso(h.createdAt), takenAt: toIso(h.takenAt),
      closedAt: toIso(h.closedAt), transcript: h.transcript, note: h.note,
      messages: messages.filter((x) => x.handoffId === h.id).map((x) => ({ direction: x.direction, text: x.text, at: toIso(x.at) })),
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
    await em.delete(HandoffMessage, { handoffId: In(ids) });
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
    await this.cancelWorkerNotices(id);
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
    await this.cancelWorkerNotices(id, true);
    const h = await this.get(actor, id);
    if (h.takenBy === null) await this.ctx.db.manager.update(Handoff, { id }, { takenBy: workerId });
    return this.get(actor, id);
  }
}
