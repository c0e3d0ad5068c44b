import fc from 'fast-check';
import request from 'supertest';
import { z } from 'zod';
import type { Expectations, World } from '../../api/matrix';
import type { AnyRoute } from '../../api/route';
import { apiRoutes } from '../../api/routes/index';
import type { AppContext } from '../../services/context';
import { useTestEnv } from '../helpers';
import { buildWorld, Callers, countyAdmin, MARK_A } from './matrix-world';

/**
 * Property tests over every route (issue 10): whatever the body, query, path, content type or size,
 * the answer is never a 5xx and a refused call writes nothing. Inputs are the route's own valid
 * sample (its matrix declaration) with fields swapped for hostile values, fields its schema names,
 * random JSON, and malformed or oversized requests. PROPERTY_RUNS sets the runs per route.
 */
const RUNS = Number(process.env.PROPERTY_RUNS ?? 12);
const ROUTES: AnyRoute[] = apiRoutes({ config: { devEndpoints: true } } as AppContext).filter((r) => r.matrix);
const name = (r: AnyRoute) => `${r.method.toUpperCase()} ${r.path}`;

/** Strings that have broken parsers, columns and terminals. */
const nasty = fc.oneof(
  fc.constantFrom(
    '', ' ', '\u0000', '\u001b[2J', '\u202e', '\u200b', '\ufeff', '\ud800', '\udfff', '😀'.repeat(40), 'e\u0301',
    "'; DROP TABLE residents; --", '%', '_', '\\', '"', '<script>', '../../etc/passwd', 'NaN', 'Infinity', '-1', '0', '1e309',
    '9'.repeat(30), '2026-02-30', '+275760-09-13T00:00:00Z', '13800001234', '09365521001-88', 'null', 'true', '[]', '{}',
  ),
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.integer({ min: 1, max: 4 }).map((k) => '政'.repeat(k * 11_000)),
  fc.integer({ min: 1, max: 3 }).map((k) => 'a'.repeat(k * 30_000)),
);
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  nasty,
  fc.constantFrom(null, true, false, 0, -1, 1.5, 2 ** 31, -(2 ** 53), Number.MAX_VALUE, 1e-300),
  fc.integer(),
  fc.array(nasty, { maxLength: 5 }),
  fc.dictionary(nasty, nasty, { maxKeys: 3 }),
  fc.constant(Array.from({ length: 200 }, () => '步'.repeat(400))),
);

/** Field names the body schema declares (from its JSON Schema), so that each gets hostile values. */
function schemaKeys(schema: unknown): string[] {
  if (!schema) return [];
  try {
    const js = z.toJSONSchema(schema as z.ZodType, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, unknown> };
    return Object.keys(js.properties ?? {});
  } catch {
    return [];
  }
}

/** A body: the valid sample with some fields replaced or added, or something else entirely. */
function bodies(r: AnyRoute, w: World): fc.Arbitrary<unknown> {
  const sample = (r.matrix?.body?.(w) ?? {}) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(sample), ...schemaKeys(r.body)])];
  const mutated = keys.length
    ? fc.dictionary(fc.constantFrom(...keys), hostile, { maxKeys: Math.min(3, keys.length) }).map((d) => ({ ...sample, ...d }))
    : fc.constant(sample);
  return fc.oneof({ weight: 4, arbitrary: mutated }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) }, { weight: 1, arbitrary: hostile });
}

/** A caller the route lets through, so that the inputs reach the handler. */
function callerFor(e: Expectations, callers: Callers, county: string): string | null {
  const pass = (v: Expectations[keyof Expectations]) => (typeof v === 'object' ? v.own : v) === 'ok' || (typeof v === 'object' ? v.own : v) === 'blind';
  if (pass(e.worker)) return callers.worker;
  if (pass(e.station_admin)) return callers.station_admin;
  if (pass(e.county_admin)) return county;
  if (pass(e.resident)) return callers.resident;
  return null;
}

