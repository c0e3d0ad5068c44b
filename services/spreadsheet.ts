import { isUtf8 } from 'node:buffer';
import { Readable } from 'node:stream';
import { parse as parseCsvStream } from 'csv-parse';
import type ExcelJS from 'exceljs';
import { AppError, badRequest } from './errors';

export type ImportFormat = 'csv' | 'xlsx';

/** Data rows read at most when the caller names no cap. */
const DEFAULT_MAX_ROWS = 20_000;

/** One spreadsheet row as text cells; `row` is the spreadsheet's own row number (1 = header). */
export interface TableRow {
  row: number;
  values: string[];
  /** Cells Excel stored as numbers (where digits matter, e.g. ID numbers that lost their last digits). */
  numeric?: boolean[];
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Tells the format from the first bytes: an XLSX file is a zip (`PK`). */
export function sniffFormat(buf: Buffer): ImportFormat {
  return buf.length >= 2 && buf[0] === 0x50 && buf[1] === 0x4b ? 'xlsx' : 'csv';
}

/**
 * The text in slices: UTF-8 when the bytes are valid UTF-8, else GBK (what Excel in China saves as
 * "CSV"). Decoded a slice at a time, so a 10 MB file does not hold the event loop while it decodes.
 */
function* decodeText(buf: Buffer): Generator<string> {
  const decoder = new TextDecoder(isUtf8(buf) ? 'utf-8' : 'gbk');
  for (let i = 0; i < buf.length; i += CSV_SLICE) {
    const text = decoder.decode(buf.subarray(i, i + CSV_SLICE), { stream: true });
    yield i === 0 ? text.replace(/^\uFEFF/, '') : text;
  }
  yield decoder.decode();
}

/** Text is handed to the CSV parser in slices, so the event loop gets a turn between them. */
const CSV_SLICE = 64 * 1024;

function tooLarge(maxRows: number) {
  return badRequest('import_too_large', `一次最多导入 ${maxRows} 行，请拆分文件`);
}

/** Yields to the event loop (a timer turn, so that waiting requests and health checks run). */
const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

async function readCsv(buf: Buffer, maxRows: number): Promise<TableRow[]> {
  const parser = parseCsvStream({ info: true, skip_empty_lines: true, relax_column_count: true, relax_quotes: true, trim: true });
  const rows: TableRow[] = [];
  const feed = (async () => {
    for (const text of decodeText(buf)) {
      if (parser.destroyed) return;
      if (text && !parser.write(text)) await new Promise((r) => parser.once('drain', r));
      await breathe();
    }
    parser.end();
  })();
  try {
    for await (const r of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      rows.push({ row: r.info.lines, values: r.record });
      if (rows.length > maxRows + 1) throw tooLarge(maxRows);
    }
    await feed;
  } catch (err) {
    parser.destroy();
    if (err instanceof AppError) throw err;
    throw badRequest('import_unreadable', `CSV 文件无法读取：${(err as Error).message}`);
  }
  return rows;
}

function cellText(value: ExcelJS.CellValue): { text: string; numeric: boolean } {
  if (value === null || value === undefined) return { text: '', numeric: false };
  if (value instanceof Date) {
    // Excel dates carry no zone; exceljs reads them as UTC midnight.
    return { text: `${value.getUTCFullYear()}-${pad(value.getUTCMonth() + 1)}-${pad(value.getUTCDate())}`, numeric: false };
  }
  if (typeof value === 'number') return { text: Number.isInteger(value) ? value.toFixed(0) : String(value), numeric: true };
  if (typeof value === 'string' || typeof value === 'boolean') return { text: String(value), numeric: false };
  const v = value as { richText?: { text: string }[]; text?: unknown; result?: ExcelJS.CellValue; error?: string };
  if (v.richText) return { text: v.richText.map((t) => t.text).join(''), numeric: false };
  if (v.result !== undefined) return cellText(v.result);
  if (typeof v.text === 'string') return { text: v.text, numeric: false };
  return { text: '', numeric: false };
}

/**
 * Reads the first sheet with exceljs's streaming reader, stopping at the row cap: loading a whole
 * workbook of a million rows takes a minute and gigabytes before its size can even be checked.
 */
async function readXlsx(buf: Buffer, maxRows: number): Promise<TableRow[]> {
  // Loaded on first use: exceljs weighs ~25 MB, which a bot or jobs process never needs.
  const ExcelJS = (await import('exceljs')).default;
  const input = Readable.from(sliced(buf));
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore',
  });
  const rows: TableRow[] = [];
  let sheets = 0;
  try {
    for await (const sheet of reader) {
      sheets++;
      let n = 0;
      for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
        if (!row.hasValues) continue;
        const values: string[] = [];
        const numeric: boolean[] = [];
        for (let c = 1; c <= row.cellCount; c++) {
          const t = cellText(row.getCell(c).value);
          values.push(t.text);
          numeric.push(t.numeric);
        }
        rows.push({ row: row.number, values, numeric });
        if (rows.length > maxRows + 1) throw tooLarge(maxRows);
        if (++n % 500 === 0) await breathe();
      }
      break; // the first sheet only
    }
  } catch (err) {
    input.destroy();
    if (err instanceof AppError) throw err;
    throw badRequest('import_unreadable', `Excel 文件无法读取：${(err as Error).message}`);
  }
  if (!sheets) throw badRequest('import_empty', '文件里没有工作表');
  return rows;
}

/** The buffer in slices, so the unzip and XML parsing happen a slice per turn of the event loop. */
function* sliced(buf: Buffer): Generator<Buffer> {
  for (let i = 0; i < buf.length; i += CSV_SLICE) yield buf.subarray(i, i + CSV_SLICE);
}

/**
 * Reads the first sheet of an XLSX file, or a CSV file (UTF-8 or GBK), into text rows (the header
 * row included); past `maxRows` data rows it stops reading and refuses the file (400 import_too_large).
 */
export function readTable(buf: Buffer, format: ImportFormat = sniffFormat(buf), options: { maxRows?: number } = {}): Promise<TableRow[]> {
  const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
  return format === 'xlsx' ? readXlsx(buf, maxRows) : readCsv(buf, maxRows);
}
