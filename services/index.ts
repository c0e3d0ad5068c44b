import type { AppContext } from './context';
import { AlertService } from './alerts';
import { AuthService } from './auth';
import { BindingService } from './binding';
import { NotifyService } from './notify';
import { ConversationService } from './conversations';
import { JobDefinition, JobService } from './jobs';
import { OutboxService } from './outbox';
import { AuditService } from './audit';
import { ImportService } from './import';
import { MiniappService } from './miniapp';
import { ResidentService } from './residents';
import { StationService } from './stations';
import { WorkerService } from './workers';
import { PolicyService } from './policies';
import { CheckinService } from './checkins';
import { AccountStatusService } from './accounts';
import { ChatService } from './chat';
import { HandoffService } from './handoffs';
import { AudienceService } from './audience';
import { ActivityService } from './activities';

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
  imports: ImportService;
  miniapp: MiniappService;
  policies: PolicyService;
  checkins: CheckinService;
  accounts: AccountStatusService;
  chat: ChatService;
  handoffs: HandoffService;
  audience: AudienceService;
  activities: ActivityService;
}

/** Builds every service of a context. */
export function createServices(ctx: AppContext, jobs: JobDefinition[]): Services {
  const services: Services = {
    auth: new AuthService(ctx),
    binding: new BindingService(ctx),
    notify: new NotifyService(ctx),
    alerts: new AlertService(ctx),
    outbox: new OutboxService(ctx),
    conversations: new ConversationService(ctx),
    jobs: new JobService(ctx, jobs),
    audit: new AuditService(ctx),
    stations: new StationService(ctx),
    workers: new WorkerService(ctx),
    residents: new ResidentService(ctx),
    imports: new ImportService(ctx),
    miniapp: new MiniappService(ctx),
    policies: new PolicyService(ctx),
    checkins: new CheckinService(ctx),
    accounts: new AccountStatusService(ctx),
    chat: new ChatService(ctx),
    handoffs: new HandoffService(ctx),
  } as Services;
  services.audience = new AudienceService(ctx.db);
  services.activities = new ActivityService(ctx.db, ctx.clock, services.outbox, services.audience);
  // Features that hold personal data of residents take part in the export and the erase.
  services.residents.registerExportSection('checkins', (em, r) => services.checkins.exportFor(em, r));
  services.residents.registerEraseHook((em, r) => services.checkins.eraseFor(em, r));
  services.residents.registerExportSection('alerts', (em, r) => services.alerts.exportFor(em, r));
  services.residents.registerExportSection('handoffs', (em, r) => services.handoffs.exportFor(em, r));
  services.residents.registerExportSection('messages', (em, r) => services.chat.exportFor(em, r));
  services.residents.registerEraseHook((em, r) => services.alerts.eraseFor(em, r));
  services.residents.registerEraseHook((em, r) => services.handoffs.eraseFor(em, r));
  services.residents.registerEraseHook((em, r) => services.chat.eraseFor(em, r));
  return services;
}
