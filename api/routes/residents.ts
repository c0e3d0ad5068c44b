import { z } from 'zod';
import { RESIDENT_STATUSES, RESIDENT_TAGS, RISK_TIERS } from '../../entities';
import { ownStationId } from '../../services/permissions';
import { familyCreateSchema, residentCreateSchema, residentPatchSchema } from '../../services/residents';
import { ImportFormat } from '../../services/import';
import { presentAudit, presentCode, presentFamily, presentResident, presentResidentPage } from '../presenters/people';
import { idParams, pageQuery, route } from '../route';
import { OWN_LIST, STATION_CASES, STATION_CASE_LIST } from '../matrix';
import { readUpload } from '../upload';
import { toIso } from '../../services/time';

const XLSX_TYPES = ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/vnd.ms-excel'];

function formatOf(filename: string | null, contentType: string): ImportFormat | undefined {
  if (filename && /\.xlsx$/i.test(filename)) return 'xlsx';
  if (filename && /\.(csv|txt)$/i.test(filename)) return 'csv';
  if (XLSX_TYPES.some((t) => contentType.startsWith(t))) return 'xlsx';
  if (contentType.startsWith('text/')) return 'csv';
  return undefined; // sniffed from the content
}

/** Residents, their family contacts, binding codes, export and erase (workers of the resident's station). */
export const residentRoutes = [
  route({
    method: 'post', path: '/api/residents', summary: '新建居民', tag: 'residents', access: 'worker', status: 201,
    matrix: { expect: { anonymous: 401, resident: 403, worker: { own: 'ok', other: 400 }, station_admin: { own: 'ok', other: 400 }, county_admin: 403 }, body: (w) => ({ name: '新居民', communityId: w.communityId }) },
    body: residentCreateSchema,
    handler: async ({ ctx, actor, body }) => presentResident(await ctx.services.residents.create(actor, body), ctx.services.residents.today()),
  }),
  route({
    method: 'get', path: '/api/residents', summary: '本站居民（可按标签、村（社区）、状态、姓名/电话/身份证号筛选）', tag: 'residents', access: 'worker',
    matrix: { expect: STATION_CASE_LIST },
    query: pageQuery.extend({
      tag: z.enum(RESIDENT_TAGS).optional(),
      communityId: z.coerce.number().int().positive().optional(),
      status: z.enum(RESIDENT_STATUSES).optional(),
      riskTier: z.enum(RISK_TIERS).optional(),
      q: z.string().trim().max(50).optional(),
    }),
    handler: async ({ ctx, actor, query }) => presentResidentPage(await ctx.services.residents.list(actor, query), ctx.services.residents.today()),
  }),
  route({
    method: 'post', path: '/api/residents/import', summary: '导入居民（CSV 或 Excel：multipart 上传，或以 text/csv、xlsx 类型直接提交文件内容）',
    matrix: { expect: { anonymous: 401, resident: 403, worker: OWN_LIST, station_admin: OWN_LIST, county_admin: 403 }, csv: (w) => `姓名,communityId\n新居民,${w.communityId}\n` },
    tag: 'residents', access: 'worker', upload: true,
    handler: async ({ ctx, actor, koa }) => {
      ownStationId(actor); // before reading the upload: a county admin's file is refused unread
      const file = await readUpload(koa);
      return ctx.services.imports.importResidents(actor, file.buffer, { format: formatOf(file.filename, file.contentType) });
    },
  }),
  route({
    method: 'get', path: '/api/residents/:id', summary: '居民详情（记入审计日志）', tag: 'residents', access: 'worker',
    matrix: { expect: STATION_CASES, params: (w) => ({ id: w.residentId }) },
    params: idParams,
    handler: async ({ ctx, actor, params }) => presentResident(await ctx.services.residents.read(actor, params.id), ctx.services.residents.today()),
  }),
  route({
    method: 'get', path: '/api/residents/:id/contact', summary: '居民及家属的完整电话（仅本站社工，每次查看记入审计日志）', tag: 'residents', access: 'worker',
    matrix: { expect: STATION_CASES, params: (w) => ({ id: w.residentId }) },
    params: idParams,
    handler: async ({ ctx, actor, params }) => ctx.services.contacts.read(actor, params.id),
  }),
  route({
    method: 'patch', path: '/api/residents/:id', summary: '修改居民信息', tag: 'residents', access: 'worker',
    matrix: { expect: STATION_CASES, params: (w) => ({ id: w.residentId }), body: () => ({ name: '改名' }) },
    params: idParams, body: residentPatchSchema,
    handler: async ({ ctx, actor, params, body }) => presentResident(await ctx.services.residents.update(actor, params.id, body), ctx.services.residents.today()),
  }),
  route({
    method: 'delete', path: '/api/residents/:id', summary: '停用居民（软删除：状态改为 inactive，停止一切提醒；删除个人信息请用 erase）', tag: 'residents', access: 'worker',
    matrix: { expect: STATION_CASES, params: (w) => ({ id: w.residentId }) },
    params: idParams,
    handler: async ({ ctx, actor, params }) => presentResident(await ctx.services.residents.deactivate(actor, params.id), ctx.services.residents.today()),
  }),
  route({
    method: 'post', path: '/api/residents/:id/binding-code', summary: '居民绑定码（一次性，72小时有效）', tag: 'residents', access: 'worker',
    matrix: { expect: STATION_CASES, params: (w) => ({ id: w.residentId }) },
    params: idParams,
    handler: async ({ ctx, actor, params }) => presentCode(await ctx.services.residents.bindingCode(actor, params.id)),
  }),
  route({
    method: 'post', path: '/api/residents/:id/family', summary: '新增家属联系人（返回绑定码）', tag: 'residents', access: 'worker', status: 201,
    matrix: { expect: STATION_CASES, params: (w) => ({ id: w.residentId }), body: () => ({ name: '新家属', relation: '女儿' }) },
    params: idParams, body: familyCreateSchema,
    handler: async ({ ctx, actor, params, body }) => {
      const { family, code, expiresAt } = await ctx.services.residents.addFamily(actor, params.id, body);
      return { ...presentFamily(family), bindingCode: code, bindingCodeExpiresAt: toIso(expiresAt) };
    },
  }),
  route({
    method: 'get', path: '/api/residents/:id/family', summary: '居民的家属联系人', tag: 'residents', access: 'worker',
    matrix: { expect: STATION_CASES, params: (w) => ({ id: w.residentId }) },
    params: idParams,
    handler: async ({ ctx, actor, params }) => {
      const items = await ctx.services.residents.listFamily(actor, params.id);
      return { items: items.map(presentFamily), total: items.length };
    },
  }),
  route({
    method: 'post', path: '/api/family-contacts/:id/binding-code', summary: '家属绑定码（重新生成）', tag: 'residents', access: 'worker',
    matrix: { expect: STATION_CASES, params: (w) => ({ id: w.familyId }) },
    params: idParams,
    handler: async ({ ctx, actor, params }) => presentCode(await ctx.services.residents.familyBindingCode(actor, params.id)),
  }),
  route({
    method: 'delete', path: '/api/family-contacts/:id', summary: '删除家属联系人', tag: 'residents', access: 'worker',
    matrix: { expect: STATION_CASES, params: (w) => ({ id: w.familyId }) },
    params: idParams,
    handler: async ({ ctx, actor, params }) => {
      await ctx.services.residents.deleteFamily(actor, params.id);
      return { ok: true };
    },
  }),
  route({
    method: 'get', path: '/api/residents/:id/export', summary: '导出居民的全部信息（个人信息保护法；记入审计日志；不含身份证号）', tag: 'residents', access: 'worker',
    matrix: { expect: STATION_CASES, params: (w) => ({ id: w.residentId }) },
    params: idParams,
    handler: async ({ ctx, actor, params }) => {
      const data = await ctx.services.privacy.export(actor, params.id);
      return {
        exportedAt: toIso(ctx.clock.now()),
        resident: presentResident(data.resident, ctx.services.residents.today()),
        family: data.family.map(presentFamily),
        audit: data.audit.map(presentAudit),
        ...data.sections,
      };
    },
  }),
  route({
    method: 'post', path: '/api/residents/:id/erase', summary: '删除居民个人信息（站长；统计匿名保留）', tag: 'residents', access: 'worker',
    matrix: { expect: { ...STATION_CASES, worker: { own: 403, other: 404 } }, params: (w) => ({ id: w.residentId }) },
    params: idParams,
    handler: async ({ ctx, actor, params }) => presentResident(await ctx.services.privacy.erase(actor, params.id), ctx.services.residents.today()),
  }),
  route({
    method: 'get', path: '/api/audit', summary: '个人信息访问审计日志（站长）', tag: 'residents', access: 'worker',
    matrix: { expect: { ...STATION_CASE_LIST, worker: 403 } },
    query: pageQuery.extend({ residentId: z.coerce.number().int().positive().optional() }),
    handler: async ({ ctx, actor, query }) => {
      const { items, total } = await ctx.services.audit.listFor(actor, query);
      return { items: items.map(presentAudit), total };
    },
  }),
];
