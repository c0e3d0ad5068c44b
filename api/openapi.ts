import { z, ZodType } from 'zod';
import type { AnyRoute } from './route';

const errorSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
      required: ['code', 'message'],
    },
  },
  required: ['error'],
};

function jsonSchema(schema: ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const out = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete out.$schema;
  return out;
}

function parameters(schema: ZodType | undefined, where: 'query' | 'path'): unknown[] {
  if (!schema) return [];
  const js = jsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(js.properties ?? {}).map(([name, s]) => ({
    name, in: where, required: where === 'path' || (js.required ?? []).includes(name), schema: s,
  }));
}

/** The OpenAPI 3.1 document, built from the same zod schemas that validate each route. */
export function buildOpenApi(routes: AnyRoute[], extra: { path: string; method: string; summary: string; tag: string }[] = []): unknown {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.path.replace(/:([A-Za-z_]+)/g, '{$1}');
    const ok = String(r.status ?? 200);
    const security = r.access === 'public' ? [] : [{ bearer: [] }];
    paths[path] ??= {};
    paths[path][r.method] = {
      summary: r.summary,
      tags: [r.tag],
      security,
      'x-access': r.access,
      parameters: [...parameters(r.params, 'path'), ...parameters(r.query, 'query')],
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(r.body, 'input') } } } } : {}),
      responses: {
        [ok]: { description: 'OK', content: { 'application/json': { schema: r.response ? jsonSchema(r.response, 'output') : {} } } },
        default: { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      },
    };
  }
  for (const e of extra) {
    paths[e.path] ??= {};
    paths[e.path][e.method] = { summary: e.summary, tags: [e.tag], responses: { 200: { description: 'OK' } } };
  }
  return {
    openapi: '3.1.0',
    info: { title: '社工站数字前台 API', version: '0.1.0', description: '乡镇（街道）社工站：居民、社工、县民政局共用的 HTTP 接口。' },
    paths,
    components: {
      schemas: { Error: errorSchema },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
  };
}

/** A readable page for the document (no CDN: this machine's users may be offline). */
export function docsPage(): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>API 文档</title>
<style>body{font-family:system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#222}
h2{border-bottom:1px solid #ddd;padding-bottom:.3em}.op{margin:.4em 0;padding:.5em;border:1px solid #eee;border-radius:6px}
.m{display:inline-block;width:4.5em;font-weight:bold;text-transform:uppercase}.get{color:#0a7}.post{color:#07c}.put,.patch{color:#c70}.delete{color:#c33}
details pre{background:#f7f7f7;padding:.5em;overflow:auto;font-size:12px}code{font-size:14px}</style></head>
<body><h1>社工站数字前台 API</h1><p>机器可读文档：<a href="/api/openapi.json">/api/openapi.json</a></p><div id="root">加载中…</div>
<script>
fetch('/api/openapi.json').then(r=>r.json()).then(doc=>{
  const byTag={};
  for(const [p,ops] of Object.entries(doc.paths)) for(const [m,op] of Object.entries(ops)){
    const t=(op.tags||['其他'])[0]; (byTag[t]=byTag[t]||[]).push({p,m,op});
  }
  const esc=s=>String(s).replace(/[&<>]/g,c=>({'&':'&amp;','<':'&lt;','>':'&gt;'}[c]));
  document.getElementById('root').innerHTML=Object.entries(byTag).map(([t,ops])=>'<h2>'+esc(t)+'</h2>'+ops.map(({p,m,op})=>
    '<div class="op"><span class="m '+m+'">'+m+'</span><code>'+esc(p)+'</code> — '+esc(op.summary||'')+
    (op['x-access']?' <small>（'+esc(JSON.stringify(op['x-access']))+'）</small>':'')+
    '<details><summary>详情</summary><pre>'+esc(JSON.stringify({parameters:op.parameters,requestBody:op.requestBody,responses:op.responses},null,2))+'</pre></details></div>').join('')).join('');
});
</script></body></html>`;
}
