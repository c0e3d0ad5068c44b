import type { AppContext } from '../services/context';
import type { JobDefinition } from '../services/jobs';

/**
 * The outbox's mini-program channel: every minute, due rows for mini-program users go out as
 * WeChat subscription messages (each spends one accepted subscription); failures are retried or
 * recorded on the row. Rows are claimed atomically, so instances never send one twice.
 */
export const subscriptionMessagesJob: JobDefinition<AppContext> = {
  name: 'subscription-messages',
  schedule: '* * * * *',
  description: '小程序订阅消息：把发给小程序用户的提醒通过微信订阅消息发出（每次消耗一次订阅），失败重试或记录原因',
  catchUpMinutes: 1,
  async run(ctx) {
    return { ...(await ctx.services.subscriptionChannel.run()) };
  },
};
