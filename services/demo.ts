import { Community, Station } from '../entities';
import type { DemoContext, DemoSeeder } from './demo-seeder';
import { seedBookings } from './booking-demo';
import { seedPeople } from './demo-people';
import { seedCheckinPlans } from './checkin-demo';
import { seedActivities } from './activity-demo';
import { seedFamilies } from './family-demo';
import { seedVisits } from './visit-demo';
import { seedStats } from './stats-demo';

/** The demo county and stations come from the article (`shared/seed`). */
const DEMO_COUNTY = '临泽县';
const DEMO_STATIONS = [
  { name: '沙河镇社工站', township: '沙河镇', phone: '0936-5521001', address: '临泽县沙河镇政府院内', openHours: '周一至周五 8:30-17:30',
    communities: ['沙河村', '化音村', '兰家堡村', '新丰村'] },
  { name: '鸭暖镇社工站', township: '鸭暖镇', phone: '0936-5533002', address: '临泽县鸭暖镇便民服务中心二楼', openHours: '周一至周五 8:30-17:30',
    communities: ['小屯村', '五里墩村', '昭武村'] },
];
const DEMO_ADMIN = { username: 'county', password: 'county-demo-2026', name: '县民政局管理员' };

const seedOrganisation: DemoSeeder = async (ctx, stations) => {
  const m = ctx.db.manager;
  for (const s of DEMO_STATIONS) {
    const station = await m.save(Station, m.create(Station, {
      name: s.name, township: s.township, county: DEMO_COUNTY, address: s.address, phone: s.phone, openHours: s.openHours,
    }));
    stations.push(station);
    for (const c of s.communities) await m.insert(Community, { stationId: station.id, name: c });
  }
  await ctx.services.workers.insertAccount({
    stationId: null, county: DEMO_COUNTY, username: DEMO_ADMIN.username, name: DEMO_ADMIN.name, role: 'county_admin', password: DEMO_ADMIN.password,
  });
  return [`演示数据：${DEMO_COUNTY} ${stations.map((s) => s.name).join('、')}`, `县管理员登录：${DEMO_ADMIN.username} / ${DEMO_ADMIN.password}`];
};

const seedPolicies: DemoSeeder = async (ctx) => {
  const { added } = await ctx.services.policyImport.loadDefaults();
  return [`政策知识库：${added} 条（示例标准，以当地公布为准）`];
};

/** Every demo seeder, in order; each feature appends its own. */
const DEMO_SEEDERS: DemoSeeder[] = [seedOrganisation, seedPolicies, seedPeople, seedCheckinPlans, seedFamilies, seedVisits, seedBookings, seedActivities, seedStats];

/**
 * Seeds the demo station into an empty database (no stations yet); a database with data is left
 * alone. Returns the lines to print.
 */
export async function seedDemoData(ctx: DemoContext): Promise<string[]> {
  if ((await ctx.db.manager.count(Station)) > 0) return ['演示数据：已存在，未重复写入'];
  const stations: Station[] = [];
  const lines: string[] = [];
  for (const seed of DEMO_SEEDERS) lines.push(...(await seed(ctx, stations)));
  return lines;
}
