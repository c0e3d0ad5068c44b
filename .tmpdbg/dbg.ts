import { PolicySearchEngine } from '../services/policy-search';
import { loadHeldout, loadPolicies } from '../bench/policy-qa';
const args = process.argv.slice(2);
const ho = args[0] === 'h';
const policies = ho ? loadHeldout().policies : loadPolicies();
const e = new PolicySearchEngine();
e.index(policies);
for (const q of args.slice(1)) {
  const r = e.search(q, 5);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const b = (e as any).built;
  console.log('Q:', q, '→', r.normalizedQuery, 'answered', r.answered, JSON.stringify(e.lastDebug));
  const dbgF: Map<string, number> | undefined = (e as any).lastFeatures;
  for (const h of r.hits.slice(0, 3)) {
    const di = b.docs.findIndex((d: any) => d.id === h.id);
    const parts: string[] = [];
    if (dbgF) for (const [t, w] of dbgF) {
      const p = b.postings.get(t);
      if (!p) continue;
      const k = p.docs.indexOf(di);
      if (k >= 0) parts.push(`${t}:${w.toFixed(2)}/${p.docs.length}`);
    }
    console.log('  ', h.score, policies.find((p) => p.id === h.id)?.title, parts.join(' '));
  }
  if (dbgF) console.log('   feats:', [...dbgF].map(([t, w]) => `${t}:${w.toFixed(2)}`).join(' '));
}
