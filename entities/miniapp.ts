import { Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { IntColumn, StringColumn, UpdatedAt } from './columns';

/** The purposes of WeChat subscription messages the mini-program asks for (API.md: POST /api/me/subscriptions). */
export const SUBSCRIPTION_PURPOSES = ['booking_reminder', 'activity_reminder', 'checkin_reminder'] as const;
export type SubscriptionPurpose = (typeof SUBSCRIPTION_PURPOSES)[number];

/**
 * One-time subscription messages a mini-program user accepted for one purpose: WeChat allows one
 * send per acceptance, so `remaining` goes up with each acceptance and down with each send.
 */
@Entity('subscription_quota')
@Index(['openid', 'purpose'], { unique: true })
export class SubscriptionQuota {
  @PrimaryGeneratedColumn() id!: number;
  @StringColumn(128) openid!: string;
  @StringColumn(40) purpose!: SubscriptionPurpose;
  @IntColumn({ default: 0 }) remaining!: number;
  @IntColumn({ default: 0 }) accepted!: number;
  @IntColumn({ default: 0 }) spent!: number;
  @UpdatedAt() updatedAt!: Date;
}
