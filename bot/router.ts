import { types } from 'wechaty';
import type { MessageInterface } from 'wechaty/impls';
import type { Station } from '../entities';
import type { AppContext } from '../services/context';
import { HANDLERS } from './handlers';
import { isHelpCall } from './handlers/help-call';
import { normalizeText } from './normalize';
import * as P from './presenters';
import type { Inbound, InboundKind, IntentHandler } from './types';

/** A contact's messages beyond this many waiting are dropped with one "please wait" reply. */
export const MAX_QUEUED_PER_CONTACT = 20;

/** Handlers whose reply may follow the 平安 acknowledgement (chatter, greetings, voice notes). */
const ACK_FIRST = new Set(['checkin', 'fallback', 'menu', 'non_text', 'policy_question']);

/** What the router needs from the account it serves. */
export interface RouterAccount {
  ctx: AppContext;
  stationId: number;
  station(): Promise<Station>;
  /** Sends at once (a direct reply), logged and counted. */
  send(to: string, text: string): Promise<void>;
  setAlias(contactId: string, alias: string): Promise<void>;
}

interface Job {
  msg: MessageInterface;
  help: boolean;
}

interface ContactQueue {
  items: Job[];
  running: boolean;
  warned: boolean;
}

function kindOf(msg: MessageInterface): InboundKind | null {
  switch (msg.type()) {
    case types.Message.Text:
      return 'text';
    case types.Message.Audio:
      return 'voice';
    case types.Message.Recalled:
      return null;
    default:
      return 'media';
  }
}

/**
 * Routes the inbound messages of one station account: each contact's messages in order (a queue
 * per contact), different contacts at the same time, so one resident's flood never delays another.
 */
export class Router {
  private readonly queues = new Map<string, ContactQueue>();
  private readonly waiters = new Map<string, (replies: string[]) => void>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly ctx: AppContext;

  constructor(
    private readonly account: RouterAccount,
    private readonly handlers: IntentHandler[] = HANDLERS,
  ) {
    this.ctx = account.ctx;
  }

  /** Resolves with the replies to message `messageId` once it has been handled (or ignored). */
  track(messageId: string): Promise<string[]> {
    return new Promise((resolve) => this.waiters.set(messageId, resolve));
  }

  private settle(messageId: string, replies: string[]): void {
    const w = this.waiters.get(messageId);
    if (w) {
      this.waiters.delete(messageId);
      w(replies);
    }
  }

  /** The Wechaty `message` listener. Never throws. */
  async onMessage(msg: MessageInterface): Promise<void> {
    try {
      if (msg.self()) return;
      const room = msg.room();
      if (room && !(await msg.mentionSelf())) return this.settle(msg.id, []);
      const talker = msg.talker();
      const key = talker.id;
      let q = this.queues.get(key);
      if (!q) this.queues.set(key, (q = { items: [], running: false, warned: false }));
      const text = msg.type() === types.Message.Text ? msg.text() : '';
      const help = isHelpCall(normalizeText(text.slice(0, 200)).compact);
      if (q.items.length >= MAX_QUEUED_PER_CONTACT && !help) {
        this.ctx.metrics.botMessages.inc({ station: String(this.account.stationId), direction: 'in', result: 'dropped' });
        if (q.warned) return this.settle(msg.id, []);
        q.warned = true;
        await this.account.send(room ? room.id : talker.id, P.tooManyMessages).catch(() => undefined);
        return this.settle(msg.id, [P.tooManyMessages]);
      }
      // A help call jumps the queue: nothing waits in front of an emergency.
      if (help) q.items.unshift({ msg, help });
      else q.items.push({ msg, help });
      if (!q.running) this.drain(key, q);
    } catch (err) {
      this.ctx.logger.warn({ err, stationId: this.account.stationId }, 'inbound message dropped');
      this.settle(msg.id, []);
    }
  }

