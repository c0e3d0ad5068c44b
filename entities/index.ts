import { Community, Station, Worker } from './organisation';
import { FamilyContact, Resident } from './resident';
import { Conversation, MessageLog, OutboxMessage } from './messaging';
import { JobRun } from './job';
import { Alert, AlertEntry, AuditEntry, BindingCode, Handoff, HandoffMessage } from './care';
import { Policy, PolicyAmount, PolicyQuestionWeek, UnansweredQuestion } from './policy';
import { CheckinDay, CheckinPlan } from './checkins';
import { SatisfactionRating, ServiceRecord, ServiceRecordResident } from './service-records';
import { FamilyReminder, FamilyReminderSchedule } from './families';
import { Need } from './needs';
import { BookableService, Booking, BookingSettings, BookingSlot, IdempotencyKey, WaitlistEntry } from './bookings';
import { SubscriptionQuota } from './miniapp';
import { Activity, ActivitySignup, Broadcast, BroadcastRecipient, CommunityRoom } from './activities';

export * from './organisation';
export * from './resident';
export * from './messaging';
export * from './job';
export * from './care';
export * from './policy';
export * from './checkins';
export * from './service-records';
export * from './families';
export * from './needs';
export * from './bookings';
export * from './miniapp';
export * from './activities';

/** Every entity the DataSource knows; each feature adds its own here. */
export const ENTITIES = [
  Station, Community, Worker, Resident, FamilyContact, OutboxMessage, MessageLog, Conversation, JobRun, BindingCode, Alert, Handoff, AuditEntry,
  Policy, UnansweredQuestion, PolicyAmount, PolicyQuestionWeek,
  CheckinPlan, CheckinDay, ServiceRecord, ServiceRecordResident, SatisfactionRating,
  AlertEntry, HandoffMessage,
  FamilyReminderSchedule, FamilyReminder, Need,
  BookableService, BookingSlot, Booking, WaitlistEntry, BookingSettings, IdempotencyKey,
  SubscriptionQuota,
  Activity, ActivitySignup, Broadcast, BroadcastRecipient, CommunityRoom,
];
