import type { AppContext } from '../services/context';
import type { JobDefinition } from '../services/jobs';

/**
 * The morning summary: from 08:30 each station admin gets the list of the station's open and
 * acknowledged alerts, once a day; a run that missed 08:30 makes it up until noon.
 */
export const alertSummaryJob: JobDefinition<AppContext> = {
  name: 'alert-summary',
  schedule: '* 8-11 * * *',
  description: '早间告警汇总：每天 08:30 起把本站待处理告警清单发给站长（停机错过则中午前补发）',
  async run(ctx, at) {
    return { sent: await ctx.services.alertSummary.send(at) };
  },
};
