import { Community, Resident, RESIDENT_TAGS, ResidentTag } from '../entities';
import type { Actor } from './auth';
import type { Infra } from './infra';
import { actingWorker, ownStationId } from './permissions';
import type { ResidentService } from './residents';

import { AppError, badRequest } from './errors';
import { residentCreateSchema, ResidentPatch, residentPatchSchema } from './residents';
import { normalisePhone } from './phone';
import { ImportFormat, readTable, sniffFormat } from './spreadsheet';
export type { ImportFormat };

/** At most this many data rows per file; bigger files are split by the user. */
export const MAX_IMPORT_ROWS = 20_000;

export interface ImportResult {
  created: number;
  updated: number;
  errors: { row: number; message: string }[];
}

/** How a file is read (by default from its name or content) and how far the import has got. */
interface ImportOptions {
  format?: ImportFormat;
  onProgress?: (done: number, total: number) => void;
}

/** A sheet row as text cells keyed by our field names; `row` is the spreadsheet's row number. */
interface SheetRow {
  row: number;
  cells: Partial<Record<Field, string>>;
  /** Cells Excel kept as numbers where digits matter (ID numbers lose their last digits). */
  numericId?: boolean;
}

type Field = 'name' | 'phone' | 'community' | 'communityId' | 'birthDate' | 'gender' | 'tags' | 'address' | 'idNumber' | 'status' | 'riskTier';

/** Column headers people write, in Chinese or as the API's field names. */
const HEADERS: Record<Field, string[]> = {
  name: ['姓名', '名字', 'name'],
  phone: ['电话', '手机', '手机号', '手机号码', '联系电话', 'phone'],
  community: ['村社区', '村（社区）', '村(社区)', '社区', '村', '所属村', '所属社区', 'community'],
  communityId: ['communityid', '社区id'],
  birthDate: ['出生日期', '生日', 'birthdate'],
  gender: ['性别', 'gender'],
  tags: ['标签', '类别', '对象类别', '服务对象类别', 'tags'],
  address: ['住址', '地址', '家庭住址', 'address'],
  idNumber: ['身份证号', '身份证', '身份证号码', 'idnumber'],
  status: ['状态', 'status'],
  riskTier: ['风险等级', '风险', 'risktier'],
};

/** Tags by their Chinese names (what a station's spreadsheet says) and by code. */
const TAG_LABELS: Record<ResidentTag, string[]> = {
  empty_nest_elder: ['空巢老人', '空巢'],
  living_alone: ['独居老人', '独居'],
  left_behind_child: ['留守儿童'],
  left_behind_elder: ['留守老人'],
  left_behind_woman: ['留守妇女'],
  disabled: ['残疾人', '残疾'],
  low_income: ['低保', '低保对象', '低保户'],
  extreme_poverty: ['特困', '特困人员', '特困供养'],
  child_in_difficulty: ['困境儿童'],
  orphan: ['孤儿'],
};
const TAG_BY_WORD = new Map<string, ResidentTag>();
for (const tag of RESIDENT_TAGS) {
  TAG_BY_WORD.set(tag, tag);
  for (const label of TAG_LABELS[tag]) TAG_BY_WORD.set(label, tag);
}
const STATUS_WORDS: Record<string, string> = { 正常: 'active', 在册: 'active', 住院: 'in_hospital', 迁出: 'moved', 搬走: 'moved', 去世: 'deceased', 死亡: 'deceased', 停用: 'inactive', 注销: 'inactive' };
const TIER_WORDS: Record<string, string> = { 高: 'high', 高风险: 'high', 重点: 'priority', 一般: 'general', 普通: 'general' };
const GENDER_WORDS: Record<string, string> = { 男: 'male', 女: 'female', m: 'male', f: 'female', male: 'male', female: 'female' };

const normHeader = (h: string) => h.replace(/[\s*＊:：]/g, '').toLowerCase();

function fieldOf(header: string): Field | undefined {
  const h = normHeader(header);
  return (Object.keys(HEADERS) as Field[]).find((f) => HEADERS[f].some((a) => normHeader(a) === h));
}

