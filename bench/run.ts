import 'reflect-metadata';
import { readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * `npm run bench [-- <name> [args…]]`: runs one benchmark (or all), each module in bench/ exporting
 * `run(args)`; the figures are printed as one JSON line per benchmark.
 */
async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const available = readdirSync(__dirname)
    .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_'))
    .map((f) => f.replace(/\.ts$/, ''));
  const chosen = name ? [name] : available;
  for (const b of chosen) {
    if (!available.includes(b)) {
      console.error(`未知的基准 / unknown benchmark: ${b}（可用 / available: ${available.join(', ')}）`);
      process.exit(2);
    }
    const mod = (await import(path.join(__dirname, b))) as { run(args: string[]): Promise<Record<string, unknown>> };
    const result = await mod.run(args);
    console.log(JSON.stringify({ benchmark: b, ...result }));
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
