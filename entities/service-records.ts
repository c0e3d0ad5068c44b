import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAt, DateTimeColumn, IntColumn, JsonColumn, StringColumn } from './columns';

export const SERVICE_RECORD_TYPES = ['case', 'group', 'community', 'home_visit'] as const;
export type ServiceRecordType = (typeof SERVICE_RECORD_TYPES)[number];
/** What made a record: typed by hand (console/API), said in WeChat (`走访 …`), or written by the system from an alert, a booking or an activity. */
export const SERVICE_RECORD_SOURCES = ['manual', 'chat', 'alert', 'booking', 'activity'] as const;
export type ServiceRecordSource = (typeof SERVICE_RECORD_SOURCES)[number];

/** A service the station delivered (个案, 小组, 社区活动, 入户走访), as station reports count them. */
@Entity('service_records')
@Index(['stationId', 'date'])
@Index(['stationId', 'date', 'type', 'residentCount', 'resourcesYuan', 'resourcesGiver'])
export class ServiceRecord {
  @PrimaryGeneratedColumn() id!: number;
  @IntColumn() stationId!: number;
  @StringColumn(20) type!: ServiceRecordType;
  /** Local date `YYYY-MM-DD`. */
  @StringColumn(10) date!: string;
  @StringColumn(2000) summary!: string;
  /** Charitable resources linked, in yuan. */
  @Column({ type: 'double', nullable: true }) resourcesYuan!: number | null;
  /** Who gave the resources linked (a company, a foundation, a person). */
  @StringColumn(100, { nullable: true }) resourcesGiver!: string | null;
  /** What the resources were (`图书 2,000 册`). */
  @StringColumn(200, { nullable: true }) resourcesNote!: string | null;
  /** The residents served; the same list is kept row by row in `service_record_residents` for the statistics. */
  @JsonColumn() residentIds!: number[];
  /** How many residents (the person-times of this record), kept beside the list for the statistics. */
  @IntColumn({ default: 0 }) residentCount!: number;
  /** The worker who delivered the service (defaults to the one who recorded it). */
  @IntColumn({ nullable: true }) workerId!: number | null;
  @IntColumn({ nullable: true }) durationMinutes!: number | null;
  @StringColumn(12, { default: 'manual' }) source!: ServiceRecordSource;
  /** The alert this record closed, when it came from one (a home visit after a silent day). */
  @IntColumn({ nullable: true }) alertId!: number | null;
  /** The booking this record counts, when it came from one marked attended (one record per booking). */
  @Index({ unique: true }) @IntColumn({ nullable: true }) bookingId!: number | null;
  /** The activity whose attendance this record counts (one record per activity). */
  @Index({ unique: true }) @IntColumn({ nullable: true }) activityId!: number | null;
  @IntColumn({ nullable: true }) createdBy!: number | null;
  @CreatedAt() createdAt!: Date;
}

/**
 * One resident of one service record, with the record's station, date and type copied so that the
 * statistics count person-times and distinct people with one indexed, set-based query.
 */
@Entity('service_record_residents')
@Index(['stationId', 'date', 'type', 'residentId'])
@Index(['stationId', 'residentId', 'date', 'type'])
@Index(['recordId', 'residentId'], { unique: true })
@Index(['residentId'])
export class ServiceRecordResident {
  @PrimaryGeneratedColumn() id!: number;
  @IntColumn() recordId!: number;
  @IntColumn() stationId!: number;
  @IntColumn() residentId!: number;
  @StringColumn(20) type!: ServiceRecordType;
  @StringColumn(10) date!: string;
}

/** A resident's 1–5 rating of a service (绩效评估 satisfaction), asked once on WeChat after it. */
@Entity('satisfaction_ratings')
@Index(['recordId', 'residentId'], { unique: true })
@Index(['stationId', 'date'])
@Index(['residentId', 'askedAt'])
export class SatisfactionRating {
  @PrimaryGeneratedColumn() id!: number;
  @IntColumn() stationId!: number;
  @IntColumn() recordId!: number;
  @IntColumn() residentId!: number;
  /** The record's local date (the statistics range filters on it). */
  @StringColumn(10) date!: string;
  /** The outbox row that carries the question (its `sentAt` says when the resident saw it). */
  @IntColumn({ nullable: true }) outboxId!: number | null;
  @DateTimeColumn() askedAt!: Date;
  @IntColumn({ nullable: true }) rating!: number | null;
  @DateTimeColumn({ nullable: true }) ratedAt!: Date | null;
}
