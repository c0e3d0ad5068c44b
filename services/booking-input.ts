import { z } from 'zod';
import { RESIDENT_TAGS, SERVICE_RECORD_TYPES } from '../entities';
import { dateSchema } from './schemas';
import { isWallTime } from './time';

/** The most seats one slot may have (a canteen sitting, a lecture hall): more is a typing error. */
const MAX_CAPACITY = 1000;
/** The longest a slot may last. */
export const MAX_SLOT_MINUTES = 12 * 60;
/** How far ahead slots may be opened. */
export const MAX_DAYS_AHEAD = 366;
/** Slots one request (or one weekly pattern) may create. */
export const MAX_SLOTS_PER_REQUEST = 500;

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * Parses an ISO 8601 instant that carries its time zone (`2026-12-03T09:00:00+08:00` or `…Z`);
 * null for anything else, including dates that do not exist (2 月 30 日) and offsets beyond ±14:00.
 */
function parseIsoInstant(s: string): Date | null {
  const m = INSTANT.exec(s);
  if (!m) return null;
  const [y, mo, d, h, mi, sec] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number);
  if (mo < 1 || mo > 12 || h > 23 || mi > 59 || sec > 59) return null;
  const day = new Date(Date.UTC(y, mo - 1, d));
  if (day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d) return null;
  if (m[7] !== 'Z' && (Number(m[9]) > 14 || Number(m[10]) > 59)) return null;
  const t = new Date(s);
  return Number.isNaN(t.getTime()) ? null : t;
}

/** An instant in the API's format, parsed to a Date. */
const instantSchema = z.string().transform((s, c) => {
  const d = parseIsoInstant(s);
  if (!d) {
    c.addIssue({ code: 'custom', message: '时间格式应为带时区的 ISO 8601，例如 2026-12-03T09:00:00+08:00' });
    return z.NEVER;
  }
  return d;
});

const capacitySchema = z.number('座位数应为数字').int('座位数应为整数').min(1, '座位数至少为 1').max(MAX_CAPACITY, `座位数最多 ${MAX_CAPACITY}`);

/** `POST /api/services`. */
export const serviceInputSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  description: z.string().trim().max(1000).default(''),
  durationMinutes: z.number('时长应为数字').int('时长应为整数分钟').min(5, '时长至少 5 分钟').max(MAX_SLOT_MINUTES, '时长最多 12 小时'),
  location: z.string().trim().max(200).nullable().optional(),
  tags: z.array(z.enum(RESIDENT_TAGS)).max(RESIDENT_TAGS.length).default([]),
  recordType: z.enum(SERVICE_RECORD_TYPES).default('case'),
});
export type ServiceInput = z.output<typeof serviceInputSchema>;

/** `POST /api/services/:id/slots`. */
export const slotsInputSchema = z.strictObject({
  slots: z.array(z.strictObject({ startsAt: instantSchema, endsAt: instantSchema, capacity: capacitySchema }))
    .min(1, '至少一个时段').max(MAX_SLOTS_PER_REQUEST, `一次最多 ${MAX_SLOTS_PER_REQUEST} 个时段`),
});
export type SlotInput = z.output<typeof slotsInputSchema>['slots'][number];

const wallTime = z.string().refine(isWallTime, '时间格式应为 HH:mm（00:00–23:59），例如 09:00');

/** `POST /api/services/:id/slots/weekly`: e.g. Tuesdays and Thursdays 9:00–11:30, 30-minute slots, 2 seats each. */
export const weeklyInputSchema = z.strictObject({
  from: dateSchema,
  to: dateSchema,
  /** 0 = Sunday … 6 = Saturday. */
  weekdays: z.array(z.number().int().min(0, '星期为 0–6（0 = 周日）').max(6, '星期为 0–6（0 = 周日）')).min(1, '至少选择一天').max(7)
    .refine((w) => new Set(w).size === w.length, '星期不能重复'),
  startTime: wallTime,
  endTime: wallTime,
  /** Length of each slot; the service's duration when left out. */
  slotMinutes: z.number().int('需为整数分钟').min(5, '每个时段至少 5 分钟').max(MAX_SLOT_MINUTES, '每个时段最多 12 小时').optional(),
  capacity: capacitySchema,
});
export type WeeklyInput = z.output<typeof weeklyInputSchema>;

/** `PUT /api/stations/:id/booking-settings`. */
export const settingsInputSchema = z.strictObject({
  maxActivePerResident: z.number().int().min(1, '至少 1 个').max(50, '最多 50 个'),
  closeMinutesBefore: z.number().int().min(0, '不能为负').max(7 * 24 * 60, '最多提前 7 天截止'),
  cancelCutoffMinutes: z.number().int().min(0, '不能为负').max(7 * 24 * 60, '最多提前 7 天'),
  offerHoldMinutes: z.number().int().min(5, '至少保留 5 分钟').max(24 * 60, '最多保留 24 小时'),
});
export type SettingsInput = z.output<typeof settingsInputSchema>;
