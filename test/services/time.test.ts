import { afterQuietHours, atLocal, formatForChat, inQuietHours, localDate, localTime, spokenMinute, spokenTime, toIso } from '../../services/time';

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

  it('says the part of the day as people do: 凌晨, 上午, 中午, 下午, 晚上', () => {
    const at = (t: string) => spokenTime(atLocal('2026-12-03', t));
    expect(at('00:30')).toBe('凌晨0:30');
    expect(at('05:29')).toBe('凌晨5:29');
    expect(at('06:00')).toBe('上午6:00');
    expect(at('11:59')).toBe('上午11:59');
    expect(at('12:00')).toBe('中午12:00');
    expect(at('12:45')).toBe('中午12:45');
    expect(at('13:00')).toBe('下午1:00');
    expect(at('17:59')).toBe('下午5:59');
    expect(at('18:00')).toBe('晚上6:00');
    expect(at('23:10')).toBe('晚上11:10');
    expect(formatForChat(atLocal('2026-12-04', '05:29'))).toBe('12月4日（周五）凌晨5:29');
    expect(spokenMinute(9 * 60 + 5)).toBe('上午9:05');
  });

  it('knows the quiet hours', () => {
    expect(inQuietHours(atLocal('2026-12-03', '21:00'))).toBe(true);
    expect(inQuietHours(atLocal('2026-12-03', '07:59'))).toBe(true);
    expect(inQuietHours(atLocal('2026-12-03', '08:00'))).toBe(false);
    expect(afterQuietHours(atLocal('2026-12-03', '22:15')).toISOString()).toBe(atLocal('2026-12-04', '08:00').toISOString());
    expect(afterQuietHours(atLocal('2026-12-03', '03:00')).toISOString()).toBe(atLocal('2026-12-03', '08:00').toISOString());
  });
});
