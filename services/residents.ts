import { z } from 'zod';
import { EntityManager, IsNull } from 'typeorm';
import {
  BindingCode, Community, FamilyContact, Resident,
  RESIDENT_STATUSES, RESIDENT_TAGS, RISK_TIERS,
} from '../entities';
import type { Actor } from './auth';
import type { Infra } from './infra';
import type { AuditService } from './audit';
import type { BindingService } from './binding';

import { DataCrypto } from './crypto';
import { badRequest, conflict, isUniqueViolation, notFound } from './errors';
import { idNumberFacts, idNumberMessage, idNumberProblem, normaliseIdNumber } from './idnumber';
import { assertCases, ownStationId } from './permissions';
import { isValidPhone, normalisePhone } from './phone';
import { dateSchema, phoneSchema } from './schemas';
import { plainText } from './text';
import { localDate } from './time';
import { parseInstant } from './db';
import { ResidentPages } from './resident-pages';

const trimmed = (max: number) => plainText(max);
const idNumberSchema = z.string().trim().superRefine((v, c) => {
  const problem = idNumberProblem(v);
  if (problem) c.addIssue({ code: 'custom', message: idNumberMessage(problem) });
});

/** Fields of a resident as the API and the import accept them (unknown keys are refused). */
const residentFields = {
  name: trimmed(50),
  phone: phoneSchema.nullable(),
  communityId: z.number().int().positive(),
  birthDate: dateSchema.nullable(),
  gender: z.enum(['male', 'female']).nullable(),
  tags: z.array(z.enum(RESIDENT_TAGS)).max(RESIDENT_TAGS.length).transform((t) => [...new Set(t)]),
  address: trimmed(200).nullable(),
  idNumber: idNumberSchema.nullable(),
  status: z.enum(RESIDENT_STATUSES),
  riskTier: z.enum(RISK_TIERS),
};

/** A new resident: name and community required, the rest optional. */
export const residentCreateSchema = z.object({
  name: residentFields.name,
  communityId: residentFields.communityId,
  phone: residentFields.phone.optional(),
  birthDate: residentFields.birthDate.optional(),
  gender: residentFields.gender.optional(),
  tags: residentFields.tags.default([]),
  address: residentFields.address.optional(),
  idNumber: residentFields.idNumber.optional(),
  status: residentFields.status.default('active'),
  riskTier: residentFields.riskTier.default('general'),
});
/** A change: any field; `null` clears an optional one. */
export const residentPatchSchema = residentCreateSchema.partial().extend({
  tags: residentFields.tags.optional(),
  status: residentFields.status.optional(),
  riskTier: residentFields.riskTier.optional(),
});
export type ResidentCreate = z.output<typeof residentCreateSchema>;
export type ResidentPatch = z.output<typeof residentPatchSchema>;

export const familyCreateSchema = z.object({
  name: trimmed(50),
  relation: trimmed(20),
  phone: phoneSchema.nullable().optional(),
});
export type FamilyCreate = z.output<typeof familyCreateSchema>;

export interface ResidentFilter {
  tag?: string;
  communityId?: number;
  status?: string;
  riskTier?: string;
  q?: string;
  limit: number;
  offset: number;
}

/** A resident as a list shows it (`presentResident`): everything but the encrypted ID number and the case worker. */
export type ResidentListItem = Pick<Resident,
  'id' | 'stationId' | 'communityId' | 'name' | 'phone' | 'birthDate' | 'gender' | 'tags' | 'address' | 'status' | 'riskTier' |
  'idNumberHash' | 'wechatContactId' | 'openid' | 'optedOut' | 'erasedAt' | 'createdAt' | 'updatedAt'>;

/** A page of the residents list; shared between the requests that read it unchanged, so never altered. */
export interface ResidentPage {
  readonly items: readonly ResidentListItem[];
  readonly total: number;
}

const LIST_COLUMNS = 'id, stationId, communityId, name, phone, birthDate, gender, tags, address, status, riskTier, idNumberHash, wechatContactId, openid, optedOut, erasedAt, createdAt, updatedAt';

