import { EntityManager, In, IsNull, Not } from 'typeorm';
import { Alert, AlertEntry, AlertOutcome, AlertStatus, CheckinDay, Community, FamilyContact, PRIORITY, Resident, ServiceRecord } from '../entities';
import type { Infra } from './infra';
import type { NotifyService } from './notify';
import type { ChatService } from './chat';
import type { OutboxService } from './outbox';

import { conflict, isUniqueViolation } from './errors';
import { localDate, localMinutes, toIso } from './time';
import { familyAllClearText, familyAuthor, workerFamilyWordsText } from './checkin-texts';
import { placeholders } from './db';
import { alertEntryKey, alertKey, checkinAllClearKey, DedupeKey, distressKey } from './messaging/keys';
import type { Actor } from './auth';
import { actingWorker, assertCaseRecord, caseStationId } from './permissions';
import { insertServiceRecord } from './record-store';
import type { SatisfactionService } from './satisfaction';

/** What an erased resident's alert says instead of its summary, by type (statistics keep the alert). */
const ERASED_SUMMARY: Record<string, string> = {
  help_call: '已删除的居民：紧急求助', checkin_missed: '已删除的居民：未报平安',
};
const ERASED_SUMMARY_OTHER = '已删除的居民：告警';
/** Alerts of one resident in their export (PIPL). */
const EXPORT_ALERTS_MAX = 1000;

/** An alert with the names the console shows next to it. */
export type AlertWithNames = Alert & { residentName: string | null; communityName: string | null };

export interface AlertFilter {
  status?: AlertStatus;
  type?: string;
  residentId?: number;
  limit: number;
  offset: number;
}

export interface RaiseAlert {
  stationId: number;
  residentId?: number | null;
  type: string;
  summary: string;
  /** One alert per cause: raising the same key again returns the existing alert. */
  dedupeKey?: string;
  /** Urgent text to the station's bound workers (quiet hours do not apply). */
  workerText?: string;
  /** Urgent text to the resident's bound family. */
  familyText?: string;
}

/** A message of distress from a WeChat contact (a help call or a crisis). */
export interface DistressCall {
  type: 'help_call' | 'crisis';
  stationId: number;
  contactId: string;
  residentId: number | null;
  /** Who wrote, in words (王秀英, 家属王小明, 未绑定联系人“老李”). */
  who: string;
  said: string;
  /** To the workers when the alert is raised; `{id}` becomes its number. */
  workerText: string;
  familyText?: string;
  /** To the workers when the message joins an alert already open. */
  followUpWorkerText: string;
  followUpFamilyText?: string;
}

/** Closed alerts in one window after which calls stop opening new ones (a flood after closing). */
const DISTRESS_REOPEN_MAX = 5;
/** Notices that would be stale once a worker has seen an alert: "nobody has confirmed it yet". */
const UNSEEN_NOTICE_KINDS = ['alert_escalation'];
/**
 * Notices that would be stale once an alert is closed: the alarms, escalations and "the elder
 * replied" still waiting. The family's all-clear is good news and still goes.
 */
const OPEN_NOTICE_KINDS = [...UNSEEN_NOTICE_KINDS, 'alert_checkin_missed', 'alert_family_silent', 'alert_family_words', 'checkin_replied'];
/** Outcomes that mean the elder was found well: that day shows as confirmed on the board. */
const WELL_OUTCOMES: AlertOutcome[] = ['safe', 'visited'];

/**
 * The outcome a worker's own words name (`已处理 6 电话确认平安`): 医院/住院 → hospital,
 * 上门/走访 → visited, 平安/没事 → safe, anything else (or nothing) → other.
 */
export function outcomeFromWords(words: string): AlertOutcome {
  if (/医院|住院|送医|120/.test(words)) return 'hospital';
  if (/上门|走访|入户|去了家里|到家里/.test(words)) return 'visited';
  if (/平安|没事|无事|安全|挺好|很好|没问题|无异常/.test(words)) return 'safe';
  return 'other';
}

