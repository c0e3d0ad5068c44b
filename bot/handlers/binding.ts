import { AppError } from '../../services/errors';
import { aliasFor } from '../../services/notify';
import { CONSENT_NOTICE } from '../../services/family-texts';
import * as P from '../presenters';
import type { IntentHandler } from '../types';

const BIND = /^绑定(\d*)$/;
const AWAITING = 'binding_code';

/** `绑定 123456`: links this contact to the resident, family contact or worker the code was made for. */
export const bindingHandler: IntentHandler = {
  name: 'binding',
  match: (m) => m.kind === 'text' && (BIND.test(m.compact) || (m.state?.awaiting === AWAITING && /^\d{6}$/.test(m.compact))),
  handle: async (m) => {
    const code = BIND.exec(m.compact)?.[1] ?? m.compact;
    if (!code) {
      await m.ctx.services.conversations.set(m.station.id, m.contactId, { awaiting: AWAITING });
      await m.reply(P.bindAskCode);
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