/** A raw row of `LIST_COLUMNS` (as an array, in that order) typed as the entity would hydrate it, on either engine. */
function listItem(r: unknown[]): ResidentListItem {
  return {
    id: Number(r[0]), stationId: Number(r[1]), communityId: Number(r[2]), name: r[3] as string,
    phone: r[4] as string | null, birthDate: r[5] as string | null, gender: r[6] as Resident['gender'],
    tags: JSON.parse(r[7] as string) as Resident['tags'], address: r[8] as string | null,
    status: r[9] as Resident['status'], riskTier: r[10] as Resident['riskTier'],
    idNumberHash: r[11] as string | null, wechatContactId: r[12] as string | null, openid: r[13] as string | null,
    optedOut: Boolean(Number(r[14])), erasedAt: parseInstant(r[15]), createdAt: parseInstant(r[16])!, updatedAt: parseInstant(r[17])!,
  };
}

/**
 * Residents and their family contacts: the records at the centre of everything. Every function
 * takes the caller and checks it with the permissions module; a resident of another station is
 * a 404, whatever the route.
 */
export class ResidentService {
  private readonly crypto: DataCrypto;
  private readonly pages: ResidentPages<ResidentPage>;

  constructor(
    private readonly ctx: Infra,
    private readonly deps: { audit: AuditService; binding: BindingService },
  ) {
    this.crypto = new DataCrypto(ctx.config.dataKey);
    this.pages = new ResidentPages(ctx.db);
  }

  /** The keyed look-up hash of an ID number (the number itself is stored only encrypted). */
  idNumberHash(idNumber: string): string {
    return this.crypto.hash(`id:${normaliseIdNumber(idNumber)}`);
  }

  /** True when the resident has this ID number (compares hashes, decrypts nothing). */
  hasIdNumber(resident: Pick<Resident, 'idNumberHash'>, idNumber: string): boolean {
    return resident.idNumberHash !== null && resident.idNumberHash === this.idNumberHash(idNumber);
  }

  /** The decrypted ID number, for code that truly needs it (none of the doors outputs it). */
  decryptIdNumber(resident: Pick<Resident, 'idNumberEnc'>): string | null {
    return resident.idNumberEnc ? this.crypto.decrypt(resident.idNumberEnc) : null;
  }

  /** Today in Shanghai, by the application clock. */
  today(): string {
    return localDate(this.ctx.clock.now());
  }

  /**
   * Turns validated input into columns: phone normalised, ID number encrypted and hashed. The ID
   * number fixes gender and birth date: they are filled from it when not given, and a given (or
   * already stored) value that disagrees with it is a 400 — never overwritten silently, since the
   * bot addresses elders by gender. `existing` is the record being changed, if any.
   */
  private columns(input: ResidentPatch, existing?: Resident): Partial<Resident> {
    const out: Partial<Resident> = {};
    if (input.name !== undefined) out.name = input.name;
    if (input.communityId !== undefined) out.communityId = input.communityId;
    if (input.phone !== undefined) out.phone = input.phone ? normalisePhone(input.phone) : null;
    if (input.birthDate !== undefined) out.birthDate = input.birthDate;
    if (input.gender !== undefined) out.gender = input.gender;
    if (input.tags !== undefined) out.tags = input.tags;
    if (input.address !== undefined) out.address = input.address;
    if (input.status !== undefined) out.status = input.status;
    if (input.riskTier !== undefined) out.riskTier = input.riskTier;
    let facts: { birthDate: string; gender: 'male' | 'female' } | null = null;
    if (input.idNumber !== undefined) {
      if (input.idNumber === null) {
        out.idNumberEnc = null;
        out.idNumberHash = null;
      } else {
        const id = normaliseIdNumber(input.idNumber);
        facts = idNumberFacts(id);
        if (facts.birthDate > this.today()) throw badRequest('validation_failed', idNumberMessage('birth_date'), [{ in: 'body', path: 'idNumber', message: idNumberMessage('birth_date') }]);
        out.idNumberEnc = this.crypto.encrypt(id);
        out.idNumberHash = this.idNumberHash(id);
      }
    } else if (existing?.idNumberEnc && (input.gender !== undefined || input.birthDate !== undefined)) {
      facts = this.storedFacts(existing);
    }
    if (facts) {
      // What the record would hold for each field after this change, unless the ID number fills it.
      const gender = input.gender !== undefined ? input.gender : (existing?.gender ?? null);
      const birthDate = input.birthDate !== undefined ? input.birthDate : (existing?.birthDate ?? null);
      const problems: { in: string; path: string; message: string }[] = [];
      if (gender !== null && gender !== facts.gender) problems.push({ in: 'body', path: 'gender', message: '性别与身份证号不符' });
      if (birthDate !== null && birthDate !== facts.birthDate) problems.push({ in: 'body', path: 'birthDate', message: '出生日期与身份证号不符' });
      if (problems.length) throw badRequest('validation_failed', problems.map((p) => p.message).join('；'), problems);
      if (gender === null) out.gender = facts.gender;
      if (birthDate === null) out.birthDate = facts.birthDate;
    }
    if (out.birthDate && out.birthDate > this.today()) {
      throw badRequest('validation_failed', '出生日期不能晚于今天', [{ in: 'body', path: 'birthDate', message: '出生日期不能晚于今天' }]);
    }
    return out;
  }

