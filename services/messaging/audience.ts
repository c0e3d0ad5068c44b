import type { BindingTarget, EscalationOrder, SubscriptionPurpose } from '../../entities';
import type { OutgoingMessage } from '../outbox';
import { DedupeKey, forFamily, forWorker } from './keys';

/**
 * The stable remark the bot sets on a bound contact; contact ids change on some puppets, the
 * remark does not, so the sender finds the contact by it when an id fails.
 */
export function aliasFor(type: BindingTarget, id: number): string {
  return `sgz-${type[0]}${id}`;
}

/** What every copy of one message shares; the recipient and its key are filled in per person. */
export type MessageBase = Omit<OutgoingMessage, 'stationId' | 'toContactId' | 'toAlias' | 'text' | 'dedupeKey'> & {
  /** The key of the cause (from `keys.ts`); each recipient's copy gets its own suffix. */
  dedupeKey: DedupeKey | null;
};

/** A resident as a recipient: the bot's contact, a mini-program user, both or neither. */
export interface ResidentRecipient {
  id: number;
  wechatContactId: string | null;
  openid: string | null;
}

/** The addressing fields of an outbox row. */
export type Address = Pick<OutgoingMessage, 'toContactId' | 'toAlias' | 'channel' | 'toOpenid' | 'purpose'>;

/**
 * Where a message to a resident goes: the bot when their WeChat is bound (carrying the openid and
 * the subscription purpose, so a row the bot gives up on falls over to the mini-program), else a
 * subscription message to their mini-program when the message has a purpose; null when neither
 * reaches them. Every reminder to a resident is addressed here, so each reaches them once.
 */
export function residentAddress(r: ResidentRecipient, purpose: SubscriptionPurpose | null): Address | null {
  const mini = r.openid && purpose ? { toOpenid: r.openid, purpose } : { toOpenid: null, purpose: null };
  // The remark names the resident on every row, so an undelivered one can be shown with their name.
  const toAlias = aliasFor('resident', r.id);
  if (r.wechatContactId) return { toContactId: r.wechatContactId, toAlias, channel: 'bot', ...mini };
  if (mini.toOpenid) return { toContactId: `mp:${mini.toOpenid}`, toAlias, channel: 'miniapp', ...mini };
  return null;
}

/** A worker with a bound WeChat. */
export interface WorkerRecipient {
  id: number;
  wechatContactId: string | null;
}

/** A family contact (bound or not: the unbound are skipped). */
export interface FamilyRecipient {
  id: number;
  wechatContactId: string | null;
}

/**
 * "Tell the station's workers": one outbox row per bound worker, each with its own dedupe key
 * (`<key>:w<id>`), so a repeated run queues nothing new.
 */
export function workerRows(stationId: number, workers: WorkerRecipient[], text: string, base: MessageBase): OutgoingMessage[] {
  // The recipient's fields first and the shared ones spread after: a literal that opens with a spread
  // and then adds fields is about 100× slower in V8 (7 µs a row, seconds in a sweep of 100,000).
  return workers.filter((w) => w.wechatContactId).map((w) => ({
    stationId, text, toContactId: w.wechatContactId!, toAlias: aliasFor('worker', w.id),
    ...base, dedupeKey: base.dedupeKey ? forWorker(base.dedupeKey, w.id) : null,
  }));
}

/**
 * "Tell the family": one outbox row per bound family contact (`<key>:f<id>`), in the order given
 * (pass `inEscalationOrder(...)` for an alarm); `text` may differ per contact (the relation).
 */
export function familyRows<F extends FamilyRecipient>(stationId: number, family: F[], text: string | ((f: F) => string), base: MessageBase): OutgoingMessage[] {
  return family.filter((f) => f.wechatContactId).map((f) => ({
    stationId, text: typeof text === 'function' ? text(f) : text, toContactId: f.wechatContactId!, toAlias: aliasFor('family', f.id),
    ...base, dedupeKey: base.dedupeKey ? forFamily(base.dedupeKey, f.id) : null,
  }));
}

/**
 * A resident's family contacts in escalation order: exactly the ones the plan names, in its order
 * (a worker may leave someone out on purpose); every contact, oldest first, when it names none.
 */
export function inEscalationOrder<F extends { id: number }>(family: F[], order: EscalationOrder): F[] {
  if (!order.familyContactIds.length) return family;
  return order.familyContactIds.map((id) => family.find((f) => f.id === id)).filter((f): f is F => !!f);
}

/** One step of an escalation after the first alarm: the next family contact, the volunteer, or the admin alone. */
export type EscalationStep<F> = { family: F } | { volunteer: { name: string; phone: string } } | { adminOnly: true };

/**
 * The steps after the first alarm (level 0 told the first bound family contact): each later level
 * tells the next bound one, then the volunteer is named; with neither, the station admin alone.
 */
export function escalationLadder<F extends FamilyRecipient>(family: F[], order: EscalationOrder): EscalationStep<F>[] {
  const bound = inEscalationOrder(family, order).filter((f) => f.wechatContactId);
  const ladder: EscalationStep<F>[] = [
    ...bound.slice(1).map((f) => ({ family: f })),
    ...(order.volunteer ? [{ volunteer: order.volunteer }] : []),
  ];
  if (!ladder.length) ladder.push({ adminOnly: true });
  return ladder;
}