/** Alerts: raised by help calls, silent elders and accounts that went down; closed by a worker with an outcome. */
export class AlertService {
  constructor(
    private readonly ctx: Infra,
    private readonly deps: { notify: NotifyService; chat: ChatService; satisfaction: SatisfactionService; outbox: OutboxService },
  ) {}

  /** Raises an alert and tells the workers (and family) at once; idempotent by dedupe key. */
  async raise(input: RaiseAlert): Promise<{ alert: Alert; created: boolean }> {
    const repo = this.ctx.db.manager.getRepository(Alert);
    if (input.dedupeKey) {
      const existing = await repo.findOne({ where: { dedupeKey: input.dedupeKey } });
      if (existing) return { alert: existing, created: false };
    }
    let alert: Alert;
    try {
      alert = await repo.save(repo.create({
        stationId: input.stationId, residentId: input.residentId ?? null, type: input.type, status: 'open',
        summary: input.summary.slice(0, 500), dedupeKey: input.dedupeKey ?? null, escalationLevel: 0,
        createdAt: this.ctx.clock.now(),
      }));
    } catch (err) {
      if (input.dedupeKey && isUniqueViolation(err)) {
        return { alert: await repo.findOneOrFail({ where: { dedupeKey: input.dedupeKey } }), created: false };
      }
      throw err;
    }
    const extra = { kind: `alert_${input.type}`, priority: PRIORITY.alert, urgent: true, dedupeKey: alertKey(alert.id), refType: 'alert', refId: alert.id };
    const workerText = input.workerText?.replace('{id}', String(alert.id));
    if (workerText) await this.deps.notify.workers(input.stationId, workerText, extra);
    if (input.familyText && input.residentId) {
      await this.deps.notify.family({ id: input.residentId, stationId: input.stationId }, input.familyText, extra);
    }
    this.ctx.logger.info({ alertId: alert.id, type: alert.type, stationId: alert.stationId }, 'alert raised');
    return { alert, created: true };
  }

  /**
   * A call for help or a crisis from a WeChat contact: an urgent alert to the workers (and the
   * family) at once. Repeated calls of one contact within half an hour share the alert, but none is
   * lost: each is added to it and sent to the workers and family at once, urgent. A call after the
   * alert was closed opens a new one.
   */
  async raiseDistress(input: DistressCall): Promise<{ alert: Alert; created: boolean }> {
    const now = this.ctx.clock.now();
    let last: Alert | null = null;
    for (let n = 1; n <= DISTRESS_REOPEN_MAX; n++) {
      const { alert, created } = await this.raise({
        stationId: input.stationId, residentId: input.residentId, type: input.type, summary: `${input.who}：${input.said}`,
        dedupeKey: distressKey(input.type, input.stationId, input.contactId, now, n), workerText: input.workerText, familyText: input.familyText,
      });
      last = alert;
      if (created) {
        await this.addEntry(alert, 'message', input.who, input.said);
        return { alert, created };
      }
      if (alert.status === 'resolved') continue;
      const entry = await this.addEntry(alert, 'message', input.who, input.said);
      const extra = {
        kind: `alert_${input.type}_more`, priority: PRIORITY.alert, urgent: true, dedupeKey: alertEntryKey(alert.id, entry.id), refType: 'alert', refId: alert.id,
      };
      await this.deps.notify.workers(input.stationId, input.followUpWorkerText.replace('{id}', String(alert.id)), extra);
      if (input.followUpFamilyText && input.residentId) {
        await this.deps.notify.family({ id: input.residentId, stationId: input.stationId }, input.followUpFamilyText, extra);
      }
      return { alert, created: false };
    }
    // A flood of calls closing and reopening: the last alert carries the rest.
    await this.addEntry(last!, 'message', input.who, input.said);
    return { alert: last!, created: false };
  }

  /** Adds something said to an alert (another call, the family's words, a note). */
  async addEntry(alert: Pick<Alert, 'id' | 'stationId'>, kind: string, author: string | null, text: string): Promise<AlertEntry> {
    const repo = this.ctx.db.manager.getRepository(AlertEntry);
    return repo.save(repo.create({
      alertId: alert.id, stationId: alert.stationId, kind, author: author?.slice(0, 60) ?? null, text: text.slice(0, 500), at: this.ctx.clock.now(),
    }));
  }

