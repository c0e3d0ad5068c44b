import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAt, IntColumn, JsonColumn, StringColumn } from './columns';

export const SERVICE_RECORD_TYPES = ['case', 'group', 'community', 'home_visit'] as const;
export type ServiceRecordType = (typeof SERVICE_RECORD_TYPES)[number];

/** A service the station delivered (个案, 小组, 社区活动, 入户走访), as station reports count them. */
@Entity('service_records')
@Index(['stationId', 'date'])
export class ServiceRecord {
  @PrimaryGeneratedColumn() id!: number;
  @IntColumn() stationId!: number;
  @StringColumn(20) type!: ServiceRecordType;
  /** Local date `YYYY-MM-DD`. */
  @StringColumn(10) date!: string;
  @StringColumn(2000) summary!: string;
  /** Charitable resources linked, in yuan. */
  @Column({ type: 'double', nullable: true }) resourcesYuan!: number | null;
  @JsonColumn() residentIds!: number[];
  /** The alert this record closed, when it came from one (a home visit after a silent day). */
  @IntColumn({ nullable: true }) alertId!: number | null;
  /** The booking this record counts, when it came from one marked attended (one record per booking). */
  @Index({ unique: true }) @IntColumn({ nullable: true }) bookingId!: number | null;
  /** The activity whose attendance this record counts (one record per activity). */
  @Index({ unique: true }) @IntColumn({ nullable: true }) activityId!: number | null;
  @IntColumn({ nullable: true }) createdBy!: number | null;
  @CreatedAt() createdAt!: Date;
}
