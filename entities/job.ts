import { Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { DateTimeColumn, StringColumn, TextColumn } from './columns';

/**
 * One run of a job. A scheduled run carries its minute in `slot`; the unique (job, slot) key is the
 * lease that lets any number of instances fire the same schedule while one does the work.
 */
@Entity('job_runs')
@Index(['job', 'slot'], { unique: true })
export class JobRun {
  @PrimaryGeneratedColumn() id!: number;
  @StringColumn(40) job!: string;
  @DateTimeColumn({ nullable: true }) slot!: Date | null;
  @StringColumn(64) owner!: string;
  @StringColumn(10) status!: 'running' | 'ok' | 'failed';
  @DateTimeColumn() startedAt!: Date;
  @DateTimeColumn({ nullable: true }) finishedAt!: Date | null;
  /** The application-clock instant the run worked for. */
  @DateTimeColumn({ nullable: true }) at!: Date | null;
  @TextColumn({ nullable: true }) summary!: string | null;
}
