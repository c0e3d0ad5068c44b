import { EntityManager, IsNull } from 'typeorm';
import { Alert, CheckinDay, CheckinPlan, Community, FamilyContact, PRIORITY, Resident } from '../entities';
import type { SignOfLifeSource } from '../entities';
import type { Actor } from './auth';
import type { Infra } from './infra';
import type { AccountStatusService } from './accounts';
import type { AlertService } from './alerts';
import type { NotifyService } from './notify';
import type { OutboxService } from './outbox';

import { conflict } from './errors';
import { boundResidentId } from './permissions';
import { localDate, localMinutes, toIso } from './time';
import { CheckinSweep, SweepSummary } from './checkin-sweep';
import { caseResident } from './checkin-plans';
import type { OutgoingMessage } from './outbox';
import { familyRows, MessageBase } from './messaging/audience';
import {
  checkinAllClearKey, checkinFamilyContactedKey, checkinMissedAlertKey, checkinReachedKey, checkinRepliedKey,
} from './messaging/keys';
import {
  familyAllClearText, familyAuthor, workerFamilyContactedText, workerReachedText, workerReplyText,
} from './checkin-texts';

export interface SignOfLife {
  residentId: number;
  at: Date;
  source: SignOfLifeSource;
  text?: string;
  workerId?: number;
  note?: string;
}

export interface SignOfLifeResult {
  confirmed: boolean;
  alreadyConfirmed: boolean;
  afterEscalation: boolean;
}

const SOURCE_LABEL: Record<SignOfLifeSource, string> = {
  text: '', voice: '[语音]', media: '[图片/表情]', miniapp: '[小程序报平安]', worker: '[社工确认]', family: '[家属已联系]',
};

/**
 * Daily check-ins (报平安) for elders living alone: signs of life (any message, the mini-program's
 * button, a worker's or the family's word) and the sweep the `checkins` job runs every minute
 * (checkin-sweep/). Plans are in checkin-plans.ts, the board and history in checkin-board.ts.
 */
export class CheckinService {
  constructor(
    private readonly ctx: Infra,
    private readonly deps: { accounts: AccountStatusService; alerts: AlertService; notify: NotifyService; outbox: OutboxService },
  ) {}


  /** A resident's check-in plan and days, for the export of everything held on them (PIPL). */
  async exportFor(em: EntityManager, resident: Resident): Promise<unknown> {
    const plan = await em.findOne(CheckinPlan, { where: { residentId: resident.id } });
    const days = await em.find(CheckinDay, { where: { residentId: resident.id }, order: { date: 'DESC' }, take: 366 });
    return {
      plan: plan && { remindAt: plan.remindAt, secondReminderMinutes: plan.secondReminderMinutes, graceMinutes: plan.graceMinutes, weekdays: plan.weekdays, pausedUntil: plan.pausedUntil, pauseReason: plan.pauseReason },
      days: days.map((d) => ({ date: d.date, status: d.status, confirmedAt: toIso(d.confirmedAt), confirmedSource: d.confirmedSource, note: d.note })),
    };
  }

  /** On erase: the plan goes; the days keep their status for statistics, without notes. */
  async eraseFor(em: EntityManager, resident: Resident): Promise<void> {
    await em.delete(CheckinPlan, { residentId: resident.id });
    await em.update(CheckinDay, { residentId: resident.id }, { note: null });
  }





  // ---------------------------------------------------------------- signs of life

  /**
   * Any sign of life confirms the local day of `at` (before the reminder: no reminder that day).
   * After the day was escalated the alert shows the reply, the family gets an all-clear and the
   * workers are told; the alert stays open until a worker resolves it. Null when the resident has
   * no enabled plan.
   */
  async recordSignOfLife(input: SignOfLife): Promise<SignOfLifeResult | null> {
    const out = await this.confirm(input, input.source === 'worker' ? (input.workerId ?? null) : null);
    return out?.result ?? null;
  }

