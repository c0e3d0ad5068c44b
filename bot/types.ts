import type { Station } from '../entities';
import type { AppContext } from '../services/context';
import type { ChatIdentity } from '../services/chat';
import type { NormalizedText } from './normalize';

/** What kind of message came in; everything that is not text is treated alike. */
export type InboundKind = 'text' | 'voice' | 'media';

/** One inbound message as the intent handlers see it. */
export interface Inbound extends NormalizedText {
  ctx: AppContext;
  station: Station;
  /** The talker's contact id (in a group chat too: replies go to the group). */
  contactId: string;
  contactName: string | null;
  kind: InboundKind;
  who: ChatIdentity;
  /** The contact's conversation state (multi-step dialogues), null when none or expired. */
  state: Record<string, unknown> | null;
  /** Set by the router when this very message confirmed today's check-in (the 平安 reply went out). */
  checkinAcknowledged: boolean;
  /** Set by the router: the resident holds a check-in plan (addressed as an elder when their age is unknown). */
  planHolder: boolean;
  /** True while a hand-off keeps the bot quiet for this contact. */
  handedOff: boolean;
  /** Replies at once, logged and counted; the text is never empty. */
  reply(text: string): Promise<void>;
  /** Sets the contact's remark (a stable tag) on the WeChat account; failures are ignored. */
  setAlias(alias: string): Promise<void>;
}

/**
 * One intent: `match` decides (cheaply) whether the message is for it, `handle` calls one service
 * function and replies with text from `presenters.ts`. Handlers are tried in the order of
 * `HANDLERS` (handlers/index.ts); the first match wins.
 */
export interface IntentHandler {
  name: string;
  /** Also runs while a hand-off keeps the bot quiet (help calls, check-ins). */
  duringHandoff?: boolean;
  match(input: Inbound): boolean | Promise<boolean>;
  handle(input: Inbound): Promise<void>;
}
