import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from '../entities';
import type { Infra } from './infra';
import type { WorkerService } from './workers';
import { UNASSIGNED_COUNTY } from './stations';

/**
 * Makes sure somebody can sign in. With no county admin yet, the embedded default makes one with a
 * generated password (printed once and kept in DATA_DIR/first-admin.txt); production only says how.
 */
export async function ensureFirstAdmin(ctx: Infra & { services: { workers: WorkerService } }): Promise<string[]> {
  if (await ctx.db.manager.count(Worker, { where: { role: 'county_admin' } })) return [];
  const how = '创建县管理员：npm run cli -- admin:create --username 用户名 --password 密码 [--county 县名]';
  if (!ctx.config.devEndpoints) return [`尚无县管理员。${how}`];
  const password = randomBytes(9).toString('base64url');
  await ctx.services.workers.insertAccount({ stationId: null, county: UNASSIGNED_COUNTY, username: 'admin', name: '县管理员', role: 'county_admin', password });
  const file = path.join(ctx.config.dataDir, 'first-admin.txt');
  writeFileSync(file, `username: admin\npassword: ${password}\n`, { mode: 0o600 });
  return [`首个县管理员：admin / ${password}（已保存到 ${file}；其所属县以其设立的第一个站点为准）`, `另建管理员：${how}`];
}
