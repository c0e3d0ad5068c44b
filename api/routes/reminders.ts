import { presentUndelivered } from '../presenters/reminders';
import { pageQuery, route } from '../route';
import { STATION_CASE_LIST } from '../matrix';

/** Reminders to residents, as the workers follow them up. */
export const reminderRoutes = [
  route({
    method: 'get', path: '/api/reminders/undelivered',
    summary: '没送达的居民提醒（预约、活动）：小程序订阅次数用完又没绑定微信、微信发送失败等，附原因，便于电话联系', tag: 'reminders', access: 'worker',
    matrix: { expect: STATION_CASE_LIST },
    query: pageQuery,
    handler: async ({ ctx, actor, query }) => {
      const { items, total } = await ctx.services.notify.undelivered(actor, query);
      return { items: items.map(presentUndelivered), total };
    },
  }),
];
