import { z } from 'zod';
import { broadcastCreateSchema, previewSchema } from '../../services/broadcasts';
import { presentBroadcast, presentPreview, presentRecipient, presentReport } from '../presenters/broadcasts';
import { STATION_CASE_LIST, STATION_CASES } from '../matrix';
import { idParams, pageQuery, route } from '../route';

const idempotencyKey = z.string().trim().min(1).max(100, 'Idempotency-Key 最多 100 个字符').optional();

/** Broadcasts: preview, send now or later, withdraw, the delivery report and its recipients; community groups. */
export const broadcastRoutes = [
  route({
    method: 'post', path: '/api/broadcasts/preview', summary: '发送前预览：能收到的人数、已退订、联系不上，以及按发送预算需要多久', tag: 'broadcasts', access: 'worker',
    matrix: { expect: STATION_CASE_LIST, body: () => ({ audience: { all: true } }) },
    body: previewSchema,
    handler: async ({ ctx, actor, body }) => presentPreview(await ctx.services.broadcasts.preview(actor, body), ctx.clock.now()),
  }),
  route({
    method: 'post', path: '/api/broadcasts', summary: '发通知（活动或自由文字；可定时；{name} 换成居民称呼；支持 Idempotency-Key）', tag: 'broadcasts', access: 'worker', status: 201,
    matrix: { expect: STATION_CASE_LIST, body: () => ({ text: '通知', audience: { all: true } }) },
    body: broadcastCreateSchema,
    handler: async ({ ctx, actor, body, koa }) => {
      const key = idempotencyKey.parse(koa.get('Idempotency-Key') || undefined);
      const { broadcast, preview } = await ctx.services.broadcasts.create(actor, body, key);
      return { ...presentBroadcast(broadcast), preview: presentPreview(preview, ctx.clock.now()), warning: preview.warning };
    },
  }),
  route({
    method: 'get', path: '/api/broadcasts', summary: '本站的通知', tag: 'broadcasts', access: 'worker',
    matrix: { expect: STATION_CASE_LIST },
    query: pageQuery,
    handler: async ({ ctx, actor, query }) => {
      const { items, total } = await ctx.services.broadcasts.list(actor, query);
      return { items: items.map(presentBroadcast), total };
    },
  }),
  route({
    method: 'get', path: '/api/broadcasts/:id', summary: '送达情况：排队、已发、失败、已退订、联系不上', tag: 'broadcasts', access: 'worker',
    matrix: { expect: STATION_CASES, params: (w) => ({ id: w.broadcastId }) },
    params: idParams,
    handler: async ({ ctx, actor, params }) => presentReport(await ctx.services.broadcasts.report(actor, params.id)),
  }),
  route({
    method: 'get', path: '/api/broadcasts/:id/recipients', summary: '每位收件人的状态', tag: 'broadcasts', access: 'worker',
    matrix: { expect: STATION_CASES, params: (w) => ({ id: w.broadcastId }) },
    params: idParams, query: pageQuery.extend({ state: z.enum(['queued', 'sent', 'failed', 'cancelled', 'opted_out', 'unreachable']).optional() }),
    handler: async ({ ctx, actor, params, query }) => {
      const { items, total } = await ctx.services.broadcasts.recipients(actor, params.id, query);
      return { items: items.map(presentRecipient), total };
    },
  }),
  route({
    method: 'post', path: '/api/broadcasts/:id/cancel', summary: '撤回通知（定时的不再发送；已排队未发出的取消）', tag: 'broadcasts', access: 'worker',
    matrix: { expect: STATION_CASES, params: (w) => ({ id: w.broadcastId }) },
    params: idParams,
    handler: async ({ ctx, actor, params }) => presentBroadcast(await ctx.services.broadcasts.cancel(actor, params.id)),
  }),
  route({
    method: 'put', path: '/api/communities/:id/room', summary: '关联村（社区）微信群（站点微信已在群里；roomId 为空则取消关联）', tag: 'broadcasts', access: 'worker',
    matrix: { expect: STATION_CASES, params: (w) => ({ id: w.communityId }), body: (w) => ({ roomId: `room${w.stationId}@chatroom` }) },
    params: idParams, body: z.object({ roomId: z.string().trim().regex(/^[^\s]{1,128}@chatroom$/, '群 id 应以 @chatroom 结尾').nullable() }).strict(),
    handler: async ({ ctx, actor, params, body }) => {
      const room = await ctx.services.broadcasts.setRoom(actor, params.id, body.roomId);
      return { communityId: params.id, roomId: room?.roomId ?? null };
    },
  }),
];
