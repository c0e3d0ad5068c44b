import { Community, FamilyContact, Resident, ResidentTag, RiskTier, ResidentStatus } from '../entities';
import type { DemoSeeder } from './demo-seeder';
import { idCheckChar } from './idnumber';
import { DataCrypto } from './crypto';

/** Login slugs of the demo townships; other stations get `station<id>`. */
const SLUGS: Record<string, string> = { 沙河镇: 'shahe', 鸭暖镇: 'yanuan' };
const STAFF: Record<string, { admin: string; worker: string }> = {
  shahe: { admin: '刘建平', worker: '赵敏' },
  yanuan: { admin: '孙立新', worker: '何静' },
};

interface DemoResident {
  name: string;
  gender: 'male' | 'female';
  birth: string;
  community: number;
  tags: ResidentTag[];
  tier?: RiskTier;
  status?: ResidentStatus;
  phone?: string;
  contact?: string;
  family?: { name: string; relation: string; phone: string; contact?: string };
}

/** Plausible people of the article's townships, covering every tag. Community is an index into the station's list. */
const PEOPLE: Record<string, DemoResident[]> = {
  shahe: [
    { name: '王秀英', gender: 'female', birth: '1944-03-12', community: 0, tags: ['living_alone', 'empty_nest_elder'], tier: 'high', phone: '13809361001', contact: 'demo-wangxiuying',
      family: { name: '王小明', relation: '儿子', phone: '13909362001', contact: 'demo-wangxiaoming' } },
    { name: '李德福', gender: 'male', birth: '1940-08-21', community: 0, tags: ['empty_nest_elder', 'low_income'], tier: 'priority', phone: '13809361002', contact: 'demo-lidefu',
      family: { name: '李春梅', relation: '女儿', phone: '13909362002' } },
    { name: '张桂兰', gender: 'female', birth: '1948-01-05', community: 1, tags: ['living_alone', 'disabled'], tier: 'high', phone: '13809361003',
      family: { name: '张建国', relation: '儿子', phone: '13909362003' } },
    { name: '刘振华', gender: 'male', birth: '1938-11-30', community: 1, tags: ['extreme_poverty', 'living_alone'], tier: 'high', phone: '0936-5521101' },
    { name: '陈玉珍', gender: 'female', birth: '1951-06-18', community: 2, tags: ['left_behind_elder'], phone: '13809361005',
      family: { name: '陈志强', relation: '儿子', phone: '13909362005' } },
    { name: '赵永福', gender: 'male', birth: '1946-02-27', community: 2, tags: ['empty_nest_elder'], phone: '13809361006' },
    { name: '孙凤英', gender: 'female', birth: '1942-09-09', community: 3, tags: ['living_alone', 'low_income'], tier: 'priority', phone: '13809361007', contact: 'demo-sunfengying' },
    { name: '马德才', gender: 'male', birth: '1950-12-01', community: 3, tags: ['disabled', 'low_income'], tier: 'priority', phone: '13809361008' },
    { name: '杨春花', gender: 'female', birth: '1939-12-24', community: 2, tags: ['extreme_poverty', 'empty_nest_elder'], tier: 'high' },
    { name: '何秀兰', gender: 'female', birth: '1955-04-04', community: 0, tags: ['empty_nest_elder'], status: 'in_hospital', phone: '13809361010' },
    { name: '黄文明', gender: 'male', birth: '1953-08-08', community: 3, tags: ['low_income'], status: 'moved' },
    { name: '王小军', gender: 'male', birth: '2015-04-10', community: 0, tags: ['left_behind_child'], tier: 'priority',
      family: { name: '王建军', relation: '父亲', phone: '13909362012', contact: 'demo-wangjianjun' } },
    { name: '李思雨', gender: 'female', birth: '2013-07-22', community: 1, tags: ['left_behind_child', 'child_in_difficulty'], tier: 'high',
      family: { name: '李强', relation: '父亲', phone: '13909362013' } },
    { name: '张浩然', gender: 'male', birth: '2016-03-03', community: 2, tags: ['orphan', 'child_in_difficulty'], tier: 'high',
      family: { name: '张玉兰', relation: '祖母（监护人）', phone: '13809361014' } },
    { name: '刘欣怡', gender: 'female', birth: '2012-10-15', community: 3, tags: ['left_behind_child'],
      family: { name: '刘海', relation: '父亲', phone: '13909362015' } },
    { name: '周丽娟', gender: 'female', birth: '1988-05-20', community: 0, tags: ['left_behind_woman'], phone: '13809361016' },
    { name: '吴海燕', gender: 'female', birth: '1985-09-14', community: 3, tags: ['left_behind_woman', 'low_income'], phone: '13809361017' },
    { name: '郑国强', gender: 'male', birth: '1975-01-28', community: 1, tags: ['disabled'], phone: '13809361018' },
  ],
  yanuan: [
    { name: '陈凤兰', gender: 'female', birth: '1943-05-16', community: 0, tags: ['living_alone', 'empty_nest_elder'], tier: 'high', phone: '13809362101', contact: 'demo-chenfenglan',
      family: { name: '陈伟', relation: '儿子', phone: '13909363101' } },
    { name: '高永贵', gender: 'male', birth: '1937-10-02', community: 0, tags: ['extreme_poverty'], tier: 'high', phone: '13809362102' },
    { name: '林桂芳', gender: 'female', birth: '1949-03-25', community: 1, tags: ['empty_nest_elder', 'disabled'], tier: 'priority', phone: '13809362103',
      family: { name: '林涛', relation: '儿子', phone: '13909363103' } },
    { name: '罗福生', gender: 'male', birth: '1945-07-07', community: 1, tags: ['low_income', 'left_behind_elder'], tier: 'priority', phone: '13809362104' },
    { name: '宋美兰', gender: 'female', birth: '1952-11-11', community: 2, tags: ['living_alone'], tier: 'priority', phone: '13809362105' },
    { name: '邓玉梅', gender: 'female', birth: '1941-01-20', community: 2, tags: ['empty_nest_elder'], phone: '13809362106' },
    { name: '曹国庆', gender: 'male', birth: '1949-10-01', community: 0, tags: ['left_behind_elder'], phone: '13809362107' },
    { name: '谢明亮', gender: 'male', birth: '2014-02-14', community: 0, tags: ['left_behind_child'], tier: 'priority',
      family: { name: '谢军', relation: '父亲', phone: '13909363108' } },
    { name: '韩雨萱', gender: 'female', birth: '2017-06-30', community: 2, tags: ['child_in_difficulty', 'orphan'], tier: 'high' },
    { name: '彭小燕', gender: 'female', birth: '2011-09-05', community: 1, tags: ['left_behind_child'] },
    { name: '唐晓红', gender: 'female', birth: '1990-08-19', community: 1, tags: ['left_behind_woman'], phone: '13809362111' },
    { name: '冯建华', gender: 'male', birth: '1968-04-12', community: 2, tags: ['disabled', 'low_income'], phone: '13809362112' },
  ],
};

