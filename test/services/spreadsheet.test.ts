import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { MAX_IMPORT_ROWS } from '../../services/import';
import { MAX_POLICY_IMPORT } from '../../services/policies';
import { readTable } from '../../services/spreadsheet';
import { Policy, Resident } from '../../entities';
import { createStation, createWorker } from '../factories';
import { useTestEnv } from '../helpers';

/** An XLSX of `rows` data rows, written the way Excel orders it (the sheet before the shared strings). */
async function bigXlsx(rows: number, header: string[], row: (i: number) => string[]): Promise<Buffer> {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'xlsx-')), 'big.xlsx');
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true });
  const sheet = wb.addWorksheet('名单');
  sheet.addRow(header).commit();
  for (let i = 0; i < rows; i++) sheet.addRow(row(i)).commit();
  await sheet.commit();
  await wb.commit();
  return readFileSync(file);
}

/** The longest the event loop went without running a 10 ms timer while `work` ran. */
async function longestStall(work: () => Promise<unknown>): Promise<number> {
  let last = Date.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = Date.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 10);
  try {
    await work().catch(() => undefined);
  } finally {
    clearInterval(timer);
  }
  return Math.max(longest, Date.now() - last);
}

describe('reading spreadsheets', () => {
  let huge: Buffer;

  beforeAll(async () => {
    huge = await bigXlsx(50_000, ['姓名', '村（社区）', '电话'], (i) => [`居民${i}`, '沙河村', '13800001234']);
  }, 60_000);

  it('stops reading a huge XLSX at the row cap and refuses it, without stalling the event loop', async () => {
    await expect(readTable(huge, 'xlsx', { maxRows: 2000 })).rejects.toMatchObject({ status: 400, code: 'import_too_large' });
    // A whole-workbook load of this file holds the loop for seconds; the streaming reader yields.
    const stall = await longestStall(() => readTable(huge, 'xlsx', { maxRows: 2000 }));
    expect(stall).toBeLessThan(1000);
  });

  it('stops reading a huge CSV at the row cap too', async () => {
    const csv = Buffer.from(['姓名,村（社区）', ...Array.from({ length: 300_000 }, (_, i) => `居民${i},沙河村`)].join('\n'));
    await expect(readTable(csv, 'csv', { maxRows: 2000 })).rejects.toMatchObject({ code: 'import_too_large' });
    const stall = await longestStall(() => readTable(csv, 'csv', { maxRows: 2000 }));
    expect(stall).toBeLessThan(1000);
  });

  it('reads what fits, cells and row numbers as before', async () => {
    const small = await bigXlsx(3, ['姓名', '出生日期'], (i) => [`居民${i}`, '1950-01-0' + (i + 1)]);
    const rows = await readTable(small, 'xlsx', { maxRows: 3 });
    expect(rows.map((r) => [r.row, ...r.values])).toEqual([[1, '姓名', '出生日期'], [2, '居民0', '1950-01-01'], [3, '居民1', '1950-01-02'], [4, '居民2', '1950-01-03']]);
    await expect(readTable(small, 'xlsx', { maxRows: 2 })).rejects.toMatchObject({ code: 'import_too_large' });
  });
});

describe('import caps through the API', () => {
  const env = useTestEnv();

  it('a resident import over the cap is refused whole and writes nothing', async () => {
    const { ctx, app } = env();
    const station = await createStation(ctx);
    const w = await createWorker(ctx, { stationId: station.id });
    const csv = ['姓名,村（社区）', ...Array.from({ length: MAX_IMPORT_ROWS + 1 }, (_, i) => `居民${i},沙河村`)].join('\n');
    const res = await request(app.callback()).post('/api/residents/import').set('Authorization', `Bearer ${w.token}`).set('Content-Type', 'text/csv').send(csv);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('import_too_large');
    expect(await ctx.db.manager.count(Resident, { where: { stationId: station.id } })).toBe(0);
  });

  it('a policy sheet over its cap is refused whole', async () => {
    const { ctx, app } = env();
    const county = await createWorker(ctx, { role: 'county_admin' });
    const csv = ['标题,类别,摘要,内容', ...Array.from({ length: MAX_POLICY_IMPORT + 1 }, (_, i) => `政策${i},救助,摘要,内容`)].join('\n');
    const before = await ctx.db.manager.count(Policy);
    const res = await request(app.callback()).post('/api/policies/import').set('Authorization', `Bearer ${county.token}`).set('Content-Type', 'text/csv').send(csv);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('import_too_large');
    expect(await ctx.db.manager.count(Policy)).toBe(before);
  });
});
