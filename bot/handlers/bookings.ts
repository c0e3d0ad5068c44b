import type { BookableService } from '../../entities';
import { AppError } from '../../services/errors';
import { bookedText } from '../../services/booking-texts';
import * as B from '../booking-presenters';
import * as P from '../presenters';
import type { Inbound, IntentHandler } from '../types';
import { contactActor } from '../actor';
import { BOOKING_WORDS } from './menu';

/** Slots listed at once: a phone screen of numbered lines. */
const SLOTS_SHOWN = 8;
const MINE = /^(我的预约|查预约|查看预约|看看预约|我约了啥|我约了什么|我预约了什么)$/;
const CANCEL = /^(取消预约|取消我的预约|不约了|我不去了|退预约)$/;
// "我想约个理发", "能预约吗", "帮我约一下康复": booking said in ordinary words.
const PHRASE = /预约|约个|约一下|约一个|约下|想约|要约|能约|可以约|帮我约|给我约|约理发|约时间/;
const FILLER = /我|想|要|能|可以|可不可以|帮我|给我|预约|约个|约一下|约一个|约下|约|一下|一个|个|吗|呢|吧|啊|么|嘛|去|做|下|服务|时间|请问|你好|您好|能不能/g;

type Step = 'service' | 'slot' | 'cancel';

interface BookingState {
  step: Step;
  /** What the numbers of the last list stand for (service, slot or booking ids). */
  ids: number[];
  /** For `slot`: the service chosen. */
  serviceId?: number;
}

function stateOf(m: Inbound): BookingState | null {
  const b = (m.state as { booking?: BookingState } | null)?.booking;
  return b && Array.isArray(b.ids) ? b : null;
}

async function remember(m: Inbound, booking: BookingState | null): Promise<void> {
  const rest = { ...(m.state ?? {}) } as Record<string, unknown>;
  delete rest.booking;
  // A booking step ends any activity list, so that a bare number after it means a service or slot.
  if (booking) delete rest.activities;
  if (booking) await m.ctx.services.conversations.set(m.station.id, m.contactId, { ...rest, booking });
  else if (Object.keys(rest).length) await m.ctx.services.conversations.set(m.station.id, m.contactId, rest);
  else await m.ctx.services.conversations.clear(m.station.id, m.contactId);
}

function choice(m: Inbound, s: BookingState | null): number | null {
  if (!s || !/^\d{1,2}$/.test(m.compact)) return null;
  const n = Number(m.compact);
  return n >= 1 && n <= s.ids.length ? n : null;
}

/** Says what a refusal from the booking service means and ends the step. */
async function refusal(m: Inbound, err: unknown): Promise<void> {
  if (!(err instanceof AppError) || err.status >= 500) throw err;
  await remember(m, null);
  await m.reply(B.refused(err.message, err.code));
}

/** The services this resident may book, in the station's order. */
async function eligibleServices(m: Inbound): Promise<BookableService[]> {
  const r = m.who.resident!;
  const all = await m.ctx.services.bookings.listServices(contactActor(m));
  return all.filter((s) => !s.tags.length || s.tags.some((t) => r.tags.includes(t)));
}

async function showSlots(m: Inbound, service: BookableService): Promise<void> {
  const slots = await m.ctx.services.bookings.openSlots(service.id, SLOTS_SHOWN);
  if (!slots.length) {
    await remember(m, null);
    return m.reply(B.noSlots(service));
  }
  await remember(m, { step: 'slot', ids: slots.map((v) => v.slot.id), serviceId: service.id });
  await m.reply(B.slotList(service, slots));
}

async function showServices(m: Inbound): Promise<void> {
  const services = await eligibleServices(m);
  if (!services.length) {
    await remember(m, null);
    return m.reply(B.noServices(m.station));
  }
  // "我想约个理发": the one service the words name goes straight to its times.
  const words = m.compact.replace(FILLER, '');
  const named = words.length >= 2 ? services.filter((s) => s.name.includes(words) || words.includes(s.name)) : [];
  if (named.length === 1) return showSlots(m, named[0]);
  if (services.length === 1) return showSlots(m, services[0]);
  await remember(m, { step: 'service', ids: services.map((s) => s.id) });
  await m.reply(B.serviceList(services));
}

async function pickSlot(m: Inbound, slotId: number): Promise<void> {
  const actor = contactActor(m);
  const svc = m.ctx.services.bookings;
  try {
    const view = await svc.book(actor, { slotId, channel: 'chat' });
    await remember(m, null);
    await m.reply(bookedText(view.service, view.slot.startsAt));
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== 'slot_full') return refusal(m, err);
    // A full slot: the resident chose it from the list of full ones, or it filled meanwhile.
    try {
      const { entry, position } = await svc.joinWaitlist(actor, slotId);
      const slot = (await svc.slotsById([entry.slotId]))[0];
      await remember(m, null);
      await m.reply(B.waitlisted(await svc.service(slot.serviceId), slot.startsAt, position));
    } catch (again) {
      await refusal(m, again);
    }
  }
}

/** The booking dialogue's numbered answers (and `1` to take a seat offered from the waiting list). */
export const bookingReplyHandler: IntentHandler = {
  name: 'booking_reply',
  match: async (m) => {
    if (m.kind !== 'text' || !m.who.resident) return false;
    if (choice(m, stateOf(m)) !== null) return true;
    return m.compact === '1' && !stateOf(m) && (await m.ctx.services.bookings.recentOffer(contactActor(m))) !== null;
  },
  handle: async (m) => {
    const s = stateOf(m);
    const n = choice(m, s);
    const svc = m.ctx.services.bookings;
    const actor = contactActor(m);
    if (n === null) {
      const offer = await svc.recentOffer(contactActor(m));
      try {
        const view = await svc.acceptOffer(actor, offer!.id, 'chat');
        return m.reply(bookedText(view.service, view.slot.startsAt));
      } catch (err) {
        return refusal(m, err);
      }
    }
    const id = s!.ids[n - 1];
    if (s!.step === 'service') {
      try {
        return await showSlots(m, await svc.service(id));
      } catch (err) {
        return refusal(m, err);
      }
    }
    if (s!.step === 'slot') return pickSlot(m, id);
    try {
      const view = await svc.cancel(actor, id);
      await remember(m, null);
      await m.reply(B.cancelled(view));
    } catch (err) {
      await refusal(m, err);
    }
  },
};

/** `预约` / `2` / ordinary words (我想约个理发, 能预约吗), `我的预约`, `取消预约`. */
export const bookingHandler: IntentHandler = {
  name: 'booking',
  match: (m) => m.kind === 'text' && (BOOKING_WORDS.test(m.compact) || MINE.test(m.compact) || CANCEL.test(m.compact) || (m.compact.length <= 30 && PHRASE.test(m.compact))),
  handle: async (m) => {
    if (!m.who.resident) return m.reply(m.who.worker ? B.bookingForWorker : m.who.family.length ? B.bookingForFamily : P.needsBinding('预约'));
    const actor = contactActor(m);
    if (MINE.test(m.compact)) {
      await remember(m, null);
      return m.reply(B.myBookings(await m.ctx.services.bookings.mine(actor, { upcomingOnly: true })));
    }
    if (CANCEL.test(m.compact) || /^取消/.test(m.compact)) {
      const views = await m.ctx.services.bookings.mine(actor, { upcomingOnly: true });
      if (!views.length) {
        await remember(m, null);
        return m.reply(B.noBookings);
      }
      await remember(m, { step: 'cancel', ids: views.map((v) => v.booking.id) });
      return m.reply(B.cancelChoice(views));
    }
    await showServices(m);
  },
};
