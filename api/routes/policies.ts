import { z } from 'zod';
import { MAX_POLICY_IMPORT, policyInput, policyPatch } from '../../services/policies';
import { presentPolicy, presentPolicySummary, presentUnanswered } from '../presenters/policies';
import { idParams, pageQuery, route } from '../route';
import { OWN, OWN_LIST, PUBLIC, STAFF_ANY } from '../matrix';
import { readUpload } from '../upload';

const staff = ['worker', 'station_admin', 'county_admin'] as const;
const stationQuery = z.coerce.number().int().positive().optional();

/** Welfare policies: public search and reading, management by county admins and station workers. */
export const policyRoutes = [
  route({
    method: 'get', path: '/api/policies/search', summary: '搜索政策（居民的提问原话即可）', tag: '政策', access: 'public',
    matrix: { expect: PUBLIC, query: () => ({ q: '低保怎么申请' }) },
    query: z.object({
      q: z.string().max(10_000).default(''),
      limit: z.coerce.number().int().min(1).max(20).default(5),
      stationId: stationQuery,
    }),
    response: z.object({
      items: z.array(z.object({ id: z.number().int(), title: z.string(), category: z.string(), summary: z.string(), score: z.number() })),
      answered: z.boolean(),
    }),
    handler: async ({ ctx, query, actor }) => {
      const stationId = query.stationId ?? (actor.kind === 'anonymous' ? null : actor.stationId);
      const res = await ctx.services.policyAnswers.answer(actor, stationId, query.q, { limit: query.limit });
      return {
        items: res.hits.map((h) => ({ id: h.policy.id, title: h.policy.title, category: h.policy.category, summary: h.policy.summary, score: h.score })),
        answered: res.answered,
      };
    },
  }),
  route({
    method: 'get', path: '/api/policies/unanswered', summary: '居民问了但没找到可靠答案的问题（去重计数；县管理员看全县，可按站点筛选）', tag: '政策', access: staff,
    matrix: { expect: { anonymous: 401, resident: 403, worker: OWN_LIST, station_admin: OWN_LIST, county_admin: OWN_LIST } },
    query: pageQuery.extend({ stationId: stationQuery }),
    handler: async ({ ctx, query, actor }) => {
      const { items, total } = await ctx.services.policyAnswers.unanswered(actor, query);
      return { items: items.map(presentUnanswered), total };
    },
  }),
  route({
    method: 'get', path: '/api/policies/unanswered/stats', summary: '每周居民提问情况：答上的、没答上的、社工处理后补上答案的（县管理员看全县或某站）', tag: '政策', access: staff,
    matrix: { expect: { anonymous: 401, resident: 403, worker: OWN, station_admin: OWN, county_admin: OWN }, query: (w) => ({ stationId: w.stationId }) },
    query: z.object({ weeks: z.coerce.number().int().min(1).max(52).default(8), stationId: stationQuery }),
    response: z.object({
      weeks: z.array(z.object({ week: z.string(), answered: z.number().int(), unanswered: z.number().int(), resolved: z.number().int() })),
    }),
    handler: async ({ ctx, query, actor }) => ({ weeks: await ctx.services.policyAnswers.weeklyStats(actor, query) }),
  }),
  route({
    method: 'post', path: '/api/policies/unanswered/:id/resolve', summary: '处理未答问题：加为已有政策的示例问题（policyId），或据此新建政策（policy），或忽略（dismiss）', tag: '政策', access: staff,
    matrix: { expect: { anonymous: 401, resident: 403, worker: OWN, station_admin: OWN, county_admin: OWN }, params: (w) => ({ id: w.unansweredId }), body: () => ({ dismiss: true }) },
    params: idParams,
    body: z
      .object({ policyId: z.number().int().positive().optional(), policy: policyInput.optional(), dismiss: z.boolean().optional() })
      .refine((b) => [b.policyId, b.policy, b.dismiss].filter(Boolean).length === 1, '需要且只能给出 policyId、policy、dismiss: true 之一'),
    handler: async ({ ctx, params, body, actor }) => presentUnanswered(await ctx.services.policyAnswers.resolveUnanswered(actor, params.id, body)),
  }),
  route({
    method: 'get', path: '/api/policies', summary: '政策列表（可按类别筛选）', tag: '政策', access: 'public',
    matrix: { expect: PUBLIC, query: (w) => ({ stationId: w.stationId }) },
    query: pageQuery.extend({ category: z.string().max(50).optional(), stationId: stationQuery }),
    handler: async ({ ctx, query, actor }) => {
      const { items, total } = await ctx.services.policies.list(actor, query);
      return { items: items.map(presentPolicySummary), total };
    },
  }),
  route({
    method: 'post', path: '/api/policies/import', summary: '批量导入政策：JSON { policies: [...] }，或上传 XLSX/CSV 表格（全部校验通过才写入）', tag: '政策',
    matrix: { expect: STAFF_ANY, body: (w) => ({ policies: [{ title: `导入政策${w.stationId}`, category: '救助', summary: '摘要', content: '内容' }] }) },
    access: staff, status: 201, upload: true,
    body: z.object({ policies: z.array(z.unknown()).min(1).max(MAX_POLICY_IMPORT) }).optional(),
    handler: async ({ ctx, body, actor, koa }) => {
      const created = koa.is('json')
        ? await ctx.services.policies.import(actor, body?.policies ?? [])
        : await ctx.services.policyImport.importSheet(actor, (await readUpload(koa)).buffer);
      return { created: created.map((p) => ({ id: p.id, title: p.title })) };
    },
  }),
  route({
    method: 'post', path: '/api/policies', summary: '新增政策（县管理员：全县共享；站点社工：本站专用）', tag: '政策', access: staff, status: 201,
    matrix: { expect: STAFF_ANY, body: (w) => ({ title: `新政策${w.stationId}`, category: '救助', summary: '摘要', content: '内容' }) },
    body: policyInput,
    handler: async ({ ctx, body, actor }) => presentPolicy(await ctx.services.policies.create(actor, body)),
  }),
  route({
    method: 'get', path: '/api/policies/:id', summary: '政策全文', tag: '政策', access: 'public',
    matrix: { expect: PUBLIC, params: (w) => ({ id: w.policyId }), query: (w) => ({ stationId: w.stationId }) },
    params: idParams, query: z.object({ stationId: stationQuery }),
    handler: async ({ ctx, params, query, actor }) => presentPolicy(await ctx.services.policies.view(actor, params.id, query.stationId)),
  }),
  route({
    method: 'patch', path: '/api/policies/:id', summary: '修改政策', tag: '政策', access: staff,
    matrix: { expect: { anonymous: 401, resident: 403, worker: OWN, station_admin: OWN, county_admin: OWN }, params: (w) => ({ id: w.policyId }), body: () => ({ summary: '新的摘要' }) },
    params: idParams, body: policyPatch,
    handler: async ({ ctx, params, body, actor }) => presentPolicy(await ctx.services.policies.update(actor, params.id, body)),
  }),
  route({
    method: 'delete', path: '/api/policies/:id', summary: '删除政策', tag: '政策', access: staff,
    matrix: { expect: { anonymous: 401, resident: 403, worker: OWN, station_admin: OWN, county_admin: OWN }, params: (w) => ({ id: w.policyId }) },
    params: idParams,
    handler: async ({ ctx, params, actor }) => {
      await ctx.services.policies.remove(actor, params.id);
      return { ok: true };
    },
  }),
];
