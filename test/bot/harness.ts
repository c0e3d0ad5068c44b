import { startBot, BotHandle, BotOptions } from '../../bot';
import type { StationAccount } from '../../bot/account';
import type { AppContext } from '../../services/context';
import type { TestEnv } from '../helpers';

/** A started bot on a test context, and a way to talk to a station's account as a contact. */
export interface TestBot {
  handle: BotHandle;
  account(stationId: number): Promise<StationAccount>;
  /** Contact `from` says `text` to the station; resolves with the bot's replies to it. */
  say(stationId: number, from: string, text: string, name?: string): Promise<string[]>;
  stop(): Promise<void>;
}

export async function startTestBot(ctx: AppContext, options: BotOptions = {}): Promise<TestBot> {
  const handle = await startBot(ctx, { refreshMs: 0, ...options });
  return {
    handle,
    account: async (id) => {
      const a = await handle.ensure(id);
      if (!a) throw new Error(`no account for station ${id}`);
      return a;
    },
    say: (stationId, from, text, name) => ctx.chatBridge!.chat({ stationId, from, text, name }),
    stop: () => handle.stop(),
  };
}

/** Starts a bot on a describe block's test environment, and stops it after the block. */
export function useTestBot(env: () => TestEnv, options: BotOptions = {}): () => TestBot {
  let bot: TestBot | undefined;
  beforeAll(async () => {
    bot = await startTestBot(env().ctx, options);
  });
  afterAll(async () => {
    await bot?.stop();
  });
  return () => {
    if (!bot) throw new Error('test bot not started');
    return bot;
  };
}
