import { Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { BoolColumn, CreatedAt, IntColumn, StringColumn } from './columns';

export const WORKER_ROLES = ['worker', 'station_admin', 'county_admin'] as const;
export type WorkerRole = (typeof WORKER_ROLES)[number];

/** A township social-work station (乡镇/街道社工站). */
@Entity('stations')
export class Station {
  @PrimaryGeneratedColumn() id!: number;
  @StringColumn(100) name!: string;
  @StringColumn(100) township!: string;
  @StringColumn(100) county!: string;
  @StringColumn(200, { nullable: true }) address!: string | null;
  @StringColumn(40, { nullable: true }) phone!: string | null;
  @StringColumn(200, { nullable: true }) openHours!: string | null;
  /** Home-visit intervals in days by risk tier (ministry defaults: weekly, monthly, quarterly). */
  @IntColumn({ default: 7 }) visitDaysHigh!: number;
  @IntColumn({ default: 30 }) visitDaysPriority!: number;
  @IntColumn({ default: 90 }) visitDaysGeneral!: number;
  @CreatedAt() createdAt!: Date;
}

/** A village or urban community (村/社区) served by a station. */
@Entity('communities')
@Index(['stationId', 'name'], { unique: true })
export class Community {
  @PrimaryGeneratedColumn() id!: number;
  @IntColumn() stationId!: number;
  @StringColumn(100) name!: string;
  /** The village children's officer (儿童主任): a worker account of the station, told about children at risk. */
  @IntColumn({ nullable: true }) childrenOfficerId!: number | null;
  @CreatedAt() createdAt!: Date;
}

/** A social worker, station admin or county admin who signs in to the console. */
@Entity('workers')
export class Worker {
  @PrimaryGeneratedColumn() id!: number;
  /** Null for county admins, who oversee every station of their county. */
  @IntColumn({ nullable: true }) stationId!: number | null;
  @StringColumn(100) county!: string;
  @Index({ unique: true }) @StringColumn(64) username!: string;
  @StringColumn(200) passwordHash!: string;
  @StringColumn(50) name!: string;
  @StringColumn(20) role!: WorkerRole;
  @StringColumn(20, { nullable: true }) phone!: string | null;
  @BoolColumn({ default: true }) active!: boolean;
  /** Bumped on deactivation and password change: tokens carrying an older version are refused. */
  @IntColumn({ default: 0 }) tokenVersion!: number;
  @StringColumn(128, { nullable: true }) wechatContactId!: string | null;
  @CreatedAt() createdAt!: Date;
}
