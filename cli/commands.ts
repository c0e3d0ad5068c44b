import type { ParseArgsConfig } from 'node:util';
import { readFileSync } from 'node:fs';
import { Presets, SingleBar } from 'cli-progress';
import { Station } from '../entities';
import type { AppContext } from '../services/context';
import { seedDemoData } from '../services/demo';
import { UNASSIGNED_COUNTY } from '../services/stations';
import { validationFailed } from '../services/errors';

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
      const username = str(v.username)?.toLowerCase();
      const password = str(v.password);
      if (!username || !/^[\w.-]{3,64}$/.test(username)) throw validationFailed(null, '--username 需为 3–64 位字母、数字、._-');
      if (!password || password.length < 8) throw validationFailed(null, '--password 至少 8 位');
      const first = await ctx.db.manager.findOne(Station, { where: {}, order: { id: 'ASC' } });
      // Without --county on an empty deployment, the admin takes the county of the first station they set up.
      const county = str(v.county) ?? first?.county ?? UNASSIGNED_COUNTY;
      const w = await ctx.services.workers.insertAccount({ stationId: null, county, username, name: str(v.name) ?? '县管理员', role: 'county_admin', password });
      return `已创建县管理员 ${w.username}（${county || '所属县待定：以其设立的第一个站点为准'}），id ${w.id}`;
    },
  },
  {
    name: 'policies:load-defaults',
    help: '载入随附的政策知识库（已有同名政策则跳过，可重复运行）',
    options: {},
    async run(ctx) {
      const { added, skipped } = await ctx.services.policyImport.loadDefaults();
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
  {
    name: 'residents:import',
    help: '从 CSV 或 Excel 导入居民：--station 站点编号 --file 文件路径（显示进度条，列出每个错误行）',
    options: { station: { type: 'string' }, file: { type: 'string' } },
    async run(ctx, v) {
      const stationId = Number(str(v.station));
      const file = str(v.file);
      if (!Number.isInteger(stationId) || stationId <= 0) throw validationFailed(null, '--station 需为站点编号');
      if (!file) throw validationFailed(null, '--file 需为 CSV 或 .xlsx 文件路径');
      if (!(await ctx.db.manager.count(Station, { where: { id: stationId } }))) throw validationFailed(null, `站点 ${stationId} 不存在`);
      let buffer: Buffer;
      try {
        buffer = readFileSync(file);
      } catch (err) {
        throw validationFailed(null, `无法读取文件 ${file}：${(err as Error).message}`);
      }
      const bar = new SingleBar({ format: '导入 [{bar}] {percentage}% | {value}/{total} 行', stream: process.stderr, noTTYOutput: false }, Presets.shades_classic);
      let started = false;
      try {
        const result = await ctx.services.imports.importByOperator(stationId, buffer, {
          format: /\.xlsx$/i.test(file) ? 'xlsx' : /\.(csv|txt)$/i.test(file) ? 'csv' : undefined,
          onProgress: (done, total) => {
            if (!started) {
              bar.start(total, done);
              started = true;
            } else bar.update(done);
          },
        });
        const lines = [`新增 ${result.created} 人，更新 ${result.updated} 人，错误 ${result.errors.length} 行`];
        for (const e of result.errors) lines.push(`  第${e.row}行：${e.message}`);
        return lines.join('\n');
      } finally {
        if (started) bar.stop();
      }
    },
  },
];
