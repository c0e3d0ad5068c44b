import { Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAt, DateTimeColumn, IntColumn, JsonColumn, StringColumn, TextColumn } from './columns';

export type BindingTarget = 'resident' | 'family' | 'worker';

/** A one-time code that links a WeChat contact (or mini-program user) to a record. */
@Entity('binding_codes')
export class BindingCode {
  @PrimaryGeneratedColumn() id!: number;
  @IntColumn() stationId!: number;
  @StringColumn(10) targetType!: BindingTarget;
  @IntColumn() targetId!: number;
  /** Keyed hash of the code; the code itself is shown once and never stored. */
  @Index() @StringColumn(64) codeHash!: string;
  @DateTimeColumn() expiresAt!: Date;
  @DateTimeColumn({ nullable: true }) usedAt!: Date | null;
  @CreatedAt() createdAt!: Date;
}

export const ALERT_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];
export const ALERT_OUTCOMES = ['safe', 'visited', 'hospital', 'other'] as const;
export type AlertOutcome = (typeof ALERT_OUTCOMES)[number];

/** Something a worker must look at: a help call, a silent elder, a WeChat account that went down. */
@Entity('alerts')
@Index(['stationId', 'status'])
export class Alert {
  @PrimaryGeneratedColumn() id!: number;
  @IntColumn() stationId!: number;
  @IntColumn({ nullable: true }) residentId!: number | null;
  /** `help_call`, `checkin_missed`, `bot_logout`, `send_failed`, … */
  @StringColumn(30) type!: string;
  @StringColumn(15, { default: 'open' }) status!: AlertStatus;
  @StringColumn(500) summary!: string;
  /** One alert per cause (e.g. a resident's missed day). */
  @Index({ unique: true }) @StringColumn(190, { nullable: true }) dedupeKey!: string | null;
  @IntColumn({ default: 0 }) escalationLevel!: number;
  @DateTimeColumn({ nullable: true }) escalatedAt!: Date | null;
  @DateTimeColumn({ nullable: true }) acknowledgedAt!: Date | null;
  @IntColumn({ nullable: true }) acknowledgedBy!: number | null;
  @DateTimeColumn({ nullable: true }) resolvedAt!: Date | null;
  @IntColumn({ nullable: true }) resolvedBy!: number | null;
  @StringColumn(15, { nullable: true }) outcome!: AlertOutcome | null;
  @StringColumn(1000, { nullable: true }) note!: string | null;
  /** The elder's reply after the alert was raised, shown on it. */
  @DateTimeColumn({ nullable: true }) replyAt!: Date | null;
  @StringColumn(500, { nullable: true }) replyText!: string | null;
  @DateTimeColumn() createdAt!: Date;
}

/** A resident who asked for a person (人工/找社工). */
@Entity('handoffs')
@Index(['stationId', 'status'])
export class Handoff {
  @PrimaryGeneratedColumn() id!: number;
  @IntColumn() stationId!: number;
  @StringColumn(128) contactId!: string;
  @StringColumn(50, { nullable: true }) contactName!: string | null;
  @IntColumn({ nullable: true }) residentId!: number | null;
  @StringColumn(10, { default: 'open' }) status!: 'open' | 'taken' | 'closed';
  /** Why it opened: asked for a person, words of fear or loneliness, a help call from an unbound contact. */
  @StringColumn(20, { default: 'asked' }) reason!: HandoffReason;
  @IntColumn({ nullable: true }) takenBy!: number | null;
  /** The recent conversation, as it was when the hand-off was asked for. */
  @JsonColumn() transcript!: { direction: 'in' | 'out'; text: string; at: string }[];
  @DateTimeColumn() createdAt!: Date;
  @DateTimeColumn({ nullable: true }) takenAt!: Date | null;
  @DateTimeColumn({ nullable: true }) closedAt!: Date | null;
  /** When the workers were reminded that nobody had taken it (once). */
  @DateTimeColumn({ nullable: true }) remindedAt!: Date | null;
  /** The last message said on it, either way. */
  @DateTimeColumn({ nullable: true }) lastMessageAt!: Date | null;
  /** Why it closed, when not by a worker (nobody took it in time). */
  @StringColumn(200, { nullable: true }) note!: string | null;
}

export type HandoffReason = 'asked' | 'lonely' | 'help_unbound';

/** One message on a hand-off: the resident's (`in`) or a worker's reply (`out`). */
@Entity('handoff_messages')
export class HandoffMessage {
  @PrimaryGeneratedColumn() id!: number;
  @Index() @IntColumn() handoffId!: number;
  @IntColumn() stationId!: number;
  @StringColumn(3) direction!: 'in' | 'out';
  @TextColumn() text!: string;
  @IntColumn({ nullable: true }) workerId!: number | null;
  @DateTimeColumn() at!: Date;
}

/** Something said on an alert after it was raised: another call for help, the family's words, a worker's note. */
@Entity('alert_entries')
export class AlertEntry {
  @PrimaryGeneratedColumn() id!: number;
  @Index() @IntColumn() alertId!: number;
  @IntColumn() stationId!: number;
  /** `message` (the resident again), `family`, `note`. */
  @StringColumn(20) kind!: string;
  @StringColumn(60, { nullable: true }) author!: string | null;
  @StringColumn(500) text!: string;
  @DateTimeColumn() at!: Date;
}

/** Who read or changed a resident's personal data, for the station admin (PIPL). */
@Entity('audit_log')
@Index(['stationId', 'residentId'])
export class AuditEntry {
  @PrimaryGeneratedColumn() id!: number;
  @IntColumn() stationId!: number;
  @IntColumn({ nullable: true }) residentId!: number | null;
  @IntColumn({ nullable: true }) workerId!: number | null;
  @StringColumn(40) action!: string;
  @TextColumn({ nullable: true }) detail!: string | null;
  @DateTimeColumn() at!: Date;
}
