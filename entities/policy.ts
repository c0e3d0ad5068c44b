import { Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAt, DateTimeColumn, IntColumn, JsonColumn, StringColumn, TextColumn, UpdatedAt } from './columns';

/** A welfare policy residents ask about. Shared by the deployment (stationId null) or a station's own. */
@Entity('policies')
export class Policy {
  @PrimaryGeneratedColumn() id!: number;
  @Index() @IntColumn({ nullable: true }) stationId!: number | null;
  @StringColumn(200) title!: string;
  @StringColumn(50) category!: string;
  @StringColumn(1000) summary!: string;
  @TextColumn() content!: string;
  @JsonColumn() steps!: string[];
  @JsonColumn() materials!: string[];
  @JsonColumn() keywords!: string[];
  @JsonColumn() questions!: string[];
  /** Life situations the policy serves, in residents' words (matched against described situations). */
  @JsonColumn({ nullable: true }) situations!: string[] | null;
  /** A station's own policy: its local amount ("80–89周岁每人每月100元"). Shared policies keep theirs per county (PolicyAmount). */
  @StringColumn(200, { nullable: true }) amount!: string | null;
  @StringColumn(300, { nullable: true }) source!: string | null;
  /** Local dates `YYYY-MM-DD`; outside them the policy is not offered. */
  @StringColumn(10, { nullable: true }) effectiveFrom!: string | null;
  @StringColumn(10, { nullable: true }) effectiveTo!: string | null;
  @CreatedAt() createdAt!: Date;
  @UpdatedAt() updatedAt!: Date;
}

/** A county's local amount of a shared policy (each county sets its own). */
@Entity('policy_amounts')
@Index(['policyId', 'county'], { unique: true })
export class PolicyAmount {
  @PrimaryGeneratedColumn() id!: number;
  @IntColumn() policyId!: number;
  @StringColumn(100) county!: string;
  @StringColumn(200) amount!: string;
  @DateTimeColumn() updatedAt!: Date;
}

/** Residents' questions of a station in one week (Monday `YYYY-MM-DD`): answered, unanswered, resolved. */
@Entity('policy_question_weeks')
@Index(['stationId', 'week'], { unique: true })
export class PolicyQuestionWeek {
  @PrimaryGeneratedColumn() id!: number;
  @IntColumn() stationId!: number;
  @StringColumn(10) week!: string;
  @IntColumn({ default: 0 }) answered!: number;
  @IntColumn({ default: 0 }) unanswered!: number;
  @IntColumn({ default: 0 }) resolved!: number;
}

/** A question residents asked that found no confident answer, counted per station and wording. */
@Entity('unanswered_questions')
@Index(['stationId', 'normalized'], { unique: true })
export class UnansweredQuestion {
  @PrimaryGeneratedColumn() id!: number;
  @IntColumn() stationId!: number;
  @StringColumn(190) normalized!: string;
  @StringColumn(500) text!: string;
  @IntColumn({ default: 1 }) count!: number;
  @StringColumn(10, { default: 'open' }) status!: 'open' | 'resolved' | 'dismissed';
  @IntColumn({ nullable: true }) policyId!: number | null;
  @DateTimeColumn() firstAskedAt!: Date;
  @DateTimeColumn() lastAskedAt!: Date;
}
