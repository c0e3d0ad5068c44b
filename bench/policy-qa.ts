/**
 * Policy search evaluation: accuracy on bench/data/policy-qa.json against knowledge/policies.json, and
 * search latency with 2,000 policies (the real ones plus synthetic ones built from their vocabulary).
 *
 *   npx tsx bench/policy-qa.ts [--verbose]              prints one JSON line
 *   npx tsx bench/policy-qa.ts --heldout [--verbose]    the same figures on bench/data/policy-qa-heldout.json:
 *     a separate corpus ({ policies, questions }) written independently of knowledge/policies.json, to measure
 *     how the engine generalises to policies and questions it was not tuned on (only its policies are indexed)
 *   --blind-shipped, --blind-new: the blind corpora (bench/data/blind-*.json), aggregate figures only
 *   --cv: cross-validation over whole policies of the tuned set; --all: everything in one JSON object
 */
import * as fs from 'fs';
import { execFileSync } from 'child_process';
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
  situations?: string[];
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
    situations: p.situations ?? [],
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

export const BLIND_SHIPPED_FILE = path.join(ROOT, 'bench/data/blind-shipped.json');
export const BLIND_NEW_FILE = path.join(ROOT, 'bench/data/blind-new.json');

/**
 * A blind corpus (written by people who saw only the policy titles, frozen as delivered): questions on the
 * shipped policies (`{ questions }`), or new policies with their questions (`{ policies, questions }`).
 * Null when the file is not there.
 */
export function loadBlind(file: string): { policies: PolicyDoc[]; qa: QA[] } | null {
  if (!fs.existsSync(file)) return null;
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as { policies?: PolicyJson[]; questions: QA[] } | QA[];
  const qa = Array.isArray(raw) ? raw : raw.questions;
  const policies = !Array.isArray(raw) && raw.policies ? toDocs(raw.policies) : loadPolicies();
  return { policies, qa: qa.map((x) => ({ ...x, expected: x.expected ?? null })) };
}

/** FNV-1a of a title: folds that do not depend on file order. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * Cross-validation over whole policies: the policies are dealt into k folds; for each fold its policies lose
 * their example questions (what a tuner writes after seeing residents' questions) and the fold's questions are
 * asked of that index. The gap to the tuned figures is what the example questions, not the engine, carried.
 * (The lexicons were written once for all folds; see knowledge/lexicon/README.md.)
 */
export function crossValidate(policies: PolicyDoc[], qa: QA[], k = 5): Record<string, unknown> {
  const foldOf = new Map(policies.map((p) => [p.title, hash(p.title) % k]));
  let n = 0;
  let t1 = 0;
  let t3 = 0;
  const folds: Array<{ policies: number; questions: number; top1: number; top3: number }> = [];
  for (let f = 0; f < k; f++) {
    const docs = policies.map((p) => (foldOf.get(p.title) === f ? { ...p, questions: [] } : p));
    const asked = qa.filter((x) => x.expected !== null && foldOf.get(x.expected) === f);
    const engine = new PolicySearchEngine();
    engine.index(docs);
    const ev = evaluate(engine, docs, asked);
    folds.push({ policies: docs.filter((p) => foldOf.get(p.title) === f).length, questions: ev.questions, top1: ev.top1, top3: ev.top3 });
    n += ev.questions;
    t1 += ev.top1 * ev.questions;
    t3 += ev.top3 * ev.questions;
  }
  const r = (x: number) => Math.round(x * 10000) / 10000;
  return { k, questions: n, top1: r(t1 / Math.max(1, n)), top3: r(t3 / Math.max(1, n)), folds };
}

/** Accuracy figures of one corpus; failures only for the tuned and held-out sets (blind sets stay blind). */
function accuracy(policies: PolicyDoc[], qa: QA[], withFailures: boolean): Record<string, unknown> {
  const engine = new PolicySearchEngine();
  engine.index(policies);
  const { failures, ...ev } = evaluate(engine, policies, qa);
  return { policies: policies.length, ...ev, ...(withFailures ? { failures } : {}) };
}

/** Search latency and index build time with 2,000 policies (the real ones plus synthetic ones). */
function latency(policies: PolicyDoc[], qa: QA[]): Record<string, unknown> {
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
  return {
    latencyMs: { p50: percentile(times, 50), p95: percentile(times, 95), p99: percentile(times, 99), max: percentile(times, 100) },
    policies: all.length,
    indexBuildMs,
    indexBuildCpuMs,
    with2000: { top1: bigEval.top1, top3: bigEval.top3, offTopicAnswered: bigEval.offTopicAnswered },
  };
}

/**
 * `npm run bench -- policy-qa [--heldout | --blind-shipped | --blind-new | --cv | --all] [--verbose]`.
 * Without a flag: the tuned set (bench/data/policy-qa.json) with latency. `--all`: every set in one JSON
 * object (tuned, heldout, blindShipped, blindNew, crossValidation, latency). `--verbose` adds the failures of
 * the tuned and held-out sets only.
 */
export async function run(args: string[] = []): Promise<Record<string, unknown>> {
  const verbose = args.includes('--verbose');
  const tuned = () => ({ policies: loadPolicies(), qa: loadQA() });
  const blind = (file: string) => {
    const b = loadBlind(file);
    return b ? accuracy(b.policies, b.qa, false) : { missing: path.relative(ROOT, file) };
  };
  if (args.includes('--all')) {
    // each set in its own process: the segmenter learns every indexed policy's keywords for the process's life
    const one = (flag: string) => {
      const out = execFileSync(process.execPath, [...process.execArgv, __filename, flag], { encoding: 'utf8' });
      const figures = JSON.parse(out.trim().split('\n').pop() as string) as Record<string, unknown>;
      delete figures.set;
      return figures;
    };
    return {
      set: 'all',
      tuned: one('--tuned'),
      heldout: one('--heldout'),
      blindShipped: one('--blind-shipped'),
      blindNew: one('--blind-new'),
      crossValidation: one('--cv'),
    };
  }
  if (args.includes('--blind-shipped')) return { set: 'blind-shipped', ...blind(BLIND_SHIPPED_FILE) };
  if (args.includes('--blind-new')) return { set: 'blind-new', ...blind(BLIND_NEW_FILE) };
  if (args.includes('--cv')) {
    const t = tuned();
    return { set: 'cross-validation', ...crossValidate(t.policies, t.qa) };
  }
  const heldout = args.includes('--heldout');
  const { policies, qa } = heldout ? loadHeldout() : tuned();
  const { policies: n, ...acc } = accuracy(policies, qa, verbose);
  return { set: heldout ? 'heldout' : 'default', realPolicies: n, ...acc, ...latency(policies, qa) };
}

if (require.main === module) {
  run(process.argv.slice(2))
    .then((r) => process.stdout.write(JSON.stringify(r) + '\n'))
    .catch((e) => {
      process.stderr.write(String(e?.stack ?? e) + '\n');
      process.exit(1);
    });
}
