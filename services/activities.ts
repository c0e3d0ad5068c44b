import { z } from 'zod';
import { EntityManager, In, MoreThan } from 'typeorm';
import { Activity, ActivitySignup, ACTIVITY_KINDS, PRIORITY, Resident, ServiceRecord } from '../entities';
import type { Audience, SignupStatus } from '../entities';
import type { Actor } from './auth';
import type { Infra } from './infra';
import { dbInstant } from './db';
import { activityCancelledText, activityDate, activityReminderText } from './activity-texts';
import { audienceSchema, AudienceService, inAudience } from './audience';
import { addressResident } from './address';
import { badRequest, conflict, isUniqueViolation, notFound } from './errors';
import { residentAddress } from './messaging/audience';
import { activityCancelledKey, activityReminderKey } from './messaging/keys';
import type { OutboxService, OutgoingMessage } from './outbox';
import { assertCases, canSeeResidentRecord, canWorkCases, chatStationId, ownStationId, residentActedFor, selfResidentId } from './permissions';
import { addDays, atLocal, localDate } from './time';
import { insertServiceRecord, syncRecordResidents } from './record-store';
import type { SatisfactionService } from './satisfaction';

const DAY_MS = 86400_000;
/** Activities further ahead than this are refused (a typo in the year). */
const ACTIVITY_HORIZON_DAYS = 366;
/** The numbered list the bot shows holds at most this many. */
const CHAT_LIST_MAX = 9;

const instant = z.string().refine((s) => !Number.isNaN(Date.parse(s)), '需要 ISO 8601 时间，例如 2026-12-05T09:00:00+08:00').transform((s) => new Date(s));
const text = (max: number) => z.string().trim().min(1, '不能为空').max(max, `最多 ${max} 个字`);

/** A new activity, as both doors take it. */
export const activityCreateSchema = z.object({
  stationId: z.number().int().positive().optional(),
  title: text(100),
  description: z.string().trim().max(2000, '最多 2000 个字').default(''),
  startsAt: instant,
  endsAt: instant,
  location: text(200),
  capacity: z.number().int().min(1, '名额至少 1 人').max(100_000).nullable().optional(),
  signupDeadline: instant.nullable().optional(),
  audience: audienceSchema,
  kind: z.enum(ACTIVITY_KINDS).default('community'),
});
export type ActivityCreate = Omit<z.output<typeof activityCreateSchema>, 'audience'> & { audience: Audience };

/** Attendance recorded after an activity: who came, who did not. */
export const attendanceSchema = z.object({
  attended: z.array(z.number().int().positive()).max(5000),
  noShow: z.array(z.number().int().positive()).max(5000).default([]),
});

export type SignupSource = 'chat' | 'miniapp' | 'worker' | 'notice';

/** A sign-up with the resident's name, for the station's workers. */
export type SignupRow = ActivitySignup & { residentName: string };

/**
 * Activities and sign-ups: who may see and join what, seats and deadlines kept by conditional
 * updates (never read-then-write), reminders the day before, and attendance that becomes the
 * activity's service record (社区活动 or 小组 sessions in the station's statistics).
 */
export class ActivityService {
  constructor(
    private readonly ctx: Infra,
    private readonly deps: { outbox: OutboxService; audience: AudienceService; satisfaction: SatisfactionService },
  ) {}

  private get db() {
    return this.ctx.db;
  }

  private get clock() {
    return this.ctx.clock;
  }

  /** A worker creates an activity for their station; times checked, audience checked against the station. */
  async create(actor: Actor, input: ActivityCreate): Promise<Activity> {
    const stationId = ownStationId(actor);
    if (input.stationId !== undefined && input.stationId !== stationId) throw notFound('站点');
    const now = this.clock.now();
    if (input.startsAt <= now) throw badRequest('starts_in_past', '活动开始时间已经过去了，请改成以后的时间');
    if (input.startsAt.getTime() > now.getTime() + ACTIVITY_HORIZON_DAYS * DAY_MS) throw badRequest('starts_too_far', '活动时间太远了（一年以内），请检查年份');
    if (input.endsAt <= input.startsAt) throw badRequest('ends_before_start', '结束时间要晚于开始时间');
    const deadline = input.signupDeadline ?? null;
    if (deadline && (deadline > input.startsAt || deadline <= now)) throw badRequest('bad_deadline', '报名截止时间应在现在和活动开始之间');
    const audience = input.audience;
    await this.deps.audience.validate(stationId, { ...audience, rooms: undefined });
    const repo = this.db.manager.getRepository(Activity);
    return repo.save(repo.create({
      stationId, title: input.title, description: input.description, startsAt: input.startsAt, endsAt: input.endsAt,
      location: input.location, capacity: input.capacity ?? null, signedUp: 0, signupDeadline: deadline, audience,
      kind: input.kind, status: 'scheduled', serviceRecordId: null, createdBy: actor.kind === 'worker' ? actor.id : null,
    }));
  }

