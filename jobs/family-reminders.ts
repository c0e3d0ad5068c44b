import type { AppContext } from '../services/context';
import type { JobDefinition } from '../services/jobs';

/**
 * Left-behind families: every minute, the weekly call-home reminders whose time has come, the
 * guardian reminders now due, and the flag for children whose family stayed silent three weeks.
 */
export const familyRemindersJob: JobDefinition<AppContext> = {
  name: 'family-reminders',
  schedule: '* * * * *',
  description: '留守家庭：每周提醒外出务工的家长联系孩子、提醒监护人家长会/体检/疫苗，连续三周未回复则通知儿童主任和社工',
  catchUpMinutes: 1,
  async run(ctx, at) {
    return { ...(await ctx.services.familyReminders.sweep(at)) };
  },
};
