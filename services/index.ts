import type { Infra } from './infra';
import { AlertService } from './alerts';
import { AuthService } from './auth';
import { BindingService } from './binding';
import { NotifyService } from './notify';
import { AlertSummaryService } from './alert-summary';
import { ConversationService } from './conversations';
import { JobDefinition, JobService } from './jobs';
import { OutboxService } from './outbox';
import { AuditService } from './audit';
import { ImportService } from './import';
import { MiniappService } from './miniapp';
import { ResidentService } from './residents';
import { PrivacyService } from './privacy';
import { StationService } from './stations';
import { WorkerService } from './workers';
import { PolicyService } from './policies';
import { PolicyIndex } from './policy-index';
import { PolicyAnswerService } from './policy-answers';
import { PolicyImportService } from './policy-import';
import { PolicyAmountService } from './policy-amounts';
import { PolicyStatsService } from './policy-stats';
import { CheckinService } from './checkins';
import { CheckinPlanService } from './checkin-plans';
import { CheckinBoardService } from './checkin-board';
import { AccountStatusService } from './accounts';
import { ChatService } from './chat';
import { HandoffService } from './handoffs';
import { ContactService } from './contacts';
import { FamilyReminderService } from './family-reminders';
import { ServiceRecordService } from './service-records';
import { VisitService } from './visits';
import { NeedService } from './needs';
import { BookingService } from './bookings';
import { IdempotencyService } from './idempotency';
import { SubscriptionService } from './subscriptions';
import { SubscriptionChannel } from './subscription-channel';
import { WechatApiClient } from './wechat-api';
import { AudienceService } from './audience';
import { ActivityService } from './activities';
import { BroadcastService } from './broadcasts';
import { StatsService } from './stats';
import { SatisfactionService } from './satisfaction';

/** The domain services, built once per context; each feature adds its own here. */
export interface Services {
  auth: AuthService;
  binding: BindingService;
  notify: NotifyService;
  alerts: AlertService;
  outbox: OutboxService;
  conversations: ConversationService;
  jobs: JobService;
  audit: AuditService;
  stations: StationService;
  workers: WorkerService;
  residents: ResidentService;
  privacy: PrivacyService;
  imports: ImportService;
  miniapp: MiniappService;
  policies: PolicyService;
  policyIndex: PolicyIndex;
  policyAnswers: PolicyAnswerService;
  policyImport: PolicyImportService;
  checkins: CheckinService;
  checkinPlans: CheckinPlanService;
  checkinBoard: CheckinBoardService;
  accounts: AccountStatusService;
  chat: ChatService;
  handoffs: HandoffService;
  contacts: ContactService;
  familyReminders: FamilyReminderService;
  serviceRecords: ServiceRecordService;
  visits: VisitService;
  needs: NeedService;
  bookings: BookingService;
  idempotency: IdempotencyService;
  subscriptions: SubscriptionService;
  wechat: WechatApiClient;
  subscriptionChannel: SubscriptionChannel;
  alertSummary: AlertSummaryService;
  audience: AudienceService;
  activities: ActivityService;
  broadcasts: BroadcastService;
  stats: StatsService;
  satisfaction: SatisfactionService;
}

/** What the wiring needs besides the infrastructure: the jobs and the context they run with. */
export interface WiringOptions {
  jobs: JobDefinition[];
  /** Called when a job runs (never while wiring), so it may return the context being built. */
  jobContext: () => unknown;
}

/**
 * The one wiring module: builds every service of a context in dependency order, each receiving the
 * infrastructure and exactly the peers it uses. A new service is built after the peers it needs.
 */
