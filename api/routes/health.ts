import type { Router } from '@koa/router';
import type { AppContext } from '../../services/context';

/** Liveness, readiness (database and jobs) and Prometheus metrics, outside `/api`. */
export function healthRoutes(router: Router, ctx: AppContext): void {
  router.get('/healthz', (koa) => {
    koa.body = { ok: true };
  });
  router.get('/readyz', async (koa) => {
    const database = await ctx.db.ping();
    const jobs = database ? await ctx.services.jobs.health().catch(() => ({})) : {};
    koa.status = database ? 200 : 503;
    koa.body = { ok: database, database, jobs };
  });
  router.get('/metrics', async (koa) => {
    if (await ctx.db.ping()) await ctx.services.jobs.lastSuccess().catch(() => undefined);
    koa.type = ctx.metrics.registry.contentType;
    koa.body = await ctx.metrics.text();
  });
}
