import type { AppContext, ChatBridge } from '../services/context';
import { Station } from '../entities';
import { notFound } from '../services/errors';
import { StationAccount } from './account';
import { MOCK_PUPPET } from './puppet';
import type { SenderOptions } from './sender';

export interface BotOptions {
  /** The stations this process serves; default BOT_STATIONS, else every station. */
  stations?: number[];
  /** How often new stations are picked up when serving all (ms); 0 turns it off. */
  refreshMs?: number;
  senderOptions?: Partial<SenderOptions>;
}

export interface BotHandle {
  stop(): Promise<void>;
  /** The running account of a station (tests, the benchmark). */
  account(stationId: number): StationAccount | undefined;
  /** Starts (once) the account of a station that exists; undefined when it does not or is not served. */
  ensure(stationId: number): Promise<StationAccount | undefined>;
}

/**
 * Starts the bot role: one Wechaty account per served station (with the mock puppet, a mock
 * account for each), each with its router and outbox sender, and registers the simulator bridge.
 */
export async function startBot(ctx: AppContext, options: BotOptions = {}): Promise<BotHandle> {
  const fixed = options.stations ?? ctx.config.botStations;
  const accounts = new Map<number, Promise<StationAccount>>();
  const started = new Map<number, StationAccount>();
  let stopping = false;

  const ensure = async (stationId: number): Promise<StationAccount | undefined> => {
    if (stopping) return undefined;
    if (fixed && !fixed.includes(stationId)) return undefined;
    let p = accounts.get(stationId);
    if (!p) {
      if (!(await ctx.db.manager.count(Station, { where: { id: stationId } }))) return undefined;
      p = accounts.get(stationId);
      if (!p) {
        const account = new StationAccount(ctx, stationId, { senderOptions: options.senderOptions });
        p = account.start().then(() => {
          started.set(stationId, account);
          return account;
        });
        accounts.set(stationId, p);
        p.catch((err) => {
          accounts.delete(stationId);
          ctx.logger.error({ err, stationId }, 'bot account failed to start');
        });
      }
    }
    return p;
  };

  const ids = fixed ?? (await ctx.db.manager.find(Station, { select: { id: true }, order: { id: 'ASC' } })).map((s) => s.id);
  for (const id of ids) await ensure(id).catch(() => undefined);

  // Serving every station: pick up stations created while running.
  const refreshMs = options.refreshMs ?? (fixed ? 0 : 10_000);
  const timer = refreshMs
    ? setInterval(() => {
        void ctx.db.manager
          .find(Station, { select: { id: true } })
          .then((rows) => Promise.all(rows.map((s) => ensure(s.id))))
          .catch((err) => ctx.logger.warn({ err }, 'bot station refresh failed'));
      }, refreshMs)
    : undefined;
  timer?.unref();

  const mock = ctx.config.puppet === MOCK_PUPPET;
  const bridge: ChatBridge = {
    chat: async ({ stationId, from, text, name, kind }) => {
      const account = await ensure(stationId);
      if (!account) throw notFound('站点');
      return account.chat(from, text, name, kind);
    },
  };
  if (mock) ctx.chatBridge = bridge;
  ctx.logger.info({ stations: [...started.keys()], puppet: ctx.config.puppet }, 'bot started');

  return {
    account: (id) => started.get(id),
    ensure,
    stop: async () => {
      stopping = true;
      if (timer) clearInterval(timer);
      if (ctx.chatBridge === bridge) ctx.chatBridge = undefined;
      const all = await Promise.allSettled([...accounts.values()]);
      for (const r of all) if (r.status === 'fulfilled') await r.value.stop();
    },
  };
}