export function createServices(infra: Infra, options: WiringOptions): Services {
  const audit = new AuditService(infra);
  const auth = new AuthService(infra);
  const binding = new BindingService(infra);
  const outbox = new OutboxService(infra);
  const notify = new NotifyService(infra, { outbox });
  const satisfaction = new SatisfactionService(infra, { notify });
  const chat = new ChatService(infra);
  const alerts = new AlertService(infra, { notify, chat, satisfaction, outbox });
  const accounts = new AccountStatusService(infra);
  const residents = new ResidentService(infra, { audit, binding });
  const privacy = new PrivacyService(infra, { audit, residents });
  const checkins = new CheckinService(infra, { accounts, alerts, notify, outbox });
  const checkinPlans = new CheckinPlanService(infra);
  const checkinBoard = new CheckinBoardService(infra);
  const handoffs = new HandoffService(infra, { chat, notify, outbox });
  const familyReminders = new FamilyReminderService(infra, { alerts, chat, notify, outbox });
  const serviceRecords = new ServiceRecordService(infra, { satisfaction });
  const visits = new VisitService(infra, { notify, outbox, records: serviceRecords });
  const needs = new NeedService(infra);
  const subscriptions = new SubscriptionService(infra);
  const wechat = new WechatApiClient(infra);
  const audience = new AudienceService(infra);
  const activities = new ActivityService(infra, { outbox, audience, satisfaction });
  const broadcasts = new BroadcastService(infra, { outbox, audience, notify, activities });
  const policyIndex = new PolicyIndex(infra);
  const policies = new PolicyService(infra, { amounts: new PolicyAmountService(infra), index: policyIndex });
  const services: Services = {
    auth,
    binding,
    notify,
    alerts,
    outbox,
    conversations: new ConversationService(infra),
    jobs: new JobService(infra, options.jobs, options.jobContext),
    audit,
    stations: new StationService(infra),
    workers: new WorkerService(infra, { auth, binding }),
    residents,
    privacy,
    imports: new ImportService(infra, { residents }),
    miniapp: new MiniappService(infra, { auth, binding, residents, checkinBoard }),
    policies,
    policyIndex,
    policyAnswers: new PolicyAnswerService(infra, { index: policyIndex, catalogue: policies, stats: new PolicyStatsService(infra) }),
    policyImport: new PolicyImportService({ catalogue: policies }),
    checkins,
    checkinPlans,
    checkinBoard,
    accounts,
    chat,
    handoffs,
    familyReminders,
    serviceRecords,
    visits,
    needs,
    bookings: new BookingService(infra, { notify, satisfaction }),
    idempotency: new IdempotencyService(infra),
    subscriptions,
    wechat,
    subscriptionChannel: new SubscriptionChannel(infra, { outbox, subscriptions, wechat }),
    alertSummary: new AlertSummaryService(infra, { notify, outbox }),
    contacts: new ContactService(infra, { audit }),
    audience,
    activities,
    broadcasts,
    stats: new StatsService(infra),
    satisfaction,
  };
  // Features that hold personal data of residents take part in the export and the erase.
  privacy.registerExportSection('checkins', (em, r) => checkins.exportFor(em, r));
  privacy.registerEraseHook((em, r) => checkins.eraseFor(em, r));
  privacy.registerExportSection('alerts', (em, r) => alerts.exportFor(em, r));
  privacy.registerExportSection('handoffs', (em, r) => handoffs.exportFor(em, r));
  privacy.registerExportSection('messages', (em, r) => chat.exportFor(em, r));
  privacy.registerExportSection('bookings', (em, r) => services.bookings.exportFor(em, r));
  privacy.registerEraseHook((em, r) => alerts.eraseFor(em, r));
  privacy.registerEraseHook((em, r) => handoffs.eraseFor(em, r));
  privacy.registerEraseHook((em, r) => chat.eraseFor(em, r));
  privacy.registerExportSection('familyReminders', (em, r) => familyReminders.exportFor(em, r));
  privacy.registerEraseHook((em, r) => familyReminders.eraseFor(em, r));
  privacy.registerExportSection('needs', (em, r) => needs.exportFor(em, r));
  privacy.registerEraseHook((em, r) => needs.eraseFor(em, r));
  privacy.registerExportSection('serviceRecords', (em, r) => serviceRecords.exportFor(em, r));
  privacy.registerExportSection('satisfaction', (em, r) => satisfaction.exportFor(em, r));
  return services;
}
