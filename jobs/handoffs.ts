import type { AppContext } from '../services/context';
import type { JobDefinition } from '../services/jobs';

/**
 * Hand-offs nobody answers: every five minutes, an open hand-off nobody took for two hours is
 * reminded to the workers once; one nobody took for a day (or a taken one silent for a day) is
 * closed with a note, and the resident is told.
 */
export const handoffsJob: JobDefinition<AppContext> = {
  name: 'handoffs',
  schedule: '*/5 * * * *',
  description: '转人工：两小时无人接手提醒社工一次，一天无人接手或无新消息则自动结束并告知居民',
  async run(ctx, at) {
    return { ...(await ctx.services.handoffs.sweep(at)) };
  },
};
