import { z } from 'zod';
import { Station } from '../../entities';
import { AdjustableClock, isSaneInstant, SANE_YEARS } from '../../services/clock';
import { AppError, badRequest, notFound } from '../../services/errors';
import { plainText } from '../../services/text';
import { toIso } from '../../services/time';
import { route } from '../route';
import { PUBLIC } from '../matrix';

const isoInstant = z
  .string()
  .max(40)
  .refine((s) => !Number.isNaN(Date.parse(s)), '需要 ISO 8601 时间，例如 2026-12-03T09:00:00+08:00')
  .refine((s) => isSaneInstant(new Date(s)), `时间须在 ${SANE_YEARS.from}–${SANE_YEARS.to} 年之间`);

/** Embedded-default endpoints: move the clock, run jobs, talk to the bot. Not mounted in production. */
export const devRoutes = [
  route({
    method: 'get', path: '/api/dev/clock', summary: '读取应用时钟', tag: 'dev', access: 'public',
    matrix: { expect: PUBLIC },
    handler: async ({ ctx }) => ({ now: toIso(ctx.clock.now()), adjusted: ctx.clock.adjusted }),
  }),
  route({
    method: 'put', path: '/api/dev/clock', summary: '设置应用时钟（之后定时任务只按需运行）', tag: 'dev', access: 'public',
    matrix: { expect: PUBLIC, body: () => ({ now: '2026-12-03T09:00:00+08:00', frozen: true }) },
    body: z.object({ now: isoInstant, frozen: z.boolean().optional() }),
    handler: async ({ ctx, body }) => {
      if (!(ctx.clock instanceof AdjustableClock)) throw badRequest('clock_fixed', '此实例的时钟不可调整');
      ctx.clock.set(new Date(body.now), { frozen: body.frozen });
      ctx.events.emit('clock:changed');
      return { now: toIso(ctx.clock.now()), adjusted: true };
    },
  }),
  route({
    method: 'post', path: '/api/dev/jobs/:name/run', summary: '立即运行一个任务（按应用时钟）', tag: 'dev', access: 'public',
    matrix: { expect: PUBLIC, params: () => ({ name: 'retention' }) },
    params: z.object({ name: z.string().max(40) }),
    handler: async ({ ctx, params }) => ({ job: params.name, summary: await ctx.services.jobs.runNow(params.name) }),
  }),
  route({
    method: 'get', path: '/api/dev/stations', summary: '站点列表（模拟器选择站点用）', tag: 'dev', access: 'public',
    matrix: { expect: PUBLIC },
    handler: async ({ ctx }) => {
      const rows = await ctx.db.manager.find(Station, { select: { id: true, name: true }, order: { id: 'ASC' } });
      return { items: rows.map((s) => ({ id: s.id, name: s.name })) };
    },
  }),
  route({
    method: 'post', path: '/api/dev/chat', summary: '模拟联系人给站点微信发消息，返回机器人回复', tag: 'dev', access: 'public',
    matrix: { expect: { anonymous: 503, resident: 503, worker: 503, station_admin: 503, county_admin: 503 }, body: () => ({ from: 'matrix', text: '你好' }) },
    body: z.object({
      from: z.string().min(1).max(100).regex(/^[^@\s]+$/, '联系人 id 不能含 @ 或空白'),
      text: z.string().max(100_000).default(''),
      name: plainText(50).optional(),
      stationId: z.coerce.number().int().positive().optional(),
      /** `voice` / `image`: a voice note or a picture instead of words (the text is then ignored). */
      kind: z.enum(['text', 'voice', 'image']).default('text'),
    }),
    handler: async ({ ctx, body }) => {
      if (!ctx.chatBridge) throw new AppError(503, 'bot_not_running', '机器人未在此进程运行（ROLES 未包含 bot）');
      const station = body.stationId
        ? await ctx.db.manager.findOne(Station, { where: { id: body.stationId } })
        : await ctx.db.manager.findOne(Station, { where: {}, order: { id: 'ASC' } });
      if (!station) throw notFound('站点');
      const replies = await ctx.chatBridge.chat({ stationId: station.id, from: body.from, text: body.text, name: body.name, kind: body.kind });
      return { replies };
    },
  }),
  route({
    method: 'get', path: '/api/dev/contacts', summary: '站点已绑定的联系人（居民、家属、社工），模拟器选择身份用', tag: 'dev', access: 'public',
    matrix: { expect: PUBLIC },
    query: z.object({ stationId: z.coerce.number().int().positive().optional() }),
    handler: async ({ ctx, query }) => {
      const station = query.stationId
        ? await ctx.db.manager.findOne(Station, { where: { id: query.stationId } })
        : await ctx.db.manager.findOne(Station, { where: {}, order: { id: 'ASC' } });
      if (!station) throw notFound('站点');
      return { items: await ctx.services.chat.boundContacts(station.id) };
    },
  }),
  route({
    method: 'get', path: '/api/dev/sent', summary: '机器人发给某联系人的全部消息（含回复），按时间先后', tag: 'dev', access: 'public',
    matrix: { expect: PUBLIC, query: () => ({ to: 'matrix-nobody' }) },
    query: z.object({ to: z.string().min(1).max(128), after: z.coerce.number().int().min(0).default(0) }),
    handler: async ({ ctx, query }) => {
      const rows = await ctx.services.chat.sentTo(query.to, query.after);
      return { items: rows.map((r) => ({ id: r.id, text: r.text, sentAt: toIso(r.at) })) };
    },
  }),
];
