import { z } from 'zod';
import { SIGNUP_STATUSES } from '../../entities';
import { activityCreateSchema, attendanceSchema } from '../../services/activities';
import { badRequest } from '../../services/errors';
import { boundResidentId } from '../../services/permissions';
import { presentActivity, presentSignup } from '../presenters/activities';
import { PUBLIC, STATION_CASE_LIST, STATION_CASES } from '../matrix';
import { idParams, pageQuery, route } from '../route';

const residentBody = z.object({ residentId: z.number().int().positive().optional() }).strict();

/** Activities and sign-ups: listed publicly per station, created by workers, joined by residents or for them. */
export const activityRoutes = [
  route({
    method: 'get', path: '/api/activities', summary: '近期活动（公开，按站点；居民看到面向自己的，社工看到本站全部）', tag: 'activities', access: 'public',
    matrix: { expect: PUBLIC, query: (w) => ({ stationId: w.stationId }) },
    query: pageQuery.extend({ stationId: z.coerce.number().int().positive().optional() }),
    handler: async ({ ctx, actor, query }) => {
      const own = actor.kind === 'worker' ? actor.stationId : actor.kind === 'resident' ? actor.stationId : null;
      const stationId = query.stationId ?? own;
      if (!stationId) throw badRequest('station_required', '请指定站点（stationId）');
      const { items, total } = await ctx.services.activities.upcoming(actor, stationId, query);
      const now = ctx.clock.now();
      return { items: items.map((a) => presentActivity(a, now)), total };
    },
  }),
  route({
    method: 'post', path: '/api/activities', summary: '发布活动（本站社工）', tag: 'activities', access: 'worker', status: 201,
    matrix: { expect: STATION_CASE_LIST, body: () => ({ title: '义诊', startsAt: '2026-12-20T09:00:00+08:00', endsAt: '2026-12-20T10:00:00+08:00', location: '村委会', audience: { all: true } }) },
    body: activityCreateSchema,
    handler: async ({ ctx, actor, body }) => presentActivity(await ctx.services.activities.create(actor, body), ctx.clock.now()),
  }),
  route({
    method: 'get', path: '/api/activities/:id', summary: '活动详情', tag: 'activities', access: 'public',
    matrix: { expect: PUBLIC, params: (w) => ({ id: w.activityId }) },
    params: idParams,
    handler: async ({ ctx, actor, params }) => presentActivity(await ctx.services.activities.get(actor, params.id), ctx.clock.now()),
  }),
  route({
    method: 'post', path: '/api/activities/:id/cancel', summary: '取消活动（已报名的居民会收到通知）', tag: 'activities', access: 'worker',
    matrix: { expect: STATION_CASES, params: (w) => ({ id: w.activityId }) },
    params: idParams,
    handler: async ({ ctx, actor, params }) => presentActivity(await ctx.services.activities.cancel(actor, params.id), ctx.clock.now()),
  }),
  route({
    method: 'post', path: '/api/activities/:id/signups', summary: '报名（居民本人；社工代报需 residentId）；满员 409', tag: 'activities', access: 'signed_in',
    matrix: { expect: { anonymous: 401, resident: { own: 'ok', other: 403 }, worker: { own: 'ok', other: 404 }, station_admin: { own: 'ok', other: 404 }, county_admin: 403 }, params: (w) => ({ id: w.activityId }), body: (w) => ({ residentId: w.residentId }) },
    params: idParams, body: residentBody, status: 201,
    handler: async ({ ctx, actor, params, body }) =>
      presentSignup(await ctx.services.activities.signUp(actor, params.id, { residentId: body?.residentId, source: 'miniapp' })),
  }),
  route({
    method: 'post', path: '/api/activities/:id/signups/cancel', summary: '取消报名（居民本人；社工需 residentId）', tag: 'activities', access: 'signed_in',
    matrix: { expect: { anonymous: 401, resident: { own: 404, other: 403 }, worker: { own: 404, other: 404 }, station_admin: { own: 404, other: 404 }, county_admin: 403 }, params: (w) => ({ id: w.activityId }), body: (w) => ({ residentId: w.residentId }) },
    params: idParams, body: residentBody,
    handler: async ({ ctx, actor, params, body }) => presentSignup(await ctx.services.activities.cancelSignup(actor, params.id, body?.residentId)),
  }),
  route({
    method: 'get', path: '/api/activities/:id/signups', summary: '活动的报名名单（本站社工）', tag: 'activities', access: 'worker',
    matrix: { expect: STATION_CASES, params: (w) => ({ id: w.activityId }) },
    params: idParams, query: pageQuery.extend({ status: z.enum(SIGNUP_STATUSES).optional() }),
    handler: async ({ ctx, actor, params, query }) => {
      const { items, total } = await ctx.services.activities.signups(actor, params.id, query);
      return { items: items.map(presentSignup), total };
    },
  }),
  route({
    method: 'post', path: '/api/activities/:id/attendance', summary: '记录到场情况（活动开始后），生成该活动的服务记录', tag: 'activities', access: 'worker',
    matrix: { expect: { ...STATION_CASES, worker: { own: 400, other: 404 }, station_admin: { own: 400, other: 404 } }, params: (w) => ({ id: w.activityId }), body: (w) => ({ attended: [w.residentId] }) },
    params: idParams, body: attendanceSchema,
    handler: async ({ ctx, actor, params, body }) => {
      const res = await ctx.services.activities.recordAttendance(actor, params.id, body);
      return { activity: presentActivity(res.activity, ctx.clock.now()), serviceRecordId: res.record.id, type: res.record.type, attended: res.attended, noShow: res.noShow };
    },
  }),
  route({
    method: 'get', path: '/api/residents/:id/signups', summary: '一位居民报名的近期活动（本站社工）', tag: 'activities', access: 'worker',
    matrix: { expect: STATION_CASES, params: (w) => ({ id: w.residentId }) },
    params: idParams,
    handler: async ({ ctx, actor, params }) => {
      const rows = await ctx.services.activities.signupsOf(actor, params.id);
      const now = ctx.clock.now();
      return { items: rows.map((r) => ({ ...presentSignup(r.signup), activity: presentActivity(r.activity, now) })), total: rows.length };
    },
  }),
  route({
    method: 'get', path: '/api/me/signups', summary: '本人的报名（居民，需已绑定）', tag: 'activities', access: 'resident',
    matrix: { expect: { anonymous: 401, resident: 'ok', worker: 403, station_admin: 403, county_admin: 403 } },
    handler: async ({ ctx, actor }) => {
      const rows = await ctx.services.activities.signupsOf(actor, boundResidentId(actor));
      const now = ctx.clock.now();
      return { items: rows.map((r) => ({ ...presentSignup(r.signup), activity: presentActivity(r.activity, now) })), total: rows.length };
    },
  }),
];
