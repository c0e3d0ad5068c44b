import * as P from '../presenters';
import type { IntentHandler } from '../types';

// Who the question is about: the station itself (so "低保在哪申请" stays a policy question).
const US = '(社工站|社工|你们|你们的|你|咱们|站里|办公室|小助手)?';
const PARTICLE = '(啊|呀|呢|哇|嘞|哈)?';
/** 社工站几点上班, 你们几点开门, 几点下班, 周末上班吗, 工作时间. */
const HOURS = new RegExp(`^${US}(今天|明天|周末|星期[一二三四五六天日]|周[一二三四五六日]|礼拜[一二三四五六天])?`
  + `((几点|什么时候|啥时候|哪天)(上班|下班|开门|关门|办公|有人)|(上班|开门|办公|有人)(吗|么|不|没有?)|(上班|办公|工作|开门)时间(是)?(多少|几点)?)${PARTICLE}$`);
/** 社工站在哪, 你们在哪里, 社工站地址, 怎么去社工站. */
const WHERE = new RegExp(`^(${US}(在哪|在哪里|在哪儿|在什么地方|在啥地方|地址|的地址|位置|地址在哪)(是)?(哪|哪里|多少|什么)?${PARTICLE}|(怎么去|咋去|怎么走到|去)(社工站|你们那|你们那里|你们那儿)(怎么走)?${PARTICLE})$`);
/** 电话多少, 社工站电话是多少, 你们电话, 联系电话. */
const PHONE = new RegExp(`^${US}(的)?(联系)?(电话|电话号码|号码|座机)(是)?(多少|几号|是多少|是啥|是什么|给一个|给我)?${PARTICLE}$`);

/** Which fact of the station's record a message asks for, if any. */
function stationFactAsked(compact: string): P.StationFact | null {
  if (HOURS.test(compact)) return 'hours';
  if (WHERE.test(compact)) return 'address';
  if (PHONE.test(compact)) return 'phone';
  return null;
}

/** "社工站几点上班", "社工站在哪", "电话多少": answered from the station's own record, before any policy search. */
export const stationInfoHandler: IntentHandler = {
  name: 'station_info',
  match: (m) => m.kind === 'text' && m.compact.length <= 20 && stationFactAsked(m.compact) !== null,
  handle: async (m) => {
    await m.reply(P.stationFact(m.station, stationFactAsked(m.compact)!));
  },
};