  /** The alerts of these residents still waiting for a worker (open or acknowledged), oldest first. */
  unresolvedOf(residentIds: number[]): Promise<Alert[]> {
    if (!residentIds.length) return Promise.resolve([]);
    return this.ctx.db.manager.find(Alert, { where: { residentId: In(residentIds), status: In(['open', 'acknowledged']) }, order: { id: 'ASC' }, take: 20 });
  }

  /**
   * A family contact's own words about an elder whose alert is still open ("她在邻居家打牌呢"):
   * kept on each such alert and sent to the workers at once. Returns the alerts (none: nothing done).
   */
  async fromFamily(f: FamilyContact, words: string): Promise<Alert[]> {
    const open = await this.unresolvedOf([f.residentId]);
    if (!open.length) return open;
    const resident = await this.ctx.db.manager.findOneOrFail(Resident, { where: { id: f.residentId }, select: { id: true, name: true } });
    for (const a of open) {
      const entry = await this.addEntry(a, 'family', familyAuthor(f), words);
      await this.deps.notify.workers(a.stationId, workerFamilyWordsText(resident, f, words, a.id), {
        kind: 'alert_family_words', priority: PRIORITY.alert, urgent: true, dedupeKey: alertEntryKey(a.id, entry.id), refType: 'alert', refId: a.id,
      });
    }
    return open;
  }

  /** Everything said on an alert after it was raised, oldest first (the alert was read through `get`). */
  entries(alert: Pick<Alert, 'id' | 'stationId'>): Promise<AlertEntry[]> {
    return this.ctx.db.manager.find(AlertEntry, { where: { stationId: alert.stationId, alertId: alert.id }, order: { id: 'ASC' }, take: 500 });
  }

  /**
   * Raises many alerts in one statement (the sweeps: thousands at once), telling nobody: the caller
   * queues its own messages with the ids. Idempotent by dedupe key; returns each key's alert id.
   */
  async raiseMany(alerts: { stationId: number; residentId: number | null; type: string; summary: string; dedupeKey: DedupeKey }[], at: Date): Promise<Map<DedupeKey, number>> {
    if (!alerts.length) return new Map();
    await this.ctx.db.insertMany('alerts', ['stationId', 'residentId', 'type', 'status', 'summary', 'dedupeKey', 'escalationLevel', 'createdAt'],
      alerts.map((a) => [a.stationId, a.residentId, a.type, 'open', a.summary.slice(0, 500), a.dedupeKey, 0, at]), { ignore: true });
    const rows = await this.ctx.db.rows<{ id: number; dedupeKey: string }>(
      `SELECT id, dedupeKey FROM alerts WHERE dedupeKey IN (${placeholders(alerts.length)})`, alerts.map((a) => a.dedupeKey),
    );
    return new Map(rows.map((r) => [r.dedupeKey, Number(r.id)]));
  }

  /** An alert of the caller's station (403 for a county admin, 404 for another station's). */
  async get(actor: Actor, id: number): Promise<Alert> {
    const alert = await this.ctx.db.manager.findOne(Alert, { where: { id } });
    assertCaseRecord(actor, alert, '告警');
    return alert;
  }

  /** The caller's station's alerts in a state (newest first, at most 500). */
  async list(actor: Actor, status?: AlertStatus): Promise<Alert[]> {
    return this.ctx.db.manager.find(Alert, {
      where: { stationId: caseStationId(actor), ...(status ? { status } : { status: In(['open', 'acknowledged', 'resolved']) }) },
      order: { id: 'DESC' },
      take: 500,
    });
  }

  /** The alerts still waiting for a worker (open or acknowledged), newest first, with names. */
  async listOpen(actor: Actor, limit = 100): Promise<AlertWithNames[]> {
    const rows = await this.ctx.db.manager.find(Alert, {
      where: { stationId: caseStationId(actor), status: In(['open', 'acknowledged']) },
      order: { id: 'DESC' },
      take: limit,
    });
    return this.withNames(rows);
  }

