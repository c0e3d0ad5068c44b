import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The layer table of ARCHITECTURE.md bites: `npm run lint` runs dependency-cruiser with
 * `.dependency-cruiser.cjs`, and a probe file importing across a forbidden boundary fails it.
 */
describe('layer boundaries (dependency-cruiser)', () => {
  const root = path.join(__dirname, '..');
  const bin = path.join(root, 'node_modules', '.bin', 'depcruise');

  /** Writes the probe files, cruises them with the project's rules, removes them. */
  function cruise(files: Record<string, string>): { status: number | null; out: string } {
    for (const [file, source] of Object.entries(files)) writeFileSync(path.join(root, file), source);
    try {
      const res = spawnSync(bin, ['--config', '.dependency-cruiser.cjs', '--output-type', 'err', ...Object.keys(files)], { cwd: root, encoding: 'utf8', timeout: 120_000 });
      return { status: res.status, out: `${res.stdout}${res.stderr}` };
    } finally {
      for (const file of Object.keys(files)) rmSync(path.join(root, file), { force: true });
    }
  }

  it('fails a service that imports the api, and one that reaches the context for its peers', () => {
    const api = cruise({ 'services/zz-probe-api.ts': "import type { AppContext } from './context';\nimport { createApp } from '../api/app';\nexport const probe = (c: AppContext) => createApp(c);\n" });
    expect(api.status).not.toBe(0);
    expect(api.out).toContain('services-import-entities-only');
    expect(api.out).toContain('no-service-locator');
  });

  it('fails an entity that imports a service, a job file importing the bot, and an import cycle', () => {
    expect(cruise({ 'entities/zz-probe.ts': "import type { Clock } from '../services/clock';\nexport type Probe = Clock;\n" }).out).toContain('entities-import-nothing-of-ours');
    expect(cruise({ 'jobs/zz-probe.ts': "import { Router } from '../bot/router';\nexport const probe = Router;\n" }).out).toContain('jobs-import-services');
    // A cycle of type-only imports is a cycle too.
    const cycle = cruise({
      'services/zz-probe-a.ts': "import type { B } from './zz-probe-b';\nexport type A = { b?: B };\n",
      'services/zz-probe-b.ts': "import type { A } from './zz-probe-a';\nexport type B = { a?: A };\n",
    });
    expect(cycle.status).not.toBe(0);
    expect(cycle.out).toContain('no-circular');
  });

  it('passes the code as it is', () => {
    const res = spawnSync(bin, ['--config', '.dependency-cruiser.cjs', '--output-type', 'err', 'entities', 'migrations', 'services', 'api', 'bot', 'jobs', 'cli', 'main.ts', 'ormconfig.ts'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    expect(`${res.stdout}${res.stderr}`).not.toMatch(/error/);
    expect(res.status).toBe(0);
  });
});
