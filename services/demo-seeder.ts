import type { Station } from '../entities';
import type { Infra } from './infra';
import type { CheckinPlanService } from './checkin-plans';
import type { PolicyImportService } from './policy-import';
import type { BookingService } from './bookings';
import type { WorkerService } from './workers';

/** What the demo seeders use: the infrastructure and a few services (the context has them). */
export interface DemoContext extends Infra {
  services: { workers: WorkerService; policyImport: PolicyImportService; checkinPlans: CheckinPlanService; bookings: BookingService };
}

/** One step of the demo data; returns lines to print at start (where to log in, what to try). */
export type DemoSeeder = (ctx: DemoContext, stations: Station[]) => Promise<string[]>;
