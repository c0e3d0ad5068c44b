import * as OpenCC from 'opencc-js';

/** Queries are cut to this many characters before any work (long rambling messages stay well under it). */
export const MAX_QUERY_CHARS = 300;

let t2sConverter: ((s: string) => string) | undefined;
function t2s(s: string): string {
  if (!t2sConverter) {
    // 'tw' → 'cn' also fixes variants such as 著→着 that the plain 't' table leaves alone.
    t2sConverter = OpenCC.Converter({ from: 'tw', to: 'cn' });
  }
  return t2sConverter(s);
}

let tradChars: Uint8Array | undefined;
let tradCount = 0;
/** Bitmap of the characters that the converter changes on their own (built once, ~60 ms). */
function traditionalChars(): Uint8Array {
  if (!tradChars) {
    const chars: string[] = [];
    for (let c = 0x4e00; c <= 0x9fff; c++) chars.push(String.fromCharCode(c));
    const out = t2s(chars.join('\n')).split('\n');
    tradChars = new Uint8Array(65536);
    if (out.length === chars.length) {
      for (let i = 0; i < chars.length; i++) {
        if (out[i] !== chars[i]) {
          tradChars[chars[i].charCodeAt(0)] = 1;
          tradCount++;
        }
      }
    }
    // 么 is ordinary simplified text (怎么); traditional texts write 麼
    tradChars['么'.charCodeAt(0)] = 0;
  }
  return tradChars;
}

/** Texts are converted only when they hold a traditional character (the converter is slow per call). */
function needsT2s(s: string): boolean {
  const map = traditionalChars();
  if (tradCount === 0) return true;
  for (let i = 0; i < s.length; i++) if (map[s.charCodeAt(i)] === 1) return true;
  return false;
}

const NON_WORD = /[^\p{Script=Han}\p{L}\p{N}]+/gu;
const HAN = /\p{Script=Han}/u;

/**
 * Full-width → half-width (NFKC), lower case, traditional → simplified, every run of punctuation,
 * emoji or symbols becomes one space. `maxChars` bounds the work for hostile input.
 */
export function basicNormalize(text: unknown, maxChars?: number): string {
  let s = typeof text === 'string' ? text : text == null ? '' : String(text);
  if (maxChars !== undefined && s.length > maxChars * 2) s = s.slice(0, maxChars * 2);
  s = s.normalize('NFKC').toLowerCase();
  if (needsT2s(s)) s = t2s(s);
  s = s.replace(NON_WORD, ' ').trim();
  if (maxChars !== undefined && s.length > maxChars) s = s.slice(0, maxChars).trim();
  return s;
}

export function hasHan(s: string): boolean {
  return HAN.test(s);
}

export function isHanChar(ch: string): boolean {
  const c = ch.charCodeAt(0);
  return (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0xf900 && c <= 0xfaff);
}

/** Maximal runs of Han characters. */
export function hanRuns(s: string): string[] {
  const runs: string[] = [];
  let cur = '';
  for (const ch of s) {
    if (ch.length === 1 && isHanChar(ch)) cur += ch;
    else if (cur) {
      runs.push(cur);
      cur = '';
    }
  }
  if (cur) runs.push(cur);
  return runs;
}
