import { afterQuietHours, atLocal, formatForChat, inQuietHours, localDate, localTime, toIso } from '../../services/time';

describe('Shanghai time helpers', () => {
  it('converts between instants and local dates', () => {
    const d = new Date('2026-12-02T17:30:00Z');
    expect(localDate(d)).toBe('2026-12-03');
    expect(localTime(d)).toBe('01:30');
    expect(atLocal('2026-12-03', '09:00').toISOString()).toBe('2026-12-03T01:00:00.000Z');
    expect(toIso(atLocal('2026-12-03', '09:00'))).toBe('2026-12-03T09:00:00+08:00');
  });

  it('formats dates as residents read them', () => {
    expect(formatForChat(atLocal('2026-12-03', '09:00'))).toBe('12月3日（周四）上午9:00');
    expect(formatForChat(atLocal('2026-12-06', '14:30'))).toBe('12月6日（周日）下午2:30');
  });

  it('knows the quiet hours', () => {
    expect(inQuietHours(atLocal('2026-12-03', '21:00'))).toBe(true);
    expect(inQuietHours(atLocal('2026-12-03', '07:59'))).toBe(true);
    expect(inQuietHours(atLocal('2026-12-03', '08:00'))).toBe(false);
    expect(afterQuietHours(atLocal('2026-12-03', '22:15')).toISOString()).toBe(atLocal('2026-12-04', '08:00').toISOString());
    expect(afterQuietHours(atLocal('2026-12-03', '03:00')).toISOString()).toBe(atLocal('2026-12-03', '08:00').toISOString());
  });
});
