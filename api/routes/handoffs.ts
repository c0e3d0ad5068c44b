import { z } from 'zod';
import type { Handoff } from '../../entities';
import type { AppContext } from '../../services/context';
import { presentHandoff } from '../presenters/handoffs';
import { idParams, pageQuery, route } from '../route';
import { STATION_CASE_LIST, STATION_WORK } from '../matrix';

async function present(ctx: AppContext, items: Handoff[]) {
  const names = await ctx.services.handoffs.residentNames(items);
  return items.map((h) => presentHandoff(h, h.residentId ? (names.get(h.residentId) ?? null) : null));
}

/** Residents who asked for a person (人工/找社工/5): the station's workers list, take and close them. */
export const handoffRoutes = [
  route({
    method: 'get', path: '/api/handoffs', summary: '转人工请求（本站）', tag: 'handoffs', access: 'worker',
    matrix: { expect: STATION_CASE_LIST },
    query: pageQuery.extend({ status: z.enum(['open', 'taken', 'closed']).optional() }),
    handler: async ({ ctx, actor, query }) => {
      const { items, total } = await ctx.services.handoffs.list(actor, query);
      return { items: await present(ctx, items), total };
    },
  }),
  route({
    method: 'post', path: '/api/handoffs/:id/take', summary: '接手转人工请求（居民会收到社工已接手的消息）', tag: 'handoffs', access: 'worker',
    matrix: { expect: STATION_WORK, params: (w) => ({ id: w.handoffId }) },
    params: idParams,
    handler: async ({ ctx, actor, params }) => {
      const h = await ctx.services.handoffs.take(actor, params.id);
      return (await present(ctx, [h]))[0];
    },
  }),
  route({
    method: 'post', path: '/api/handoffs/:id/close', summary: '结束转人工请求（机器人恢复自动回复）', tag: 'handoffs', access: 'worker',
    matrix: { expect: STATION_WORK, params: (w) => ({ id: w.handoffId }) },
    params: idParams,
    handler: async ({ ctx, actor, params }) => {
      const h = await ctx.services.handoffs.close(actor, params.id);
      return (await present(ctx, [h]))[0];
    },
  }),
];
