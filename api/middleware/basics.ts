import { randomUUID } from 'node:crypto';
import type Koa from 'koa';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { AppContext } from '../../services/context';
import { AuthService, TokenClaims } from '../../services/auth';
import { tooMany } from '../../services/errors';

/** Gives each request an id (taken from X-Request-Id when sane) and echoes it back. */
export function requestId(): Koa.Middleware {
  return async (koa, next) => {
    const incoming = koa.get('X-Request-Id');
    const id = /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    koa.state.requestId = id;
    koa.set('X-Request-Id', id);
    await next();
  };
}

/** Counts and times requests by route pattern (not raw path, which would leak ids into labels). */
export function httpMetrics(ctx: AppContext): Koa.Middleware {
  return async (koa, next) => {
    const end = ctx.metrics.httpDuration.startTimer();
    try {
      await next();
    } finally {
      const route = (koa as unknown as { _matchedRoute?: string })._matchedRoute ?? 'unmatched';
      end({ method: koa.method, route });
      ctx.metrics.httpRequests.inc({ method: koa.method, route, status: String(koa.status) });
    }
  };
}

/**
 * The bearer token, if any, verified once for the whole request: `koa.state.claims` is undefined
 * without a token, null for a bad one; routes resolve it to an actor according to their access.
 */
export function bearer(ctx: AppContext): Koa.Middleware {
  return async (koa, next) => {
    const h = koa.get('Authorization');
    const m = /^Bearer\s+(\S+)$/i.exec(h);
    koa.state.token = m?.[1];
    koa.state.claims = m ? ctx.services.auth.verify(m[1]) : undefined;
    await next();
  };
}

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** Requests per minute per token (or per IP without one), on real time; 429 with Retry-After. */
export function rateLimit(ctx: AppContext): Koa.Middleware {
  const limiter = new RateLimiterMemory({ points: ctx.config.rateLimitPerMinute, duration: 60 });
  return async (koa, next) => {
    // Unknown methods count wherever they go: they are probes, not the console loading its files.
    if (!koa.path.startsWith('/api/') && KNOWN_METHODS.has(koa.method)) return next();
    // A token counts as a key only when its signature holds: made-up tokens would dodge the limit.
    const claims = koa.state.claims as TokenClaims | null | undefined;
    const key = claims ? `t:${AuthService.subject(claims)}` : `ip:${koa.ip}`;
    try {
      await limiter.consume(key);
    } catch (res) {
      if (res instanceof RateLimiterRes) throw tooMany(Math.max(1, Math.ceil(res.msBeforeNext / 1000)));
      throw res;
    }
    await next();
  };
}
