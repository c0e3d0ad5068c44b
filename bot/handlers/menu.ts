import * as P from '../presenters';
import type { IntentHandler } from '../types';

const GREETINGS = new Set(['你好', '您好', '你好啊', '在吗', '在不在', '在么', '菜单', '帮助', 'help', 'hi', 'hello', '0', '开始', '小助手', '有人吗', '喂']);

/** The words that mean the booking menu item, as residents type them (compact form). */
export const BOOKING_WORDS = /^(2|预约|我要预约|预约服务|我想预约|怎么预约|我的预约|查预约|查看预约|取消预约|取消我的预约)$/;
/** The words that mean the activities menu item, sign-ups included (`报名 1` is `报名1` compact). */
export const ACTIVITY_WORDS = /^(3|活动|近期活动|最近活动|最近有啥活动|有什么活动|有啥活动|活动通知|报名|报名\d{1,6}|我要报名|我的报名|取消报名)$/;

/** The words that ask for the menu itself, which also work during a hand-off (在吗 is then for the worker). */
const MENU_WORDS = new Set(['菜单', '帮助', 'help', '0']);

/** 你好 / 在吗 / 菜单 / 帮助 / ?: the menu with the station's name; also any emoji-only message. */
export const menuHandler: IntentHandler = {
  name: 'menu',
  duringHandoff: true,
  match: (m) => m.kind === 'text' && (m.handedOff
    ? MENU_WORDS.has(m.compact)
    : GREETINGS.has(m.compact) || /^[?？]+$/.test(m.text) || m.onlySymbols),
  handle: async (m) => {
    if (m.checkinAcknowledged && m.onlySymbols) return;
    await m.reply(P.menu(m.station));
  },
};

/** Menu number 1: ask the policy question in your own words (2 and 3 belong to bookings and activities). */
export const menuChoiceHandler: IntentHandler = {
  name: 'menu_choice',
  match: (m) => m.kind === 'text' && m.compact === '1',
  handle: async (m) => {
    await m.reply(P.askPolicy);
  },
};
