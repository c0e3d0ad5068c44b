import { z } from 'zod';
import { ALERT_OUTCOMES, ALERT_STATUSES, CHECKIN_STATUSES } from '../../entities';
import { planInputSchema } from '../../services/checkin-plans';
import { dateSchema } from '../../services/schemas';
import { freeText } from '../../services/text';
import { localDate } from '../../services/time';
import { presentAlert, presentAlertEntry, presentBoardItem, presentConfirmation, presentHistory, presentPlan } from '../presenters/checkins';
import { idParams, pageQuery, route } from '../route';
import { RESIDENT_SELF, STATION_CASES, STATION_CASE_LIST, STATION_WORK } from '../matrix';

const residentParams = z.object({ residentId: z.coerce.number().int().positive() });

/** Check-in plans, the board, signs of life and the alerts they raise (workers of the resident's station). */
export const checkinRoutes = [
  route({
    method: 'put', path: '/api/residents/:id/checkin-plan', summary: '设置居民的报平安计划（提醒时间、二次提醒、截止、星期、暂停、升级顺序）',
    matrix: { expect: STATION_CASES, params: (w) => ({ id: w.residentId }), body: () => ({ remindAt: '09:30' }) },
    tag: 'checkins', access: 'worker', params: idParams, body: planInputSchema,
    handler: async ({ ctx, actor, params, body }) => {
      const { plan } = await ctx.services.checkinPlans.savePlan(actor, params.id, body);
      return presentPlan(plan, localDate(ctx.clock.now()));
    },
  }),
  route({
    method: 'get', path: '/api/residents/:id/checkin-plan', summary: '居民的报平安计划', tag: 'checkins', access: 'worker', params: idParams,
    matrix: { expect: STATION_CASES, params: (w) => ({ id: w.residentId }) },
    handler: async ({ ctx, actor, params }) => presentPlan(await ctx.services.checkinPlans.getPlan(actor, params.id), localDate(ctx.clock.now())),
  }),
  route({
    method: 'get', path: '/api/checkins', summary: '报平安看板：本站当天适用报平安计划的居民及其状态（计划当天尚未生效或当天不在计划星期内的居民不列出；paused 仅表示暂停、计划停用或居民非在册）', tag: 'checkins', access: 'worker',
    matrix: { expect: STATION_CASE_LIST },
    query: pageQuery.extend({
      limit: z.coerce.number().int().min(1).max(500).default(500),
      date: dateSchema.optional(),
      status: z.enum(CHECKIN_STATUSES).optional(),
      communityId: z.coerce.number().int().positive().optional(),
    }),
    handler: async ({ ctx, actor, query }) => {
      const board = await ctx.services.checkinBoard.board(actor, query);
      return { date: board.date, items: board.items.map(presentBoardItem), total: board.total, counts: board.counts };
    },
  }),
  route({
    method: 'get', path: '/api/residents/:id/checkins', summary: '居民的报平安记录：连续天数、30 天内未报次数、每日明细', tag: 'checkins', access: 'worker',
    matrix: { expect: STATION_CASES, params: (w) => ({ id: w.residentId }) },
    params: idParams, query: z.object({ days: z.coerce.number().int().min(1).max(366).default(30) }),
    handler: async ({ ctx, actor, params, query }) => presentHistory(await ctx.services.checkinBoard.history(actor, params.id, query.days)),
  }),
  route({
    method: 'post', path: '/api/me/checkins', summary: '居民本人报平安（小程序）', tag: 'checkins', access: 'resident',
    matrix: { expect: RESIDENT_SELF },
    handler: async ({ ctx, actor }) => {
      const { day, result } = await ctx.services.checkins.confirmBySelf(actor);
      return presentConfirmation(day.residentId, day, result);
    },
  }),
  route({
    method: 'get', path: '/api/me/checkins', summary: '居民本人的报平安记录（小程序）', tag: 'checkins', access: 'resident',
    matrix: { expect: RESIDENT_SELF },
    query: z.object({ days: z.coerce.number().int().min(1).max(366).default(30) }),
    handler: async ({ ctx, actor, query }) => {
      const residentId = actor.kind === 'resident' ? (actor.residentId ?? 0) : 0;
      return presentHistory(await ctx.services.checkinBoard.history(actor, residentId, query.days));
    },
  }),
  route({
    method: 'post', path: '/api/checkins/:residentId/confirm', summary: '社工确认老人今日平安（见到或电话联系上）', tag: 'checkins', access: 'worker',
    matrix: { expect: STATION_CASES, params: (w) => ({ residentId: w.residentId }), body: () => ({}) },
    params: residentParams, body: z.strictObject({ note: freeText(500).nullable().optional() }),
    handler: async ({ ctx, actor, params, body }) => {
      const { day, result } = await ctx.services.checkins.confirmByWorker(actor, params.residentId, body.note ?? null);
      return presentConfirmation(params.residentId, day, result);
    },
  }),
  route({
    method: 'get', path: '/api/alerts', summary: '本站告警（未报平安、求助、提醒无法送达、微信掉线…），新的在前', tag: 'alerts', access: 'worker',
    matrix: { expect: STATION_CASE_LIST },
    query: pageQuery.extend({
      status: z.enum(ALERT_STATUSES).optional(),
      type: z.string().max(30).optional(),
      residentId: z.coerce.number().int().positive().optional(),
    }),
    handler: async ({ ctx, actor, query }) => {
      const { items, total } = await ctx.services.alerts.listPage(actor, query);
      return { items: items.map(presentAlert), total };
    },
  }),
  route({
    method: 'get', path: '/api/alerts/:id', summary: '告警详情', tag: 'alerts', access: 'worker', params: idParams,
    matrix: { expect: STATION_WORK, params: (w) => ({ id: w.alertId }) },
    handler: async ({ ctx, actor, params }) => {
      const alert = await ctx.services.alerts.get(actor, params.id);
      const entries = await ctx.services.alerts.entries(alert);
      return { ...presentAlert((await ctx.services.alerts.withNames([alert]))[0]), entries: entries.map(presentAlertEntry) };
    },
  }),
  route({
    method: 'post', path: '/api/alerts/:id/ack', summary: '确认收到告警（停止逐级升级）', tag: 'alerts', access: 'worker', params: idParams,
    matrix: { expect: STATION_WORK, params: (w) => ({ id: w.alertId }) },
    handler: async ({ ctx, actor, params }) => {
      const alert = await ctx.services.alerts.acknowledge(actor, params.id);
      return presentAlert((await ctx.services.alerts.withNames([alert]))[0]);
    },
  }),
  route({
    method: 'post', path: '/api/alerts/:id/resolve', summary: '处理完毕：结果（safe 平安 / visited 已上门，记一次入户走访 / hospital 送医 / other）与备注',
    matrix: { expect: STATION_WORK, params: (w) => ({ id: w.alertId }), body: () => ({ outcome: 'safe' }) },
    tag: 'alerts', access: 'worker', params: idParams,
    body: z.strictObject({ outcome: z.enum(ALERT_OUTCOMES), note: freeText(1000).nullable().optional() }),
    handler: async ({ ctx, actor, params, body }) => {
      const alert = await ctx.services.alerts.resolve(actor, params.id, body.outcome, body.note || null);
      return presentAlert((await ctx.services.alerts.withNames([alert]))[0]);
    },
  }),
];
