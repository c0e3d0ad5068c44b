import { Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { BoolColumn, CreatedAt, DateTimeColumn, IntColumn, JsonColumn, StringColumn, UpdatedAt } from './columns';

export const RESIDENT_TAGS = [
  'empty_nest_elder', 'living_alone', 'left_behind_child', 'left_behind_elder', 'left_behind_woman',
  'disabled', 'low_income', 'extreme_poverty', 'child_in_difficulty', 'orphan',
] as const;
export type ResidentTag = (typeof RESIDENT_TAGS)[number];
export const RESIDENT_STATUSES = ['active', 'in_hospital', 'moved', 'deceased', 'inactive'] as const;
export type ResidentStatus = (typeof RESIDENT_STATUSES)[number];
export const RISK_TIERS = ['high', 'priority', 'general'] as const;
export type RiskTier = (typeof RISK_TIERS)[number];

/** A resident the station serves; key service recipients carry tags. */
@Entity('residents')
@Index(['stationId', 'idNumberHash'], { unique: true })
export class Resident {
  @PrimaryGeneratedColumn() id!: number;
  @Index() @IntColumn() stationId!: number;
  @IntColumn() communityId!: number;
  @StringColumn(50) name!: string;
  @StringColumn(20, { nullable: true }) phone!: string | null;
  @StringColumn(10, { nullable: true }) birthDate!: string | null;
  @StringColumn(10, { nullable: true }) gender!: 'male' | 'female' | null;
  @JsonColumn() tags!: ResidentTag[];
  @StringColumn(200, { nullable: true }) address!: string | null;
  /** The ID number encrypted with DATA_KEY; never returned by any door. */
  @StringColumn(200, { nullable: true }) idNumberEnc!: string | null;
  /** A keyed hash of the ID number, to find a resident by it without decrypting. */
  @StringColumn(64, { nullable: true }) idNumberHash!: string | null;
  @StringColumn(20, { default: 'active' }) status!: ResidentStatus;
  @StringColumn(10, { default: 'general' }) riskTier!: RiskTier;
  @Index() @StringColumn(128, { nullable: true }) wechatContactId!: string | null;
  @Index() @StringColumn(128, { nullable: true }) openid!: string | null;
  /** Opted out of activity notices and broadcasts (退订). */
  @BoolColumn() optedOut!: boolean;
  @DateTimeColumn({ nullable: true }) erasedAt!: Date | null;
  @CreatedAt() createdAt!: Date;
  @UpdatedAt() updatedAt!: Date;
}

/** A relative of a resident, often far away, who hears when the elder is silent. */
@Entity('family_contacts')
export class FamilyContact {
  @PrimaryGeneratedColumn() id!: number;
  @Index() @IntColumn() residentId!: number;
  @IntColumn() stationId!: number;
  @StringColumn(50) name!: string;
  @StringColumn(20) relation!: string;
  @StringColumn(20, { nullable: true }) phone!: string | null;
  @Index() @StringColumn(128, { nullable: true }) wechatContactId!: string | null;
  /** The mini-program user who bound with this contact's family code. */
  @Index() @StringColumn(128, { nullable: true }) openid!: string | null;
  @CreatedAt() createdAt!: Date;
}
