/** The Chinese words for the API's codes (presentation only). */

export const CHECKIN_STATUS: Record<string, string> = {
  pending: '待提醒', reminded: '已提醒，等回复', confirmed: '已报平安', missed: '未报平安', escalated: '未报平安，已通知家属',
  paused: '暂停', unreachable: '联系不上',
};

/** The board's five groups, in the order a worker reads them. */
export const BOARD_GROUPS: { key: string; label: string; statuses: string[] }[] = [
  { key: 'missed', label: '未报平安', statuses: ['missed', 'escalated'] },
  { key: 'unreachable', label: '联系不上', statuses: ['unreachable'] },
  { key: 'waiting', label: '等待中', statuses: ['pending', 'reminded'] },
  { key: 'confirmed', label: '已报平安', statuses: ['confirmed'] },
  { key: 'paused', label: '暂停', statuses: ['paused'] },
];

export const ALERT_STATUS: Record<string, string> = { open: '待处理', acknowledged: '已确认收到', resolved: '已处理' };

export const ALERT_OUTCOMES: { value: string; label: string }[] = [
  { value: 'safe', label: '平安无事' },
  { value: 'visited', label: '已上门看望' },
  { value: 'hospital', label: '已送医' },
  { value: 'other', label: '其他' },
];
export const ALERT_OUTCOME: Record<string, string> = Object.fromEntries(ALERT_OUTCOMES.map((o) => [o.value, o.label]));

export const HANDOFF_REASON: Record<string, string> = { asked: '要找社工', lonely: '心里难受，想找人说说话', help_unbound: '求助（未绑定档案）' };

export const HANDOFF_STATUS: Record<string, string> = { open: '等待接手', taken: '处理中', closed: '已结束' };

export const TAGS: Record<string, string> = {
  empty_nest_elder: '空巢老人', living_alone: '独居老人', left_behind_child: '留守儿童', left_behind_elder: '留守老人',
  left_behind_woman: '留守妇女', disabled: '残疾人', low_income: '低保对象', extreme_poverty: '特困人员',
  child_in_difficulty: '困境儿童', orphan: '孤儿',
};

export const RESIDENT_STATUS: Record<string, string> = { active: '在册', in_hospital: '住院', moved: '已迁出', deceased: '已故', inactive: '停用' };

export const RISK_TIER: Record<string, string> = { high: '高风险', priority: '重点', general: '一般' };

export const GENDER: Record<string, string> = { male: '男', female: '女' };

export const BOOKING_STATUS: Record<string, string> = { booked: '已预约', cancelled: '已取消', attended: '已到场', no_show: '未到场' };

export const BROADCAST_STATUS: Record<string, string> = {
  scheduled: '定时待发', queued: '发送中', sending: '发送中', sent: '已发完', done: '已发完', cancelled: '已撤回', draft: '草稿',
};

export const ROLE: Record<string, string> = { worker: '社工', station_admin: '站长', county_admin: '县民政局' };

export const WEEKDAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];

export function label(map: Record<string, string>, code: string | null | undefined): string {
  if (!code) return '';
  return map[code] ?? code;
}

export const NEED_TYPE: Record<string, string> = { medical: '医疗', living: '生活', education: '教育', psychological: '心理', legal: '法律', other: '其他' };
export const NEED_URGENCY: Record<string, string> = { low: '一般', medium: '较急', high: '紧急' };
