import type { AppContext } from './context';
import { AlertService } from './alerts';
import { AuthService } from './auth';
import { BindingService } from './binding';
import { NotifyService } from './notify';
import { ConversationService } from './conversations';
import { JobDefinition, JobService } from './jobs';
import { OutboxService } from './outbox';
import { PolicyService } from './policies';

/** The domain services, built once per context; each feature adds its own here. */
export interface Services {
  auth: AuthService;
  binding: BindingService;
  notify: NotifyService;
  alerts: AlertService;
  outbox: OutboxService;
  conversations: ConversationService;
  jobs: JobService;
  policies: PolicyService;
}

/** Builds every service of a context. */
export function createServices(ctx: AppContext, jobs: JobDefinition[]): Services {
  return {
    auth: new AuthService(ctx),
    binding: new BindingService(ctx),
    notify: new NotifyService(ctx),
    alerts: new AlertService(ctx),
    outbox: new OutboxService(ctx),
    conversations: new ConversationService(ctx),
    jobs: new JobService(ctx, jobs),
    policies: new PolicyService(ctx),
  };
}
