/** The one error shape: a code for programs, a message for people, optional details. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const badRequest = (code: string, message: string, details?: unknown) => new AppError(400, code, message, details);
export const validationFailed = (details: unknown, message = '输入有误') => new AppError(400, 'validation_failed', message, details);
export const unauthorized = (message = '请先登录', code = 'unauthorized') => new AppError(401, code, message);
export const forbidden = (message = '没有权限', code = 'forbidden') => new AppError(403, code, message);
export const notFound = (what = '记录', code = 'not_found') => new AppError(404, code, `${what}不存在`);
export const conflict = (code: string, message: string, details?: unknown) => new AppError(409, code, message, details);
export const tooMany = (retryAfterSeconds: number, message = '操作太频繁，请稍后再试') =>
  new AppError(429, 'rate_limited', message, { retryAfterSeconds });

/** True for a unique-key violation on SQLite or MySQL/MariaDB. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; errno?: number; driverError?: { code?: string; errno?: number } } | null;
  if (!e) return false;
  const codes = [e.code, e.driverError?.code];
  const errnos = [e.errno, e.driverError?.errno];
  return (
    codes.some((c) => c === 'ER_DUP_ENTRY' || c === 'SQLITE_CONSTRAINT_UNIQUE' || c === 'SQLITE_CONSTRAINT_PRIMARYKEY') ||
    errnos.includes(1062)
  );
}
