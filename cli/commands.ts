import type { ParseArgsConfig } from 'node:util';
import { Station, Worker } from '../entities';
import type { AppContext } from '../services/context';
import { DEMO_COUNTY, seedDemoData } from '../services/demo';
import { conflict, validationFailed } from '../services/errors';

export interface CliCommand {
  name: string;
  help: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(ctx: AppContext, values: Record<string, string | boolean | undefined>): Promise<string | void>;
}

const str = (v: string | boolean | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

/** Every CLI command; features add theirs. */
export const COMMANDS: CliCommand[] = [
  {
    name: 'admin:create',
    help: '创建县管理员：--username U --password P [--name N] [--county 县名]',
    options: { username: { type: 'string' }, password: { type: 'string' }, name: { type: 'string' }, county: { type: 'string' } },
    async run(ctx, v) {
      const username = str(v.username);
      const password = str(v.password);
      if (!username || !/^[\w.-]{3,64}$/.test(username)) throw validationFailed(null, '--username 需为 3–64 位字母、数字、._-');
      if (!password || password.length < 8) throw validationFailed(null, '--password 至少 8 位');
      const first = await ctx.db.manager.findOne(Station, { where: {}, order: { id: 'ASC' } });
      const county = str(v.county) ?? first?.county ?? DEMO_COUNTY;
      if (await ctx.db.manager.count(Worker, { where: { username } })) throw conflict('username_taken', `用户名 ${username} 已存在`);
      const w = await ctx.db.manager.save(Worker, ctx.db.manager.create(Worker, {
        stationId: null, county, username, name: str(v.name) ?? '县管理员', role: 'county_admin',
        passwordHash: await ctx.services.auth.hashPassword(password), active: true, tokenVersion: 0,
      }));
      return `已创建县管理员 ${w.username}（${county}），id ${w.id}`;
    },
  },
  {
    name: 'policies:load-defaults',
    help: '载入随附的政策知识库（已有同名政策则跳过，可重复运行）',
    options: {},
    async run(ctx) {
      const { added, skipped } = await ctx.services.policies.loadDefaults();
      return `已载入 ${added} 条政策，跳过已存在的 ${skipped} 条`;
    },
  },
  {
    name: 'demo:seed',
    help: '向空数据库写入演示站点与数据',
    options: {},
    async run(ctx) {
      return (await seedDemoData(ctx)).join('\n');
    },
  },
];
