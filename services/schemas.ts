import { z } from 'zod';
import { isValidPhone } from './phone';

/**
 * The field schemas every door shares, so that a date or a phone is judged the same way in the
 * API, the imports and the bot.
 */

/** True for a real calendar date `YYYY-MM-DD` (2026-02-31 is not one). */
export function isCalendarDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const [y, m, d] = s.split('-').map(Number);
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

/** A calendar date `YYYY-MM-DD` that exists. */
export const dateSchema = z.string().refine(isCalendarDate, '日期格式应为 YYYY-MM-DD，例如 2026-12-03');

/** A phone number: a mobile (11 digits) or a landline with its area code, optionally +86 and an extension. */
export const phoneSchema = z.string().trim().max(30).refine(isValidPhone, '电话号码格式不正确（手机号11位，座机带区号）');
