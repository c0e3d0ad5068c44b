import type { AppContext } from '../services/context';

/** Starts the bot role (built in the bot issue). */
export async function startBot(ctx: AppContext): Promise<{ stop(): Promise<void> }> {
  ctx.logger.warn('bot role not built yet');
  return { stop: async () => undefined };
}
