import { statsQuerySchema } from '../../services/stats';
import { statsWorkbook } from '../../services/stats-export';
import { toIso } from '../../services/time';
import { route } from '../route';
import type { Expectations } from '../matrix';

/**
 * Statistics: a station's workers read their own station (another one: 403); a county admin reads
 * the county (no `stationId`) or one station of it (another county's: 404); residents are refused.
 */
const STATS: Expectations = {
  anonymous: 401, resident: 403, worker: { own: 'ok', other: 403 }, station_admin: { own: 'ok', other: 403 }, county_admin: { own: 'ok', other: 404 },
};

/** Station and county statistics, counted from the records (API.md, README 统计口径). */
export const statsRoutes = [
  route({
    method: 'get', path: '/api/stats',
    summary: '站点统计（县管理员不带 stationId 即全县）：服务人数与人次、个案（人次）、小组与社区活动（场次）、入户走访、需求、预约与到场、活动报名、报平安率、告警与处理用时中位数、链接资源（元）、满意度；按对象类别、村（社区）和月份拆分。from/to 默认本月，最长三年',
    tag: 'stats', access: 'worker', query: statsQuerySchema,
    matrix: { expect: STATS, query: (w) => ({ stationId: w.stationId, from: '2026-01-01', to: '2026-12-31' }) },
    handler: async ({ ctx, actor, query }) => ctx.services.stats.report(actor, query),
  }),
  route({
    method: 'get', path: '/api/stats/export.xlsx',
    summary: '导出统计（Excel，中文表头）：每个板块一张表，县级每站一行并有合计；另有按对象类别、村（社区）、月度、捐赠方、告警类型',
    tag: 'stats', access: 'worker', query: statsQuerySchema, raw: true,
    matrix: { expect: STATS, query: (w) => ({ stationId: w.stationId, from: '2026-01-01', to: '2026-12-31' }) },
    handler: async ({ ctx, actor, query, koa }) => {
      const report = await ctx.services.stats.report(actor, query);
      const buf = await statsWorkbook(report, toIso(ctx.clock.now()));
      const scope = report.stationId === null ? report.county : (report.stations[0]?.name ?? '站点');
      const name = encodeURIComponent(`统计-${scope}-${report.from}至${report.to}.xlsx`);
      koa.set('Content-Disposition', `attachment; filename="stats-${report.from}-${report.to}.xlsx"; filename*=UTF-8''${name}`);
      koa.type = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
      koa.body = buf;
    },
  }),
];
