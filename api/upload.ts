import type Koa from 'koa';
import { AppError, badRequest } from '../services/errors';

/** Largest file accepted by an upload route (the JSON body limit stays at 1 MB for every other route). */
export const UPLOAD_LIMIT_BYTES = 10 * 1024 * 1024;

export interface UploadedFile {
  buffer: Buffer;
  filename: string | null;
  contentType: string;
}

async function readStream(koa: Koa.Context, limit: number): Promise<Buffer> {
  const declared = Number(koa.get('Content-Length') || 0);
  if (declared > limit) throw new AppError(413, 'payload_too_large', `文件太大（最大 ${Math.round(limit / 1048576)} MB）`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of koa.req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      koa.req.destroy();
      throw new AppError(413, 'payload_too_large', `文件太大（最大 ${Math.round(limit / 1048576)} MB）`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The first file part of a multipart/form-data body (a minimal reader: one field named anything). */
function firstFilePart(body: Buffer, boundary: string): UploadedFile | null {
  const delimiter = Buffer.from(`--${boundary}`);
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const headerStart = start + delimiter.length + 2; // skip CRLF after the boundary
    const headerEnd = body.indexOf('\r\n\r\n', headerStart);
    if (headerEnd === -1) return null;
    const headers = body.subarray(headerStart, headerEnd).toString('utf8');
    const next = body.indexOf(Buffer.from(`\r\n--${boundary}`), headerEnd + 4);
    if (next === -1) return null;
    const filename = /filename\*?=(?:UTF-8'')?"?([^";\r\n]*)"?/i.exec(headers)?.[1];
    if (filename !== undefined) {
      const type = /content-type:\s*([^\r\n;]+)/i.exec(headers)?.[1]?.trim() ?? 'application/octet-stream';
      return { buffer: body.subarray(headerEnd + 4, next), filename: decodeURIComponent(filename), contentType: type };
    }
    start = next + 2;
  }
  return null;
}

/**
 * Reads an uploaded file from the request: multipart/form-data (the first file part), or the raw
 * body sent as text/csv, an XLSX type or application/octet-stream.
 */
export async function readUpload(koa: Koa.Context, limit = UPLOAD_LIMIT_BYTES): Promise<UploadedFile> {
  const type = (koa.get('Content-Type') || '').toLowerCase();
  if (type.startsWith('multipart/form-data')) {
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(koa.get('Content-Type'));
    if (!boundary) throw badRequest('upload_malformed', '上传内容格式有误（缺少 boundary）');
    const file = firstFilePart(await readStream(koa, limit), (boundary[1] ?? boundary[2]).trim());
    if (!file) throw badRequest('upload_missing_file', '请选择要上传的文件');
    return file;
  }
  if (type.startsWith('application/json')) throw badRequest('upload_missing_file', '请以文件上传（CSV 或 Excel），不要提交 JSON');
  return { buffer: await readStream(koa, limit), filename: null, contentType: type || 'application/octet-stream' };
}
