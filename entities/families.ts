import { Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAt, DateTimeColumn, IntColumn, StringColumn, TextColumn } from './columns';

export const FAMILY_REMINDER_KINDS = ['call_home', 'guardian'] as const;
export type FamilyReminderKind = (typeof FAMILY_REMINDER_KINDS)[number];
export const GUARDIAN_REMINDER_TYPES = ['school_meeting', 'health_check', 'vaccination', 'other'] as const;
export type GuardianReminderType = (typeof GUARDIAN_REMINDER_TYPES)[number];
export type FamilyReminderStatus = 'scheduled' | 'queued' | 'cancelled';

/** A weekly "call home" reminder to a migrant parent: weekday and local time (`PUT /api/residents/:id/family-reminders`). */
@Entity('family_reminder_schedules')
@Index(['stationId', 'weekday'])
export class FamilyReminderSchedule {
  @PrimaryGeneratedColumn() id!: number;
  @IntColumn() stationId!: number;
  @Index() @IntColumn() residentId!: number;
  @IntColumn() familyContactId!: number;
  /** 0 = Sunday. */
  @IntColumn() weekday!: number;
  /** Local wall time `HH:mm`. */
  @StringColumn(5) time!: string;
  /** The same as minutes since local midnight, for the sweep. */
  @IntColumn() minute!: number;
  /** The worker's own words; null: the standard text. */
  @StringColumn(500, { nullable: true }) message!: string | null;
  /** A schedule applies from its first time after it was saved (no reminder for an hour already past). */
  @DateTimeColumn() activeFrom!: Date;
  @IntColumn({ nullable: true }) createdBy!: number | null;
  @CreatedAt() createdAt!: Date;
}

/**
 * One reminder to a family contact: a weekly call-home reminder (made by the job from a schedule)
 * or a guardian reminder a worker wrote from a template (school meeting, health check, vaccination).
 * The unique dedupe key makes a job run twice, or on two instances, write and send it once.
 */
@Entity('family_reminders')
@Index(['residentId', 'dueAt'])
@Index(['status', 'dueAt'])
@Index(['scheduleId', 'dueAt'])
@Index(['familyContactId', 'acknowledgedAt'])
export class FamilyReminder {
  @PrimaryGeneratedColumn() id!: number;
  @IntColumn() stationId!: number;
  @IntColumn() residentId!: number;
  @IntColumn() familyContactId!: number;
  @StringColumn(12) kind!: FamilyReminderKind;
  @IntColumn({ nullable: true }) scheduleId!: number | null;
  @StringColumn(20, { nullable: true }) guardianType!: GuardianReminderType | null;
  /** When it is to go out. */
  @DateTimeColumn() dueAt!: Date;
  @TextColumn() text!: string;
  @StringColumn(12, { default: 'scheduled' }) status!: FamilyReminderStatus;
  @DateTimeColumn({ nullable: true }) queuedAt!: Date | null;
  @DateTimeColumn({ nullable: true }) acknowledgedAt!: Date | null;
  @Index({ unique: true }) @StringColumn(190) dedupeKey!: string;
  @IntColumn({ nullable: true }) createdBy!: number | null;
  @CreatedAt() createdAt!: Date;
}