  /**
   * A WeChat message from a bound resident: whatever it is (words, a voice message, a sticker), it
   * is a sign of life for a resident with a plan. Says whether it confirmed today just now and
   * whether they hold a plan (how the reply addresses them).
   */
  async messageFromResident(input: { residentId: number; at: Date; kind: 'text' | 'voice' | 'media'; text?: string }): Promise<{ newlyConfirmed: boolean; planHolder: boolean }> {
    const res = await this.recordSignOfLife({ residentId: input.residentId, at: input.at, source: input.kind, text: input.text });
    return { newlyConfirmed: Boolean(res && res.confirmed && !res.alreadyConfirmed), planHolder: res !== null };
  }

  /**
   * A family contact replied "已联系" (perhaps with more: "已联系，手机没电了，人没事"): the day is
   * confirmed (source `family`), their own words are kept on the elder's unresolved alerts and
   * the day, and the workers are told.
   */
  async familyContacted(input: { familyContactId: number; at: Date; words?: string }): Promise<boolean> {
    const f = await this.ctx.db.manager.findOne(FamilyContact, { where: { id: input.familyContactId } });
    if (!f) return false;
    const words = input.words?.trim().slice(0, 500) || null;
    if (words) for (const a of await this.deps.alerts.unresolvedOf([f.residentId])) await this.deps.alerts.addEntry(a, 'family', familyAuthor(f), words);
    const out = await this.confirm(
      { residentId: f.residentId, at: input.at, source: 'family', text: words ?? undefined, note: words ? `${familyAuthor(f)}：${words}` : `${familyAuthor(f)}已联系上老人` }, f.id, f,
    );
    if (!out) return false;
    if (out.confirmedNow && !out.alert) {
      const text = workerFamilyContactedText(out.community, out.resident, f, localMinutes(input.at), words);
      await this.deps.outbox.enqueue(await this.deps.notify.workerRows(out.resident.stationId, text, {
        kind: 'checkin_family', priority: PRIORITY.checkin, urgent: false, refType: 'checkin_day', refId: out.day.id,
        dedupeKey: checkinFamilyContactedKey(f.residentId, out.date, f.id),
      }));
    }
    return true;
  }

