import type { EntityManager } from 'typeorm';
import { AuditEntry, Resident, Worker } from '../entities';
import type { Actor } from './auth';
import type { Infra } from './infra';
import { dbInstant } from './db';
import { notFound } from './errors';
import { assertCases, assertStationAdmin, ownStationId } from './permissions';

/** What can be recorded about a resident's personal data (PIPL: who looked, who changed). */
type AuditAction =
  | 'read' | 'list' | 'export' | 'create' | 'update' | 'delete' | 'erase' | 'import'
  | 'family_create' | 'family_delete' | 'family_read' | 'binding_code' | 'contact_read';

export interface AuditInput {
  stationId: number;
  residentId: number | null;
  workerId: number | null;
  action: AuditAction;
  /** Field names or counts only, never the personal data itself. */
  detail?: string | null;
}

const INSERT = 'INSERT INTO audit_log (stationId, residentId, workerId, action, detail, at) VALUES ';
const ROW = '(?, ?, ?, ?, ?, ?)';
/** Rows per INSERT of waiting entries (6 parameters each, far below either engine's limit). */
const FLUSH_ROWS = 500;

/** The audit log of reads and changes of residents' personal data, for the station admin. */
export class AuditService {
  /** Entries made outside a transaction that wait for the next write, with their callers. */
  private waiting: { params: unknown[]; settle: (err?: unknown) => void }[] = [];
  /** A write of waiting entries is scheduled or under way: new entries wait for the one after it. */
  private flushing = false;

  constructor(private readonly ctx: Infra) {}

  /**
   * Writes one entry at the application clock's now, inside `em`'s transaction when given. Outside
   * one, entries are written in groups, one INSERT at a time: those made while a write is under way
   * go together in the next (every read of personal data makes one, so they are on the hottest paths,
   * and on MariaDB each commit waits for the disk). Each caller still returns only once its entry is
   * written, so nothing is shown before it is audited.
   */
  async record(input: AuditInput, em?: EntityManager): Promise<void> {
    const params = [input.stationId, input.residentId, input.workerId, input.action, input.detail ?? null, dbInstant(this.ctx.clock.now())];
    if (em) {
      await em.query(`${INSERT}${ROW}`, params);
      return;
    }
    await new Promise<void>((resolve, reject) => {
      this.waiting.push({ params, settle: (err) => (err === undefined ? resolve() : reject(err)) });
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    while (this.waiting.length) {
      const part = this.waiting.splice(0, FLUSH_ROWS);
      try {
        await this.ctx.db.execOutside(INSERT + part.map(() => ROW).join(', '), part.flatMap((w) => w.params));
        for (const w of part) w.settle();
      } catch (err) {
        for (const w of part) w.settle(err);
      }
    }
    this.flushing = false;
  }

  /**
   * The audit log as the caller may read it: their own station's, station admins only; a resident
   * of another station is a 404 like everywhere else.
   */
  async listFor(actor: Actor, filter: { residentId?: number; limit: number; offset: number }) {
    const stationId = ownStationId(actor);
    if (filter.residentId) {
      const r = await this.ctx.db.manager.findOne(Resident, { where: { id: filter.residentId }, select: { id: true, stationId: true } });
      if (!r) throw notFound('居民');
      assertCases(actor, r.stationId, '居民');
    }
    assertStationAdmin(actor, stationId);
    return this.list(stationId, filter);
  }

  /** A station's entries, newest first, optionally for one resident, with the worker's name. */
  async list(
    stationId: number,
    filter: { residentId?: number; limit: number; offset: number },
  ): Promise<{ items: (AuditEntry & { workerName: string | null })[]; total: number }> {
    const m = this.ctx.db.manager;
    const where = { stationId, ...(filter.residentId ? { residentId: filter.residentId } : {}) };
    const [rows, total] = await m.findAndCount(AuditEntry, { where, order: { id: 'DESC' }, take: filter.limit, skip: filter.offset });
    const ids = [...new Set(rows.map((r) => r.workerId).filter((id): id is number => id !== null))];
    const workers = ids.length ? await m.createQueryBuilder(Worker, 'w').select(['w.id', 'w.name']).whereInIds(ids).getMany() : [];
    const names = new Map(workers.map((w) => [w.id, w.name]));
    return { items: rows.map((r) => Object.assign(r, { workerName: r.workerId ? names.get(r.workerId) ?? null : null })), total };
  }
}
