import { familyTodayText } from '../../services/checkin-texts';
import * as P from '../presenters';
import type { IntentHandler } from '../types';
import { contactActor } from '../actor';

/** `报平安` / `4` from a bound resident: today's check-in is confirmed (recorded before routing). */
export const checkinHandler: IntentHandler = {
  name: 'checkin',
  duringHandoff: true,
  match: (m) => m.kind === 'text' && m.who.resident !== null && /^(4|报平安|平安|我很好|我挺好|我没事)$/.test(m.compact),
  handle: async (m) => {
    if (m.checkinAcknowledged) return;
    await m.reply(P.checkinConfirmed(P.salutation(m.who.resident!, m.ctx.clock.now(), m.planHolder)));
  },
};

const CONTACTED = /^(已联系上|已联系|联系上了|已经联系上了|已经联系上|已经联系|联系了)/;

/**
 * `已联系` from a bound family contact: they reached the elder (ends that day's worry). What they
 * add ("已联系，我妈手机没电了，人没事") is kept on the elder's open alert and told to the workers.
 */
export const familyContactedHandler: IntentHandler = {
  name: 'family_contacted',
  duringHandoff: true,
  match: (m) => m.kind === 'text' && m.who.family.length > 0 && CONTACTED.test(m.compact),
  handle: async (m) => {
    const at = m.ctx.clock.now();
    // Their words after 已联系, as they wrote them (minus the leading punctuation).
    const words = m.raw.replace(/\s+/g, ' ').replace(/^\s*(已联系上|已联系|联系上了|已经联系上了|已经联系上|已经联系|联系了)[\s,，。.!！:：、]*/, '').trim();
    for (const f of m.who.family) await m.ctx.services.checkins.familyContacted({ familyContactId: f.id, at, ...(words ? { words } : {}) });
    await m.reply(words ? P.familyThanksWords : P.familyThanks);
  },
};

// "我妈今天报平安了没", "我爸报平安了吗", "今天我妈平安吗", "我妈今天签到没有".
const ASKS_TODAY = /(报平安|报了平安|平安|签到|打卡)(了)?(没有?|吗|么|嘛|不|否)$|(报平安|平安)(了)?没/;

/** A bound family contact asks whether the elder checked in today: today's status, one line per elder they follow. */
export const familyTodayHandler: IntentHandler = {
  name: 'family_today',
  duringHandoff: true,
  match: (m) => m.kind === 'text' && m.who.family.length > 0 && m.compact.length <= 30 && ASKS_TODAY.test(m.compact),
  handle: async (m) => {
    const elders = await m.ctx.services.chat.residentsOf(m.who.family);
    const lines: string[] = [];
    for (const f of m.who.family) {
      const e = elders.get(f.residentId);
      if (!e) continue;
      lines.push(familyTodayText(e, f.relation, await m.ctx.services.checkinBoard.todayFor(contactActor(m), e.id, m.ctx.clock.now()), m.station.phone));
    }
    await m.reply(lines.join('\n') || P.checkinIsForElder);
  },
};

// Thanks and okays carry nothing for the workers (the fallback answers them).
const JUST_OK = /^(谢谢|多谢|感谢|好的|好|嗯|哦|噢|收到|知道了|明白|ok|okay|行|可以|辛苦了|麻烦了|麻烦你们了|你们辛苦了)+(了|啊|呀|哈|啦)?$/;

/**
 * Anything else a bound family contact writes while their elder has an alert open ("她在邻居家
 * 打牌呢"): kept on the alert and sent to the workers at once, and they are told so.
 */
export const familyWordsHandler: IntentHandler = {
  name: 'family_words',
  match: async (m) => m.kind === 'text' && m.who.family.length > 0 && !m.who.resident && !m.who.worker && m.compact.length > 0 && !JUST_OK.test(m.compact)
    && (await m.ctx.services.alerts.unresolvedOf(m.who.family.map((f) => f.residentId))).length > 0,
  handle: async (m) => {
    const words = m.raw.replace(/\s+/g, ' ').trim().slice(0, 500);
    for (const f of m.who.family) await m.ctx.services.alerts.fromFamily(f, words);
    await m.reply(P.familyWordsPassedOn);
  },
};
