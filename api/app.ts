import Koa from 'koa';
import { Router } from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import type { AppContext } from '../services/context';
import { AppError } from '../services/errors';
import { bearer, httpMetrics, rateLimit, requestId } from './middleware/basics';
import { errorHandler } from './middleware/errors';
import { buildOpenApi, docsPage } from './openapi';
import { mount } from './route';
import { healthRoutes } from './routes/health';
import { apiRoutes } from './routes/index';
import { webRoutes } from './web';

/** Request bodies above this are refused with 413 (imports of large files use multipart, see residents). */
const BODY_LIMIT = '1mb';

/** Builds the Koa app on a context, without listening. */
export function createApp(ctx: AppContext): Koa {
  // Proxy headers are anyone's to write: trusted only when configured, and then only the last hop
  // (the address the proxy itself saw and appended), so a client cannot pick its own address.
  const app = new Koa({ proxy: ctx.config.trustProxy, maxIpsCount: 1 });
  const router = new Router();
  const routes = apiRoutes(ctx);

  healthRoutes(router, ctx);
  const openapi = buildOpenApi(routes);
  router.get('/api/openapi.json', (koa) => {
    koa.body = openapi;
  });
  router.get('/api/docs', (koa) => {
    koa.type = 'html';
    koa.body = docsPage();
  });
  webRoutes(router, ctx);
  mount(router, ctx, routes);

  app.use(requestId());
  app.use(httpMetrics(ctx));
  app.use(errorHandler(ctx));
  app.use(bearer(ctx));
  app.use(rateLimit(ctx));
  app.use(
    bodyParser({
      enableTypes: ['json'],
      jsonLimit: BODY_LIMIT,
      onError: (err) => {
        const status = (err as { status?: number }).status;
        if (status === 413) throw new AppError(413, 'payload_too_large', '提交的内容太大');
        throw new AppError(400, 'malformed_json', '请求内容不是合法的 JSON');
      },
    }),
  );
  app.use(router.routes());
  app.use(router.allowedMethods({ throw: true }));
  app.on('error', (err) => ctx.logger.debug({ err }, 'koa error'));
  return app;
}
