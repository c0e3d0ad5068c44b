/**
 * Builds the worker console: the TypeScript modules of web/src bundled by esbuild into web/dist
 * (ES modules, the charts split into their own chunk loaded only by the statistics page), plus the
 * stylesheet it imports (console.css). Nothing is fetched from a CDN at run time: ECharts and the QR code are bundled.
 * Runs on `npm install` (prepare), `npm start` (prestart) and `npm test` (pretest); `npm run build:web`.
 */
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import path from 'node:path';

export const WEB_SRC = path.join(__dirname, 'src');
export const WEB_DIST = path.join(__dirname, 'dist');

export async function buildWeb(options: { quiet?: boolean } = {}): Promise<void> {
  rmSync(WEB_DIST, { recursive: true, force: true });
  const result = await build({
    entryPoints: { console: path.join(WEB_SRC, 'main.ts') },
    bundle: true,
    splitting: true,
    format: 'esm',
    target: 'es2020',
    outdir: WEB_DIST,
    entryNames: '[name]',
    chunkNames: 'chunk-[hash]',
    minify: true,
    sourcemap: true,
    legalComments: 'linked',
    metafile: true,
    logLevel: options.quiet ? 'silent' : 'warning',
  });
  if (!options.quiet) {
    const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
    console.log(`console built into ${path.relative(process.cwd(), WEB_DIST) || WEB_DIST} (${Math.round(bytes / 1024)} KB)`);
  }
}

if (require.main === module) {
  buildWeb().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