/** A valid, obviously fictitious ID number of 临泽县 (620723) for a demo person. */
function demoIdNumber(birth: string, gender: 'male' | 'female', n: number): string {
  const seq = `${String(n % 100).padStart(2, '0')}${gender === 'male' ? 1 : 2}`;
  const first17 = `620723${birth.replace(/-/g, '')}${seq}`;
  return first17 + idCheckChar(first17);
}

/**
 * Demo people: a station admin and a worker per station, residents across every tag with family
 * contacts, and a few WeChat contacts bound to stable mock ids so the chat simulator can speak as them.
 */
export const seedPeople: DemoSeeder = async (ctx, stations) => {
  const m = ctx.db.manager;
  const crypto = new DataCrypto(ctx.config.dataKey);
  const lines: string[] = [];
  const bound: string[] = [];
  for (const station of stations) {
    const slug = SLUGS[station.township] ?? `station${station.id}`;
    const password = `${slug}-demo-2026`;
    const staff = STAFF[slug] ?? { admin: '站长', worker: '社工' };
    const workerContact = `demo-worker-${slug}`;
    const account = { stationId: station.id, county: station.county, password };
    await ctx.services.workers.insertAccount({ ...account, username: `${slug}-admin`, name: staff.admin, role: 'station_admin' });
    await ctx.services.workers.insertAccount({ ...account, username: `${slug}-worker`, name: staff.worker, role: 'worker', wechatContactId: workerContact });
    lines.push(`${station.name}：站长 ${slug}-admin / ${password}，社工 ${slug}-worker / ${password}（微信 ${workerContact}）`);
    bound.push(`${workerContact}（社工${staff.worker}）`);
    const communities = await m.find(Community, { where: { stationId: station.id }, order: { id: 'ASC' } });
    if (!communities.length) continue;
    const people = PEOPLE[slug] ?? [];
    let n = 0;
    const residents = await m.save(Resident, people.map((p) => {
      n++;
      // Elders carry an ID number, as on a station's roster; children and the rest mostly not.
      const id = p.birth < '1960-01-01' ? demoIdNumber(p.birth, p.gender, n) : null;
      return m.create(Resident, {
        stationId: station.id, communityId: communities[p.community % communities.length].id, name: p.name, phone: p.phone ?? null,
        birthDate: p.birth, gender: p.gender, tags: p.tags, address: `${communities[p.community % communities.length].name}${n}组${10 + n}号`,
        idNumberEnc: id ? crypto.encrypt(id) : null, idNumberHash: id ? crypto.hash(`id:${id}`) : null,
        status: p.status ?? 'active', riskTier: p.tier ?? 'general', wechatContactId: p.contact ?? null, openid: null,
        optedOut: false, erasedAt: null,
      });
    }));
    const families = people.flatMap((p, i) => (p.family ? [m.create(FamilyContact, {
      residentId: residents[i].id, stationId: station.id, name: p.family.name, relation: p.family.relation,
      phone: p.family.phone, wechatContactId: p.family.contact ?? null,
    })] : []));
    if (families.length) await m.save(FamilyContact, families);
    for (const p of people) {
      if (p.contact) bound.push(`${p.contact}（${p.name}，${p.tags.includes('living_alone') ? '独居老人' : '居民'}）`);
      if (p.family?.contact) bound.push(`${p.family.contact}（${p.family.name}，${p.name}的${p.family.relation}）`);
    }
    lines.push(`${station.name}：居民 ${residents.length} 人，家属 ${families.length} 人`);
  }
  if (bound.length) lines.push(`模拟微信联系人（聊天模拟器中可用）：${bound.join('、')}`);
  return lines;
};
