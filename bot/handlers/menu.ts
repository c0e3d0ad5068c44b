import * as P from '../presenters';
import type { IntentHandler } from '../types';

const GREETINGS = new Set(['你好', '您好', '你好啊', '在吗', '在不在', '在么', '菜单', '帮助', 'help', 'hi', 'hello', '0', '开始', '小助手', '有人吗', '喂']);

/** 你好 / 在吗 / 菜单 / 帮助 / ?: the menu with the station's name; also any emoji-only message. */
export const menuHandler: IntentHandler = {
  name: 'menu',
  match: (m) => m.kind === 'text' && (GREETINGS.has(m.compact) || /^[?？]+$/.test(m.text) || m.onlySymbols),
  handle: async (m) => {
    if (m.checkinAcknowledged && m.onlySymbols) return;
    await m.reply(P.menu(m.station));
  },
};

/** Menu numbers whose features are not in this process yet; feature handlers placed earlier take them over. */
export const menuChoiceHandler: IntentHandler = {
  name: 'menu_choice',
  match: (m) => m.kind === 'text' && /^[123]$/.test(m.compact),
  handle: async (m) => {
    if (m.compact === '1') return m.reply(P.askPolicy);
    await m.reply(P.comingSoon(m.compact === '2' ? '预约' : '活动'));
  },
};