function rowsFromMatrix(matrix: { row: number; values: string[]; numeric?: boolean[] }[]): SheetRow[] {
  if (!matrix.length) throw badRequest('import_empty', '文件是空的');
  const header = matrix[0].values.map((h) => fieldOf(h ?? ''));
  if (!header.includes('name')) throw badRequest('import_bad_header', '第1行应为表头，且须有“姓名”列');
  if (!header.includes('community') && !header.includes('communityId')) throw badRequest('import_bad_header', '表头须有“村（社区）”列');
  const rows: SheetRow[] = [];
  for (const { row, values, numeric } of matrix.slice(1)) {
    const cells: SheetRow['cells'] = {};
    let numericId = false;
    header.forEach((f, i) => {
      if (!f) return;
      const v = (values[i] ?? '').trim();
      if (v) cells[f] = v;
      if (f === 'idNumber' && numeric?.[i]) numericId = true;
    });
    if (Object.keys(cells).length) rows.push({ row, cells, numericId });
  }
  if (rows.length > MAX_IMPORT_ROWS) throw badRequest('import_too_large', `一次最多导入 ${MAX_IMPORT_ROWS} 行，请拆分文件`);
  return rows;
}

const pad = (n: number) => String(n).padStart(2, '0');

function parseDate(s: string): string | undefined {
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(s) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  return m ? `${m[1]}-${pad(Number(m[2]))}-${pad(Number(m[3]))}` : undefined;
}

/**
 * Imports residents into a station from a CSV or XLSX file. Each good row creates a resident or
 * updates the one it matches (same ID number; else same name, community and phone or birth date);
 * each bad row is listed with its reason and changes nothing. Empty cells leave fields as they are.
 */
export class ImportService {
  constructor(
    private readonly ctx: Infra,
    private readonly deps: { residents: ResidentService },
  ) {}

  /** Reads a file into rows (throws 400 for a file that cannot be read at all). */
  async readRows(buf: Buffer, format: ImportFormat = sniffFormat(buf)): Promise<SheetRow[]> {
    return rowsFromMatrix(await readTable(buf, format, { maxRows: MAX_IMPORT_ROWS }));
  }

  /** Imports into the caller's station: its own workers only (a county admin, 403); the audit names the worker. */
  async importResidents(actor: Actor, file: Buffer, options: ImportOptions = {}): Promise<ImportResult> {
    const stationId = ownStationId(actor);
    return this.importInto(stationId, actingWorker(actor).id, file, options);
  }

  /** Imports into a station named on the command line: its operator is no worker, so the audit names none. */
  async importByOperator(stationId: number, file: Buffer, options: ImportOptions = {}): Promise<ImportResult> {
    return this.importInto(stationId, null, file, options);
  }

