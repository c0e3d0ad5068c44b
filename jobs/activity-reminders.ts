import type { AppContext } from '../services/context';
import type { JobDefinition } from '../services/jobs';

/**
 * Reminds everyone signed up for an activity of tomorrow, once (dedupe key per activity and
 * resident); runs through the day so that activities and sign-ups added later are reminded too.
 */
export const activityRemindersJob: JobDefinition<AppContext> = {
  name: 'activity-reminders',
  schedule: '*/30 8-20 * * *',
  description: '活动提醒：提前一天提醒已报名的居民',
  async run(ctx, at) {
    return { ...(await ctx.services.activities.sendReminders(at)) };
  },
};
