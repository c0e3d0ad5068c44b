import { z } from 'zod';
import { BOOKING_STATUSES } from '../../entities';
import type { Actor } from '../../services/auth';
import type { BookingView } from '../../services/bookings';
import type { AppContext } from '../../services/context';
import { serviceInputSchema, settingsInputSchema, slotsInputSchema, weeklyInputSchema } from '../../services/booking-input';
import { dateSchema } from '../../services/schemas';
import { badRequest } from '../../services/errors';
import { requestHash } from '../../services/idempotency';
import { presentBooking, presentService, presentSettings, presentSlot, presentWaitlistEntry } from '../presenters/bookings';
import { OWN, PUBLIC, RESIDENT_SELF, STATION_CASE_LIST, STATION_CASES } from '../matrix';
import { idParams, pageQuery, route } from '../route';

const residentBody = z.strictObject({ residentId: z.number().int().positive().optional() });
const rangeQuery = z.object({ from: dateSchema.optional(), to: dateSchema.optional() });

/** Workers see no-show counts beside each booking; residents see their own bookings plainly. */
async function present(ctx: AppContext, actor: Actor, views: BookingView[]) {
  const noShows = actor.kind === 'worker' ? await ctx.services.bookings.noShowCounts(views.map((v) => v.booking.residentId)) : undefined;
  return views.map((v) => presentBooking(v, noShows));
}

const channelOf = (actor: Actor): 'miniapp' | 'console' => (actor.kind === 'resident' ? 'miniapp' : 'console');

/** Who an `Idempotency-Key` belongs to: keys of different callers never meet. */
function keyScope(actor: Actor): string {
  if (actor.kind === 'worker') return `w${actor.id}`;
  if (actor.kind === 'resident') return `r${actor.residentId ?? 0}:${actor.openid.slice(0, 30)}`;
  return 'anonymous';
}