  /**
   * Upcoming activities of a station as the caller may see them: a worker of the station all of
   * them, a resident those whose audience they are in, anyone else those open to whole
   * communities or the station.
   */
  async upcoming(actor: Actor, stationId: number, page: { limit: number; offset: number } = { limit: 50, offset: 0 }): Promise<{ items: Activity[]; total: number }> {
    const rows = await this.db.manager.find(Activity, {
      where: { stationId, status: 'scheduled', endsAt: MoreThan(this.clock.now()) }, order: { startsAt: 'ASC', id: 'ASC' }, take: 2000,
    });
    let visible = rows;
    if (!canWorkCases(actor, stationId)) {
      const self = selfResidentId(actor);
      const resident = self ? await this.db.manager.findOne(Resident, { where: { id: self } }) : null;
      visible = resident && resident.stationId === stationId ? rows.filter((a) => inAudience(resident, a.audience)) : rows.filter(isOpen);
    }
    return { items: visible.slice(page.offset, page.offset + page.limit), total: visible.length };
  }

  /**
   * What the bot lists to whoever writes to a station's account: a bound resident their audience (not
   * yet started), anyone else the open ones. `resident` is the writer's own, already loaded (another: 404).
   */
  async forChat(actor: Actor, resident: Resident | null): Promise<Activity[]> {
    const stationId = chatStationId(actor);
    if (resident && (resident.id !== selfResidentId(actor) || resident.stationId !== stationId)) throw notFound('居民');
    const rows = await this.db.manager.find(Activity, {
      where: { stationId, status: 'scheduled', startsAt: MoreThan(this.clock.now()) }, order: { startsAt: 'ASC', id: 'ASC' }, take: 500,
    });
    return rows.filter((a) => (resident ? inAudience(resident, a.audience) : isOpen(a))).slice(0, CHAT_LIST_MAX);
  }

  /** One activity the caller may see, or 404. */
  async get(actor: Actor, id: number): Promise<Activity> {
    const a = await this.db.manager.findOne(Activity, { where: { id } });
    if (!a || !(await this.visibleTo(actor, a))) throw notFound('活动');
    return a;
  }

  private async visibleTo(actor: Actor, a: Activity): Promise<boolean> {
    if (canWorkCases(actor, a.stationId)) return true;
    const self = selfResidentId(actor);
    if (self) {
      const r = await this.db.manager.findOne(Resident, { where: { id: self } });
      if (r && r.stationId === a.stationId) return inAudience(r, a.audience) || isOpen(a);
    }
    return isOpen(a);
  }

  /** An activity of the worker's station, or 404. */
  async ofStation(actor: Actor, id: number): Promise<Activity> {
    const a = await this.db.manager.findOne(Activity, { where: { id } });
    if (!a) throw notFound('活动');
    assertCases(actor, a.stationId, '活动');
    return a;
  }

