import { z } from 'zod';
import { presentOwnResident } from '../presenters/people';
import { route } from '../route';

/** The mini-program door: log in with a wx.login code, bind with a code, read one's own record. */
export const miniappRoutes = [
  route({
    method: 'post', path: '/api/miniapp/login', summary: '小程序登录（wx.login 的 code；开发模式可用 dev:<openid>）', tag: 'miniapp', access: 'public',
    body: z.object({ code: z.string().trim().min(1).max(200) }),
    handler: async ({ ctx, body }) => {
      const { token, openid, resident } = await ctx.services.miniapp.login(body.code);
      return { token, openid, resident: resident ? presentOwnResident(resident, ctx.services.residents.today()) : null };
    },
  }),
  route({
    method: 'post', path: '/api/miniapp/bind', summary: '用社工给的绑定码绑定本人居民档案', tag: 'miniapp', access: 'resident',
    body: z.object({ bindingCode: z.string().trim().min(1).max(20) }),
    handler: async ({ ctx, actor, body, koa }) => presentOwnResident(await ctx.services.miniapp.bind(actor, body.bindingCode, koa.ip), ctx.services.residents.today()),
  }),
  route({
    method: 'get', path: '/api/me', summary: '本人的居民档案（需已绑定）', tag: 'miniapp', access: 'resident',
    handler: async ({ ctx, actor }) => presentOwnResident(await ctx.services.miniapp.me(actor), ctx.services.residents.today()),
  }),
];
