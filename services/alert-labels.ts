/**
 * Alert types in words, for everyone who shows an alert: the API (`typeLabel`), the bot's `告警`
 * list and the station admin's morning summary. One table, so a new alert type is named once.
 */
const ALERT_TYPE_LABELS: Record<string, string> = {
  checkin_missed: '未报平安',
  checkin_unreachable: '提醒无法送达',
  help_call: '求助',
  crisis: '心理危机',
  lonely: '情绪低落',
  bot_logout: '微信掉线',
  send_failed: '发送失败',
  family_silent: '家长连续未回复',
};

/** An alert type in Chinese words; an unknown type reads 其他告警 (never the raw code). */
export function alertTypeLabel(type: string): string {
  return ALERT_TYPE_LABELS[type] ?? '其他告警';
}