  /**
   * Signs a resident up: themselves (a bound resident, by chat or the mini-program) or by a
   * worker of their station. One transaction: the seat is taken by a conditional update (open,
   * not started, before the deadline, a seat left), then the sign-up row; a second sign-up is a 409
   * and takes no seat. 409 `activity_full` / `signup_closed` / `already_signed_up`.
   */
  async signUp(actor: Actor, activityId: number, options: { residentId?: number; source: SignupSource }): Promise<ActivitySignup> {
    const { residentId, byWorker } = residentActedFor(actor, options.residentId);
    const [activity, resident] = await Promise.all([
      this.db.manager.findOne(Activity, { where: { id: activityId } }),
      this.db.manager.findOne(Resident, { where: { id: residentId } }),
    ]);
    if (!activity) throw notFound('活动');
    if (byWorker) assertCases(actor, activity.stationId, '活动');
    if (!resident || resident.erasedAt || resident.stationId !== activity.stationId) throw notFound('居民');
    if (!byWorker && !inAudience(resident, activity.audience) && !isOpen(activity)) throw notFound('活动');
    if (resident.status !== 'active') throw conflict('resident_inactive', '该居民当前不在服务状态（住院、迁出等），不能报名');
    const now = this.clock.now();
    const source = byWorker ? 'worker' : options.source;
    return this.db.transaction(async (em) => {
      const taken = await em.createQueryBuilder().update(Activity).set({ signedUp: () => 'signedUp + 1' })
        .where(`id = :id AND status = 'scheduled' AND startsAt > :now AND (signupDeadline IS NULL OR signupDeadline > :now)
          AND (capacity IS NULL OR signedUp < capacity)`, { id: activityId, now: dbInstant(now) })
        .execute();
      if (!taken.affected) throw await this.whyClosed(em, activityId, residentId, now);
      const again = await em.update(ActivitySignup, { activityId, residentId, status: In(['cancelled', 'no_show']) }, {
        status: 'signed_up', source, signedUpAt: now, cancelledAt: null,
      });
      if (!again.affected) {
        try {
          await em.insert(ActivitySignup, { activityId, stationId: activity.stationId, residentId, status: 'signed_up', source, signedUpAt: now, cancelledAt: null });
        } catch (err) {
          if (isUniqueViolation(err)) throw conflict('already_signed_up', '已经报过名了');
          throw err;
        }
      }
      return em.findOneByOrFail(ActivitySignup, { activityId, residentId });
    });
  }

  private async whyClosed(em: EntityManager, id: number, residentId: number, now: Date) {
    const a = await em.findOneBy(Activity, { id });
    if (!a) return notFound('活动');
    if (a.status !== 'scheduled') return conflict('activity_cancelled', '该活动已取消');
    if (await em.countBy(ActivitySignup, { activityId: id, residentId, status: In(['signed_up', 'attended']) })) return conflict('already_signed_up', '已经报过名了');
    if (a.startsAt <= now) return conflict('signup_closed', '活动已经开始或结束，不能再报名');
    if (a.signupDeadline && a.signupDeadline <= now) return conflict('signup_closed', '报名已截止');
    return conflict('activity_full', '名额已满');
  }

  /** Cancels a sign-up and frees its seat; a resident until the start, a worker any time before attendance. 404 when not signed up. */
  async cancelSignup(actor: Actor, activityId: number, residentIdArg?: number): Promise<ActivitySignup> {
    const { residentId, byWorker } = residentActedFor(actor, residentIdArg);
    const activity = await this.db.manager.findOne(Activity, { where: { id: activityId } });
    if (!activity) throw notFound('活动');
    if (byWorker) assertCases(actor, activity.stationId, '活动');
    const now = this.clock.now();
    if (!byWorker && activity.startsAt <= now) throw conflict('signup_closed', '活动已经开始，不能在这里取消了，请联系社工');
    return this.db.transaction(async (em) => {
      const res = await em.update(ActivitySignup, { activityId, residentId, status: 'signed_up' }, { status: 'cancelled', cancelledAt: now });
      if (!res.affected) throw notFound('报名记录');
      await em.createQueryBuilder().update(Activity).set({ signedUp: () => 'signedUp - 1' }).where('id = :id AND signedUp > 0', { id: activityId }).execute();
      return em.findOneByOrFail(ActivitySignup, { activityId, residentId });
    });
  }

  /** The sign-ups of an activity with the residents' names, for its station's workers. */
  async signups(actor: Actor, activityId: number, page: { limit: number; offset: number; status?: SignupStatus }): Promise<{ items: SignupRow[]; total: number }> {
    await this.ofStation(actor, activityId);
    const [rows, total] = await this.db.manager.findAndCount(ActivitySignup, {
      where: { activityId, ...(page.status ? { status: page.status } : {}) }, order: { id: 'ASC' }, take: page.limit, skip: page.offset,
    });
    const names = await this.names(rows.map((r) => r.residentId));
    return { items: rows.map((r) => Object.assign(r, { residentName: names.get(r.residentId) ?? '' })), total };
  }