  private drain(key: string, q: ContactQueue): void {
    q.running = true;
    const run = (async () => {
      while (q.items.length) {
        const job = q.items.shift()!;
        if (!q.items.length) q.warned = false;
        await this.process(job.msg);
      }
      q.running = false;
      this.queues.delete(key);
    })();
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
  }

  /** Waits for the messages being handled (a clean stop). */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.all([...this.inFlight]);
  }

  private async process(msg: MessageInterface): Promise<void> {
    const replies: string[] = [];
    const stationLabel = String(this.account.stationId);
    try {
      const kind = kindOf(msg);
      if (!kind) return;
      const room = msg.room();
      const talker = msg.talker();
      const contactId = talker.id;
      const replyTo = room ? room.id : contactId;
      // In a group, drop the @-mentions (WeChat writes "@name" and a narrow space) whatever the puppet left of them.
      const body = kind === 'text' ? (room ? (await msg.mentionText()).replace(/^(@\S+[\s\u2005]*)+/, '') : msg.text()) : '';
      const n = normalizeText(body);
      const now = this.ctx.clock.now();
      const station = await this.account.station();
      this.ctx.metrics.botMessages.inc({ station: stationLabel, direction: 'in', result: 'ok' });
      await this.ctx.services.chat.log({
        stationId: station.id, contactId: replyTo, direction: 'in', at: now,
        type: kind === 'text' ? 'text' : kind === 'voice' ? 'voice' : 'other',
        text: kind === 'text' ? n.raw : kind === 'voice' ? '[语音]' : '[图片/文件]',
      });
      const [who, state, handoff] = await Promise.all([
        this.ctx.services.chat.identify(station.id, contactId),
        this.ctx.services.conversations.get(station.id, contactId),
        this.ctx.services.handoffs.active(station.id, contactId),
      ]);
      const input: Inbound = {
        ...n, ctx: this.ctx, station, contactId, contactName: talker.name() || null, kind, who, state,
        checkinAcknowledged: false, planHolder: false, handedOff: Boolean(handoff),
        reply: async (text: string) => {
          if (!text) return;
          await this.account.send(replyTo, text);
          replies.push(text);
        },
        setAlias: (alias: string) => this.account.setAlias(contactId, alias).catch(() => undefined),
      };
      // A bound resident's message goes to the check-ins first (the rule, a sign of life, is theirs).
      let newlyConfirmed = false;
      if (who.resident) {
        try {
          const res = await this.ctx.services.checkins.messageFromResident({
            residentId: who.resident.id, at: now, kind, text: n.text.slice(0, 200) || undefined,
          });
          newlyConfirmed = res.newlyConfirmed;
          input.planHolder = res.planHolder;
        } catch (err) {
          this.ctx.logger.warn({ err, residentId: who.resident.id }, 'sign of life not recorded');
        }
      }
      const handler = await this.pick(input);
      if (newlyConfirmed && (!handler || ACK_FIRST.has(handler.name) || (input.handedOff && !handler.duringHandoff))) {
        await input.reply(P.checkinConfirmed(P.salutation(who.resident!, now, input.planHolder)));
        input.checkinAcknowledged = true;
      }
      if (!handler) return;
      if (input.handedOff && !handler.duringHandoff) return;
      await handler.handle(input);
    } catch (err) {
      this.ctx.metrics.botMessages.inc({ station: stationLabel, direction: 'in', result: 'error' });
      this.ctx.logger.error({ err, stationId: this.account.stationId }, 'message handling failed');
      if (!replies.length) {
        const room = msg.room();
        const text = '系统有点忙，请稍后再试；着急请回复“5”找社工或直接打电话。';
        await this.account.send(room ? room.id : msg.talker().id, text).then(() => replies.push(text), () => undefined);
      }
    } finally {
      this.settle(msg.id, replies);
    }
  }

  private async pick(input: Inbound): Promise<IntentHandler | null> {
    for (const h of this.handlers) if (await h.match(input)) return h;
    return null;
  }
}