  private async confirm(input: SignOfLife, confirmedBy: number | null, byFamily?: FamilyContact): Promise<{
    result: SignOfLifeResult; confirmedNow: boolean; alert: Alert | null; day: CheckinDay; date: string; resident: Resident; community: string | null;
  } | null> {
    const m = this.ctx.db.manager;
    const plan = await m.findOne(CheckinPlan, { where: { residentId: input.residentId } });
    if (!plan || !plan.enabled) return null;
    const resident = await m.findOne(Resident, { where: { id: input.residentId } });
    if (!resident || resident.erasedAt) return null;
    const date = localDate(input.at);
    const repo = m.getRepository(CheckinDay);
    let day = await repo.findOne({ where: { residentId: resident.id, date } });
    const before = day ? { status: day.status, told: day.workersToldAt } : null;
    const note = input.note?.slice(0, 500) ?? null;
    let confirmedNow = false;
    if (!day) {
      // A sign of life before the day opened: the day starts confirmed, so no reminder goes out.
      confirmedNow = (await this.ctx.db.affected(repo.createQueryBuilder().insert().into(CheckinDay).values({
        residentId: resident.id, stationId: resident.stationId, date, status: 'confirmed',
        remindMinute: plan.remindMinute, secondMinute: plan.remindMinute + plan.secondReminderMinutes,
        deadlineMinute: plan.remindMinute + plan.graceMinutes, confirmedAt: input.at, confirmedSource: input.source,
        confirmedBy, note,
      }).orIgnore())) > 0;
      day = await repo.findOneOrFail({ where: { residentId: resident.id, date } });
    }
    if (!confirmedNow && !day.confirmedAt) {
      const res = await repo.update({ id: day.id, confirmedAt: IsNull() }, {
        status: 'confirmed', confirmedAt: input.at, confirmedSource: input.source, confirmedBy, note,
      });
      confirmedNow = (res.affected ?? 0) > 0;
      day = await repo.findOneOrFail({ where: { id: day.id } });
    }
    // The alert, if the day was escalated (looked up by its key: the day may not point at it yet).
    const alert = await m.findOne(Alert, { where: { dedupeKey: checkinMissedAlertKey(resident.id, date) } });
    const result = { confirmed: true, alreadyConfirmed: !confirmedNow, afterEscalation: alert !== null };
    const community = (await m.findOne(Community, { where: { id: resident.communityId } }))?.name ?? null;
    const minute = localMinutes(input.at);
    const elderOwn = ['text', 'voice', 'media', 'miniapp'].includes(input.source);
    if (alert && alert.status !== 'resolved' && (confirmedNow || elderOwn)) {
      const label = SOURCE_LABEL[input.source];
      const said = input.source === 'text' && input.text ? input.text : (input.source === 'family' || input.source === 'worker') && note ? `${label} ${note}` : label;
      await this.deps.alerts.recordReply(resident.id, said || '[回复]', input.at);
    }
    if (confirmedNow && alert) {
      const extra: MessageBase = { kind: 'checkin_all_clear', priority: PRIORITY.alert, urgent: true, refType: 'alert', refId: alert.id, dedupeKey: null };
      const family = (await this.deps.notify.boundFamily(resident.id)).filter((f) => !byFamily || f.id !== byFamily.id);
      const messages: OutgoingMessage[] = familyRows(resident.stationId, family, (f) => familyAllClearText(resident, f.relation, minute, input.source), {
        ...extra, dedupeKey: checkinAllClearKey(resident.id, date),
      });
      // The workers hear of it while the alert is theirs to close; a closed one needs nothing more.
      if (alert.status !== 'resolved') {
        const text = workerReplyText(community, resident, minute, input.source, alert.id, byFamily?.name, byFamily ? input.text : null);
        messages.push(...(await this.deps.notify.workerRows(resident.stationId, text, { ...extra, kind: 'checkin_replied', dedupeKey: checkinRepliedKey(resident.id, date) })));
      }
      await this.deps.outbox.enqueue(messages);
    } else if (confirmedNow && before?.status === 'unreachable' && before.told) {
      const text = workerReachedText(community, resident, minute);
      await this.deps.outbox.enqueue(await this.deps.notify.workerRows(resident.stationId, text, {
        kind: 'checkin_reached', priority: PRIORITY.alert, urgent: true, refType: 'checkin_day', refId: day.id,
        dedupeKey: checkinReachedKey(resident.id, date),
      }));
    }
    this.ctx.logger.info({ residentId: resident.id, date, source: input.source, confirmedNow, afterEscalation: alert !== null }, 'check-in sign of life');
    return { result, confirmedNow, alert, day, date, resident, community };
  }

  /** A worker saw or phoned the elder: today is confirmed. 409 when the resident has no enabled plan. */
  async confirmByWorker(actor: Actor, residentId: number, note: string | null): Promise<{ day: CheckinDay; result: SignOfLifeResult }> {
    const r = await caseResident(this.ctx, actor, residentId);
    const workerId = actor.kind === 'worker' ? actor.id : undefined;
    const at = this.ctx.clock.now();
    const result = await this.recordSignOfLife({ residentId: r.id, at, source: 'worker', workerId, note: note ?? undefined });
    if (!result) throw conflict('no_checkin_plan', '该居民没有启用的报平安计划');
    return { day: await this.dayOf(r.id, localDate(at)), result };
  }

  /** The mini-program's check-in: the bound resident's today is confirmed. */
  async confirmBySelf(actor: Actor): Promise<{ day: CheckinDay; result: SignOfLifeResult }> {
    const residentId = boundResidentId(actor);
    const at = this.ctx.clock.now();
    const result = await this.recordSignOfLife({ residentId, at, source: 'miniapp' });
    if (!result) throw conflict('no_checkin_plan', '您还没有报平安计划，请联系社工开通');
    return { day: await this.dayOf(residentId, localDate(at)), result };
  }

  private dayOf(residentId: number, date: string): Promise<CheckinDay> {
    return this.ctx.db.manager.findOneOrFail(CheckinDay, { where: { residentId, date } });
  }


  // ---------------------------------------------------------------- board and history







  // ---------------------------------------------------------------- the job

  /** One run of the `checkins` job for the application instant `at`. */
  sweep(at: Date): Promise<SweepSummary> {
    return new CheckinSweep(this.ctx, this.deps, at).run();
  }

}

/** Re-exported so callers need one import. */
