import { EntityManager, In, IsNull, Not } from 'typeorm';
import { AuditEntry, BindingCode, Conversation, FamilyContact, MessageLog, OutboxMessage, Resident, Worker } from '../entities';
import type { Actor } from './auth';
import type { Infra } from './infra';
import type { AuditService } from './audit';
import type { ResidentService } from './residents';
import { ERASED_TEXT } from './chat';
import { conflict, notFound } from './errors';
import { aliasFor } from './notify';
import { assertStationAdmin, WorkerActor } from './permissions';

/** A part of a resident's export (PIPL) held by another feature: bookings, check-ins, … */
export type ExportSection = (em: EntityManager, resident: Resident) => Promise<unknown>;
/** Removes another feature's personal data of a resident being erased, inside the erase transaction. */
export type EraseHook = (em: EntityManager, resident: Resident) => Promise<void>;

const ERASED_NAME = '已删除';
/** Audit entries in an export: all of them in practice (every read adds one). */
const EXPORT_AUDIT_MAX = 100_000;

/**
 * A resident's rights over their personal data (PIPL): the export of everything held on them and
 * the erase. Each feature holding personal data registers its export section and erase hook here.
 */
export class PrivacyService {
  private readonly exportSections = new Map<string, ExportSection>();
  private readonly eraseHooks: EraseHook[] = [];

  constructor(
    private readonly ctx: Infra,
    private readonly deps: { audit: AuditService; residents: ResidentService },
  ) {}

  /** Lets another feature add its records to the export (`GET /api/residents/:id/export`). */
  registerExportSection(name: string, section: ExportSection): void {
    this.exportSections.set(name, section);
  }

  /** Lets another feature remove its personal data when a resident is erased. */
  registerEraseHook(hook: EraseHook): void {
    this.eraseHooks.push(hook);
  }

  private async audit(actor: Actor, r: Resident, action: 'export' | 'erase', em?: EntityManager): Promise<void> {
    await this.deps.audit.record({ stationId: r.stationId, residentId: r.id, workerId: actor.kind === 'worker' ? actor.id : null, action, detail: null }, em);
  }

  /**
   * Everything held on a resident (PIPL right of access): the record, family contacts, binding
   * codes issued, the audit trail, alerts and conversations, and each feature's own section. The
   * ID number is never output, only whether one is held.
   */
  async export(actor: Actor, id: number): Promise<{ resident: Resident; family: FamilyContact[]; audit: (AuditEntry & { workerName: string | null })[]; sections: Record<string, unknown> }> {
    const r = await this.deps.residents.load(actor, id);
    await this.audit(actor, r, 'export');
    const m = this.ctx.db.manager;
    const family = await m.find(FamilyContact, { where: { residentId: r.id }, order: { id: 'ASC' } });
    // The same entries, with the same worker names, as `GET /api/audit` shows; oldest first here.
    const audit = (await this.deps.audit.list(r.stationId, { residentId: r.id, limit: EXPORT_AUDIT_MAX, offset: 0 })).items.reverse();
    const sections: Record<string, unknown> = {};
    for (const [name, section] of this.exportSections) sections[name] = await section(m, r);
    return { resident: r, family, audit, sections };
  }

  /**
   * Erases a resident's personal data (station admin): name, phone, ID number, address and WeChat
   * links go, family contacts and chat history too; tags, community, status and history stay so
   * that statistics still count them, anonymously.
   */
  async erase(actor: Actor, id: number): Promise<Resident> {
    const r = await this.deps.residents.load(actor, id, { erased: true });
    // Erased is gone for everyone (404) but the station admin, who learns it was done already (409).
    if (r.erasedAt && (actor as WorkerActor).role !== 'station_admin') throw notFound('居民');
    assertStationAdmin(actor, r.stationId, '居民');
    if (r.erasedAt) throw conflict('already_erased', '该居民的个人信息已删除');
    const now = this.ctx.clock.now();
    await this.ctx.db.transaction(async (em) => {
      const family = await em.find(FamilyContact, { where: { residentId: r.id } });
      const bound = [r.wechatContactId, ...family.map((f) => f.wechatContactId)].filter((c): c is string => !!c);
      // A contact someone else is bound as too (a worker whose mother this is) keeps their own history.
      const shared = await this.sharedContacts(em, r, bound);
      const contacts = bound.filter((c) => !shared.has(c));
      const aliases = [aliasFor('resident', r.id), ...family.map((f) => aliasFor('family', f.id))];
      if (contacts.length) {
        await em.delete(MessageLog, { stationId: r.stationId, contactId: In(contacts) });
        await em.delete(Conversation, { stationId: r.stationId, contactId: In(contacts) });
      }
      // Messages to them: the pending ones are not sent; the texts of all go (the rows stay for counts).
      const toThem = [
        ...(contacts.length ? [{ stationId: r.stationId, toContactId: In(contacts) }] : []),
        { stationId: r.stationId, toAlias: In(aliases) },
      ];
      for (const where of toThem) {
        await em.update(OutboxMessage, { ...where, status: 'pending' }, { status: 'cancelled' });
        await em.update(OutboxMessage, where, { text: ERASED_TEXT });
      }
      await em.delete(BindingCode, { targetType: 'resident', targetId: r.id });
      if (family.length) {
        await em.delete(BindingCode, { targetType: 'family', targetId: In(family.map((f) => f.id)) });
        await em.delete(FamilyContact, { residentId: r.id });
      }
      const done = await em.update(Resident, { id: r.id, erasedAt: IsNull() }, {
        name: ERASED_NAME, phone: null, idNumberEnc: null, idNumberHash: null, address: null, birthDate: null,
        wechatContactId: null, openid: null, optedOut: true, status: 'inactive', erasedAt: now,
      });
      if (!done.affected) throw conflict('already_erased', '该居民的个人信息已删除');
      for (const hook of this.eraseHooks) await hook(em, r);
      await this.audit(actor, r, 'erase', em);
    });
    return this.ctx.db.manager.findOneByOrFail(Resident, { id: r.id });
  }

  /** Which of these contacts of the station are bound to someone other than the resident and their family. */
  private async sharedContacts(em: EntityManager, r: Resident, contacts: string[]): Promise<Set<string>> {
    if (!contacts.length) return new Set();
    const where = { stationId: r.stationId, wechatContactId: In(contacts) };
    // One after another: inside a transaction there is one connection.
    const workers = await em.find(Worker, { where, select: { id: true, wechatContactId: true } });
    const family = await em.find(FamilyContact, { where: { ...where, residentId: Not(r.id) }, select: { id: true, wechatContactId: true } });
    const residents = await em.find(Resident, { where: { ...where, id: Not(r.id) }, select: { id: true, wechatContactId: true } });
    return new Set([...workers, ...family, ...residents].map((x) => x.wechatContactId!));
  }
}
