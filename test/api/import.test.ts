import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { Resident } from '../../entities';
import { COMMANDS } from '../../cli/commands';
import { idCheckChar } from '../../services/idnumber';
import { createCommunity, createStation, createWorker } from '../factories';
import { useTestEnv } from '../helpers';

function idFor(birth: string, n: number): string {
  const first17 = `620723${birth.replace(/-/g, '')}${String(n % 100).padStart(2, '0')}${n % 2 ? 1 : 2}`;
  return first17 + idCheckChar(first17);
}

describe('resident import (CSV and XLSX)', () => {
  const env = useTestEnv();
  const auth = (t: string) => ({ Authorization: `Bearer ${t}` });

  async function setup() {
    const { ctx } = env();
    const station = await createStation(ctx);
    await createCommunity(ctx, { stationId: station.id, name: '沙河村' });
    await createCommunity(ctx, { stationId: station.id, name: '化音村' });
    const worker = await createWorker(ctx, { stationId: station.id });
    return { ctx, station, worker };
  }

  const csv = (id1: string) => [
    '姓名,村（社区）,电话,出生日期,性别,标签,身份证号,住址',
    `王秀英,沙河村,13800001111,1944/3/12,女,独居老人、空巢老人,${id1},沙河村3组`,
    '李德福,化音村,,1940-08-21,男,低保,,',
    '无名氏,不存在村,,,,,,',
    '张三,沙河村,12345,,,,,',
    '李四,沙河村,,,,富人,,',
    `王五,沙河村,,,,,${id1.slice(0, 17)}${id1[17] === '1' ? '2' : '1'},`,
    ',沙河村,,,,,,',
    `王秀英,沙河村,,,,,${id1},`,
  ].join('\n');

  it('imports good rows, lists each bad row with its reason, and writes nothing for bad rows', async () => {
    const { app } = env();
    const { ctx, station, worker } = await setup();
    const id1 = idFor('1944-03-12', 2);
    const res = await request(app.callback()).post('/api/residents/import').set(auth(worker.token)).set('Content-Type', 'text/csv').send(csv(id1));
    expect(res.status).toBe(200);
    expect(res.body.created).toBe(2);
    expect(res.body.updated).toBe(0);
    expect(res.body.errors.map((e: { row: number }) => e.row)).toEqual([4, 5, 6, 7, 8, 9]);
    const messages = res.body.errors.map((e: { message: string }) => e.message);
    expect(messages[0]).toContain('不存在村');
    expect(messages[1]).toContain('电话');
    expect(messages[2]).toContain('富人');
    expect(messages[3]).toContain('校验位');
    expect(messages[4]).toContain('姓名');
    expect(messages[5]).toContain('第2行');
    const rows = await ctx.db.manager.find(Resident, { where: { stationId: station.id }, order: { id: 'ASC' } });
    expect(rows.map((r) => r.name)).toEqual(['王秀英', '李德福']);
    expect(rows[0]).toMatchObject({ birthDate: '1944-03-12', gender: 'female', tags: ['living_alone', 'empty_nest_elder'], phone: '13800001111' });
    expect(ctx.services.residents.hasIdNumber(rows[0], id1)).toBe(true);
  });

  it('re-importing updates the matching residents instead of duplicating them', async () => {
    const { app } = env();
    const { ctx, station, worker } = await setup();
    const id1 = idFor('1944-03-12', 4);
    const text = `姓名,村（社区）,身份证号,标签,电话\n王秀英,沙河村,${id1},独居,\n李德福,化音村,,低保,13800002222\n`;
    const first = await request(app.callback()).post('/api/residents/import').set(auth(worker.token)).set('Content-Type', 'text/csv').send(text);
    expect(first.body).toMatchObject({ created: 2, updated: 0, errors: [] });
    const second = await request(app.callback()).post('/api/residents/import').set(auth(worker.token)).set('Content-Type', 'text/csv')
      .send(text.replace('独居', '独居、残疾人').replace('李德福,化音村,,低保', '李德福,化音村,,特困'));
    expect(second.body).toMatchObject({ created: 0, updated: 2, errors: [] });
    const rows = await ctx.db.manager.find(Resident, { where: { stationId: station.id }, order: { id: 'ASC' } });
    expect(rows.map((r) => r.tags)).toEqual([['living_alone', 'disabled'], ['extreme_poverty']]);
  });

  it('reads XLSX uploaded as multipart, with dates as dates and ID numbers that Excel turned into numbers refused', async () => {
    const { app } = env();
    const { ctx, station, worker } = await setup();
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('居民');
    ws.addRow(['姓名', '村（社区）', '出生日期', '身份证号', '标签', '风险等级']);
    ws.addRow(['陈玉珍', '沙河村', new Date(Date.UTC(1951, 5, 18)), idFor('1951-06-18', 6), '留守老人', '重点']);
    ws.addRow(['赵永福', '化音村', '1946-02-27', Number('620723194602270011'), '空巢', '一般']);
    ws.addRow(['孙凤英', '化音村', '1942-09-09', '', '独居,低保', '高']);
    const buf = Buffer.from(await wb.xlsx.writeBuffer());
    const res = await request(app.callback()).post('/api/residents/import').set(auth(worker.token)).attach('file', buf, '居民名单.xlsx');
    expect(res.status).toBe(200);
    expect(res.body.created).toBe(2);
    expect(res.body.errors).toEqual([{ row: 3, message: expect.stringContaining('文本') }]);
    const rows = await ctx.db.manager.find(Resident, { where: { stationId: station.id }, order: { id: 'ASC' } });
    expect(rows.map((r) => [r.name, r.birthDate, r.riskTier])).toEqual([['陈玉珍', '1951-06-18', 'priority'], ['孙凤英', '1942-09-09', 'high']]);
    // the raw xlsx content type works too
    const raw = await request(app.callback()).post('/api/residents/import').set(auth(worker.token))
      .set('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(buf);
    expect(raw.body).toMatchObject({ created: 0, updated: 2 });
  });

  it('reads a GBK-encoded CSV (as Excel in China saves it)', async () => {
    const { app } = env();
    const { ctx, station, worker } = await setup();
    // "姓名,村（社区）\n马德才,沙河村\n" in GBK
    const gbk = Buffer.from('d0d5c3fb2cb4e5a3a8c9e7c7f8a3a90ac2edb5c2b2c52cc9b3bad3b4e50a', 'hex');
    const res = await request(app.callback()).post('/api/residents/import').set(auth(worker.token)).set('Content-Type', 'text/csv').send(gbk);
    expect(res.body).toMatchObject({ created: 1, errors: [] });
    expect((await ctx.db.manager.findOneByOrFail(Resident, { stationId: station.id })).name).toBe('马德才');
  });

  it('refuses files that cannot be read, a missing header, JSON, and the county admin', async () => {
    const { app, ctx } = env();
    const { worker } = await setup();
    const noHeader = await request(app.callback()).post('/api/residents/import').set(auth(worker.token)).set('Content-Type', 'text/csv').send('a,b\n1,2\n');
    expect(noHeader.status).toBe(400);
    expect(noHeader.body.error.code).toBe('import_bad_header');
    const badXlsx = await request(app.callback()).post('/api/residents/import').set(auth(worker.token)).attach('file', Buffer.from('PKnot really a zip'), 'x.xlsx');
    expect(badXlsx.status).toBe(400);
    expect(badXlsx.body.error.code).toBe('import_unreadable');
    const json = await request(app.callback()).post('/api/residents/import').set(auth(worker.token)).send({ rows: [] });
    expect(json.status).toBe(400);
    const county = await createWorker(ctx, { role: 'county_admin' });
    expect((await request(app.callback()).post('/api/residents/import').set(auth(county.token)).set('Content-Type', 'text/csv').send('姓名,村\n')).status).toBe(403);
  });

  it('accepts files above the 1 MB JSON limit and reports progress for large files', async () => {
    const { app } = env();
    const { ctx, station, worker } = await setup();
    const lines = ['姓名,村（社区）,住址,出生日期'];
    const pad = '某'.repeat(195);
    // One row in nine is good; the others name a village the station does not have (cheap to refuse).
    for (let i = 0; i < 1800; i++) lines.push(`居民${i},${i % 9 === 0 ? '沙河村' : '外村'},${pad}${i},1950-01-${String((i % 28) + 1).padStart(2, '0')}`);
    const text = lines.join('\n');
    expect(Buffer.byteLength(text)).toBeGreaterThan(1024 * 1024);
    const res = await request(app.callback()).post('/api/residents/import').set(auth(worker.token)).set('Content-Type', 'text/csv').send(text);
    expect(res.status).toBe(200);
    expect(res.body.created).toBe(200);
    expect(res.body.errors).toHaveLength(1600);
    expect(res.body.errors[0]).toEqual({ row: 3, message: expect.stringContaining('外村') });
    const progress: number[] = [];
    const again = await ctx.services.imports.importByOperator(station.id, Buffer.from(text), { onProgress: (done) => progress.push(done) });
    expect(again).toMatchObject({ created: 0, updated: 200 });
    expect(progress[0]).toBe(0);
    expect(progress[progress.length - 1]).toBe(1800);
    expect(progress.length).toBeGreaterThan(10);
  }, 120_000);

  it('runs on the command line: residents:import --station --file', async () => {
    const { ctx } = env();
    const { station } = await setup();
    const dir = mkdtempSync(path.join(tmpdir(), 'import-'));
    const file = path.join(dir, 'people.csv');
    writeFileSync(file, '姓名,村（社区）\n冯建华,沙河村\n坏行,没有这个村\n');
    const cmd = COMMANDS.find((c) => c.name === 'residents:import')!;
    const out = await cmd.run(ctx, { station: String(station.id), file });
    expect(out).toContain('新增 1 人');
    expect(out).toContain('第3行');
    await expect(cmd.run(ctx, { station: '999999', file })).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(cmd.run(ctx, { station: String(station.id), file: path.join(dir, 'missing.csv') })).rejects.toMatchObject({ code: 'validation_failed' });
  });
});
