import { z } from 'zod';
import { SUBSCRIPTION_PURPOSES } from '../../entities';
import { presentOwnResident } from '../presenters/people';
import { presentBinding, presentFollowed } from '../presenters/miniapp';
import { route } from '../route';
import { PUBLIC, RESIDENT_SELF } from '../matrix';

const subscriptionBody = z.strictObject({
  templates: z.array(z.enum(SUBSCRIPTION_PURPOSES)).min(1).max(SUBSCRIPTION_PURPOSES.length, '一次最多 3 个模板')
    .refine((t) => new Set(t).size === t.length, '模板不能重复'),
});

/** The mini-program door: log in with a wx.login code, bind with a code, read one's own record. */
export const miniappRoutes = [
  route({
    method: 'post', path: '/api/miniapp/login', summary: '小程序登录（wx.login 的 code；开发模式可用 dev:<openid>）', tag: 'miniapp', access: 'public',
    matrix: { expect: PUBLIC, body: (w) => ({ code: `dev:matrix-login-${w.stationId}` }) },
    body: z.object({ code: z.string().trim().min(1).max(200) }),
    handler: async ({ ctx, body }) => {
      const { token, openid, resident } = await ctx.services.miniapp.login(body.code);
      return { token, openid, resident: resident ? presentOwnResident(resident, ctx.services.residents.today()) : null };
    },
  }),
  route({
    method: 'post', path: '/api/miniapp/bind', summary: '用社工给的绑定码绑定：居民码绑定本人档案（boundAs: resident），家属码成为该家属（boundAs: family，可看老人当天报平安）', tag: 'miniapp', access: 'resident',
    matrix: { expect: RESIDENT_SELF, body: (w) => ({ bindingCode: w.bindingCode }) },
    body: z.object({ bindingCode: z.string().trim().min(1).max(20) }),
    handler: async ({ ctx, actor, body, koa }) => presentBinding(await ctx.services.miniapp.bind(actor, body.bindingCode, koa.ip), ctx.services.residents.today()),
  }),
  route({
    method: 'get', path: '/api/me/family', summary: '我关注的老人（用家属绑定码绑定）及其当天报平安状态', tag: 'miniapp', access: 'resident',
    matrix: { expect: RESIDENT_SELF },
    handler: async ({ ctx, actor }) => {
      const items = (await ctx.services.miniapp.followed(actor)).map(presentFollowed);
      return { items, total: items.length };
    },
  }),
  route({
    method: 'get', path: '/api/miniapp/templates', summary: '订阅消息模板（用途 → 模板 id，来自 WECHAT_TEMPLATES）：小程序据此调用 wx.requestSubscribeMessage', tag: 'miniapp', access: 'public',
    matrix: { expect: PUBLIC },
    handler: async ({ ctx }) => ({ templates: ctx.config.wechatTemplates }),
  }),
  route({
    method: 'post', path: '/api/me/subscriptions', summary: '报告用户刚在 wx.requestSubscribeMessage 中同意的订阅消息（每个一次发送）', tag: 'miniapp', access: 'resident',
    matrix: { expect: RESIDENT_SELF, body: () => ({ templates: [SUBSCRIPTION_PURPOSES[0]] }) },
    body: subscriptionBody,
    handler: async ({ ctx, actor, body }) => ({ quota: await ctx.services.subscriptions.accept(actor, body.templates) }),
  }),
  route({
    method: 'get', path: '/api/me/subscriptions', summary: '我还剩的订阅消息次数（按用途）', tag: 'miniapp', access: 'resident',
    matrix: { expect: RESIDENT_SELF },
    handler: async ({ ctx, actor }) => ({ quota: await ctx.services.subscriptions.quota(actor) }),
  }),
  route({
    method: 'get', path: '/api/me', summary: '本人的居民档案（需已绑定）', tag: 'miniapp', access: 'resident',
    matrix: { expect: RESIDENT_SELF },
    handler: async ({ ctx, actor }) => presentOwnResident(await ctx.services.miniapp.me(actor), ctx.services.residents.today()),
  }),
];
