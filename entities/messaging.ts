import { Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { BoolColumn, CreatedAt, DateTimeColumn, IntColumn, JsonColumn, StringColumn, TextColumn } from './columns';

/** Send order: lower goes first (BOT.md: alerts, check-ins, reminders, broadcasts). */
export const PRIORITY = { alert: 0, checkin: 1, reminder: 2, broadcast: 3 } as const;
export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'cancelled';
export type OutboxChannel = 'bot' | 'miniapp';

/** A message waiting to be sent through a station's WeChat account. */
@Entity('outbox')
@Index(['status', 'notBefore'])
export class OutboxMessage {
  @PrimaryGeneratedColumn() id!: number;
  @IntColumn() stationId!: number;
  /** The WeChat contact id; the sender falls back to the contact's remark when the id fails. */
  @StringColumn(128) toContactId!: string;
  @StringColumn(64, { nullable: true }) toAlias!: string | null;
  @TextColumn() text!: string;
  @IntColumn() priority!: number;
  /** Urgent rows ignore quiet hours (alerts). */
  @BoolColumn() urgent!: boolean;
  @StringColumn(40) kind!: string;
  /** Makes every reminder and broadcast idempotent: the same key is queued once. */
  @Index({ unique: true }) @StringColumn(190, { nullable: true }) dedupeKey!: string | null;
  @DateTimeColumn() notBefore!: Date;
  @StringColumn(12, { default: 'pending' }) status!: OutboxStatus;
  @IntColumn({ default: 0 }) attempts!: number;
  @StringColumn(500, { nullable: true }) lastError!: string | null;
  @StringColumn(64, { nullable: true }) claimedBy!: string | null;
  @DateTimeColumn({ nullable: true }) claimedAt!: Date | null;
  @DateTimeColumn({ nullable: true }) sentAt!: Date | null;
  /**
   * `bot` (the station's WeChat account) or `miniapp` (a subscription message to `toOpenid`). A bot
   * row that fails for good and carries an openid and a purpose moves over to `miniapp`.
   */
  @StringColumn(10, { default: 'bot' }) channel!: OutboxChannel;
  @StringColumn(128, { nullable: true }) toOpenid!: string | null;
  /** The subscription-message purpose (`booking_reminder`…): which template, which quota. */
  @StringColumn(40, { nullable: true }) purpose!: string | null;
  @StringColumn(30, { nullable: true }) refType!: string | null;
  @IntColumn({ nullable: true }) refId!: number | null;
  @CreatedAt() createdAt!: Date;
}

/** Every message in and out of a station account: the simulator's feed and hand-off context. */
@Entity('message_log')
@Index(['contactId', 'id'])
export class MessageLog {
  @PrimaryGeneratedColumn() id!: number;
  @IntColumn() stationId!: number;
  @StringColumn(128) contactId!: string;
  @StringColumn(3) direction!: 'in' | 'out';
  @StringColumn(20, { default: 'text' }) type!: string;
  @TextColumn() text!: string;
  @DateTimeColumn() at!: Date;
}

/** A chat's multi-step state (a booking in progress), kept in the database so it survives restarts. */
@Entity('conversations')
@Index(['stationId', 'contactId'], { unique: true })
export class Conversation {
  @PrimaryGeneratedColumn() id!: number;
  @IntColumn() stationId!: number;
  @StringColumn(128) contactId!: string;
  @JsonColumn() state!: Record<string, unknown>;
  @DateTimeColumn() expiresAt!: Date;
  @IntColumn({ default: 0 }) version!: number;
}
