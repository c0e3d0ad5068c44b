/**
 * API throughput against a bare Koa handler on the same machine, with autocannon (50 connections,
 * loopback only): the public policy search (the 315 questions of bench/data/policy-qa.json in turn)
 * and a worker's `GET /api/residents?limit=50` (200 residents), and their ratios to the bare handler.
 * The servers run in a child process so that the load generator does not share their event loop; the
 * three are measured in alternation over several rounds and each figure is its median, so that load
 * from other processes on the machine falls on all three alike. SQLite in a temporary file, or the
 * MariaDB of DATABASE_URL when it names a `bench`/`test` database (its tables are dropped).
 *
 * The policy search keeps the engine's answers per question until a policy changes (services/policies.ts);
 * `--no-search-cache` measures it with every question searched anew.
 *
 *   npm run bench -- api [--duration 3] [--rounds 3] [--connections 50] [--only bare|policySearch|residentsList] [--no-search-cache]
 */
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';

function arg(args: string[], name: string, def: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
}

/** Targets from issue 10: shares of the bare handler's requests per second. */
const TARGETS = { policySearch: 0.35, residentsList: 0.25 };

interface Target {
  name: 'bare' | 'policySearch' | 'residentsList';
  port: number;
  paths: string[];
  headers: Record<string, string>;
}

interface Figures { reqPerSec: number; p50Ms: number; p99Ms: number }

async function load(t: Target, connections: number, duration: number): Promise<Figures> {
  let i = 0;
  const r = await autocannon({
    url: `http://127.0.0.1:${t.port}`, connections, duration, headers: t.headers,
    requests: [{ setupRequest: (req) => ({ ...req, path: t.paths[i++ % t.paths.length] }) }],
  });
  const bad = r.non2xx + r.errors + r.timeouts;
  if (bad) throw new Error(`${t.name}: ${bad} failed requests`);
  return { reqPerSec: Math.round(r.requests.average), p50Ms: r.latency.p50, p99Ms: r.latency.p99 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const duration = arg(args, 'duration', 3);
  const rounds = arg(args, 'rounds', 3);
  const connections = arg(args, 'connections', 50);
  const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
  const searchCache = !args.includes('--no-search-cache');
  const env = process.env.DATABASE_URL;
  const databaseUrl = env && /\/(bench|test)\w*$/.test(env) ? env : `sqlite:${path.join(mkdtempSync(path.join(tmpdir(), 'bench-api-db-')), 'bench.db')}`;
  const execArgv = process.env.BENCH_CPU_PROF ? [...process.execArgv, '--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : process.execArgv;
  const child = fork(path.join(__dirname, '_api-server.ts'), [], { execArgv, env: { ...process.env, BENCH_DATABASE_URL: databaseUrl, BENCH_SEARCH_CACHE: searchCache ? '1' : '0' } });
  try {
    const ready = await new Promise<{ ports: { bare: number; app: number }; token: string }>((resolve, reject) => {
      child.once('message', (m) => resolve(m as { ports: { bare: number; app: number }; token: string }));
      child.once('exit', (code) => reject(new Error(`bench server exited (${code})`)));
    });
    const questions = (JSON.parse(readFileSync(path.join(__dirname, 'data/policy-qa.json'), 'utf8')) as { q: string }[]).map((x) => x.q);
    const targets: Target[] = ([
      { name: 'bare', port: ready.ports.bare, paths: ['/'], headers: {} },
      { name: 'policySearch', port: ready.ports.app, paths: questions.map((q) => `/api/policies/search?q=${encodeURIComponent(q)}`), headers: {} },
      { name: 'residentsList', port: ready.ports.app, paths: ['/api/residents?limit=50'], headers: { authorization: `Bearer ${ready.token}` } },
    ] as Target[]).filter((t) => !only || t.name === only);
    // Warm-up (JIT, caches, the search index): not measured.
    for (const t of targets) await load(t, connections, 1);
    const runs = new Map<string, Figures[]>(targets.map((t) => [t.name, []]));
    for (let r = 0; r < rounds; r++) for (const t of targets) runs.get(t.name)!.push(await load(t, connections, duration));
    const figures = Object.fromEntries(
      [...runs].map(([name, fs]) => [name, { reqPerSec: median(fs.map((f) => f.reqPerSec)), p50Ms: median(fs.map((f) => f.p50Ms)), p99Ms: median(fs.map((f) => f.p99Ms)), rounds: fs.map((f) => f.reqPerSec) }]),
    ) as Record<string, Figures & { rounds: number[] }>;
    const ratio = (name: string) => (figures[name] && figures.bare ? Number((figures[name].reqPerSec / figures.bare.reqPerSec).toFixed(3)) : null);
    const ratios = { policySearch: ratio('policySearch'), residentsList: ratio('residentsList') };
    return {
      database: databaseUrl.startsWith('sqlite:') ? 'sqlite' : 'mysql',
      connections, durationSeconds: duration, rounds, searchCache,
      ...figures, ratios, targets: TARGETS,
      met: (ratios.policySearch ?? 0) >= TARGETS.policySearch && (ratios.residentsList ?? 0) >= TARGETS.residentsList,
    };
  } finally {
    child.kill('SIGINT');
  }
}