  /** Gender and birth date of the stored ID number; null when it cannot be read (a changed DATA_KEY). */
  private storedFacts(r: Resident): { birthDate: string; gender: 'male' | 'female' } | null {
    try {
      const id = this.decryptIdNumber(r);
      return id && idNumberProblem(id) === null ? idNumberFacts(id) : null;
    } catch {
      this.ctx.logger.warn({ residentId: r.id }, 'stored ID number cannot be decrypted');
      return null;
    }
  }

  /** The community must be one of the station's; another station's looks the same as none. */
  private async assertCommunity(em: EntityManager, stationId: number, communityId: number): Promise<void> {
    const c = await em.findOne(Community, { where: { id: communityId, stationId } });
    if (!c) throw badRequest('unknown_community', '所选村（社区）不存在', [{ in: 'body', path: 'communityId', message: '所选村（社区）不存在' }]);
  }

  /** Creates a resident of the caller's station. A duplicate ID number in the station is a 409. */
  async create(actor: Actor, input: ResidentCreate): Promise<Resident> {
    return this.createForStation(ownStationId(actor), actor.kind === 'worker' ? actor.id : null, input);
  }

  /** Creates a resident of a station on behalf of a worker (or the command line: null). */
  async createForStation(stationId: number, workerId: number | null, input: ResidentCreate, detail: string | null = null): Promise<Resident> {
    const cols = this.columns(input);
    try {
      return await this.ctx.db.transaction(async (em) => {
        await this.assertCommunity(em, stationId, input.communityId);
        const r = await em.save(Resident, em.create(Resident, {
          phone: null, birthDate: null, gender: null, address: null, idNumberEnc: null, idNumberHash: null,
          wechatContactId: null, openid: null, optedOut: false, erasedAt: null, ...cols, stationId,
        }));
        await this.deps.audit.record({ stationId, residentId: r.id, workerId, action: 'create', detail }, em);
        return r;
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict('duplicate_id_number', '本站已有该身份证号的居民');
      throw err;
    }
  }

  /**
   * The caller's station's residents, filtered; erased records are left out. The page is read again
   * only when the station's residents have changed (`ResidentPages`); every read is audited.
   */
  async list(actor: Actor, filter: ResidentFilter): Promise<ResidentPage> {
    const stationId = ownStationId(actor);
    const where = ['stationId = ?', 'erasedAt IS NULL'];
    const params: unknown[] = [stationId];
    const and = (clause: string, value: unknown) => {
      where.push(clause);
      params.push(value);
    };
    // Tags are a JSON array kept as text: match the quoted tag, which no other tag contains.
    if (filter.tag) and('tags LIKE ?', `%"${filter.tag}"%`);
    if (filter.communityId) and('communityId = ?', filter.communityId);
    if (filter.status) and('status = ?', filter.status);
    if (filter.riskTier) and('riskTier = ?', filter.riskTier);
    const q = filter.q?.replace(/[%_\\]/g, '').trim();
    let searched: 'id_number' | 'phone' | 'phone_last4' | 'name' | null = null;
    if (q) {
      if (idNumberProblem(q) === null) {
        searched = 'id_number';
        and('idNumberHash = ?', this.idNumberHash(q));
      } else if (/^[\d+\-()（） ]{4,}$/.test(q)) {
        // Only a whole number or its last four digits: a partial match would let a masked number be
        // recovered digit by digit through the search box.
        const digits = q.replace(/\D/g, '');
        if (digits.length === 4) {
          searched = 'phone_last4';
          and('phone LIKE ?', `%${digits}`);
        } else if (isValidPhone(q)) {
          searched = 'phone';
          and("REPLACE(phone, '-', '') = ?", normalisePhone(q).replace(/-/g, ''));
        } else {
          throw badRequest('phone_search_partial', '按电话查找请输入完整号码或后四位');
        }
      } else {
        searched = 'name';
        and('name LIKE ?', `%${q}%`);
      }
    }
    const key = JSON.stringify([where, params, filter.limit, filter.offset]);
    const page = await this.pages.get(stationId, key, () => this.readPage(where.join(' AND '), params, filter));
    // A list shows names, masked phones, addresses and birth dates: who listed what is audited too.
    if (page.items.length) {
      const filters = (['tag', 'communityId', 'status', 'riskTier'] as const).filter((k) => filter[k] !== undefined);
      const detail = [`n=${page.items.length}`, ...(searched ? [`search=${searched}`] : []), ...(filters.length ? [`filter=${filters.join(',')}`] : [])].join(';');
      await this.deps.audit.record({ stationId, residentId: null, workerId: actor.kind === 'worker' ? actor.id : null, action: 'list', detail });
    }
    return page;
  }

  /**
   * One page from the database. Raw and prepared: the list is the console's commonest read, and
   * TypeORM's query building and hydration cost more than the query itself.
   */
  private async readPage(cond: string, params: unknown[], filter: ResidentFilter): Promise<ResidentPage> {
    const rows = await this.ctx.db.tuples(
      `SELECT ${LIST_COLUMNS} FROM residents WHERE ${cond} ORDER BY id ASC LIMIT ? OFFSET ?`, [...params, filter.limit, filter.offset],
    );
    const items = rows.map(listItem);
    // A short page is the last one: its total is known without counting.
    const total = items.length > 0 && items.length < filter.limit
      ? filter.offset + items.length
      : Number((await this.ctx.db.rows<{ n: unknown }>(`SELECT COUNT(*) AS n FROM residents WHERE ${cond}`, params))[0].n);
    return { items, total };
  }

  /**
   * Loads a resident the caller works on; anything else (other station, none, county admin) is a
   * 404, and so is an erased resident unless `erased` asks for it: once erased, a resident is gone
   * from every door but the audit log.
   */
  async load(actor: Actor, id: number, options: { erased?: boolean } = {}): Promise<Resident> {
    const r = await this.ctx.db.manager.findOne(Resident, { where: { id } });
    if (!r) throw notFound('居民');
    assertCases(actor, r.stationId, '居民');
    if (r.erasedAt && !options.erased) throw notFound('居民');
    return r;
  }

  /** A worker's read of a resident's detail: allowed for their station only, and written to the audit log. */
  async read(actor: Actor, id: number): Promise<Resident> {
    const r = await this.load(actor, id);
    await this.audit(actor, r, 'read');
    return r;
  }

  private async audit(actor: Actor, r: Resident, action: Parameters<AuditService['record']>[0]['action'], detail: string | null = null, em?: EntityManager): Promise<void> {
    await this.deps.audit.record({ stationId: r.stationId, residentId: r.id, workerId: actor.kind === 'worker' ? actor.id : null, action, detail }, em);
  }

  /** Changes a resident; the audit entry names the fields changed, never their values. */
  async update(actor: Actor, id: number, patch: ResidentPatch): Promise<Resident> {
    const r = await this.load(actor, id);
    return this.updateLoaded(r, actor.kind === 'worker' ? actor.id : null, patch);
  }

  /** Changes an already authorised resident (the API after `load`, the import). */
  async updateLoaded(r: Resident, workerId: number | null, patch: ResidentPatch, detail?: string): Promise<Resident> {
    if (r.erasedAt) throw notFound('居民');
    const cols = this.columns(patch, r);
    const fields = Object.keys(patch).filter((k) => (patch as Record<string, unknown>)[k] !== undefined);
    try {
      return await this.ctx.db.transaction(async (em) => {
        if (patch.communityId !== undefined) await this.assertCommunity(em, r.stationId, patch.communityId);
        if (Object.keys(cols).length) {
          // Conditional: an erase that got in between wins, and nothing is written back.
          const done = await em.update(Resident, { id: r.id, erasedAt: IsNull() }, cols);
          if (!done.affected) throw notFound('居民');
        }
        await this.deps.audit.record({ stationId: r.stationId, residentId: r.id, workerId, action: 'update', detail: detail ?? fields.join(',') }, em);
        return em.findOneByOrFail(Resident, { id: r.id });
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict('duplicate_id_number', '本站已有该身份证号的居民');
      throw err;
    }
  }

  /**
   * DELETE is soft: the resident becomes `inactive` (no reminders, no notices) and stays in the
   * statistics and history. Removing personal data is `erase`, the PIPL path.
   */
  async deactivate(actor: Actor, id: number): Promise<Resident> {
    const r = await this.load(actor, id);
    await this.ctx.db.transaction(async (em) => {
      await em.update(Resident, { id: r.id }, { status: 'inactive' });
      await this.audit(actor, r, 'delete', null, em);
    });
    return this.ctx.db.manager.findOneByOrFail(Resident, { id: r.id });
  }

  /** A fresh one-time binding code for the resident (earlier ones stop working). */
  async bindingCode(actor: Actor, id: number): Promise<{ code: string; expiresAt: Date }> {
    const r = await this.load(actor, id);
    const code = await this.deps.binding.issue(r.stationId, 'resident', r.id);
    await this.audit(actor, r, 'binding_code');
    return code;
  }

  /** Adds a family contact with a binding code to pass on to them. */
  async addFamily(actor: Actor, residentId: number, input: FamilyCreate): Promise<{ family: FamilyContact; code: string; expiresAt: Date }> {
    const r = await this.load(actor, residentId);
    const family = await this.ctx.db.transaction(async (em) => {
      const f = await em.save(FamilyContact, em.create(FamilyContact, {
        residentId: r.id, stationId: r.stationId, name: input.name, relation: input.relation,
        phone: input.phone ? normalisePhone(input.phone) : null, wechatContactId: null,
      }));
      await this.audit(actor, r, 'family_create', `family:${f.id}`, em);
      return f;
    });
    const { code, expiresAt } = await this.deps.binding.issue(r.stationId, 'family', family.id);
    return { family, code, expiresAt };
  }

  /** A resident's family contacts. */
  async listFamily(actor: Actor, residentId: number): Promise<FamilyContact[]> {
    const r = await this.load(actor, residentId);
    return this.ctx.db.manager.find(FamilyContact, { where: { residentId: r.id }, order: { id: 'ASC' } });
  }

  /** Loads a family contact of the caller's station, 404 otherwise. */
  async loadFamily(actor: Actor, id: number): Promise<FamilyContact> {
    const f = await this.ctx.db.manager.findOne(FamilyContact, { where: { id } });
    if (!f) throw notFound('家属');
    assertCases(actor, f.stationId, '家属');
    return f;
  }

  /** A fresh binding code for a family contact. */
  async familyBindingCode(actor: Actor, id: number): Promise<{ code: string; expiresAt: Date }> {
    const f = await this.loadFamily(actor, id);
    return this.deps.binding.issue(f.stationId, 'family', f.id);
  }

  /** Removes a family contact (and their unused codes). */
  async deleteFamily(actor: Actor, id: number): Promise<void> {
    const f = await this.loadFamily(actor, id);
    await this.ctx.db.transaction(async (em) => {
      await em.delete(BindingCode, { targetType: 'family', targetId: f.id });
      await em.delete(FamilyContact, { id: f.id });
      await this.deps.audit.record({ stationId: f.stationId, residentId: f.residentId, workerId: actor.kind === 'worker' ? actor.id : null, action: 'family_delete', detail: `family:${f.id}` }, em);
    });
  }

  /** The resident a mini-program user is bound to, or null. */
  async byOpenid(openid: string): Promise<Resident | null> {
    return this.ctx.db.manager.findOne(Resident, { where: { openid, erasedAt: IsNull() } });
  }
}