  /**
   * A resident's live sign-ups of activities not yet over, soonest first, with their activities:
   * for the resident themselves (mini-program, WeChat) or a worker of their station; 404 otherwise.
   */
  async signupsOf(actor: Actor, residentId: number): Promise<{ signup: ActivitySignup; activity: Activity }[]> {
    const r = await this.db.manager.findOne(Resident, { where: { id: residentId }, select: { id: true, stationId: true, erasedAt: true } });
    if (!r || r.erasedAt || !canSeeResidentRecord(actor, { stationId: r.stationId, residentId })) throw notFound('居民');
    const signups = await this.db.manager.find(ActivitySignup, { where: { residentId, status: 'signed_up' }, order: { id: 'ASC' }, take: 200 });
    if (!signups.length) return [];
    const activities = await this.db.manager.find(Activity, { where: { id: In(signups.map((s) => s.activityId)), endsAt: MoreThan(this.clock.now()) } });
    const byId = new Map(activities.map((a) => [a.id, a]));
    return signups.filter((s) => byId.has(s.activityId)).map((s) => ({ signup: s, activity: byId.get(s.activityId)! }))
      .sort((x, y) => x.activity.startsAt.getTime() - y.activity.startsAt.getTime());
  }

  /** Calls an activity off; those signed up are told. 409 when already cancelled or over. */
  async cancel(actor: Actor, id: number): Promise<Activity> {
    const a = await this.ofStation(actor, id);
    const now = this.clock.now();
    const res = await this.db.manager.createQueryBuilder().update(Activity).set({ status: 'cancelled' })
      .where(`id = :id AND status = 'scheduled' AND endsAt > :now`, { id, now: dbInstant(now) }).execute();
    if (!res.affected) throw conflict('activity_closed', '该活动已取消或已结束');
    const people = await this.signedUpWithContacts([id]);
    await this.deps.outbox.enqueue(people.map((p) => ({
      stationId: a.stationId, ...p.address, kind: 'activity_cancelled',
      text: activityCancelledText(addressResident(p, localDate(now)), a), priority: PRIORITY.reminder, dedupeKey: activityCancelledKey(id, p.signupId),
      refType: 'activity', refId: id,
    })));
    await this.deps.outbox.cancel('activity', [id], ['activity_reminder']);
    return this.db.manager.findOneByOrFail(Activity, { id });
  }

  /**
   * Attendance after the start: those who came are marked attended (walk-ins added), the others
   * named no-show; the activity's one service record (its kind: community activity or group
   * session) is written or brought up to date with everyone who attended.
   */
  async recordAttendance(actor: Actor, id: number, input: z.output<typeof attendanceSchema>): Promise<{ activity: Activity; record: ServiceRecord; attended: number; noShow: number }> {
    const a = await this.ofStation(actor, id);
    const now = this.clock.now();
    if (a.startsAt > now) throw badRequest('not_started', '活动还没开始，结束后再记录签到');
    if (a.status === 'cancelled') throw conflict('activity_cancelled', '该活动已取消');
    const both = input.attended.filter((r) => input.noShow.includes(r));
    if (both.length) throw badRequest('attendance_conflict', `同一居民不能既到场又缺席：${both.join('、')}`);
    const all = [...input.attended, ...input.noShow];
    if (!input.attended.length && !input.noShow.length) throw badRequest('attendance_empty', '请至少记录一位居民');
    const found = all.length ? await this.db.manager.count(Resident, { where: { id: In(all), stationId: a.stationId } }) : 0;
    if (found !== new Set(all).size) throw notFound('居民');
    const workerId = actor.kind === 'worker' ? actor.id : null;
    const result = await this.db.transaction(async (em) => {
      if (input.attended.length) {
        await em.update(ActivitySignup, { activityId: id, residentId: In(input.attended) }, { status: 'attended' });
        const have = new Set((await em.find(ActivitySignup, { where: { activityId: id, residentId: In(input.attended) }, select: { residentId: true } })).map((s) => s.residentId));
        const walkIns = input.attended.filter((r) => !have.has(r));
        if (walkIns.length) {
          await em.insert(ActivitySignup, walkIns.map((residentId) => ({
            activityId: id, stationId: a.stationId, residentId, status: 'attended' as const, source: 'worker', signedUpAt: now, cancelledAt: null,
          })));
        }
      }
      if (input.noShow.length) await em.update(ActivitySignup, { activityId: id, residentId: In(input.noShow), status: In(['signed_up', 'attended']) }, { status: 'no_show' });
      const attendedIds = (await em.find(ActivitySignup, { where: { activityId: id, status: 'attended' }, select: { residentId: true }, order: { residentId: 'ASC' } })).map((s) => s.residentId);
      const noShow = await em.count(ActivitySignup, { where: { activityId: id, status: 'no_show' } });
      const summary = `${a.title}（${a.location}），到场${attendedIds.length}人`.slice(0, 2000);
      const fields = { residentIds: attendedIds, summary, date: activityDate(a), type: a.kind };
      const updated = await em.update(ServiceRecord, { activityId: id }, fields);
      if (!updated.affected) {
        await insertServiceRecord(em, { stationId: a.stationId, activityId: id, source: 'activity', createdBy: workerId, ...fields });
      }
      const record = await em.findOneByOrFail(ServiceRecord, { activityId: id });
      await syncRecordResidents(em, record);
      await em.update(Activity, { id }, { serviceRecordId: record.id });
      return { activity: await em.findOneByOrFail(Activity, { id }), record, attended: attendedIds.length, noShow };
    });
    await this.deps.satisfaction.askAfter(result.record);
    return result;
  }

