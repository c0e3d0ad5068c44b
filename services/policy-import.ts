import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Policy } from '../entities';
import type { Actor } from './auth';
import { validationFailed } from './errors';
import { MAX_POLICY_IMPORT, policyInput, PolicyService } from './policies';
import { readTable } from './spreadsheet';

/** Policies brought in from outside: a county's spreadsheet, or the knowledge base the product ships. */
export class PolicyImportService {
  constructor(private readonly peers: { catalogue: PolicyService }) {}

  /**
   * Imports policies from an XLSX or CSV sheet (first row: headers in Chinese or as field names),
   * all or none; errors name the spreadsheet row.
   */
  async importSheet(actor: Actor, file: Buffer): Promise<Policy[]> {
    const rows = await readTable(file, undefined, { maxRows: MAX_POLICY_IMPORT });
    if (rows.length < 2) throw validationFailed(null, '表格里没有政策（第1行为表头）');
    const fields = rows[0].values.map(sheetField);
    if (!fields.includes('title')) throw validationFailed(null, '表头须有“标题”列');
    const items = rows.slice(1).map((r) => {
      const item: Record<string, unknown> = {};
      fields.forEach((f, i) => {
        const v = (r.values[i] ?? '').trim();
        if (!f || !v) return;
        item[f] = LIST_FIELDS.has(f) ? v.split(f === 'steps' || f === 'questions' || f === 'situations' ? /\r?\n|[；;]/ : /[、，,；;\r\n]/).map((x) => x.trim()).filter(Boolean) : v;
      });
      return item;
    });
    try {
      return await this.peers.catalogue.import(actor, items);
    } catch (err) {
      const e = err as { code?: string; details?: { index: number }[] };
      if (e.code !== 'validation_failed' || !Array.isArray(e.details)) throw err;
      const details = e.details.map((d) => ({ ...d, row: rows[d.index + 1]?.row }));
      throw validationFailed(details, `第 ${[...new Set(details.map((d) => d.row))].join('、')} 行有误，未导入任何政策`);
    }
  }

  /**
   * Loads the shipped knowledge base as shared policies; titles already present are skipped, so
   * running it again changes nothing.
   */
  async loadDefaults(file = defaultKnowledgeFile()): Promise<{ added: number; skipped: number }> {
    const items = (JSON.parse(readFileSync(file, 'utf8')) as unknown[]).map((it) => policyInput.parse(it));
    const added = await this.peers.catalogue.addMissingShared(items);
    return { added, skipped: items.length - added };
  }
}

const SHEET_HEADERS: Record<string, string[]> = {
  title: ['标题', '政策名称', '名称', 'title'],
  category: ['类别', '分类', 'category'],
  summary: ['摘要', '简介', '适用对象', 'summary'],
  content: ['全文', '内容', '正文', 'content'],
  steps: ['办理步骤', '步骤', '怎么办', 'steps'],
  materials: ['材料', '所需材料', '带什么', 'materials'],
  keywords: ['关键词', 'keywords'],
  questions: ['示例问题', '常见问法', 'questions'],
  situations: ['适用情形', '生活情形', '情形', 'situations'],
  amount: ['金额', '标准', '当地标准', 'amount'],
  source: ['依据', '来源', '政策依据', 'source'],
  effectiveFrom: ['生效日期', '施行日期', 'effectivefrom'],
  effectiveTo: ['失效日期', '截止日期', 'effectiveto'],
};
const LIST_FIELDS = new Set(['steps', 'materials', 'keywords', 'questions', 'situations']);

function sheetField(header: string): string | undefined {
  const h = header.replace(/[\s*：:]/g, '').toLowerCase();
  return Object.keys(SHEET_HEADERS).find((f) => SHEET_HEADERS[f].includes(h));
}

/** The shipped knowledge base. */
function defaultKnowledgeFile(): string {
  return path.resolve(__dirname, '..', 'knowledge', 'policies.json');
}

