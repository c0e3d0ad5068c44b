import { Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { BoolColumn, CreatedAt, DateTimeColumn, IntColumn, JsonColumn, StringColumn, TextColumn } from './columns';
import type { ResidentTag } from './resident';

/** Who an activity or a notice is for: the whole station, some communities, some tags, named residents. */
export interface Audience {
  all?: boolean;
  tags?: ResidentTag[];
  communityIds?: number[];
  residentIds?: number[];
  /** Also the communities' WeChat groups (broadcasts only). */
  rooms?: boolean;
}

/** What the attendance of an activity counts as in the station's reports. */
export const ACTIVITY_KINDS = ['community', 'group'] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

/** A community activity or group session residents sign up for (义诊, 小组活动, 政策宣讲…). */
@Entity('activities')
@Index(['stationId', 'startsAt'])
export class Activity {
  @PrimaryGeneratedColumn() id!: number;
  @IntColumn() stationId!: number;
  @StringColumn(100) title!: string;
  @TextColumn() description!: string;
  @DateTimeColumn() startsAt!: Date;
  @DateTimeColumn() endsAt!: Date;
  @StringColumn(200) location!: string;
  /** Null: no limit. */
  @IntColumn({ nullable: true }) capacity!: number | null;
  /** Seats taken, moved only by conditional updates. */
  @IntColumn({ default: 0 }) signedUp!: number;
  @DateTimeColumn({ nullable: true }) signupDeadline!: Date | null;
  @JsonColumn() audience!: Audience;
  @StringColumn(12, { default: 'community' }) kind!: ActivityKind;
  @StringColumn(12, { default: 'scheduled' }) status!: 'scheduled' | 'cancelled';
  @IntColumn({ nullable: true }) serviceRecordId!: number | null;
  @IntColumn({ nullable: true }) createdBy!: number | null;
  @CreatedAt() createdAt!: Date;
}

export const SIGNUP_STATUSES = ['signed_up', 'cancelled', 'attended', 'no_show'] as const;
export type SignupStatus = (typeof SIGNUP_STATUSES)[number];

/** One resident's place at an activity; one row per resident and activity, re-used on a second sign-up. */
@Entity('activity_signups')
@Index(['activityId', 'residentId'], { unique: true })
@Index(['residentId'])
export class ActivitySignup {
  @PrimaryGeneratedColumn() id!: number;
  @IntColumn() activityId!: number;
  @IntColumn() stationId!: number;
  @IntColumn() residentId!: number;
  @StringColumn(12) status!: SignupStatus;
  /** `chat`, `miniapp`, `worker`, `notice` (answered an activity notice). */
  @StringColumn(10) source!: string;
  @DateTimeColumn() signedUpAt!: Date;
  @DateTimeColumn({ nullable: true }) cancelledAt!: Date | null;
  @CreatedAt() createdAt!: Date;
}

export type BroadcastStatus = 'scheduled' | 'queued' | 'cancelled';

/** A notice to an audience, now or at a set time; each recipient gets its own outbox row. */
@Entity('broadcasts')
@Index(['stationId', 'idempotencyKey'], { unique: true })
@Index(['status', 'sendAt'])
export class Broadcast {
  @PrimaryGeneratedColumn() id!: number;
  @IntColumn() stationId!: number;
  @IntColumn({ nullable: true }) activityId!: number | null;
  @TextColumn() text!: string;
  @JsonColumn() audience!: Audience;
  @DateTimeColumn() sendAt!: Date;
  @StringColumn(12) status!: BroadcastStatus;
  @IntColumn({ default: 0 }) recipients!: number;
  @IntColumn({ default: 0 }) optedOut!: number;
  @IntColumn({ default: 0 }) unreachable!: number;
  @IntColumn({ default: 0 }) rooms!: number;
  @IntColumn({ default: 1 }) parts!: number;
  @StringColumn(100) idempotencyKey!: string;
  @BoolColumn() failuresReported!: boolean;
  @IntColumn({ nullable: true }) createdBy!: number | null;
  @DateTimeColumn({ nullable: true }) queuedAt!: Date | null;
  @DateTimeColumn({ nullable: true }) cancelledAt!: Date | null;
  @CreatedAt() createdAt!: Date;
}

export type RecipientState = 'queued' | 'opted_out' | 'unreachable';

/** Who a broadcast was for when it was released, and how: queued (with its outbox key), opted out, unreachable. */
@Entity('broadcast_recipients')
@Index(['broadcastId', 'residentId'], { unique: true })
@Index(['broadcastId', 'roomId'], { unique: true })
@Index(['residentId', 'id'])
export class BroadcastRecipient {
  @PrimaryGeneratedColumn() id!: number;
  @IntColumn() broadcastId!: number;
  @IntColumn() stationId!: number;
  @IntColumn({ nullable: true }) residentId!: number | null;
  @StringColumn(128, { nullable: true }) roomId!: string | null;
  @StringColumn(12) state!: RecipientState;
  /** The dedupe key of the first part's outbox row (its delivery state). */
  @StringColumn(190, { nullable: true }) outboxKey!: string | null;
  @DateTimeColumn({ nullable: true }) repliedAt!: Date | null;
}

/** A community's WeChat group that the station account is in (optional broadcast audience). */
@Entity('community_rooms')
@Index(['communityId'], { unique: true })
export class CommunityRoom {
  @PrimaryGeneratedColumn() id!: number;
  @IntColumn() stationId!: number;
  @IntColumn() communityId!: number;
  @StringColumn(128) roomId!: string;
  @CreatedAt() createdAt!: Date;
}
