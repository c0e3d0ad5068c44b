import { z } from 'zod';

/**
 * A `text` column holds 65,535 bytes on MySQL/MariaDB (SQLite has no limit): a limit in characters
 * lets 21,846 CJK characters (3 bytes each) through to a 500. Long text is limited by its UTF-8 bytes.
 */
export const TEXT_COLUMN_BYTES = 65_535;

/** The UTF-8 size of a string, as MySQL counts it. */
function utf8Bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/**
 * Control and invisible characters (C0/C1 controls such as NUL and ESC, format characters such as the
 * right-to-left override and the zero-width space, line/paragraph separators, private use, lone
 * surrogates): in a name they spoof what a worker reads, break terminals and logs.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}\u2028\u2029]/u;
/** The same, but line breaks and tabs are ordinary in long free text. */
const INVISIBLE_IN_FREE_TEXT = /(?![\t\n\r])[\p{Cc}\p{Cf}\p{Co}\p{Cs}\u2028\u2029]/u;

/** NFC, runs of white space (the ideographic space too) as one space, trimmed. */
function normaliseLine(s: string): string {
  return s.normalize('NFC').replace(/[\s\u3000]+/gu, ' ').trim();
}

/**
 * One line of text a person reads (names, relations, titles): normalised, then refused with a plain
 * message when empty, too long, or holding control or invisible characters.
 */
export function plainText(max: number, options: { label?: string } = {}) {
  const label = options.label ?? '';
  return z
    .string()
    .overwrite(normaliseLine)
    .min(1, `${label}不能为空`)
    .max(max, `${label}最多 ${max} 个字`)
    .refine((s) => !INVISIBLE.test(s), `${label}不能包含控制字符或看不见的字符`);
}

/**
 * Long free text (policy content, notes): line breaks allowed, other control characters refused,
 * and at most `maxBytes` UTF-8 bytes so that it fits its column on every database.
 */
export function freeText(maxChars: number, options: { maxBytes?: number; min?: number } = {}) {
  const maxBytes = options.maxBytes ?? TEXT_COLUMN_BYTES;
  return z
    .string()
    .overwrite((s) => s.normalize('NFC').trim())
    .min(options.min ?? 0, '不能为空')
    .max(maxChars, `最多 ${maxChars} 个字`)
    .refine((s) => utf8Bytes(s) <= maxBytes, `内容太长（最多约 ${Math.floor(maxBytes / 3)} 个汉字）`)
    .refine((s) => !INVISIBLE_IN_FREE_TEXT.test(s), '不能包含控制字符或看不见的字符');
}

/** A refinement for a value stored as JSON text: its serialised form must fit a `text` column. */
export function fitsTextColumn(value: unknown, maxBytes = TEXT_COLUMN_BYTES): boolean {
  return utf8Bytes(JSON.stringify(value ?? null)) <= maxBytes;
}
