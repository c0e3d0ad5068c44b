import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

/** Runs `npm run cli` / `npm run job` as a person would, on a fresh data folder of its own. */
function run(script: 'cli/index.ts' | 'jobs/cli.ts', args: string[], dataDir: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, NODE_ENV: 'development', LOG_LEVEL: 'silent' };
  delete env.DATABASE_URL;
  const res = spawnSync(TSX, [path.join(ROOT, script), ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 });
  return { status: res.status, out: res.stdout, err: res.stderr };
}

describe('npm run cli and npm run job on the command line', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tool-cli-'));

  it('an unknown command or job says so before the usage, and touches no database', () => {
    const cli = run('cli/index.ts', ['policies:lod-defaults'], dataDir);
    expect(cli.status).toBe(2);
    expect(cli.err.indexOf('unknown command: policies:lod-defaults')).toBeGreaterThanOrEqual(0);
    expect(cli.err.indexOf('unknown command')).toBeLessThan(cli.err.indexOf('usage'));
    const job = run('jobs/cli.ts', ['checkin'], dataDir);
    expect(job.status).toBe(2);
    expect(job.err.indexOf('unknown job: checkin')).toBeLessThan(job.err.indexOf('usage'));
    expect(existsSync(path.join(dataDir, 'station.db'))).toBe(false);
  });

  it('says which database it uses, and never makes an empty one silently beside the product\'s', () => {
    const productDb = path.join(ROOT, 'data', 'station.db');
    if (existsSync(productDb)) {
      // This checkout has run the product: a stray data folder is refused, naming the real one.
      const refused = run('jobs/cli.ts', ['retention'], dataDir);
      expect(refused.status).toBe(2);
      expect(refused.err).toContain(`the product's data is in: ${productDb}`);
      expect(existsSync(path.join(dataDir, 'station.db'))).toBe(false);
      return;
    }
    const made = run('cli/index.ts', ['policies:load-defaults'], dataDir);
    expect(made.status).toBe(0);
    expect(made.err).toContain(`数据库 / database: SQLite ${path.join(dataDir, 'station.db')}（新建`);
    const job = run('jobs/cli.ts', ['retention'], dataDir);
    expect(job.status).toBe(0);
    expect(job.err).toContain(`数据库 / database: SQLite ${path.join(dataDir, 'station.db')}`);
    expect(job.err).not.toContain('新建');
    expect(JSON.parse(job.out).job).toBe('retention');
  });
});
