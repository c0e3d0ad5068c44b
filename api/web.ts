import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { Router } from '@koa/router';
import type { AppContext } from '../services/context';

const WEB_DIR = path.resolve(__dirname, '..', 'web');

/** The worker console and (embedded default only) the chat simulator page. */
export function webRoutes(router: Router, ctx: AppContext): void {
  const page = (file: string) => (koa: { type: string; body: unknown; status: number }) => {
    const p = path.join(WEB_DIR, file);
    if (!existsSync(p)) return;
    koa.type = 'html';
    koa.body = readFileSync(p, 'utf8');
  };
  router.get('/console', page('console.html'));
  if (ctx.config.devEndpoints) router.get('/simulator', page('simulator.html'));
  router.get('/', (koa) => {
    koa.redirect(ctx.config.devEndpoints ? '/simulator' : '/console');
  });
}