  private async importInto(stationId: number, workerId: number | null, file: Buffer, options: ImportOptions): Promise<ImportResult> {
    const rows = await this.readRows(file, options.format);
    const m = this.ctx.db.manager;
    const communities = await m.find(Community, { where: { stationId } });
    const byName = new Map(communities.map((c) => [c.name, c.id]));
    const ids = new Set(communities.map((c) => c.id));
    const residents = this.deps.residents;
    const seen = new Map<string, number>();
    const result: ImportResult = { created: 0, updated: 0, errors: [] };
    options.onProgress?.(0, rows.length);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      try {
        const input = this.toInput(r, byName, ids);
        const parsed = residentPatchSchema.safeParse(input);
        if (!parsed.success) throw new AppError(400, 'row_invalid', parsed.error.issues.map((x) => `${LABELS[x.path[0] as string] ?? x.path.join('.')}：${x.message}`).join('；'));
        const patch = parsed.data;
        const key = patch.idNumber ? `id:${residents.idNumberHash(patch.idNumber)}` : `nm:${patch.name}|${patch.communityId}|${patch.phone ? normalisePhone(patch.phone) : ''}|${patch.birthDate ?? ''}`;
        const earlier = seen.get(key);
        if (earlier) throw new AppError(400, 'row_duplicate', `与第${earlier}行是同一人，已跳过`);
        seen.set(key, r.row);
        const existing = await this.match(stationId, patch);
        if (existing) {
          await residents.updateLoaded(existing, workerId, patch, `import:${Object.keys(patch).join(',')}`);
          result.updated++;
        } else {
          const create = residentCreateSchema.parse({ ...patch, tags: patch.tags ?? [] });
          await residents.createForStation(stationId, workerId, create, 'import');
          result.created++;
        }
      } catch (err) {
        if (!(err instanceof AppError) || err.status >= 500) throw err;
        result.errors.push({ row: r.row, message: rowMessage(err) });
      }
      if ((i + 1) % 50 === 0 || i + 1 === rows.length) options.onProgress?.(i + 1, rows.length);
    }
    this.ctx.logger.info({ stationId, created: result.created, updated: result.updated, errors: result.errors.length }, 'residents imported');
    return result;
  }

  /** The resident a row updates: same ID number, else same name and community with the same phone or birth date. */
  private async match(stationId: number, p: ResidentPatch): Promise<Resident | null> {
    const m = this.ctx.db.manager;
    if (p.idNumber) return m.findOne(Resident, { where: { stationId, idNumberHash: this.deps.residents.idNumberHash(p.idNumber) } });
    if (!p.phone && !p.birthDate) return null;
    const found = await m.find(Resident, {
      where: { stationId, name: p.name, communityId: p.communityId, ...(p.phone ? { phone: normalisePhone(p.phone) } : { birthDate: p.birthDate! }) },
      take: 2,
    });
    return found.length === 1 && !found[0].erasedAt ? found[0] : null;
  }

  /** Turns a row's text cells into API-shaped input; words people write become codes. */
  private toInput(r: SheetRow, byName: Map<string, number>, ids: Set<number>): Record<string, unknown> {
    const c = r.cells;
    const out: Record<string, unknown> = {};
    if (!c.name) throw badRequest('row_invalid', '姓名不能为空');
    out.name = c.name;
    if (c.communityId) {
      const id = Number(c.communityId);
      if (!ids.has(id)) throw badRequest('row_invalid', `村（社区）编号 ${c.communityId} 不属于本站`);
      out.communityId = id;
    } else if (c.community) {
      const id = byName.get(c.community);
      if (!id) throw badRequest('row_invalid', `村（社区）“${c.community}”不存在，请先在本站添加`);
      out.communityId = id;
    } else {
      throw badRequest('row_invalid', '村（社区）不能为空');
    }
    if (c.phone) out.phone = c.phone;
    if (c.idNumber) {
      if (r.numericId) throw badRequest('row_invalid', '身份证号被 Excel 存成了数字，末几位可能已丢失：请把该列设为“文本”格式后重新填写');
      out.idNumber = c.idNumber;
    }
    if (c.birthDate) {
      const d = parseDate(c.birthDate);
      if (!d) throw badRequest('row_invalid', `出生日期“${c.birthDate}”无法识别，请写成 1950-03-08`);
      out.birthDate = d;
    }
    if (c.gender) {
      const g = GENDER_WORDS[c.gender.toLowerCase()];
      if (!g) throw badRequest('row_invalid', `性别“${c.gender}”无法识别（男/女）`);
      out.gender = g;
    }
    if (c.tags) {
      const words = c.tags.split(/[,，;；、|/\s]+/).filter(Boolean);
      const unknown = words.filter((w) => !TAG_BY_WORD.has(w));
      if (unknown.length) throw badRequest('row_invalid', `标签“${unknown.join('、')}”无法识别`);
      out.tags = words.map((w) => TAG_BY_WORD.get(w)!);
    }
    if (c.address) out.address = c.address;
    if (c.status) out.status = STATUS_WORDS[c.status] ?? c.status;
    if (c.riskTier) out.riskTier = TIER_WORDS[c.riskTier] ?? c.riskTier;
    return out;
  }
}

const LABELS: Record<string, string> = {
  name: '姓名', phone: '电话', communityId: '村（社区）', birthDate: '出生日期', gender: '性别', tags: '标签',
  address: '住址', idNumber: '身份证号', status: '状态', riskTier: '风险等级',
};

function rowMessage(err: AppError): string {
  if (err.code === 'duplicate_id_number') return '本站已有该身份证号的居民';
  if (err.code === 'validation_failed' && Array.isArray(err.details)) {
    return (err.details as { path: string; message: string }[]).map((d) => `${LABELS[d.path] ?? d.path}：${d.message}`).join('；');
  }
  return err.message;
}
