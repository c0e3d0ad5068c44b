import { Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { BoolColumn, CreatedAt, DateTimeColumn, IntColumn, JsonColumn, StringColumn, UpdatedAt } from './columns';

export const CHECKIN_STATUSES = ['pending', 'reminded', 'confirmed', 'missed', 'escalated', 'paused', 'unreachable'] as const;
export type CheckinStatus = (typeof CHECKIN_STATUSES)[number];
export type SignOfLifeSource = 'text' | 'voice' | 'media' | 'miniapp' | 'worker' | 'family';
/** Why a day could not reach the elder: no WeChat bound, the station account down, or sends that did not get through. */
export type UnreachableReason = 'no_wechat' | 'account_down' | 'not_delivered';

/** Who is told, in order, when an elder stays silent. */
export interface EscalationOrder {
  /** Family contacts in the order they are alarmed (empty: every family contact, oldest first). */
  familyContactIds: number[];
  /** A volunteer or grid worker the station admin can send to the door. */
  volunteer: { name: string; phone: string } | null;
}

/** An elder's daily check-in plan (报平安): one per resident. */
@Entity('checkin_plans')
export class CheckinPlan {
  @PrimaryGeneratedColumn() id!: number;
  @Index({ unique: true }) @IntColumn() residentId!: number;
  @Index() @IntColumn() stationId!: number;
  @BoolColumn({ default: true }) enabled!: boolean;
  /** First reminder, local wall time `HH:mm`. */
  @StringColumn(5) remindAt!: string;
  /** The same as minutes since local midnight, so the sweeps compare integers in SQL. */
  @IntColumn() remindMinute!: number;
  @IntColumn() secondReminderMinutes!: number;
  /** The deadline is `remindAt + graceMinutes`, after the second reminder, the same day. */
  @IntColumn() graceMinutes!: number;
  /** Local weekdays (0 = Sunday) the plan runs on. */
  @JsonColumn() weekdays!: number[];
  /** The same as a bit mask (bit n = weekday n), for the sweeps. */
  @IntColumn() weekdayMask!: number;
  /** Paused through this local date, inclusive. */
  @StringColumn(10, { nullable: true }) pausedUntil!: string | null;
  @StringColumn(100, { nullable: true }) pauseReason!: string | null;
  @JsonColumn() escalation!: EscalationOrder;
  /** The first local date the (changed) plan applies: a change takes effect from its next reminder time. */
  @StringColumn(10) appliesFromDate!: string;
  @IntColumn({ nullable: true }) updatedBy!: number | null;
  @CreatedAt() createdAt!: Date;
  @UpdatedAt() updatedAt!: Date;
}

/**
 * One elder's day: created when the first reminder is due (or by an earlier sign of life), it
 * carries that day's times so that a plan changed during the day does not move them.
 */
@Entity('checkin_days')
@Index(['residentId', 'date'], { unique: true })
@Index(['date', 'status'])
export class CheckinDay {
  @PrimaryGeneratedColumn() id!: number;
  @IntColumn() residentId!: number;
  @IntColumn() stationId!: number;
  /** Local date `YYYY-MM-DD`. */
  @StringColumn(10) date!: string;
  @StringColumn(12, { default: 'pending' }) status!: CheckinStatus;
  /** The day's schedule in minutes since local midnight: first, second reminder, deadline. */
  @IntColumn() remindMinute!: number;
  @IntColumn() secondMinute!: number;
  @IntColumn() deadlineMinute!: number;
  @DateTimeColumn({ nullable: true }) firstReminderAt!: Date | null;
  @DateTimeColumn({ nullable: true }) secondReminderAt!: Date | null;
  @DateTimeColumn({ nullable: true }) confirmedAt!: Date | null;
  @StringColumn(10, { nullable: true }) confirmedSource!: SignOfLifeSource | null;
  /** The worker (source `worker`) or family contact (source `family`) who confirmed. */
  @IntColumn({ nullable: true }) confirmedBy!: number | null;
  @DateTimeColumn({ nullable: true }) missedAt!: Date | null;
  @DateTimeColumn({ nullable: true }) escalatedAt!: Date | null;
  @IntColumn({ nullable: true }) alertId!: number | null;
  @StringColumn(15, { nullable: true }) unreachableReason!: UnreachableReason | null;
  /** When the workers were given this elder to phone (unreachable days). */
  @DateTimeColumn({ nullable: true }) workersToldAt!: Date | null;
  @StringColumn(500, { nullable: true }) note!: string | null;
  @CreatedAt() createdAt!: Date;
  @UpdatedAt() updatedAt!: Date;
}
