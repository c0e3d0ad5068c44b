import { Activity, ActivitySignup, Community, Resident } from '../entities';
import type { Audience, ActivityKind } from '../entities';
import type { DemoSeeder } from './demo-seeder';
import { addDays, atLocal, localDate } from './time';

interface DemoActivity {
  title: string;
  description: string;
  inDays: number;
  from: string;
  to: string;
  location: string;
  capacity: number | null;
  audience: Audience | 'first-community';
  kind: ActivityKind;
}

/** The kinds of activity the article's stations run (义诊, 关爱慰问, 小组, 政策宣讲, 读书角). */
const ACTIVITIES: DemoActivity[] = [
  { title: '义诊：量血压测血糖', description: '县医院医生进村，免费量血压、测血糖，请带上医保卡。', inDays: 2, from: '09:00', to: '11:30',
    location: '{community}村委会', capacity: 40, audience: 'first-community', kind: 'community' },
  { title: '防诈骗政策宣讲', description: '派出所民警讲讲最近的电话诈骗，教大家怎么识别。', inDays: 4, from: '14:30', to: '16:00',
    location: '社工站活动室', capacity: null, audience: { all: true }, kind: 'community' },
  { title: '独居老人关爱慰问', description: '社工和志愿者上门前先在活动室聚一聚，包饺子、聊家常。', inDays: 5, from: '10:00', to: '12:00',
    location: '社工站活动室', capacity: 15, audience: { tags: ['living_alone', 'empty_nest_elder'] }, kind: 'group' },
  { title: '留守儿童读书角', description: '周末读书、做手工，家长可在微信上看照片。', inDays: 6, from: '15:00', to: '17:00',
    location: '社工站读书角', capacity: 12, audience: { tags: ['left_behind_child', 'child_in_difficulty'] }, kind: 'group' },
];

/** Upcoming demo activities for each demo station, and the demo elder of the first station signed up for the first. */
export const seedActivities: DemoSeeder = async (ctx, stations) => {
  const m = ctx.db.manager;
  const today = localDate(ctx.clock.now());
  let made = 0;
  for (const s of stations) {
    const first = await m.findOne(Community, { where: { stationId: s.id }, order: { id: 'ASC' } });
    if (!first) continue;
    const rows = await m.save(Activity, ACTIVITIES.map((a) => {
      const day = addDays(today, a.inDays);
      return m.create(Activity, {
        stationId: s.id, title: a.title, description: a.description, startsAt: atLocal(day, a.from), endsAt: atLocal(day, a.to),
        location: a.location.replace('{community}', first.name), capacity: a.capacity, signedUp: 0, signupDeadline: null,
        audience: a.audience === 'first-community' ? { communityIds: [first.id] } : a.audience, kind: a.kind, status: 'scheduled',
        serviceRecordId: null, createdBy: null,
      });
    }));
    made += rows.length;
    const elder = await m.findOne(Resident, { where: { stationId: s.id, communityId: first.id, wechatContactId: 'demo-wangxiuying' } });
    if (elder) {
      await m.insert(ActivitySignup, { activityId: rows[0].id, stationId: s.id, residentId: elder.id, status: 'signed_up', source: 'worker', signedUpAt: ctx.clock.now(), cancelledAt: null });
      await m.update(Activity, { id: rows[0].id }, { signedUp: 1 });
    }
  }
  return made ? [`近期活动：每站 ${ACTIVITIES.length} 个（义诊、防诈骗宣讲、关爱慰问、读书角）；居民发“活动”查看、“报名 1”报名`] : [];
};
