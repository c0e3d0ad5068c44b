import { AppError } from '../../services/errors';
import { aliasFor } from '../../services/notify';
import { CONSENT_NOTICE } from '../../services/family-texts';
import * as P from '../presenters';
import type { IntentHandler } from '../types';

// `绑定 123456`, also with the usual slips (帮定, 邦定, 綁定 is simplified before this).
const BIND = /^(?:绑定|帮定|邦定|梆定|绑)(\d*)$/;
/** `怎么绑定`, `如何绑定`, `绑定是什么`: how to bind, and the next 6 digits are taken as the code. */
const HOW = /^(怎么|怎样|如何|咋|在哪|去哪)(绑定|帮定|绑)(啊|呀|呢)?$|^(绑定|帮定)(是什么|是啥|干嘛|有什么用|怎么弄|怎么办|怎么做)(的|啊|呀|呢)?$/;
const AWAITING = 'binding_code';

/** `绑定 123456`: links this contact to the resident, family contact or worker the code was made for. */
export const bindingHandler: IntentHandler = {
  name: 'binding',
  match: (m) => m.kind === 'text' && (BIND.test(m.compact) || HOW.test(m.compact) || (m.state?.awaiting === AWAITING && /^\d{6}$/.test(m.compact))),
  handle: async (m) => {
    const how = HOW.test(m.compact);
    const code = how ? '' : (BIND.exec(m.compact)?.[1] ?? m.compact);
    if (!code) {
      await m.ctx.services.conversations.set(m.station.id, m.contactId, { awaiting: AWAITING });
      await m.reply(how ? P.bindHow : P.bindAskCode);
      return;
    }
    if (m.state?.awaiting === AWAITING) await m.ctx.services.conversations.clear(m.station.id, m.contactId);
    let target;
    try {
      target = await m.ctx.services.binding.redeem({
        code, throttleKey: `wx:${m.station.id}:${m.contactId}`, stationId: m.station.id, contactId: m.contactId,
      });
    } catch (err) {
      if (err instanceof AppError && err.status === 429) {
        await m.reply(P.bindThrottled);
        return;
      }
      throw err;
    }
    if (!target) {
      await m.reply(P.bindRefused);
      return;
    }
    await m.setAlias(aliasFor(target.targetType, target.targetId));
    const extra: { residentName?: string; relation?: string } = {};
    if (target.targetType === 'family') {
      const who = await m.ctx.services.chat.identify(m.station.id, m.contactId);
      const f = who.family.find((x) => x.id === target.targetId);
      if (f) {
        extra.relation = f.relation;
        extra.residentName = (await m.ctx.services.chat.residentsOf([f])).get(f.residentId)?.name;
      }
    }
    await m.reply(P.bound(target, extra));
    if (target.targetType === 'family') {
      // What they will receive and how to stop it, recorded as told.
      await m.reply(CONSENT_NOTICE);
      await m.ctx.services.familyReminders.recordConsent(target.targetId, m.ctx.clock.now());
    }
  },
};