  /**
   * The job `activity-reminders`: everyone signed up for an activity of tomorrow (Shanghai) gets
   * one reminder; the dedupe key makes every later run, on any instance, a no-op for them.
   */
  async sendReminders(at: Date): Promise<{ activities: number; queued: number }> {
    const tomorrow = addDays(localDate(at), 1);
    const activities = await this.db.manager
      .createQueryBuilder(Activity, 'a')
      .where(`a.status = 'scheduled' AND a.startsAt >= :from AND a.startsAt < :to`, { from: dbInstant(atLocal(tomorrow)), to: dbInstant(atLocal(addDays(tomorrow, 1))) })
      .getMany();
    if (!activities.length) return { activities: 0, queued: 0 };
    const byId = new Map(activities.map((a) => [a.id, a]));
    const people = await this.signedUpWithContacts(activities.map((a) => a.id));
    const messages: OutgoingMessage[] = people.map((p) => {
      const a = byId.get(p.activityId)!;
      return {
        stationId: a.stationId, ...p.address, kind: 'activity_reminder',
        text: activityReminderText(addressResident(p, localDate(at)), a), priority: PRIORITY.reminder,
        dedupeKey: activityReminderKey(a.id, p.signupId), refType: 'activity', refId: a.id,
      };
    });
    return { activities: activities.length, queued: await this.deps.outbox.enqueue(messages) };
  }

  /** Signed-up, active residents of activities whom the bot or their mini-program reaches (one query). */
  private async signedUpWithContacts(activityIds: number[]) {
    if (!activityIds.length) return [];
    const rows = await this.db.rows<Record<string, unknown>>(
      `SELECT s.id AS signupId, s.activityId, r.id AS residentId, r.name, r.gender, r.birthDate, r.tags, r.wechatContactId, r.openid
       FROM activity_signups s JOIN residents r ON r.id = s.residentId
       WHERE s.activityId IN (${activityIds.map(() => '?').join(', ')}) AND s.status = 'signed_up'
         AND r.status = 'active' AND r.erasedAt IS NULL AND (r.wechatContactId IS NOT NULL OR r.openid IS NOT NULL)`,
      activityIds,
    );
    return rows.map((r) => ({
      signupId: Number(r.signupId), activityId: Number(r.activityId), residentId: Number(r.residentId), name: String(r.name),
      gender: (r.gender as 'male' | 'female' | null) ?? null, birthDate: (r.birthDate as string | null) ?? null,
      tags: typeof r.tags === 'string' ? (JSON.parse(r.tags) as Resident['tags']) : [],
      address: residentAddress(
        { id: Number(r.residentId), wechatContactId: (r.wechatContactId as string | null) ?? null, openid: (r.openid as string | null) ?? null }, 'activity_reminder',
      )!,
    }));
  }

  private async names(ids: number[]): Promise<Map<number, string>> {
    if (!ids.length) return new Map();
    const rows = await this.db.manager.find(Resident, { where: { id: In([...new Set(ids)]) }, select: { id: true, name: true } });
    return new Map(rows.map((r) => [r.id, r.name]));
  }
}

/** Open to whole communities or the station (not to named residents or tags only): listed publicly. */
function isOpen(a: Pick<Activity, 'audience'>): boolean {
  return Boolean(a.audience.all || (a.audience.communityIds?.length && !a.audience.tags?.length && !a.audience.residentIds?.length));
}
