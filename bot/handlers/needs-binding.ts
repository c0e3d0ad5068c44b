import * as P from '../presenters';
import type { IntentHandler } from '../types';

const PERSONAL = /^(2|4|预约|我要预约|我的预约|取消预约|预约服务|报名|报名\d+|我的报名|报平安|平安|我的签到|签到)$/;

/**
 * Personal services (bookings, sign-ups, check-ins) need a bound contact: an unbound one is told
 * how to bind. Feature handlers after this one may assume a bound resident for these words.
 */
export const needsBindingHandler: IntentHandler = {
  name: 'needs_binding',
  match: (m) => m.kind === 'text' && m.who.resident === null && PERSONAL.test(m.compact),
  handle: async (m) => {
    const what = /预约|^2$/.test(m.compact) ? '预约' : /报名/.test(m.compact) ? '活动报名' : '报平安';
    await m.reply(P.needsBinding(what));
  },
};
