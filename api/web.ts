import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { Router } from '@koa/router';
import type { AppContext } from '../services/context';

const WEB_DIR = path.resolve(__dirname, '..', 'web');
/** Where `npm run build:web` (web/build.ts) writes the console's bundle. */
const ASSETS_DIR = path.join(WEB_DIR, 'dist');
const ASSET = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.(js|css|map|txt)$/;
const TYPES: Record<string, string> = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8', map: 'application/json', txt: 'text/plain; charset=utf-8' };

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>社工站工作台</title>
<p>工作台尚未构建：请在项目目录运行 <code>npm run build:web</code>（<code>npm install</code> 与 <code>npm start</code> 会自动构建）。</p>`;

/** The worker console (its page and bundled assets) and (embedded default only) the chat simulator page. */
export function webRoutes(router: Router, ctx: AppContext): void {
  const page = (file: string) => (koa: { type: string; body: unknown; status: number; set(k: string, v: string): void }) => {
    const p = path.join(WEB_DIR, file);
    if (!existsSync(p)) return;
    koa.type = 'html';
    koa.set('Cache-Control', 'no-cache');
    koa.body = file === 'console.html' && !existsSync(path.join(ASSETS_DIR, 'console.js')) ? NOT_BUILT : readFileSync(p, 'utf8');
  };
  router.get('/console', page('console.html'));
  router.get('/console/assets/:file', (koa) => {
    const file = String(koa.params.file ?? '');
    const p = path.join(ASSETS_DIR, file);
    if (!ASSET.test(file) || !existsSync(p)) return;
    koa.type = TYPES[file.slice(file.lastIndexOf('.') + 1)] ?? 'application/octet-stream';
    // Chunks carry a content hash in their name; the entry points keep theirs and are revalidated.
    koa.set('Cache-Control', file.startsWith('chunk-') ? 'public, max-age=31536000, immutable' : 'no-cache');
    koa.body = readFileSync(p);
  });
  if (ctx.config.devEndpoints) router.get('/simulator', page('simulator.html'));
  router.get('/', (koa) => {
    koa.redirect(ctx.config.devEndpoints ? '/simulator' : '/console');
  });
}
