import { Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { BoolColumn, CreatedAt, DateTimeColumn, IntColumn, JsonColumn, StringColumn, TextColumn } from './columns';
import type { ResidentTag } from './resident';
import type { ServiceRecordType } from './service-records';

/** A service residents book at a station: 理发, 康复理疗, 心理咨询, 上门探访 … */
@Entity('bookable_services')
@Index(['stationId', 'active'])
export class BookableService {
  @PrimaryGeneratedColumn() id!: number;
  @IntColumn() stationId!: number;
  @StringColumn(100) name!: string;
  @StringColumn(1000) description!: string;
  @IntColumn() durationMinutes!: number;
  @StringColumn(200, { nullable: true }) location!: string | null;
  /** Who may book it: residents holding one of these tags; empty means everyone. */
  @JsonColumn() tags!: ResidentTag[];
  /** How an attended booking counts in the station's service records. */
  @StringColumn(20, { default: 'case' }) recordType!: ServiceRecordType;
  @BoolColumn({ default: true }) active!: boolean;
  @IntColumn({ nullable: true }) createdBy!: number | null;
  @CreatedAt() createdAt!: Date;
}

export type SlotStatus = 'open' | 'cancelled';

/**
 * A time a service can be booked, with its seats. `booked` counts active bookings and `held` the
 * seats kept for a waiting-list offer; both change only by conditional updates
 * (`booked + held < capacity`), never read-then-write.
 */
@Entity('booking_slots')
@Index(['serviceId', 'startsAt'], { unique: true })
@Index(['stationId', 'startsAt'])
export class BookingSlot {
  @PrimaryGeneratedColumn() id!: number;
  @IntColumn() serviceId!: number;
  @IntColumn() stationId!: number;
  @DateTimeColumn() startsAt!: Date;
  @DateTimeColumn() endsAt!: Date;
  @IntColumn() capacity!: number;
  @IntColumn({ default: 0 }) booked!: number;
  @IntColumn({ default: 0 }) held!: number;
  @StringColumn(12, { default: 'open' }) status!: SlotStatus;
  @StringColumn(200, { nullable: true }) cancelReason!: string | null;
  @CreatedAt() createdAt!: Date;
}

export const BOOKING_STATUSES = ['booked', 'cancelled', 'attended', 'no_show'] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];

/**
 * A resident's seat on a slot. `activeKey` is `slotId:residentId` while the booking stands and null
 * once cancelled: its unique index is the "one booking per resident per slot" rule.
 */
@Entity('bookings')
@Index(['residentId', 'status'])
@Index(['slotId', 'status'])
@Index(['stationId', 'createdAt'])
@Index(['status', 'startsAt'])
export class Booking {
  @PrimaryGeneratedColumn() id!: number;
  @IntColumn() stationId!: number;
  @IntColumn() slotId!: number;
  @IntColumn() serviceId!: number;
  @IntColumn() residentId!: number;
  @StringColumn(12, { default: 'booked' }) status!: BookingStatus;
  @Index({ unique: true }) @StringColumn(40, { nullable: true }) activeKey!: string | null;
  /** The worker who booked on the resident's behalf; null when the resident booked. */
  @IntColumn({ nullable: true }) bookedBy!: number | null;
  @StringColumn(10) channel!: 'chat' | 'miniapp' | 'console';
  /** The slot's start, copied so the reminder sweep and the lists need no join. */
  @DateTimeColumn() startsAt!: Date;
  @DateTimeColumn({ nullable: true }) cancelledAt!: Date | null;
  @IntColumn({ nullable: true }) cancelledBy!: number | null;
  @StringColumn(20, { nullable: true }) cancelReason!: 'resident' | 'worker' | 'slot_cancelled' | null;
  @DateTimeColumn({ nullable: true }) attendanceAt!: Date | null;
  @IntColumn({ nullable: true }) attendanceBy!: number | null;
  /** When it was booked, by the application clock (the reminders compare it with the start). */
  @DateTimeColumn() createdAt!: Date;
}

export type WaitlistStatus = 'waiting' | 'offered' | 'accepted' | 'expired' | 'cancelled';

/** A resident waiting for a seat on a full slot; first come, first offered. */
@Entity('booking_waitlist')
@Index(['slotId', 'status'])
@Index(['status', 'offerExpiresAt'])
export class WaitlistEntry {
  @PrimaryGeneratedColumn() id!: number;
  @IntColumn() stationId!: number;
  @IntColumn() slotId!: number;
  @IntColumn() residentId!: number;
  @StringColumn(12, { default: 'waiting' }) status!: WaitlistStatus;
  /** `slotId:residentId` while waiting or offered: one place in line per resident. */
  @Index({ unique: true }) @StringColumn(40, { nullable: true }) activeKey!: string | null;
  @IntColumn({ nullable: true }) addedBy!: number | null;
  @DateTimeColumn({ nullable: true }) offeredAt!: Date | null;
  @DateTimeColumn({ nullable: true }) offerExpiresAt!: Date | null;
  @IntColumn({ nullable: true }) bookingId!: number | null;
  /** When the resident joined, by the application clock. */
  @DateTimeColumn() createdAt!: Date;
}

/** A station's booking rules; a station without a row uses the defaults. */
@Entity('booking_settings')
export class BookingSettings {
  @PrimaryColumn({ type: 'int' }) stationId!: number;
  /** Active (upcoming, not cancelled) bookings one resident may hold. */
  @IntColumn({ default: 3 }) maxActivePerResident!: number;
  /** Booking closes this long before the start. */
  @IntColumn({ default: 60 }) closeMinutesBefore!: number;
  /** Residents may cancel until this long before the start (workers at any time). */
  @IntColumn({ default: 120 }) cancelCutoffMinutes!: number;
  /** How long a freed seat is kept for the resident it was offered to. */
  @IntColumn({ default: 30 }) offerHoldMinutes!: number;
}

/**
 * One `Idempotency-Key` of one caller: `pending` while the first request runs, then its answer.
 * The unique (scope, key) row is what makes a second request wait its turn (409) or replay.
 */
@Entity('idempotency_keys')
@Index(['scope', 'idemKey'], { unique: true })
@Index(['createdAt'])
export class IdempotencyKey {
  @PrimaryGeneratedColumn() id!: number;
  @StringColumn(40) scope!: string;
  @StringColumn(100) idemKey!: string;
  @StringColumn(64) requestHash!: string;
  @StringColumn(10) status!: 'pending' | 'done';
  @IntColumn({ nullable: true }) responseStatus!: number | null;
  @TextColumn({ nullable: true }) responseBody!: string | null;
  @DateTimeColumn() createdAt!: Date;
}