  /** A worker has seen it. */
  async acknowledge(actor: Actor, id: number): Promise<Alert> {
    const alert = await this.get(actor, id);
    const workerId = actingWorker(actor).id;
    if (alert.status === 'resolved') throw conflict('alert_resolved', '该告警已处理完毕');
    if (alert.status === 'open') {
      await this.ctx.db.manager.update(Alert, { id, status: 'open' }, { status: 'acknowledged', acknowledgedAt: this.ctx.clock.now(), acknowledgedBy: workerId });
      await this.deps.outbox.cancel('alert', [id], UNSEEN_NOTICE_KINDS);
    }
    return this.get(actor, id);
  }

  /**
   * A worker closes it with an outcome; only a worker does (a reply from the elder does not). The
   * close is a conditional update, so two workers closing at once get one success and one 409; a
   * `visited` outcome on a resident's alert records the home visit as a service record. Notices
   * about it still waiting are cancelled, and `safe` or `visited` shows the elder confirmed on the
   * board of the day the alert was about.
   */
  async resolve(actor: Actor, id: number, outcome: AlertOutcome, note: string | null): Promise<Alert> {
    const alert = await this.get(actor, id);
    const workerId = actingWorker(actor).id;
    const stationId = alert.stationId;
    if (alert.status === 'resolved') throw conflict('alert_resolved', '该告警已处理完毕');
    const now = this.ctx.clock.now();
    const done = await this.ctx.db.manager.update(Alert, { id, status: Not('resolved') }, {
      status: 'resolved', resolvedAt: now, resolvedBy: workerId, outcome, note,
      acknowledgedAt: alert.acknowledgedAt ?? now, acknowledgedBy: alert.acknowledgedBy ?? workerId,
    });
    if (!done.affected) throw conflict('alert_resolved', '该告警已处理完毕');
    await this.deps.outbox.cancel('alert', [id], OPEN_NOTICE_KINDS);
    if (WELL_OUTCOMES.includes(outcome) && alert.residentId !== null) await this.confirmDayOf(alert, alert.residentId, workerId, note, now);
    if (outcome === 'visited' && alert.residentId !== null) {
      const record = await insertServiceRecord(this.ctx.db.manager, {
        stationId, type: 'home_visit', date: localDate(now), summary: (note?.trim() || '告警后入户走访').slice(0, 2000),
        residentIds: [alert.residentId], source: 'alert', alertId: id, createdBy: workerId,
      });
      await this.deps.satisfaction.askAfter(record);
    }
    return this.get(actor, id);
  }

  /**
   * A missed check-in's alert closed as safe or visited: that day shows the elder confirmed (by the
   * worker), and the family, who had the alarm, hears she is well.
   */
  private async confirmDayOf(alert: Alert, residentId: number, workerId: number, note: string | null, now: Date): Promise<void> {
    const m = this.ctx.db.manager;
    const day = await m.findOne(CheckinDay, { where: { alertId: alert.id, residentId } });
    if (!day || day.confirmedAt) return;
    const done = await m.update(CheckinDay, { id: day.id, confirmedAt: IsNull() }, {
      status: 'confirmed', confirmedAt: now, confirmedSource: 'worker', confirmedBy: workerId, note: (note?.trim() || '社工处理告警时确认平安').slice(0, 500),
    });
    if (!done.affected) return;
    const r = await m.findOneOrFail(Resident, { where: { id: residentId } });
    await this.deps.notify.family(r, (f) => familyAllClearText(r, f.relation, localMinutes(now), 'worker'), {
      kind: 'checkin_all_clear', priority: PRIORITY.alert, urgent: true, dedupeKey: checkinAllClearKey(residentId, day.date), refType: 'alert', refId: alert.id,
    });
  }

