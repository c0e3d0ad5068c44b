import { z } from 'zod';
import { NEED_STATUSES, NEED_TYPES, NEED_URGENCIES } from '../../entities';
import { needCreateSchema, needPatchSchema } from '../../services/needs';
import { localDate } from '../../services/time';
import { presentNeed } from '../presenters/needs';
import { idParams, pageQuery, route } from '../route';
import { STATION_CASE_LIST, STATION_CASES } from '../matrix';

const needFilter = z.object({
  status: z.enum(NEED_STATUSES).optional(),
  type: z.enum(NEED_TYPES).optional(),
  urgency: z.enum(NEED_URGENCIES).optional(),
  residentId: z.coerce.number().int().positive().optional(),
  followUpWorkerId: z.coerce.number().int().positive().optional(),
  q: z.string().trim().max(50, '搜索词最多 50 个字').optional(),
});

/** The needs list (帮扶需求清单): workers of the resident's station. */
export const needRoutes = [
  route({
    method: 'post', path: '/api/needs', summary: '登记一条帮扶需求（走访中发现）：类型、紧急程度、描述、跟进社工', tag: 'needs', access: 'worker',
    matrix: { expect: STATION_CASES, body: (w) => ({ residentId: w.residentId, type: 'medical', urgency: 'low', description: '需要轮椅' }) },
    body: needCreateSchema, status: 201,
    handler: async ({ ctx, actor, body }) => presentNeed(await ctx.services.needs.create(actor, body)),
  }),
  route({
    method: 'get', path: '/api/needs', summary: '帮扶需求清单：按状态、类型、紧急程度、居民、跟进社工筛选，q 搜索描述、备注和居民姓名；紧急的在前', tag: 'needs',
    matrix: { expect: STATION_CASE_LIST },
    access: 'worker', query: pageQuery.extend(needFilter.shape),
    handler: async ({ ctx, actor, query }) => {
      const { items, total } = await ctx.services.needs.list(actor, query);
      return { items: items.map(presentNeed), total };
    },
  }),
  route({
    method: 'get', path: '/api/needs/export.xlsx', summary: '导出帮扶需求清单（Excel，中文表头；筛选同列表）', tag: 'needs', access: 'worker',
    matrix: { expect: STATION_CASE_LIST },
    query: needFilter, raw: true,
    handler: async ({ ctx, actor, query, koa }) => {
      const buf = await ctx.services.needs.exportXlsx(actor, query);
      const name = encodeURIComponent(`帮扶需求清单-${localDate(ctx.clock.now())}.xlsx`);
      koa.set('Content-Disposition', `attachment; filename="needs.xlsx"; filename*=UTF-8''${name}`);
      koa.type = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
      koa.body = buf;
    },
  }),
  route({
    method: 'patch', path: '/api/needs/:id', summary: '更新帮扶需求：状态（open 待跟进 / in_progress 跟进中 / met 已解决 / closed 已关闭）、跟进社工、备注等', tag: 'needs',
    matrix: { expect: STATION_CASES, params: (w) => ({ id: w.needId }), body: () => ({ status: 'in_progress' }) },
    access: 'worker', params: idParams, body: needPatchSchema,
    handler: async ({ ctx, actor, params, body }) => presentNeed(await ctx.services.needs.update(actor, params.id, body)),
  }),
];
