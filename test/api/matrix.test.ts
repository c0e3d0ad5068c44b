import request from 'supertest';
import type { Expectations, Outcome, Scoped, World } from '../../api/matrix';
import type { AnyRoute } from '../../api/route';
import { apiRoutes } from '../../api/routes/index';
import type { AppContext } from '../../services/context';
import { useTestEnv } from '../helpers';
import { buildWorld, Callers, countyAdmin, MARK_A, MARK_B } from './matrix-world';

/**
 * The authorization matrix (issue 10): every route of the route table, called by every kind of
 * caller on a record of their own station (or county) and of another, must answer what is declared
 * beside the route (`matrix` in its spec, see api/matrix.ts). A route without a declaration fails.
 */
const ROUTES: AnyRoute[] = apiRoutes({ config: { devEndpoints: true } } as AppContext);
const name = (r: AnyRoute) => `${r.method.toUpperCase()} ${r.path}`;

type Kind = keyof Expectations;
type Scope = 'own' | 'other';
const CALLERS: [Kind, Scope][] = [
  ['anonymous', 'own'],
  ['resident', 'own'], ['resident', 'other'],
  ['worker', 'own'], ['worker', 'other'],
  ['station_admin', 'own'], ['station_admin', 'other'],
  ['county_admin', 'own'], ['county_admin', 'other'],
];
const OWN_COUNTY = '临泽县';
const OTHER_COUNTY = '高台县';

function expected(e: Expectations, kind: Kind, scope: Scope): Outcome {
  const v: Scoped = e[kind];
  return typeof v === 'object' ? v[scope] : v;
}

const succeeds = (o: Outcome) => o === 'ok' || o === 'blind';

describe('authorization matrix: every route × every caller × own and other station', () => {
  const env = useTestEnv();
  let other: { world: World; callers: Callers };
  let county: Record<Scope, string>;
  const observed = new Map<string, Record<string, Outcome>>();

  beforeAll(async () => {
    const { ctx } = env();
    other = await buildWorld(ctx, MARK_B, OWN_COUNTY);
    county = { own: await countyAdmin(ctx, OWN_COUNTY), other: await countyAdmin(ctx, OTHER_COUNTY) };
  });

  afterAll(() => {
    if (!process.env.MATRIX_PRINT) return;
    const lines = [...observed].map(([route, o]) => {
      const pick = (k: Kind) => (k === 'anonymous' ? JSON.stringify(o['anonymous/own']) : o[`${k}/own`] === o[`${k}/other`] ? JSON.stringify(o[`${k}/own`]) : `{ own: ${JSON.stringify(o[`${k}/own`])}, other: ${JSON.stringify(o[`${k}/other`])} }`);
      return `${route}\n  expect: { anonymous: ${pick('anonymous')}, resident: ${pick('resident')}, worker: ${pick('worker')}, station_admin: ${pick('station_admin')}, county_admin: ${pick('county_admin')} },`;
    });
    console.log(`What every route answers today:\n${lines.join('\n')}`);
  });

  /** Row counts of every table: a refused call must leave them as they were. */
  async function counts(): Promise<Record<string, number>> {
    const { ctx } = env();
    const tables = ctx.db.dataSource.entityMetadatas.map((m) => m.tableName);
    const rows = await ctx.db.rows<{ t: string; n: number | string }>(tables.map((t) => `SELECT '${t}' AS t, COUNT(*) AS n FROM \`${t}\``).join(' UNION ALL '), []);
    return Object.fromEntries(rows.map((r) => [r.t, Number(r.n)]));
  }

  function call(r: AnyRoute, w: World, token: string | null) {
    const { app } = env();
    const params = r.matrix?.params?.(w) ?? {};
    const url = r.path.replace(/:(\w+)/g, (_, p: string) => {
      if (params[p] === undefined) throw new Error(`${name(r)}: matrix.params gives no value for :${p}`);
      return encodeURIComponent(String(params[p]));
    });
    let req = request(app.callback())[r.method](url);
    if (token) req = req.set('Authorization', `Bearer ${token}`);
    if (r.matrix?.query) req = req.query(r.matrix.query(w));
    if (r.matrix?.csv) return req.set('Content-Type', 'text/csv').send(r.matrix.csv(w));
    const body = r.matrix?.body?.(w);
    return body === undefined ? req : req.send(body as object);
  }

  it('every route declares what each caller gets (matrix: in its route spec; see api/matrix.ts)', () => {
    const missing = ROUTES.filter((r) => !r.matrix).map(name);
    if (missing.length) {
      throw new Error(
        `These routes declare no authorization matrix:\n  ${missing.join('\n  ')}\n` +
          'Add `matrix: { expect: STATION_CASES, params: (w) => ({ id: w.residentId }), body: () => ({ … }) }` (or another preset of ' +
          'api/matrix.ts) beside each; `MATRIX_PRINT=1 npx jest test/api/matrix.test.ts` prints what they answer today.',
      );
    }
  });

  it.each(ROUTES.filter((r) => r.matrix).map((r) => [name(r), r] as const))('%s answers every caller as declared', async (route, r) => {
    const { ctx } = env();
    const spec = r.matrix!;
    let shared: { world: World; callers: Callers } | undefined;
    const got: Record<string, Outcome> = {};
    const wrong: string[] = [];
    for (const [kind, scope] of CALLERS) {
      const want = expected(spec.expect, kind, scope);
      // A write that may succeed gets a fresh station (it may change or delete the records); reads and refusals share one.
      const a = succeeds(want) && r.method !== 'get' ? await buildWorld(ctx, MARK_A, OWN_COUNTY) : (shared ??= await buildWorld(ctx, MARK_A, OWN_COUNTY));
      const token =
        kind === 'anonymous' ? null
        : kind === 'county_admin' ? county[scope]
        : (scope === 'own' ? a.callers : other.callers)[kind];
      const before = succeeds(want) ? null : await counts();
      const res = await call(r, a.world, token);
      const text = JSON.stringify(res.body ?? res.text ?? '');
      const outcome: Outcome = res.status >= 200 && res.status < 300 ? (scope === 'other' && !text.includes(MARK_A) ? 'blind' : 'ok') : res.status;
      got[`${kind}/${scope}`] = outcome;
      const matches = outcome === want || (want === 'ok' && outcome === 'blind');
      if (!matches) wrong.push(`${kind} (${scope}): declared ${JSON.stringify(want)}, got ${JSON.stringify(outcome)} ${res.body?.error?.code ?? ''}`);
      if (res.status >= 500 && outcome !== want) wrong.push(`${kind} (${scope}): ${res.status} ${text.slice(0, 200)}`);
      if (before) {
        const after = await counts();
        const changed = Object.keys(after).filter((t) => after[t] !== before[t]);
        if (changed.length) wrong.push(`${kind} (${scope}) was refused yet rows changed in ${changed.join(', ')}`);
      }
    }
    observed.set(route, got);
    if (wrong.length) throw new Error(`${route} (declared in its route spec, matrix.expect):\n  ${wrong.join('\n  ')}`);
  });
});