/** Station services residents book, their slots, bookings, waiting lists (API.md "Services and bookings"). */
export const bookingRoutes = [
  route({
    method: 'get', path: '/api/services', summary: '可预约的服务（公开；居民和社工看本站，未登录时指定 stationId）', tag: 'bookings', access: 'public',
    matrix: { expect: PUBLIC, query: (w) => ({ stationId: w.stationId }) },
    query: z.object({ stationId: z.coerce.number().int().positive().optional() }),
    handler: async ({ ctx, actor, query }) => {
      const items = (await ctx.services.bookings.listServices(actor, query.stationId)).map(presentService);
      return { items, total: items.length };
    },
  }),
  route({
    method: 'get', path: '/api/services/:id', summary: '一项服务（公开）', tag: 'bookings', access: 'public', params: idParams,
    matrix: { expect: PUBLIC, params: (w) => ({ id: w.serviceId }) },
    handler: async ({ ctx, params }) => presentService(await ctx.services.bookings.service(params.id)),
  }),
  route({
    method: 'post', path: '/api/services', summary: '新增服务项目（站长）：名称、说明、时长、地点、可预约人群（标签，可选）', tag: 'bookings',
    matrix: { expect: { anonymous: 401, resident: 403, worker: 403, station_admin: 'ok', county_admin: 403 }, body: () => ({ name: '理发', durationMinutes: 30 }) },
    access: 'worker', body: serviceInputSchema, status: 201,
    handler: async ({ ctx, actor, body }) => presentService(await ctx.services.bookings.createService(actor, body)),
  }),
  route({
    method: 'get', path: '/api/services/:id/slots', summary: '服务的时段及余位（公开；默认从现在起两周，from/to 为日期）', tag: 'bookings',
    matrix: { expect: PUBLIC, params: (w) => ({ id: w.serviceId }) },
    access: 'public', params: idParams, query: rangeQuery,
    handler: async ({ ctx, actor, params, query }) => {
      const items = (await ctx.services.bookings.listSlots(actor, params.id, query)).map(presentSlot);
      return { items, total: items.length };
    },
  }),
  route({
    method: 'post', path: '/api/services/:id/slots', summary: '开放时段（全部成功或全部不写）', tag: 'bookings', access: 'worker',
    matrix: { expect: STATION_CASES, params: (w) => ({ id: w.serviceId }), body: () => ({ slots: [{ startsAt: '2027-01-05T09:00:00+08:00', endsAt: '2027-01-05T09:30:00+08:00', capacity: 2 }] }) },
    params: idParams, body: slotsInputSchema, status: 201,
    handler: async ({ ctx, actor, params, body }) => {
      const slots = await ctx.services.bookings.createSlots(actor, params.id, body.slots);
      const settings = await ctx.services.bookings.settings(slots[0].stationId);
      return { items: slots.map((slot) => presentSlot({ slot, available: slot.capacity, bookable: slot.startsAt.getTime() - settings.closeMinutesBefore * 60_000 > ctx.clock.now().getTime() })) };
    },
  }),
  route({
    method: 'post', path: '/api/services/:id/slots/weekly', summary: '按每周规则批量开放时段（如每周二、四 9:00–11:30，每 30 分钟一个，每个 2 位）；已有的开始时间跳过', tag: 'bookings',
    matrix: { expect: STATION_CASES, params: (w) => ({ id: w.serviceId }), body: () => ({ from: '2027-01-04', to: '2027-01-10', weekdays: [2], startTime: '09:00', endTime: '10:00', capacity: 2 }) },
    access: 'worker', params: idParams, body: weeklyInputSchema, status: 201,
    handler: async ({ ctx, actor, params, body }) => {
      const { items, skipped } = await ctx.services.bookings.createWeeklySlots(actor, params.id, body);
      return { items: items.map((slot) => presentSlot({ slot, available: slot.capacity, bookable: true })), skipped };
    },
  }),
  route({
    method: 'post', path: '/api/slots/:id/cancel', summary: '取消（关闭）时段：已约的居民各收到一条通知，候补名单结束', tag: 'bookings', access: 'worker',
    matrix: { expect: STATION_CASES, params: (w) => ({ id: w.slotId }), body: () => ({}) },
    params: idParams, body: z.strictObject({ reason: z.string().trim().max(200).nullable().optional() }),
    handler: async ({ ctx, actor, params, body }) => {
      const { slot, cancelledBookings } = await ctx.services.bookings.cancelSlot(actor, params.id, body.reason || null);
      return { ...presentSlot({ slot, available: 0, bookable: false }), cancelledBookings };
    },
  }),
  route({
    method: 'post', path: '/api/bookings', summary: '预约：居民为自己，社工代居民（residentId）；支持 Idempotency-Key；409 slot_full / already_booked / booking_limit / booking_closed',
    matrix: { expect: { anonymous: 401, resident: { own: 'ok', other: 403 }, worker: OWN, station_admin: OWN, county_admin: 403 }, body: (w) => ({ slotId: w.slotId, residentId: w.residentId }) },
    tag: 'bookings', access: 'signed_in', body: z.strictObject({ slotId: z.number().int().positive(), residentId: z.number().int().positive().optional() }),
    status: 201, raw: true,
    handler: async ({ ctx, koa, actor, body }) => {
      const key = koa.get('Idempotency-Key');
      if (key && (key.length > 100 || !/^[\x21-\x7e]+$/.test(key))) throw badRequest('invalid_idempotency_key', 'Idempotency-Key 应为 1–100 个可见字符');
      const exec = async () => {
        const view = await ctx.services.bookings.book(actor, { ...body, channel: channelOf(actor) });
        return { status: 201, body: (await present(ctx, actor, [view]))[0] };
      };
      const answer = key ? await ctx.services.idempotency.run(keyScope(actor), key, requestHash(['POST /api/bookings', body]), exec) : await exec();
      koa.status = answer.status;
      koa.body = answer.body;
    },
  }),
  route({
    method: 'get', path: '/api/bookings', summary: '本站的预约（社工），按开始时间；from/to 为日期；带居民 90 天内爽约次数', tag: 'bookings', access: 'worker',
    matrix: { expect: STATION_CASE_LIST },
    query: pageQuery.extend({ residentId: z.coerce.number().int().positive().optional(), from: dateSchema.optional(), to: dateSchema.optional(), status: z.enum(BOOKING_STATUSES).optional() }),
    handler: async ({ ctx, actor, query }) => {
      const { items, total } = await ctx.services.bookings.list(actor, query);
      return { items: await present(ctx, actor, items), total };
    },
  }),
  route({
    method: 'get', path: '/api/bookings/no-shows', summary: '90 天内多次爽约的居民（社工）', tag: 'bookings', access: 'worker',
    matrix: { expect: STATION_CASE_LIST },
    handler: async ({ ctx, actor }) => {
      const items = await ctx.services.bookings.repeatedNoShows(actor);
      return { items, total: items.length };
    },
  }),
  route({
    method: 'get', path: '/api/me/bookings', summary: '我的预约（居民，小程序）', tag: 'bookings', access: 'resident',
    matrix: { expect: RESIDENT_SELF },
    query: z.object({ upcoming: z.enum(['true', 'false']).optional() }),
    handler: async ({ ctx, actor, query }) => {
      const items = await present(ctx, actor, await ctx.services.bookings.mine(actor, { upcomingOnly: query.upcoming === 'true' }));
      return { items, total: items.length };
    },
  }),
  route({
    method: 'get', path: '/api/bookings/:id', summary: '一个预约（本人或本站社工）', tag: 'bookings', access: 'signed_in', params: idParams,
    matrix: { expect: { anonymous: 401, resident: OWN, worker: OWN, station_admin: OWN, county_admin: 404 }, params: (w) => ({ id: w.bookingId }) },
    handler: async ({ ctx, actor, params }) => {
      const b = await ctx.services.bookings.get(actor, params.id);
      return (await present(ctx, actor, await ctx.services.bookings.views([b])))[0];
    },
  }),
  route({
    method: 'post', path: '/api/bookings/:id/cancel', summary: '取消预约：居民在截止时间前，社工不受限；空出的位子先给候补', tag: 'bookings', access: 'signed_in', params: idParams,
    matrix: { expect: { anonymous: 401, resident: OWN, worker: OWN, station_admin: OWN, county_admin: 404 }, params: (w) => ({ id: w.bookingId }) },
    handler: async ({ ctx, actor, params }) => (await present(ctx, actor, [await ctx.services.bookings.cancel(actor, params.id)]))[0],
  }),
  route({
    method: 'post', path: '/api/bookings/:id/attendance', summary: '登记到场（attended，记一条服务记录）或爽约（no_show）', tag: 'bookings', access: 'worker',
    matrix: { expect: { ...STATION_CASES, worker: { own: 409, other: 404 }, station_admin: { own: 409, other: 404 } }, params: (w) => ({ id: w.bookingId }), body: () => ({ status: 'attended' }) },
    params: idParams, body: z.strictObject({ status: z.enum(['attended', 'no_show']) }),
    handler: async ({ ctx, actor, params, body }) => (await present(ctx, actor, [await ctx.services.bookings.attendance(actor, params.id, body.status)]))[0],
  }),
  route({
    method: 'post', path: '/api/slots/:id/waitlist', summary: '排候补（约满的时段）：居民本人，或社工带 residentId；有人取消时按顺序通知并保留名额', tag: 'bookings',
    matrix: { expect: { anonymous: 401, resident: { own: 'ok', other: 403 }, worker: OWN, station_admin: OWN, county_admin: 403 }, params: (w) => ({ id: w.fullSlotId }), body: (w) => ({ residentId: w.residentId }) },
    access: 'signed_in', params: idParams, body: residentBody, status: 201,
    handler: async ({ ctx, actor, params, body }) => {
      const { entry, position } = await ctx.services.bookings.joinWaitlist(actor, params.id, body.residentId);
      return presentWaitlistEntry(entry, position);
    },
  }),
  route({
    method: 'get', path: '/api/slots/:id/waitlist', summary: '时段的候补名单（社工看全部，居民看自己的）', tag: 'bookings', access: 'signed_in', params: idParams,
    matrix: { expect: { anonymous: 401, resident: OWN, worker: OWN, station_admin: OWN, county_admin: 404 }, params: (w) => ({ id: w.fullSlotId }) },
    handler: async ({ ctx, actor, params }) => {
      const items = (await ctx.services.bookings.waitlist(actor, params.id)).map((e, i) => presentWaitlistEntry(e, i + 1));
      return { items, total: items.length };
    },
  }),
  route({
    method: 'post', path: '/api/waitlist/:id/accept', summary: '接受候补名额（保留时间内；微信里回复“1”也一样）', tag: 'bookings', access: 'signed_in', params: idParams, status: 201,
    matrix: { expect: { anonymous: 401, resident: OWN, worker: OWN, station_admin: OWN, county_admin: 404 }, params: (w) => ({ id: w.offerId }) },
    handler: async ({ ctx, actor, params }) => (await present(ctx, actor, [await ctx.services.bookings.acceptOffer(actor, params.id, channelOf(actor))]))[0],
  }),
  route({
    method: 'get', path: '/api/stations/:id/booking-settings', summary: '站点的预约规则', tag: 'bookings', access: 'worker', params: idParams,
    matrix: { expect: { anonymous: 401, resident: 403, worker: OWN, station_admin: OWN, county_admin: OWN }, params: (w) => ({ id: w.stationId }) },
    handler: async ({ ctx, actor, params }) => presentSettings(await ctx.services.bookings.readSettings(actor, params.id)),
  }),
  route({
    method: 'put', path: '/api/stations/:id/booking-settings', summary: '设置站点的预约规则：每人同时最多几个预约、开始前多久截止预约、居民取消截止、候补保留时长（站长）',
    matrix: { expect: { anonymous: 401, resident: 403, worker: { own: 403, other: 404 }, station_admin: OWN, county_admin: OWN }, params: (w) => ({ id: w.stationId }), body: () => ({ maxActivePerResident: 3, closeMinutesBefore: 60, cancelCutoffMinutes: 120, offerHoldMinutes: 30 }) },
    tag: 'bookings', access: 'worker', params: idParams, body: settingsInputSchema,
    handler: async ({ ctx, actor, params, body }) => presentSettings(await ctx.services.bookings.saveSettings(actor, params.id, body)),
  }),
];
