import type { AppContext } from '../services/context';
import type { JobDefinition } from '../services/jobs';

/** Home visits: every morning at 08:00, each bound worker gets the list of visits due and overdue for them. */
export const visitsJob: JobDefinition<AppContext> = {
  name: 'visits',
  schedule: '0 8 * * *',
  description: '入户走访：每天 08:00 按风险等级把到期和逾期的走访名单发给每位社工',
  async run(ctx, at) {
    return { ...(await ctx.services.visits.sendMorningLists(at)) };
  },
};
