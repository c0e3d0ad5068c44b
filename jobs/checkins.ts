import type { AppContext } from '../services/context';
import type { JobDefinition } from '../services/jobs';

/**
 * Daily check-ins: every minute, one set-based sweep of what is due today (first and second
 * reminders, deadlines, escalation of unacknowledged alerts; the morning summary is `alert-summary`). It works from
 * the state in the database, so a run after downtime catches up on today and never on yesterday.
 */
export const checkinsJob: JobDefinition<AppContext> = {
  name: 'checkins',
  schedule: '* * * * *',
  description: '报平安：到点提醒、二次提醒、截止未回复升级告警、无人确认的告警逐级通知',
  catchUpMinutes: 1,
  async run(ctx, at) {
    const summary = await ctx.services.checkins.sweep(at);
    return { ...summary };
  },
};
