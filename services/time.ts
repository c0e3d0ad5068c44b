/**
 * Business dates and times are China Standard Time: UTC+8 all year, no daylight saving, so a
 * fixed offset is exact and avoids depending on the machine's time-zone data.
 */
export const TZ = 'Asia/Shanghai';
const OFFSET_MS = 8 * 3600_000;
const WEEKDAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];

function shifted(d: Date): Date {
  return new Date(d.getTime() + OFFSET_MS);
}
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** The local calendar date `YYYY-MM-DD` of an instant. */
export function localDate(d: Date): string {
  const s = shifted(d);
  return `${s.getUTCFullYear()}-${pad(s.getUTCMonth() + 1)}-${pad(s.getUTCDate())}`;
}

/** The local wall time `HH:mm` of an instant. */
export function localTime(d: Date): string {
  const s = shifted(d);
  return `${pad(s.getUTCHours())}:${pad(s.getUTCMinutes())}`;
}

/** Minutes since local midnight. */
export function localMinutes(d: Date): number {
  const s = shifted(d);
  return s.getUTCHours() * 60 + s.getUTCMinutes();
}

/** Local weekday, 0 = Sunday. */
export function localWeekday(d: Date): number {
  return shifted(d).getUTCDay();
}

/** The instant of a local date and wall time (`HH:mm`), or of midnight. */
export function atLocal(date: string, time = '00:00'): Date {
  const [y, m, day] = date.split('-').map(Number);
  const [hh, mm] = time.split(':').map(Number);
  return new Date(Date.UTC(y, m - 1, day, hh, mm) - OFFSET_MS);
}

/** Adds whole days to a local date. */
export function addDays(date: string, days: number): string {
  return localDate(new Date(atLocal(date).getTime() + days * 86400_000));
}

/** ISO 8601 with the +08:00 offset, as the API speaks. */
export function toIso(d: Date): string;
export function toIso(d: Date | null | undefined): string | null;
export function toIso(d: Date | null | undefined): string | null {
  if (!d) return null;
  const s = shifted(d);
  // Several per row of every list: the engine's own ISO text, when its year has the four digits ours has.
  const year = s.getUTCFullYear();
  if (year >= 1000 && year <= 9999) return `${s.toISOString().slice(0, 19)}+08:00`;
  return `${localDate(d)}T${pad(s.getUTCHours())}:${pad(s.getUTCMinutes())}:${pad(s.getUTCSeconds())}+08:00`;
}

/**
 * A wall time as people say it (minutes since local midnight): 凌晨5:29, 上午9:00, 中午12:30,
 * 下午3:00, 晚上8:00.
 */
export function spokenMinute(minute: number): string {
  const h = Math.floor(minute / 60) % 24;
  const part = h < 6 ? '凌晨' : h < 12 ? '上午' : h < 13 ? '中午' : h < 18 ? '下午' : '晚上';
  return `${part}${h <= 12 ? h : h - 12}:${pad(minute % 60)}`;
}

/** The local wall time of an instant as people say it: `上午9:05`. */
export function spokenTime(d: Date): string {
  return spokenMinute(localMinutes(d));
}

/** A date as residents read it: `12月3日（周三）上午9:00`, `12月4日（周四）凌晨5:29`. */
export function formatForChat(d: Date): string {
  const s = shifted(d);
  return `${s.getUTCMonth() + 1}月${s.getUTCDate()}日（${WEEKDAYS[s.getUTCDay()]}）${spokenTime(d)}`;
}

/** True when the instant falls in the quiet hours 21:00–08:00. */
export function inQuietHours(d: Date): boolean {
  const m = localMinutes(d);
  return m >= 21 * 60 || m < 8 * 60;
}

/** The end of the quiet hours that contain `d` (08:00 local), or `d` itself outside them. */
export function afterQuietHours(d: Date): Date {
  if (!inQuietHours(d)) return d;
  const today = localDate(d);
  const date = localMinutes(d) >= 21 * 60 ? addDays(today, 1) : today;
  return atLocal(date, '08:00');
}

const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;
/** Validates a wall time `HH:mm`. */
export function isWallTime(s: string): boolean {
  return TIME_RE.test(s);
}
