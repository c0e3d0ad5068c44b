import type { Activity } from '../../entities';
import { AppError } from '../../services/errors';
import * as A from '../activity-presenters';
import { needsBinding } from '../presenters';
import type { Inbound, IntentHandler } from '../types';
import { contactActor } from '../actor';

// "最近有啥活动没", "有没有活动呀": the list, asked in ordinary words.
const LIST = /^(3|活动|近期活动|最近活动|活动通知|看活动|活动列表|(最近|近期|这几天|这周|下周|本周|村里|社工站)?(有啥|有什么|有没有|有哪些|都有啥|都有什么)(新)?活动(没有?|吗|么|呢|啊|呀|不)?)$/;
const SIGN_UP = /^(?:报名|我要报名|我报名)(\d{1,3})?$/;
const CANCEL = /^取消报名(\d{1,3})?$/;
const MINE = /^(我的报名|我的活动|报名了哪些|查报名)$/;
/** Answers to an activity notice (`我去`): a sign-up for the activity of the latest notice. */
const GOING = /^(我去|我要去|去|我参加|参加|我也去|算我一个|报名|我要报名)$/;

interface ActivityState {
  activities?: { ids: number[] };
}

function listedIds(m: Inbound): number[] | null {
  return (m.state as ActivityState | null)?.activities?.ids ?? null;
}

async function remember(m: Inbound, ids: number[]): Promise<void> {
  // A fresh list ends any booking dialogue, so that a bare number after it means an activity.
  const rest = { ...(m.state ?? {}) } as Record<string, unknown>;
  delete rest.booking;
  await m.ctx.services.conversations.set(m.station.id, m.contactId, { ...rest, activities: { ids } });
}

async function showList(m: Inbound): Promise<void> {
  const { activities } = m.ctx.services;
  const items = await activities.forChat(contactActor(m), m.who.resident);
  const mine = m.who.resident ? new Set((await activities.signupsOf(contactActor(m), m.who.resident.id)).map((x) => x.activity.id)) : new Set<number>();
  if (m.who.resident) await remember(m, items.map((a) => a.id));
  await m.reply(A.activityList(items, mine, Boolean(m.who.resident)));
}

async function showMine(m: Inbound): Promise<void> {
  const items = (await m.ctx.services.activities.signupsOf(contactActor(m), m.who.resident!.id)).map((x) => x.activity);
  await remember(m, items.map((a) => a.id));
  await m.reply(A.mySignups(items));
}

/** The activity numbered `n` in the list last shown (or the current list when none was). */
async function pick(m: Inbound, n: number): Promise<number | null> {
  const ids = listedIds(m) ?? (await m.ctx.services.activities.forChat(contactActor(m), m.who.resident)).map((a) => a.id);
  return ids[n - 1] ?? null;
}

async function signUp(m: Inbound, activityId: number, n: number | null, source: 'chat' | 'notice'): Promise<void> {
  const { activities } = m.ctx.services;
  try {
    await activities.signUp(contactActor(m), activityId, { source });
  } catch (err) {
    if (err instanceof AppError && err.status < 500) return m.reply(err.code === 'already_signed_up' ? A.signupRefused('您已经报过名了') : A.signupRefused(err.message));
    throw err;
  }
  const activity = (await activities.forChat(contactActor(m), m.who.resident)).find((a) => a.id === activityId)
    ?? (await activities.get(contactActor(m), activityId));
  await m.reply(A.signedUp(activity as Activity, n));
}

/**
 * Activities by chat: `活动` / `3` / 最近有啥活动 lists the resident's upcoming activities, numbered;
 * `报名 N` (or just `N` right after the list) signs up, `取消报名 N` cancels, `我的报名` lists one's
 * own; `我去` / `报名` right after an activity notice signs up for that activity. Unbound contacts
 * see the open activities and are told how to bind to sign up.
 */
export const activitiesHandler: IntentHandler = {
  name: 'activities',
  match: async (m) => {
    if (m.kind !== 'text') return false;
    const c = m.compact;
    if (LIST.test(c) || SIGN_UP.test(c) || CANCEL.test(c) || MINE.test(c)) return true;
    if (!m.who.resident) return false;
    if (/^\d{1,2}$/.test(c) && listedIds(m)?.length) return Number(c) >= 1 && Number(c) <= listedIds(m)!.length;
    return GOING.test(c) && (await m.ctx.services.broadcasts.noticeActivity(contactActor(m))) !== null;
  },
  handle: async (m) => {
    const c = m.compact;
    if (LIST.test(c)) return showList(m);
    if (!m.who.resident) return m.reply(needsBinding('活动报名'));
    if (MINE.test(c)) return showMine(m);
    const cancel = CANCEL.exec(c);
    if (cancel) {
      if (!cancel[1]) return showMine(m);
      const id = await pick(m, Number(cancel[1]));
      if (!id) return m.reply(A.noSuchNumber(Number(cancel[1])));
      try {
        await m.ctx.services.activities.cancelSignup(contactActor(m), id);
      } catch (err) {
        if (err instanceof AppError && err.status === 404) return m.reply('您没有报名这个活动。回复“我的报名”看看您报了哪些。');
        if (err instanceof AppError && err.status < 500) return m.reply(A.signupRefused(err.message));
        throw err;
      }
      return m.reply(A.signupCancelled(await m.ctx.services.activities.get(contactActor(m), id)));
    }
    if (GOING.test(c)) {
      const noticed = await m.ctx.services.broadcasts.noticeActivity(contactActor(m));
      if (noticed) return signUp(m, noticed, null, 'notice');
    }
    const sign = SIGN_UP.exec(c);
    const digit = /^\d{1,2}$/.test(c) ? Number(c) : null;
    const n = sign?.[1] ? Number(sign[1]) : digit;
    if (n !== null) {
      const id = await pick(m, n);
      if (!id) return m.reply(A.noSuchNumber(n));
      return signUp(m, id, n, 'chat');
    }
    await showList(m);
  },
};
