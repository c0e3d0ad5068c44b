import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { JOBS } from '../jobs';
import { ConfigError, loadConfig } from '../services/config';
import { AppContext, createContext } from '../services/context';
import { COMMANDS } from './commands';
import { toolDatabase } from '../services/tool-database';

/** `npm run cli -- <command> [--flags]`: administration on the command line. */
async function main(): Promise<void> {
  const [name, ...rest] = process.argv.slice(2);
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    if (name) console.error(`没有这个命令 / unknown command: ${name}\n`);
    console.error(`用法 / usage: npm run cli -- <command> [options]\n\n${COMMANDS.map((c) => `  ${c.name.padEnd(24)} ${c.help}`).join('\n')}`);
    process.exit(name ? 2 : 0);
  }
  let ctx: AppContext | undefined;
  try {
    const { values } = parseArgs({ args: rest, options: command.options, allowPositionals: false, strict: true });
    // Which database, said before anything is written (secrets included) to a wrong place.
    const db = toolDatabase(loadConfig(process.env, { writeSecrets: false }).databaseUrl);
    console.error(db.says);
    if (db.refusal) {
      console.error(db.refusal);
      process.exit(2);
    }
    ctx = await createContext(loadConfig(), { jobs: JOBS, connectAttempts: 3 });
    const out = await command.run(ctx, values as Record<string, string | boolean | undefined>);
    if (out) console.log(out);
    await ctx.close();
  } catch (err) {
    console.error(err instanceof ConfigError ? err.message : `失败 / failed: ${(err as Error).message}`);
    await ctx?.close().catch(() => undefined);
    process.exit(1);
  }
}

void main();
