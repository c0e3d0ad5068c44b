import { wallTime } from '../checkin-texts';
import { retryOnDeadlock } from '../db';
import { escalateMissed, escalateUnacknowledged } from './escalation';
import { accountsDown, deadlines, failedDeliveries, tellUnreachable } from './reachability';
import { firstReminders, openDays, secondReminders, stopInactive } from './reminders';
import { SweepDeps, SweepScope } from './scope';

export type { SweepDeps };

/**
 * One step, run again when MySQL/MariaDB picks it as a deadlock victim (two runners sweeping the
 * same minute lock the same rows in different orders). Every step is set-based and keyed, so a
 * repeat does nothing twice.
 */
const step = retryOnDeadlock;

export interface SweepSummary {
  date: string;
  time: string;
  stopped: number;
  opened: number;
  firstReminders: number;
  secondReminders: number;
  unreachable: number;
  unreachableNotices: number;
  missed: number;
  escalated: number;
  levelUps: number;
}

/**
 * The `checkins` job: one pass of set-based steps for the local day of `at`. Every step selects
 * what is due and not yet done today (so a run after downtime catches up), works in chunks, and
 * is idempotent: days are unique per (resident, date), alerts per dedupe key, every message per
 * dedupe key, so two runners on one database, or the same minute run twice, send each message once.
 * The steps live beside this file: reminders, reachability, escalation.
 */
export class CheckinSweep {
  private readonly s: SweepScope;

  constructor(ctx: SweepScope['ctx'], deps: SweepDeps, at: Date) {
    this.s = new SweepScope(ctx, deps, at);
  }

  /** Runs every step in order and says how much each did. */
  async run(): Promise<SweepSummary> {
    const s = this.s;
    const out: SweepSummary = {
      date: s.today, time: wallTime(s.minute), stopped: 0, opened: 0, firstReminders: 0, secondReminders: 0,
      unreachable: 0, unreachableNotices: 0, missed: 0, escalated: 0, levelUps: 0,
    };
    out.stopped = await step(() => stopInactive(s));
    Object.assign(out, await this.reminders());
    out.unreachable += await step(() => accountsDown(s));
    out.unreachable += await step(() => failedDeliveries(s));
    const deadline = await step(() => deadlines(s));
    out.unreachable += deadline.unreachable;
    out.missed = deadline.missed;
    out.unreachableNotices = await step(() => tellUnreachable(s));
    out.escalated = await step(() => escalateMissed(s));
    out.levelUps = await step(() => escalateUnacknowledged(s));
    return out;
  }

  /** The reminder sweep: open today's days that are due, then the first and second reminders. */
  async reminders(): Promise<{ opened: number; firstReminders: number; secondReminders: number; unreachable: number }> {
    const opened = await step(() => openDays(this.s));
    const first = await step(() => firstReminders(this.s));
    const second = await step(() => secondReminders(this.s));
    return { opened, firstReminders: first.sent, secondReminders: second, unreachable: first.unreachable };
  }

  /** The escalation sweep: undelivered days become unreachable, silent ones missed, then alerts and messages. */
  async escalations(): Promise<{ unreachable: number; missed: number; escalated: number; notices: number }> {
    const d = await step(() => deadlines(this.s));
    const notices = await step(() => tellUnreachable(this.s));
    const escalated = await step(() => escalateMissed(this.s));
    return { unreachable: d.unreachable, missed: d.missed, escalated, notices };
  }
}
