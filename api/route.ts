import type Koa from 'koa';
import type { Router } from '@koa/router';
import { z, ZodType } from 'zod';
import type { AppContext } from '../services/context';
import type { Actor, TokenClaims } from '../services/auth';
import { forbidden, unauthorized, validationFailed } from '../services/errors';
import type { WorkerRole } from '../entities';
import type { MatrixSpec } from './matrix';

/**
 * A success body already serialised and encoded (a presenter that keeps the JSON of a page it serves
 * again: a Buffer goes to the socket as it is, a string would be encoded on every response).
 */
export class JsonText {
  readonly bytes: Buffer;

  constructor(text: string) {
    this.bytes = Buffer.from(text);
  }
}

/** Who may call a route, declared once on the route (`signed_in`: a resident or a worker, e.g. booking for self or on behalf). */
type Access = 'public' | 'signed_in' | 'resident' | 'worker' | readonly WorkerRole[];

type Infer<S> = S extends ZodType ? z.output<S> : undefined;

interface RouteInput<B, Q, P> {
  ctx: AppContext;
  koa: Koa.Context;
  actor: Actor;
  body: B;
  query: Q;
  params: P;
}

export interface RouteSpec<BS extends ZodType | undefined, QS extends ZodType | undefined, PS extends ZodType | undefined> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Koa-style path, written in full (`/api/residents/:id`). */
  path: string;
  summary: string;
  tag: string;
  access: Access;
  body?: BS;
  query?: QS;
  params?: PS;
  /** Success status (201 for creates). */
  status?: number;
  /** The success body, for the OpenAPI document. */
  response?: ZodType;
  /** Lets the handler set its own body (files, text). */
  raw?: boolean;
  /** Takes an uploaded CSV or XLSX file (multipart, or the file as the body); documented as such. */
  upload?: boolean;
  /** Who gets what from this route, checked by test/api/matrix.test.ts (see api/matrix.ts). */
  matrix?: MatrixSpec;
  handler(input: RouteInput<Infer<BS>, Infer<QS>, Infer<PS>>): Promise<unknown>;
}

export type AnyRoute = RouteSpec<ZodType | undefined, ZodType | undefined, ZodType | undefined>;

/** Declares a route: typed input, declared access, documented in OpenAPI from the same schemas. */
export function route<BS extends ZodType | undefined = undefined, QS extends ZodType | undefined = undefined, PS extends ZodType | undefined = undefined>(
  spec: RouteSpec<BS, QS, PS>,
): AnyRoute {
  return spec as unknown as AnyRoute;
}

function parse(schema: ZodType | undefined, value: unknown, where: string): unknown {
  if (!schema) return undefined;
  const r = schema.safeParse(value);
  if (!r.success) {
    throw validationFailed(
      r.error.issues.map((i) => ({ in: where, path: i.path.join('.'), message: i.message })),
      `输入有误：${r.error.issues.map((i) => `${[where, ...i.path].join('.')} ${i.message}`).join('；')}`,
    );
  }
  return r.data;
}

/** Checks the declared access against the caller. */
function authorize(access: Access, actor: Actor): void {
  if (access === 'public') return;
  if (actor.kind === 'anonymous') throw unauthorized();
  if (access === 'signed_in') return;
  if (access === 'resident') {
    if (actor.kind !== 'resident') throw forbidden('仅限居民使用');
    return;
  }
  if (actor.kind !== 'worker') throw forbidden('仅限社工使用');
  if (access !== 'worker' && !access.includes(actor.role)) throw forbidden('当前角色没有权限');
}

/** A public route ignores a stale token instead of refusing the call. */
async function resolveActor(ctx: AppContext, access: Access, claims: TokenClaims | null | undefined): Promise<Actor> {
  if (access !== 'public') return ctx.services.auth.actorFor(claims);
  return ctx.services.auth.actorFor(claims).catch((): Actor => ({ kind: 'anonymous' }));
}

/** Mounts routes on a Koa router: parse → authorize → handler → respond. */
export function mount(router: Router, ctx: AppContext, routes: AnyRoute[]): void {
  for (const r of routes) {
    router[r.method](r.path, async (koa) => {
      const actor = await resolveActor(ctx, r.access, koa.state.claims as TokenClaims | null | undefined);
      koa.state.actor = actor;
      authorize(r.access, actor);
      const input = {
        ctx, koa, actor,
        params: parse(r.params, koa.params ?? {}, 'params'),
        query: parse(r.query, koa.query ?? {}, 'query'),
        // Only a JSON request has a JSON body; uploads are read by their route.
        body: parse(r.body, koa.is('json') ? (koa.request as unknown as { body?: unknown }).body : undefined, 'body'),
      };
      const result = await r.handler(input as unknown as RouteInput<never, never, never>);
      if (r.raw) return;
      koa.status = r.status ?? 200;
      if (result instanceof JsonText) {
        koa.type = 'json';
        koa.body = result.bytes;
      } else {
        koa.body = result ?? { ok: true };
      }
    });
  }
}

/** Pagination shared by every list: `?limit=&offset=`, default 50, at most 500. */
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

/** A numeric path id. */
export const idParams = z.object({ id: z.coerce.number().int().positive() });
