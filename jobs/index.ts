import type { AppContext } from '../services/context';
import type { JobDefinition } from '../services/jobs';
import { retentionJob } from './retention';
import { checkinsJob } from './checkins';
import { familyRemindersJob } from './family-reminders';
import { visitsJob } from './visits';
import { subscriptionMessagesJob } from './subscription-messages';
import { bookingOffersJob, bookingRemindersJob } from './bookings';
import { handoffsJob } from './handoffs';
import { alertSummaryJob } from './alert-summary';
import { activityRemindersJob } from './activity-reminders';
import { broadcastsJob } from './broadcasts';

/** Every job, by name (the names are part of the contract: `npm run job -- <name>`). */
export const JOBS: JobDefinition<AppContext>[] = [retentionJob, checkinsJob, alertSummaryJob, familyRemindersJob, visitsJob, subscriptionMessagesJob, bookingRemindersJob, bookingOffersJob, handoffsJob, activityRemindersJob, broadcastsJob];
