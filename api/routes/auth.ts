import { z } from 'zod';
import { presentWorker } from '../presenters/people';
import { route } from '../route';
import { PUBLIC } from '../matrix';

/** Worker sign-in (the mini-program signs in through /api/miniapp/login). */
export const authRoutes = [
  route({
    method: 'post', path: '/api/auth/login', summary: '社工登录（失败过多将被限流）', tag: 'auth', access: 'public',
    matrix: { expect: PUBLIC, body: (w) => w.login },
    body: z.object({ username: z.string().trim().min(1).max(64), password: z.string().min(1).max(128) }),
    response: z.object({
      token: z.string(),
      worker: z.object({ id: z.number(), name: z.string(), role: z.string(), stationId: z.number().nullable() }),
    }),
    handler: async ({ ctx, koa, body }) => {
      const { token, worker } = await ctx.services.auth.login(body.username, body.password, koa.ip);
      return { token, worker: presentWorker(worker) };
    },
  }),
  route({
    method: 'get', path: '/api/auth/me', summary: '当前登录的社工', tag: 'auth', access: 'worker',
    matrix: { expect: { anonymous: 401, resident: 403, worker: 'ok', station_admin: 'ok', county_admin: 'ok' } },
    handler: async ({ ctx, actor }) => {
      if (actor.kind !== 'worker') return null;
      return presentWorker(await ctx.services.workers.get(actor, actor.id, 'read'));
    },
  }),
];
