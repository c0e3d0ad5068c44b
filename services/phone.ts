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

/** Masks a phone for display: `138****0000`, `0936-****1001`. */
export function maskPhone(phone: string | null | undefined): string | null {
  if (!phone) return null;
  if (MOBILE.test(phone)) return `${phone.slice(0, 3)}****${phone.slice(7)}`;
  const dash = phone.indexOf('-');
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 7) return '****';
  const tail = digits.slice(-4);
  const head = dash > 0 ? `${phone.slice(0, dash)}-` : digits.slice(0, 3);
  return `${head}****${tail}`;
}
