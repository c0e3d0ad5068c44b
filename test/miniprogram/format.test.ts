import { formatClock, formatTime } from '../../miniprogram/src/utils/format';

describe('the mini-program says times as people do', () => {
  it('凌晨, 上午, 中午, 下午, 晚上', () => {
    expect(formatTime('2026-12-03T05:29:00+08:00')).toBe('12月3日（周四）凌晨5:29');
    expect(formatClock('2026-12-03T09:15:00+08:00')).toBe('上午9:15');
    expect(formatClock('2026-12-03T12:30:00+08:00')).toBe('中午12:30');
    expect(formatClock('2026-12-03T14:00:00+08:00')).toBe('下午2:00');
    expect(formatClock('2026-12-03T20:00:00+08:00')).toBe('晚上8:00');
  });
});
