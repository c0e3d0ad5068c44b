import { z } from 'zod';
import { WORKER_ROLES } from '../../entities';
import { phoneSchema as phone } from '../../services/schemas';
import { plainText } from '../../services/text';
import { presentCode, presentCommunity, presentStation, presentWorker } from '../presenters/people';
import { idParams, pageQuery, route } from '../route';
import { OWN, OWN_LIST } from '../matrix';

const text = (max: number) => plainText(max);
const password = z.string().min(8, '密码至少 8 位').max(128, '密码最多 128 位');

/** Stations, communities and worker accounts (county admin; station admin for their own station). */
export const organisationRoutes = [
  route({
    method: 'post', path: '/api/stations', summary: '新建站点（县管理员）', tag: 'organisation', access: ['county_admin'], status: 201,
    matrix: { expect: { anonymous: 401, resident: 403, worker: 403, station_admin: 403, county_admin: { own: 'ok', other: 403 } }, body: (w) => ({ name: `新站${w.stationId}`, township: `新镇${w.stationId}`, county: w.county }) },
    body: z.object({
      name: text(100), township: text(100), county: text(100),
      address: text(200).nullable().optional(), phone: phone.nullable().optional(), openHours: text(200).nullable().optional(),
    }),
    handler: async ({ ctx, actor, body }) => presentStation(await ctx.services.stations.create(actor, body)),
  }),
  route({
    method: 'get', path: '/api/stations', summary: '站点列表（县管理员看全县，社工看本站）', tag: 'organisation', access: 'worker',
    matrix: { expect: { anonymous: 401, resident: 403, worker: OWN_LIST, station_admin: OWN_LIST, county_admin: OWN_LIST } },
    query: pageQuery,
    handler: async ({ ctx, actor, query }) => {
      const { items, total } = await ctx.services.stations.list(actor, query);
      return { items: items.map(presentStation), total };
    },
  }),
  route({
    method: 'post', path: '/api/stations/:id/communities', summary: '新增村（社区）', tag: 'organisation', access: ['county_admin', 'station_admin'], status: 201,
    matrix: { expect: { anonymous: 401, resident: 403, worker: 403, station_admin: OWN, county_admin: OWN }, params: (w) => ({ id: w.stationId }), body: () => ({ name: '新村' }) },
    params: idParams, body: z.object({ name: text(100) }),
    handler: async ({ ctx, actor, params, body }) => presentCommunity(await ctx.services.stations.addCommunity(actor, params.id, body.name)),
  }),
  route({
    method: 'get', path: '/api/stations/:id/communities', summary: '站点的村（社区）', tag: 'organisation', access: 'worker',
    matrix: { expect: { anonymous: 401, resident: 403, worker: OWN, station_admin: OWN, county_admin: OWN }, params: (w) => ({ id: w.stationId }) },
    params: idParams, query: pageQuery,
    handler: async ({ ctx, actor, params, query }) => {
      const { items, total } = await ctx.services.stations.communities(actor, params.id, query);
      return { items: items.map(presentCommunity), total };
    },
  }),
  route({
    method: 'post', path: '/api/workers', summary: '新建社工账号（站长可不填 stationId，默认本站；县管理员须填写）', tag: 'organisation', access: ['county_admin', 'station_admin'], status: 201,
    matrix: { expect: { anonymous: 401, resident: 403, worker: 403, station_admin: OWN, county_admin: OWN }, body: (w) => ({ stationId: w.stationId, username: `new${w.stationId}`, password: 'password123', name: '新社工', role: 'worker' }) },
    body: z.object({
      stationId: z.number().int().positive().nullable().optional(),
      username: z.string().trim().regex(/^[\w.-]{3,64}$/, '用户名为 3–64 位字母、数字或 ._-'),
      password, name: text(50), role: z.enum(WORKER_ROLES), phone: phone.nullable().optional(),
    }),
    handler: async ({ ctx, actor, body }) => presentWorker(await ctx.services.workers.create(actor, body)),
  }),
  route({
    method: 'get', path: '/api/workers', summary: '社工账号列表', tag: 'organisation', access: 'worker',
    matrix: { expect: { anonymous: 401, resident: 403, worker: OWN_LIST, station_admin: OWN_LIST, county_admin: OWN_LIST } },
    query: pageQuery.extend({ stationId: z.coerce.number().int().positive().optional() }),
    handler: async ({ ctx, actor, query }) => {
      const { items, total } = await ctx.services.workers.list(actor, query);
      return { items: items.map(presentWorker), total };
    },
  }),
  route({
    method: 'get', path: '/api/workers/:id', summary: '一个社工账号', tag: 'organisation', access: 'worker',
    matrix: { expect: { anonymous: 401, resident: 403, worker: OWN, station_admin: OWN, county_admin: OWN }, params: (w) => ({ id: w.workerId }) },
    params: idParams,
    handler: async ({ ctx, actor, params }) => presentWorker(await ctx.services.workers.get(actor, params.id, 'read')),
  }),
  route({
    method: 'patch', path: '/api/workers/:id', summary: '修改社工账号（active: false 停用并使其登录失效）', tag: 'organisation',
    matrix: { expect: { anonymous: 401, resident: 403, worker: 403, station_admin: OWN, county_admin: OWN }, params: (w) => ({ id: w.workerId }), body: () => ({ name: '改名' }) },
    access: ['county_admin', 'station_admin'], params: idParams,
    body: z.object({ name: text(50).optional(), role: z.enum(WORKER_ROLES).optional(), phone: phone.nullable().optional(), active: z.boolean().optional() }),
    handler: async ({ ctx, actor, params, body }) => presentWorker(await ctx.services.workers.update(actor, params.id, body)),
  }),
  route({
    method: 'post', path: '/api/workers/:id/password', summary: '设置新密码（本人需原密码；站长/县管理员可重置），旧登录全部失效', tag: 'organisation',
    matrix: { expect: { anonymous: 401, resident: 403, worker: { own: 403, other: 404 }, station_admin: OWN, county_admin: OWN }, params: (w) => ({ id: w.workerId }), body: () => ({ password: 'new-password-1' }) },
    access: 'worker', params: idParams,
    body: z.object({ password, currentPassword: z.string().max(128).optional() }),
    handler: async ({ ctx, actor, params, body }) => ({ ok: true, ...(await ctx.services.workers.setPassword(actor, params.id, body)) }),
  }),
  route({
    method: 'post', path: '/api/workers/:id/binding-code', summary: '社工微信绑定码（绑定后可在微信里处理告警）', tag: 'organisation',
    matrix: { expect: { anonymous: 401, resident: 403, worker: { own: 403, other: 404 }, station_admin: OWN, county_admin: OWN }, params: (w) => ({ id: w.workerId }) },
    access: 'worker', params: idParams,
    handler: async ({ ctx, actor, params }) => presentCode(await ctx.services.workers.bindingCode(actor, params.id)),
  }),
];
