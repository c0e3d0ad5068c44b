import type { Config } from './config';
import type { JobDefinition } from './jobs';
import { createInfra, Infra, InfraOptions } from './infra';
import { createServices, Services } from './index';

/** What the simulator endpoints need from the bot, registered by the bot role when it runs. */
/** What a simulated contact sends: words, a voice note or a picture. */
export type SimulatedKind = 'text' | 'voice' | 'image';

export interface ChatBridge {
  /** Contact `from` says `text` (or sends a voice note or picture) to station `stationId`'s account; resolves with the bot's replies. */
  chat(input: { stationId: number; from: string; text: string; name?: string; kind?: SimulatedKind }): Promise<string[]>;
}

/**
 * Everything the doors (api, bot, jobs, cli, bench, tests) share: the infrastructure, the services,
 * built once, and the bot's bridge. Services never receive it: they get the infrastructure and their
 * peers in their constructors.
 */
export interface AppContext extends Infra {
  services: Services;
  chatBridge?: ChatBridge;
  close(): Promise<void>;
}

export interface ContextOptions extends InfraOptions {
  jobs?: JobDefinition<AppContext>[];
}

/** Builds the context: the infrastructure, then every service in order (`createServices`). */
export async function createContext(config: Config, options: ContextOptions = {}): Promise<AppContext> {
  const infra = await createInfra(config, options);
  const ctx: AppContext = {
    ...infra,
    services: createServices(infra, { jobs: options.jobs ?? [], jobContext: () => ctx }),
    close: () => infra.db.close(),
  };
  return ctx;
}
