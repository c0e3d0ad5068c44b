/** Phone numbers of residents, families and workers: Chinese mobiles and landlines. */
const MOBILE = /^1[3-9]\d{9}$/;
/** Area code (3–4 digits starting with 0), a dash or not, 7–8 digits, an optional extension. */
const LANDLINE = /^0\d{2,3}-?\d{7,8}(-\d{1,6})?$/;

/** Removes spaces and a leading +86, so `+86 138 0000 0000` and `13800000000` are the same. */
export function normalisePhone(raw: string): string {
  let p = raw.replace(/[\s()（）]/g, '');
  if (p.startsWith('+86')) p = p.slice(3);
  else if (p.startsWith('0086')) p = p.slice(4);
  return p;
}

/** True for a Chinese mobile (`1[3-9]` and 9 digits) or a landline with its area code. */
export function isValidPhone(raw: string): boolean {
  const p = normalisePhone(raw);
  return MOBILE.test(p) || LANDLINE.test(p);
}

/** Area codes of three digits (Beijing 010, the big cities 02x); every other one has four. */
const SHORT_AREA = /^0(10|2\d)/;

/**
 * Masks a phone for display, whatever shape it was stored in (mobile, landline with or without dash,
 * extension, spaces, +86): at most the area code or the mobile's first three digits, and the last
 * four digits of the number itself, are shown; an extension is never shown. `138****0000`,
 * `0936-****1001`, `0936-****1001-**`.
 */
export function maskPhone(phone: string | null | undefined): string | null {
  if (!phone) return null;
  // The commonest shape, a plain mobile, without the general parsing below (one per row of a list).
  if (MOBILE.test(phone)) return `${phone.slice(0, 3)}****${phone.slice(7)}`;
  const p = normalisePhone(phone);
  const all = p.replace(/\D/g, '');
  // The number and its extension (after `-`, `转`, `ext`, `x` or `#`), unless the whole is one mobile.
  const m = /^(.*\d)\s*(?:-|转|ext\.?|x|#)\s*(\d{1,6})$/i.exec(p);
  const split = !MOBILE.test(all) && m !== null && m[1].replace(/\D/g, '').length >= 10;
  const main = split ? m[1].replace(/\D/g, '') : all;
  const ext = split ? '-**' : '';
  if (main.length < 8) return '****';
  if (MOBILE.test(main)) return `${main.slice(0, 3)}****${main.slice(7)}${ext}`;
  if (main.startsWith('0')) {
    const area = SHORT_AREA.test(main) ? main.slice(0, 3) : main.slice(0, 4);
    return `${area}-****${main.slice(-4)}${ext}`;
  }
  return `****${main.slice(-4)}${ext}`;
}
