/**
 * A bot sender in a process of its own, for sender-crash.test.ts, which kills it mid-broadcast:
 *   tsx test/bot/sender-child.ts <databaseUrl> <dataDir> <stationId> <deliveriesFile> <now ISO>
 * Each delivery is appended to the deliveries file (what WeChat would have received).
 */
import 'reflect-metadata';
import { appendFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { OutboxSender } from '../../bot/sender';
import { AdjustableClock } from '../../services/clock';
import { loadConfig } from '../../services/config';
import { createContext } from '../../services/context';
import { createLogger } from '../../services/logger';

async function main(): Promise<void> {
  const [databaseUrl, dataDir, stationId, deliveries, now] = process.argv.slice(2);
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: databaseUrl, DATA_DIR: dataDir, LOG_LEVEL: 'silent', DEMO_DATA: 'false' });
  const ctx = await createContext(config, { clock: new AdjustableClock(new Date(now), { frozen: true }), logger: createLogger('silent'), connectAttempts: 1 });
  const sender = new OutboxSender(ctx, Number(stationId), {
    deliver: async (row) => {
      appendFileSync(deliveries, `${row.id}\n`);
      await sleep(2);
      return row.toContactId;
    },
    isUp: () => true,
  }, { gapMs: 0, flushRows: 100_000, flushMs: 600_000 });
  await sender.start();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
