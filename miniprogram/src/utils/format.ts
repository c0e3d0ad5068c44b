const WEEKDAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];
const SHANGHAI_MS = 8 * 3600_000;

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** An ISO time as residents read it, in Beijing time: `12月3日（周三）上午9:00`. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return '';
  const s = new Date(ms + SHANGHAI_MS);
  const h = s.getUTCHours();
  // As people say it (the same words as the server's spokenMinute): 凌晨5:29, 中午12:30.
  const part = h < 6 ? '凌晨' : h < 12 ? '上午' : h < 13 ? '中午' : h < 18 ? '下午' : '晚上';
  const h12 = h <= 12 ? h : h - 12;
  return `${s.getUTCMonth() + 1}月${s.getUTCDate()}日（${WEEKDAYS[s.getUTCDay()]}）${part}${h12}:${pad(s.getUTCMinutes())}`;
}

/** Only the clock part: `上午9:30`. */
export function formatClock(iso: string | null | undefined): string {
  const full = formatTime(iso);
  const i = full.indexOf('）');
  return i >= 0 ? full.slice(i + 1) : full;
}

/** Today's date in Beijing, `YYYY-MM-DD`. */
export function todayLocal(now = Date.now()): string {
  const s = new Date(now + SHANGHAI_MS);
  return `${s.getUTCFullYear()}-${pad(s.getUTCMonth() + 1)}-${pad(s.getUTCDate())}`;
}

/** The words for a check-in status, as the elder and the family read them. */
export const CHECKIN_WORDS: Record<string, string> = {
  pending: '今天还没报平安',
  reminded: '已提醒，还没报平安',
  confirmed: '今天已报平安',
  missed: '今天没有按时报平安，社工会联系',
  escalated: '今天没有报平安，社工正在联系',
  paused: '报平安已暂停',
  unreachable: '提醒没能送达',
  none: '今天不用报平安',
};