  /** A page of the caller's station's alerts, newest first, with resident and community names. */
  async listPage(actor: Actor, filter: AlertFilter): Promise<{ items: AlertWithNames[]; total: number }> {
    const where = {
      stationId: caseStationId(actor), ...(filter.status ? { status: filter.status } : {}), ...(filter.type ? { type: filter.type } : {}),
      ...(filter.residentId ? { residentId: filter.residentId } : {}),
    };
    const [rows, total] = await this.ctx.db.manager.findAndCount(Alert, { where, order: { id: 'DESC' }, take: filter.limit, skip: filter.offset });
    return { items: await this.withNames(rows), total };
  }

  /** Adds resident and community names to alerts (two queries, whatever the count). */
  async withNames(rows: Alert[]): Promise<AlertWithNames[]> {
    const ids = [...new Set(rows.map((a) => a.residentId).filter((x): x is number => x !== null))];
    const residents = ids.length ? await this.ctx.db.manager.find(Resident, { where: { id: In(ids) }, select: { id: true, name: true, communityId: true } }) : [];
    const cids = [...new Set(residents.map((r) => r.communityId))];
    const communities = cids.length ? await this.ctx.db.manager.find(Community, { where: { id: In(cids) } }) : [];
    const rById = new Map(residents.map((r) => [r.id, r]));
    const cById = new Map(communities.map((c) => [c.id, c.name]));
    return rows.map((a) => {
      const r = a.residentId !== null ? rById.get(a.residentId) : undefined;
      return Object.assign(a, { residentName: r?.name ?? null, communityName: r ? (cById.get(r.communityId) ?? null) : null });
    });
  }

  /** A resident's alerts, with their replies and outcomes, for the export of everything held on them. */
  async exportFor(em: EntityManager, resident: Resident): Promise<unknown> {
    const rows = await em.find(Alert, { where: { residentId: resident.id, stationId: resident.stationId }, order: { id: 'ASC' }, take: EXPORT_ALERTS_MAX });
    const entries = rows.length ? await em.find(AlertEntry, { where: { alertId: In(rows.map((a) => a.id)) }, order: { id: 'ASC' } }) : [];
    return rows.map((a) => ({
      entries: entries.filter((e) => e.alertId === a.id).map((e) => ({ kind: e.kind, author: e.author, text: e.text, at: toIso(e.at) })),
      id: a.id, type: a.type, status: a.status, summary: a.summary, createdAt: toIso(a.createdAt),
      acknowledgedAt: toIso(a.acknowledgedAt), resolvedAt: toIso(a.resolvedAt), outcome: a.outcome, note: a.note,
      replyAt: toIso(a.replyAt), replyText: a.replyText,
    }));
  }

  /**
   * On erase: the alerts stay for the statistics (type, status, times, outcome) with a neutral
   * summary and without the elder's reply or the worker's note; what was sent about them loses
   * its text, and a home visit recorded from one loses its summary.
   */
  async eraseFor(em: EntityManager, resident: Resident): Promise<void> {
    const where = { residentId: resident.id, stationId: resident.stationId };
    const rows = await em.find(Alert, { where, select: { id: true, type: true } });
    if (!rows.length) return;
    for (const type of new Set(rows.map((a) => a.type))) {
      await em.update(Alert, { ...where, type }, { summary: ERASED_SUMMARY[type] ?? ERASED_SUMMARY_OTHER, replyText: null, note: null });
    }
    const ids = rows.map((a) => a.id);
    await em.delete(AlertEntry, { alertId: In(ids) });
    await em.update(ServiceRecord, { stationId: resident.stationId, alertId: In(ids) }, { summary: '告警后入户走访' });
    await this.deps.chat.eraseSentAbout(em, resident.stationId, 'alert', ids);
  }

  /** Shows a resident's sign of life on their unresolved alerts; returns those alerts. */
  async recordReply(residentId: number, text: string, at: Date): Promise<Alert[]> {
    const open = await this.ctx.db.manager.find(Alert, { where: { residentId, status: In(['open', 'acknowledged']) } });
    for (const a of open) await this.ctx.db.manager.update(Alert, { id: a.id }, { replyAt: at, replyText: text.slice(0, 500) });
    return open;
  }
}
