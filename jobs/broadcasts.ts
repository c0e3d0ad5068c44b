import type { AppContext } from '../services/context';
import type { JobDefinition } from '../services/jobs';

/** Releases scheduled broadcasts now due, and tells the workers whom a finished broadcast could not reach. */
export const broadcastsJob: JobDefinition<AppContext> = {
  name: 'broadcasts',
  schedule: '* * * * *',
  description: '定时通知到点发出；发完后把没送达的名单告诉社工',
  catchUpMinutes: 1,
  async run(ctx, at) {
    return { ...(await ctx.services.broadcasts.releaseDue(at)) };
  },
};
