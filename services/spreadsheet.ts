import { parse as parseCsv } from 'csv-parse/sync';
import type ExcelJS from 'exceljs';
import { badRequest } from './errors';

export type ImportFormat = 'csv' | 'xlsx';

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

/** UTF-8 when it decodes cleanly, else GBK (what Excel in China saves as "CSV"). */
function decodeText(buf: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf).replace(/^\uFEFF/, '');
  } catch {
    return new TextDecoder('gbk').decode(buf);
  }
}

function readCsv(buf: Buffer): TableRow[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parseCsv(decodeText(buf), { info: true, skip_empty_lines: true, relax_column_count: true, relax_quotes: true, trim: true }) as unknown as typeof records;
  } catch (err) {
    throw badRequest('import_unreadable', `CSV 文件无法读取：${(err as Error).message}`);
  }
  return records.map((r) => ({ row: r.info.lines, values: r.record }));
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

async function readXlsx(buf: Buffer): Promise<TableRow[]> {
  // Loaded on first use: exceljs weighs ~25 MB, which a bot or jobs process never needs.
  const { Workbook } = (await import('exceljs')).default;
  const wb = new Workbook();
  try {
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
  } catch (err) {
    throw badRequest('import_unreadable', `Excel 文件无法读取：${(err as Error).message}`);
  }
  const sheet = wb.worksheets[0];
  if (!sheet) throw badRequest('import_empty', '文件里没有工作表');
  const rows: TableRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const values: string[] = [];
    const numeric: boolean[] = [];
    for (let c = 1; c <= row.cellCount; c++) {
      const t = cellText(row.getCell(c).value);
      values.push(t.text);
      numeric.push(t.numeric);
    }
    rows.push({ row: rowNumber, values, numeric });
  });
  return rows;
}

/** Reads the first sheet of an XLSX file, or a CSV file (UTF-8 or GBK), into text rows. */
export function readTable(buf: Buffer, format: ImportFormat = sniffFormat(buf)): Promise<TableRow[]> {
  return format === 'xlsx' ? readXlsx(buf) : Promise.resolve(readCsv(buf));
}
