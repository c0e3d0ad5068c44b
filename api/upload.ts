import busboy from 'busboy';
import type Koa from 'koa';
import { AppError, badRequest } from '../services/errors';

/** Largest file accepted by an upload route (the JSON body limit stays at 1 MB for every other route). */
const UPLOAD_LIMIT_BYTES = 10 * 1024 * 1024;

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

/** The first file part of a multipart/form-data request, read with busboy within `limit` bytes. */
function firstFilePart(koa: Koa.Context, limit: number): Promise<UploadedFile | null> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: koa.req.headers, limits: { files: 1, fileSize: limit } });
    } catch {
      reject(badRequest('upload_malformed', '上传内容格式有误（缺少 boundary）'));
      return;
    }
    let found: UploadedFile | null = null;
    let tooLarge = false;
    parser.on('file', (_field, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('limit', () => {
        tooLarge = true;
      });
      stream.on('end', () => {
        found = { buffer: Buffer.concat(chunks), filename: info.filename || null, contentType: info.mimeType || 'application/octet-stream' };
      });
    });
    parser.on('error', () => reject(badRequest('upload_malformed', '上传内容格式有误')));
    parser.on('close', () => {
      if (tooLarge) reject(new AppError(413, 'payload_too_large', `文件太大（最大 ${Math.round(limit / 1048576)} MB）`));
      else resolve(found);
    });
    koa.req.pipe(parser);
  });
}

/**
 * Reads an uploaded file from the request: multipart/form-data (the first file part), or the raw
 * body sent as text/csv, an XLSX type or application/octet-stream.
 */
export async function readUpload(koa: Koa.Context, limit = UPLOAD_LIMIT_BYTES): Promise<UploadedFile> {
  const type = (koa.get('Content-Type') || '').toLowerCase();
  if (type.startsWith('multipart/form-data')) {
    const declared = Number(koa.get('Content-Length') || 0);
    if (declared > limit) throw new AppError(413, 'payload_too_large', `文件太大（最大 ${Math.round(limit / 1048576)} MB）`);
    const file = await firstFilePart(koa, limit);
    if (!file) throw badRequest('upload_missing_file', '请选择要上传的文件');
    return file;
  }
  if (type.startsWith('application/json')) throw badRequest('upload_missing_file', '请以文件上传（CSV 或 Excel），不要提交 JSON');
  return { buffer: await readStream(koa, limit), filename: null, contentType: type || 'application/octet-stream' };
}