describe('property tests: no input gives a 5xx or a half-written row', () => {
  const env = useTestEnv();
  let a: { world: World; callers: Callers };
  let county: string;

  beforeAll(async () => {
    const { ctx } = env();
    a = await buildWorld(ctx, MARK_A, '临泽县');
    county = await countyAdmin(ctx, '临泽县');
  });

  async function counts(): Promise<string> {
    const { ctx } = env();
    const tables = ctx.db.dataSource.entityMetadatas.map((m) => m.tableName);
    const rows = await ctx.db.rows<{ t: string; n: number | string }>(tables.map((t) => `SELECT '${t}' AS t, COUNT(*) AS n FROM \`${t}\``).join(' UNION ALL '), []);
    return rows.map((x) => `${x.t}=${Number(x.n)}`).join(',');
  }

  /** Statuses the route declares for some caller (the dev chat's 503 when no bot runs in the process). */
  function declared(r: AnyRoute): Set<number> {
    const values = Object.values(r.matrix!.expect).flatMap((v) => (typeof v === 'object' ? [v.own, v.other] : [v]));
    return new Set(values.filter((v): v is number => typeof v === 'number'));
  }

  function url(r: AnyRoute, params: Record<string, string | number>): string {
    return r.path.replace(/:(\w+)/g, (_, p: string) => encodeURIComponent(String(params[p] ?? '1').replace(/[\ud800-\udfff]/g, '\ufffd')));
  }

  /** Sends, and checks the answer is not a 5xx and that a refusal changed no row. */
  async function check(r: AnyRoute, label: string, send: () => request.Test): Promise<void> {
    const before = await counts();
    const res = await send();
    if (res.status >= 500 && !declared(r).has(res.status)) throw new Error(`${label}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    if (res.status >= 400) {
      const after = await counts();
      if (after !== before) throw new Error(`${label}: refused with ${res.status} yet rows changed\n  before ${before}\n  after  ${after}`);
    }
  }

  it.each(ROUTES.map((r) => [name(r), r] as const))('%s: hostile bodies, queries and path values', async (label, r) => {
    const { app } = env();
    const token = callerFor(r.matrix!.expect, a.callers, county);
    const params = r.matrix?.params?.(a.world) ?? {};
    const query = r.matrix?.query?.(a.world) ?? {};
    const queryKeys = [...new Set([...Object.keys(query), ...schemaKeys(r.query)])];
    await fc.assert(
      fc.asyncProperty(
        bodies(r, a.world),
        fc.dictionary(queryKeys.length ? fc.constantFrom(...queryKeys) : fc.constant('q'), nasty.filter((s) => s.length < 5000), { maxKeys: 2 }),
        fc.option(fc.oneof(nasty.filter((s) => s.length < 200), fc.constantFrom('0', '-1', '1.5', '1e3', '99999999999', '%00')), { freq: 3 }),
        async (body, q, pathValue) => {
          const p = pathValue === null ? params : Object.fromEntries(Object.keys(params).map((k) => [k, pathValue]));
          await check(r, `${label} body=${JSON.stringify(body)?.slice(0, 120)} query=${JSON.stringify(q).slice(0, 120)} path=${JSON.stringify(pathValue)}`, () => {
            let req = request(app.callback())[r.method](url(r, p)).query({ ...query, ...q });
            if (token) req = req.set('Authorization', `Bearer ${token}`);
            return r.method === 'get' ? req : req.set('Content-Type', 'application/json').send(JSON.stringify(body ?? null));
          });
        },
      ),
      { numRuns: RUNS },
    );
  });

  it.each(ROUTES.filter((r) => r.method !== 'get').map((r) => [name(r), r] as const))('%s: malformed JSON, wrong content types, huge bodies', async (label, r) => {
    const { app } = env();
    const token = callerFor(r.matrix!.expect, a.callers, county);
    const target = url(r, r.matrix?.params?.(a.world) ?? {});
    const raw = fc.oneof(
      fc.constantFrom('{', '{"a":', '[1,2', 'null', '"str"', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{}}}', '\u0000', '\ufeff{}', '{"a":1}{"b":2}'),
      fc.string({ unit: 'binary', maxLength: 200 }),
    );
    const type = fc.constantFrom('application/json', 'text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data', 'multipart/form-data; boundary=x', 'application/json; charset=gbk', 'text/csv', 'application/octet-stream');
    await fc.assert(
      fc.asyncProperty(raw, type, async (text, contentType) => {
        await check(r, `${label} ${contentType} ${JSON.stringify(text).slice(0, 80)}`, () => {
          let req = request(app.callback())[r.method](target).set('Content-Type', contentType);
          if (token) req = req.set('Authorization', `Bearer ${token}`);
          return req.send(text);
        });
      }),
      { numRuns: Math.max(4, Math.ceil(RUNS / 2)) },
    );
    // Well above the 1 MB JSON limit (and the 10 MB upload limit): refused, nothing written.
    for (const size of r.upload ? [11 * 1024 * 1024] : [2 * 1024 * 1024]) {
      await check(r, `${label} ${size} bytes`, () => {
        let req = request(app.callback())[r.method](target).set('Content-Type', r.upload ? 'text/csv' : 'application/json');
        if (token) req = req.set('Authorization', `Bearer ${token}`);
        return req.send(r.upload ? `姓名,村（社区）\n${'王,沙河村\n'.repeat(size / 12)}` : JSON.stringify({ name: 'x'.repeat(size) }));
      });
    }
  });
});
