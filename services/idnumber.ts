import { isCalendarDate } from './schemas';

/**
 * Chinese resident ID numbers (公民身份号码, GB 11643-1999): 17 digits and a check character
 * computed with ISO 7064 MOD 11-2. The digits 7–14 are the birth date.
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** The check character of the first 17 digits. */
export function idCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK[sum % 11];
}

/** Upper-cases the check character and drops spaces, so equal numbers hash equally. */
export function normaliseIdNumber(raw: string): string {
  return raw.replace(/\s+/g, '').toUpperCase();
}

export type IdNumberProblem = 'format' | 'birth_date' | 'check_digit';

/** Why an ID number is invalid, or null when it is valid (format, birth date, check digit). */
export function idNumberProblem(raw: string, today?: string): IdNumberProblem | null {
  const id = normaliseIdNumber(raw);
  if (!/^\d{17}[\dX]$/.test(id)) return 'format';
  const birth = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  if (!isCalendarDate(birth) || birth < '1870-01-01' || (today !== undefined && birth > today)) return 'birth_date';
  if (idCheckChar(id.slice(0, 17)) !== id[17]) return 'check_digit';
  return null;
}

/** True for a valid 18-character ID number. */
export function isValidIdNumber(raw: string, today?: string): boolean {
  return idNumberProblem(raw, today) === null;
}

/** The birth date (`YYYY-MM-DD`) and gender encoded in a valid ID number. */
export function idNumberFacts(raw: string): { birthDate: string; gender: 'male' | 'female' } {
  const id = normaliseIdNumber(raw);
  return {
    birthDate: `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`,
    gender: Number(id[16]) % 2 === 1 ? 'male' : 'female',
  };
}

/** A message for people explaining an ID-number problem. */
export function idNumberMessage(problem: IdNumberProblem): string {
  return {
    format: '身份证号应为18位（最后一位可为X）',
    birth_date: '身份证号中的出生日期无效',
    check_digit: '身份证号校验位不正确，请核对',
  }[problem];
}

/** Whole years between a birth date and a local date (both `YYYY-MM-DD`). */
export function ageOn(birthDate: string, today: string): number {
  // Once per resident of a list: `YYYY-MM-DD` is read in place rather than split into arrays.
  if (birthDate.length === 10 && today.length === 10) {
    const monthDay = (d: string) => Number(d.slice(5, 7)) * 100 + Number(d.slice(8, 10));
    return Number(today.slice(0, 4)) - Number(birthDate.slice(0, 4)) - (monthDay(today) < monthDay(birthDate) ? 1 : 0);
  }
  const [by, bm, bd] = birthDate.split('-').map(Number);
  const [ty, tm, td] = today.split('-').map(Number);
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}
