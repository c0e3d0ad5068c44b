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

const FILE = { type: 'string', format: 'binary' };
const UPLOAD_CONTENT = {
  'multipart/form-data': { schema: { type: 'object', properties: { file: FILE }, required: ['file'] } },
  'text/csv': { schema: FILE },
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: FILE },
};

function requestBody(r: AnyRoute): Record<string, unknown> {
  const content: Record<string, unknown> = {};
  if (r.body) content['application/json'] = { schema: jsonSchema(r.body, 'input') };
  if (r.upload) Object.assign(content, UPLOAD_CONTENT);
  return Object.keys(content).length ? { requestBody: { required: true, content } } : {};
}

/**
 * The success body: the route's own schema when it declares one, else what the conventions of
 * API.md say (lists are `{ items, total }`, creates answer the resource with its id).
 */
function responseSchema(r: AnyRoute): Record<string, unknown> {
  if (r.response) return jsonSchema(r.response, 'output');
  const query = r.query ? (jsonSchema(r.query, 'input') as { properties?: Record<string, unknown> }) : {};
  if (query.properties?.limit && query.properties?.offset) {
    return { type: 'object', properties: { items: { type: 'array', items: { type: 'object' } }, total: { type: 'integer' } }, required: ['items', 'total'] };
  }
  if (r.status === 201) return { type: 'object', properties: { id: { type: 'integer' } }, additionalProperties: true };
  return { type: 'object' };
}

/** Paths outside `/api` that operators rely on. */
const OPERATIONS = {
  '/healthz': { get: { summary: '存活检查：进程在就返回 200 { ok: true }', tags: ['运维'], responses: { 200: { description: 'OK' } } } },
  '/readyz': { get: { summary: '就绪检查：数据库可用返回 200，否则 503；附各任务最近一次成功运行时间', tags: ['运维'], responses: { 200: { description: '就绪' }, 503: { description: '数据库不可用' } } } },
  '/metrics': { get: { summary: 'Prometheus 指标', tags: ['运维'], responses: { 200: { description: 'text/plain', content: { 'text/plain': { schema: { type: 'string' } } } } } } },
};

/** The OpenAPI 3.1 document, built from the same zod schemas that validate each route. */
export function buildOpenApi(routes: AnyRoute[]): unknown {
  const paths: Record<string, Record<string, unknown>> = { ...OPERATIONS };
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
      ...requestBody(r),
      responses: {
        [ok]: { description: 'OK', content: { 'application/json': { schema: responseSchema(r) } } },
        default: { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      },
    };
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
