import { z } from 'zod';
import { FAMILY_REMINDER_KINDS } from '../../entities';
import { dateSchema } from '../../services/schemas';
import { guardianInputSchema, scheduleInputSchema } from '../../services/family-reminders';
import { presentCommunityOfficer, presentFamilyReminder, presentSchedule } from '../presenters/families';
import { idParams, pageQuery, route } from '../route';
import { OWN, STATION_CASE_LIST, STATION_CASES } from '../matrix';

/** Left-behind families: weekly call-home reminders, guardian reminders, their history, children's officers. */
export const familyRoutes = [
  route({
    method: 'put', path: '/api/residents/:id/family-reminders',
    matrix: { expect: STATION_CASES, params: (w) => ({ id: w.residentId }), body: (w) => [{ familyContactId: w.familyId, weekday: 0, time: '19:00' }] },
    summary: '设置留守儿童家庭的每周提醒：[{ familyContactId, weekday（0 = 周日）, time（HH:mm，08:00–21:00）, message? }]，整体替换',
    tag: 'families', access: 'worker', params: idParams, body: scheduleInputSchema,
    handler: async ({ ctx, actor, params, body }) => {
      const items = await ctx.services.familyReminders.saveSchedules(actor, params.id, body);
      return { items: items.map(presentSchedule), total: items.length };
    },
  }),
  route({
    method: 'get', path: '/api/residents/:id/family-reminders', summary: '居民家庭的每周提醒安排', tag: 'families', access: 'worker', params: idParams,
    matrix: { expect: STATION_CASES, params: (w) => ({ id: w.residentId }) },
    handler: async ({ ctx, actor, params }) => {
      const items = await ctx.services.familyReminders.listSchedules(actor, params.id);
      return { items: items.map(presentSchedule), total: items.length };
    },
  }),
  route({
    method: 'post', path: '/api/residents/:id/guardian-reminders',
    matrix: { expect: STATION_CASES, params: (w) => ({ id: w.residentId }), body: (w) => ({ familyContactId: w.familyId, type: 'school_meeting', eventAt: '2099-06-01T14:00:00+08:00' }) },
    summary: '给监护人（如带孩子的祖父母）安排一次提醒：家长会、体检、疫苗接种；按模板生成，默认活动前一天 19:00 发送',
    tag: 'families', access: 'worker', params: idParams, body: guardianInputSchema, status: 201,
    handler: async ({ ctx, actor, params, body }) => presentFamilyReminder(await ctx.services.familyReminders.createGuardianReminder(actor, params.id, body)),
  }),
  route({
    method: 'get', path: '/api/family-reminders', summary: '已发出的家庭提醒：发给谁、何时发送、是否回复（acknowledgedAt）', tag: 'families', access: 'worker',
    matrix: { expect: STATION_CASE_LIST },
    query: pageQuery.extend({
      residentId: z.coerce.number().int().positive().optional(),
      from: dateSchema.optional(),
      to: dateSchema.optional(),
      kind: z.enum(FAMILY_REMINDER_KINDS).optional(),
    }),
    handler: async ({ ctx, actor, query }) => {
      const { items, total } = await ctx.services.familyReminders.history(actor, query);
      return { items: items.map(presentFamilyReminder), total };
    },
  }),
  route({
    method: 'put', path: '/api/communities/:id/children-officer', summary: '指定村（社区）的儿童主任（本站社工账号，null 取消）', tag: 'families',
    matrix: { expect: { anonymous: 401, resident: 403, worker: 403, station_admin: OWN, county_admin: 403 }, params: (w) => ({ id: w.communityId }), body: (w) => ({ workerId: w.workerId }) },
    access: ['station_admin'], params: idParams, body: z.strictObject({ workerId: z.number().int().positive().nullable() }),
    handler: async ({ ctx, actor, params, body }) => presentCommunityOfficer(await ctx.services.familyReminders.setChildrenOfficer(actor, params.id, body.workerId)),
  }),
];
