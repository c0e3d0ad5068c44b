/**
 * Policy search evaluation: accuracy on bench/data/policy-qa.json against knowledge/policies.json, and
 * search latency with 2,000 policies (the real ones plus synthetic ones built from their vocabulary).
 *
 *   npx tsx bench/policy-qa.ts [--verbose]              prints one JSON line
 *   npx tsx bench/policy-qa.ts --heldout [--verbose]    the same figures on bench/data/policy-qa-heldout.json:
 *     a separate corpus ({ policies, questions }) written independently of knowledge/policies.json, to measure
 *     how the engine generalises to policies and questions it was not tuned on (only its policies are indexed)
 */
import * as fs from 'fs';
import * as path from 'path';
import { PolicySearchEngine, PolicyDoc } from '../services/policy-search';

interface QA {
  q: string;
  expected: string | null;
  kind: string;
}

interface PolicyJson {
  title: string;
  category: string;
  summary: string;
  content: string;
  keywords?: string[];
  questions?: string[];
}

const ROOT = path.resolve(__dirname, '..');
const TOTAL_POLICIES = 2000;

/** Policies as the engine indexes them, numbered 1..n in file order. */
function toDocs(raw: PolicyJson[]): PolicyDoc[] {
  return raw.map((p, i) => ({
    id: i + 1,
    title: p.title,
    category: p.category,
    summary: p.summary,
    content: p.content,
    keywords: p.keywords ?? [],
    questions: p.questions ?? [],
  }));
}

export function loadPolicies(file = path.join(ROOT, 'knowledge/policies.json')): PolicyDoc[] {
  return toDocs(JSON.parse(fs.readFileSync(file, 'utf8')) as PolicyJson[]);
}

export function loadQA(file = path.join(ROOT, 'bench/data/policy-qa.json')): QA[] {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as QA[];
}

export const HELDOUT_FILE = path.join(ROOT, 'bench/data/policy-qa-heldout.json');

/** The held-out set: its own policies (ids 1..n) and questions labelled by those policies' titles. */
export function loadHeldout(file = HELDOUT_FILE): { policies: PolicyDoc[]; qa: QA[] } {
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as { policies: PolicyJson[]; questions: QA[] };
  return { policies: toDocs(raw.policies), qa: raw.questions };
}

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Synthetic policies of realistic size, made of the real policies' sentences and keywords reshuffled. */
export function syntheticPolicies(real: PolicyDoc[], count: number, seed = 42): PolicyDoc[] {
  const r = rng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const sentences = real.flatMap((p) => p.content.split(/[。；\n]/).filter((s) => s.trim().length > 4));
  const keywords = real.flatMap((p) => p.keywords);
  const places = ['东山', '西河', '南坪', '北岭', '青石', '柳溪', '白沙', '红岩', '金川', '桃源'];
  const kinds = ['实施细则', '管理办法', '专项行动方案', '工作指引', '补充通知', '操作规程'];
  const out: PolicyDoc[] = [];
  for (let i = 0; i < count; i++) {
    const base = pick(real);
    const kws = Array.from({ length: 4 + Math.floor(r() * 5) }, () => pick(keywords));
    out.push({
      id: `syn-${i + 1}`,
      title: `${pick(places)}${pick(['县', '镇', '区'])}${pick(kws)}${pick(kinds)}`,
      category: base.category,
      summary: `${pick(sentences)}。${pick(sentences)}。`,
      content: Array.from({ length: 8 + Math.floor(r() * 10) }, () => pick(sentences)).join('。'),
      keywords: kws,
      questions: Array.from({ length: 3 }, () => `${pick(kws)}怎么办理`),
    });
  }
  return out;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round(sorted[Math.max(0, i)] * 1000) / 1000;
}

export interface Evaluation {
  questions: number;
  offTopic: number;
  top1: number;
  top3: number;
  offTopicAnswered: number;
  answeredRate: number;
  byKind: Record<string, { n: number; top1: number; top3: number }>;
  failures: Array<{ q: string; kind: string; expected: string | null; got: string[]; scores: number[]; answered: boolean }>;
}

