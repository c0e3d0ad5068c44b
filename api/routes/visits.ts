import { z } from 'zod';
import { SERVICE_RECORD_TYPES } from '../../entities';
import { dateSchema } from '../../services/schemas';
import { serviceRecordInputSchema } from '../../services/service-records';
import { intervalsInputSchema } from '../../services/visits';
import { presentCaseWorker, presentServiceRecord, presentVisitDue } from '../presenters/visits';
import { idParams, pageQuery, route } from '../route';
import { OWN, STATION_CASE_LIST, STATION_CASES } from '../matrix';

/** Home visits by risk tier, and the service records that count them. */
export const visitRoutes = [
  route({
    method: 'get', path: '/api/visits/due', summary: '到期与逾期的入户走访（按风险等级：高风险每周、重点每月、一般每季度，各站可调）；workerId：该社工负责的和未指定负责人的',
    matrix: { expect: STATION_CASE_LIST },
    tag: 'visits', access: 'worker',
    query: z.object({
      workerId: z.coerce.number().int().positive().optional(),
      withinDays: z.coerce.number().int().min(0).max(90).default(0),
      date: dateSchema.optional(),
    }),
    handler: async ({ ctx, actor, query }) => {
      const { date, intervals, items } = await ctx.services.visits.due(actor, query);
      return { date, intervals, items: items.map(presentVisitDue), total: items.length };
    },
  }),
  route({
    method: 'get', path: '/api/stations/:id/visit-intervals', summary: '站点的走访间隔（天）', tag: 'visits', access: 'worker', params: idParams,
    matrix: { expect: { anonymous: 401, resident: 403, worker: OWN, station_admin: OWN, county_admin: OWN }, params: (w) => ({ id: w.stationId }) },
    handler: async ({ ctx, actor, params }) => ctx.services.visits.getIntervals(actor, params.id),
  }),
  route({
    method: 'put', path: '/api/stations/:id/visit-intervals', summary: '设置站点的走访间隔（天）：{ high, priority, general }', tag: 'visits',
    matrix: { expect: { anonymous: 401, resident: 403, worker: 403, station_admin: OWN, county_admin: OWN }, params: (w) => ({ id: w.stationId }), body: () => ({ high: 7, priority: 30, general: 90 }) },
    access: ['station_admin', 'county_admin'], params: idParams, body: intervalsInputSchema,
    handler: async ({ ctx, actor, params, body }) => ctx.services.visits.setIntervals(actor, params.id, body),
  }),
  route({
    method: 'put', path: '/api/residents/:id/case-worker', summary: '指定居民的负责社工（走访名单按此分配，null 为不指定）', tag: 'visits',
    matrix: { expect: STATION_CASES, params: (w) => ({ id: w.residentId }), body: (w) => ({ workerId: w.workerId }) },
    access: 'worker', params: idParams, body: z.strictObject({ workerId: z.number().int().positive().nullable() }),
    handler: async ({ ctx, actor, params, body }) => presentCaseWorker(await ctx.services.visits.setCaseWorker(actor, params.id, body.workerId)),
  }),
  route({
    method: 'post', path: '/api/service-records', summary: '记录一次服务（个案 case、小组 group、社区活动 community、入户走访 home_visit）', tag: 'visits',
    matrix: { expect: { anonymous: 401, resident: 403, worker: { own: 'ok', other: 400 }, station_admin: { own: 'ok', other: 400 }, county_admin: 403 }, body: (w) => ({ type: 'home_visit', residentIds: [w.residentId], date: '2026-01-05', summary: '入户走访' }) },
    access: 'worker', body: serviceRecordInputSchema, status: 201,
    handler: async ({ ctx, actor, body }) => presentServiceRecord(await ctx.services.serviceRecords.create(actor, body)),
  }),
  route({
    method: 'get', path: '/api/service-records', summary: '本站服务记录，新的在前', tag: 'visits', access: 'worker',
    matrix: { expect: STATION_CASE_LIST },
    query: pageQuery.extend({
      from: dateSchema.optional(), to: dateSchema.optional(), type: z.enum(SERVICE_RECORD_TYPES).optional(),
      residentId: z.coerce.number().int().positive().optional(),
    }),
    handler: async ({ ctx, actor, query }) => {
      const { items, total } = await ctx.services.serviceRecords.list(actor, query);
      return { items: items.map(presentServiceRecord), total };
    },
  }),
];
