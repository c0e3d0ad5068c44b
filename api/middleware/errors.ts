import type Koa from 'koa';
import { AppError } from '../../services/errors';
import type { AppContext } from '../../services/context';

/** Turns every failure into the one error shape; anything unexpected is a logged 500. */
export function errorHandler(ctx: AppContext): Koa.Middleware {
  return async (koa, next) => {
    try {
      await next();
      if (koa.status === 404 && koa.body === undefined) {
        throw new AppError(404, 'not_found', `没有这个地址：${koa.method} ${koa.path}`);
      }
    } catch (err) {
      const e = toAppError(err);
      if (e.status >= 500) ctx.logger.error({ err, requestId: koa.state.requestId, path: koa.path }, 'request failed');
      koa.status = e.status;
      koa.body = { error: { code: e.code, message: e.message, ...(e.details === undefined ? {} : { details: e.details }) } };
      if (e.status === 429) {
        const retry = (e.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds ?? 60;
        koa.set('Retry-After', String(retry));
      }
      if (e.status === 405 && (err as { headers?: Record<string, string> }).headers?.Allow) {
        koa.set('Allow', (err as { headers: Record<string, string> }).headers.Allow);
      }
    }
  };
}

function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as { status?: number; statusCode?: number; type?: string; message?: string; expose?: boolean };
  const status = e?.status ?? e?.statusCode;
  if (status === 413 || e?.type === 'entity.too.large') return new AppError(413, 'payload_too_large', '提交的内容太大');
  if (status === 415) return new AppError(415, 'unsupported_media_type', '不支持的内容类型，请提交 JSON');
  if (status === 405) return new AppError(405, 'method_not_allowed', '这个地址不支持该请求方法');
  // An unknown method (TRACE, PROPFIND) is the caller's mistake, not ours: 405, not a logged 501.
  if (status === 501) return new AppError(405, 'method_not_allowed', '这个地址不支持该请求方法');
  if (status && status >= 400 && status < 500) {
    const malformed = e?.type === 'entity.parse.failed' || /JSON|Unexpected token|parse/i.test(e?.message ?? '');
    return malformed
      ? new AppError(400, 'malformed_json', '请求内容不是合法的 JSON')
      : new AppError(status, 'bad_request', e?.expose && e.message ? e.message : '请求有误');
  }
  return new AppError(500, 'internal_error', '服务器内部错误，已记录');
}