/** Accuracy: a question counts for top-1 / top-3 only when the engine also says it is answered. */
export function evaluate(engine: PolicySearchEngine, policies: PolicyDoc[], qa: QA[]): Evaluation {
  const titleOf = new Map(policies.map((p) => [String(p.id), p.title]));
  let n = 0;
  let off = 0;
  let t1 = 0;
  let t3 = 0;
  let offAnswered = 0;
  let answeredCount = 0;
  const byKind: Evaluation['byKind'] = {};
  const failures: Evaluation['failures'] = [];
  for (const item of qa) {
    const res = engine.search(item.q, 5);
    const titles = res.hits.map((h) => titleOf.get(String(h.id)) ?? String(h.id));
    if (item.expected === null) {
      off++;
      if (res.answered) {
        offAnswered++;
        failures.push({ q: item.q, kind: item.kind, expected: null, got: titles.slice(0, 3), scores: res.hits.slice(0, 3).map((h) => h.score), answered: true });
      }
      continue;
    }
    n++;
    const k = (byKind[item.kind] ??= { n: 0, top1: 0, top3: 0 });
    k.n++;
    if (res.answered) answeredCount++;
    const ok1 = res.answered && titles[0] === item.expected;
    const ok3 = res.answered && titles.slice(0, 3).includes(item.expected);
    if (ok1) {
      t1++;
      k.top1++;
    }
    if (ok3) {
      t3++;
      k.top3++;
    }
    if (!ok1) failures.push({ q: item.q, kind: item.kind, expected: item.expected, got: titles.slice(0, 3), scores: res.hits.slice(0, 3).map((h) => h.score), answered: res.answered });
  }
  for (const k of Object.values(byKind)) {
    k.top1 = Math.round((k.top1 / k.n) * 1000) / 1000;
    k.top3 = Math.round((k.top3 / k.n) * 1000) / 1000;
  }
  const r = (x: number) => Math.round(x * 10000) / 10000;
  return {
    questions: n,
    offTopic: off,
    top1: r(t1 / Math.max(1, n)),
    top3: r(t3 / Math.max(1, n)),
    offTopicAnswered: r(offAnswered / Math.max(1, off)),
    answeredRate: r(answeredCount / Math.max(1, n)),
    byKind,
    failures,
  };
}

export async function run(args: string[] = []): Promise<Record<string, unknown>> {
  const verbose = args.includes('--verbose');
  const heldout = args.includes('--heldout');
  const { policies, qa } = heldout ? loadHeldout() : { policies: loadPolicies(), qa: loadQA() };

  // accuracy on the station's own knowledge base
  const engine = new PolicySearchEngine();
  engine.index(policies);
  const ev = evaluate(engine, policies, qa);

  // latency with 2,000 policies
  const big = new PolicySearchEngine();
  const all = [...policies, ...syntheticPolicies(policies, TOTAL_POLICIES - policies.length)];
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  big.index(all);
  big.search('低保', 1); // the index is finished lazily on the first search
  const indexBuildMs = Math.round(Number(process.hrtime.bigint() - t0) / 1e4) / 100;
  const cpu = process.cpuUsage(cpu0);
  // CPU time of the build (user + system, all threads): close to indexBuildMs on an idle machine
  const indexBuildCpuMs = Math.round((cpu.user + cpu.system) / 10) / 100;
  const queries = qa.map((x) => x.q);
  for (const q of queries) big.search(q, 5); // warm-up
  const times: number[] = [];
  for (let round = 0; round < 5; round++) {
    for (const q of queries) {
      const s = process.hrtime.bigint();
      big.search(q, 5);
      times.push(Number(process.hrtime.bigint() - s) / 1e6);
    }
  }
  times.sort((a, b) => a - b);
  const bigEval = evaluate(big, all, qa);

  const result: Record<string, unknown> = {
    set: heldout ? 'heldout' : 'default',
    questions: ev.questions,
    offTopic: ev.offTopic,
    top1: ev.top1,
    top3: ev.top3,
    offTopicAnswered: ev.offTopicAnswered,
    answeredRate: ev.answeredRate,
    latencyMs: { p50: percentile(times, 50), p95: percentile(times, 95), p99: percentile(times, 99), max: percentile(times, 100) },
    policies: all.length,
    realPolicies: policies.length,
    indexBuildMs,
    indexBuildCpuMs,
    with2000: { top1: bigEval.top1, top3: bigEval.top3, offTopicAnswered: bigEval.offTopicAnswered },
    byKind: ev.byKind,
  };
  if (verbose) result.failures = ev.failures;
  return result;
}

if (require.main === module) {
  run(process.argv.slice(2))
    .then((r) => process.stdout.write(JSON.stringify(r) + '\n'))
    .catch((e) => {
      process.stderr.write(String(e?.stack ?? e) + '\n');
      process.exit(1);
    });
}
