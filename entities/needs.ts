import { Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAt, DateTimeColumn, IntColumn, StringColumn, UpdatedAt } from './columns';

export const NEED_TYPES = ['medical', 'living', 'education', 'psychological', 'legal', 'other'] as const;
export type NeedType = (typeof NEED_TYPES)[number];
export const NEED_URGENCIES = ['low', 'medium', 'high'] as const;
export type NeedUrgency = (typeof NEED_URGENCIES)[number];
export const NEED_STATUSES = ['open', 'in_progress', 'met', 'closed'] as const;
export type NeedStatus = (typeof NEED_STATUSES)[number];

/** One line of the needs list (帮扶需求清单): a need found on a visit, who follows it up, and how it ends. */
@Entity('needs')
@Index(['stationId', 'status'])
export class Need {
  @PrimaryGeneratedColumn() id!: number;
  @IntColumn() stationId!: number;
  @Index() @IntColumn() residentId!: number;
  @StringColumn(20) type!: NeedType;
  @StringColumn(10) urgency!: NeedUrgency;
  @StringColumn(1000) description!: string;
  @StringColumn(12, { default: 'open' }) status!: NeedStatus;
  @IntColumn({ nullable: true }) followUpWorkerId!: number | null;
  @StringColumn(500, { nullable: true }) note!: string | null;
  @DateTimeColumn({ nullable: true }) metAt!: Date | null;
  @IntColumn({ nullable: true }) createdBy!: number | null;
  @CreatedAt() createdAt!: Date;
  @UpdatedAt() updatedAt!: Date;
}
