import { PRIORITY } from '../../entities';
import type { Infra } from '../infra';
import type { AccountStatusService } from '../accounts';
import type { AlertService } from '../alerts';
import type { NotifyService } from '../notify';
import type { OutboxService, OutgoingMessage } from '../outbox';
import { dbInstant, placeholders } from '../db';
import { workerRows } from '../messaging/audience';
import { localDate, localMinutes } from '../time';

/** The peer services a sweep uses. */
export interface SweepDeps {
  accounts: AccountStatusService;
  alerts: AlertService;
  notify: NotifyService;
  outbox: OutboxService;
}

/** How many days (rows) one step handles per round trip: bounded memory, short statements. */
export const CHUNK = 1000;

/** A JSON column read by a raw query (text on both engines). */
export function parseJson<T>(v: unknown, fallback: T): T {
  if (v === null || v === undefined || v === '') return fallback;
  if (typeof v !== 'string') return v as T;
  try {
    return JSON.parse(v) as T;
  } catch {
    return fallback;
  }
}

export interface FamilyRow {
  id: number;
  residentId: number;
  name: string;
  relation: string;
  phone: string | null;
  wechatContactId: string | null;
}

interface WorkerRef {
  id: number;
  wechatContactId: string;
}

/**
 * What every step of one sweep shares: the instant it runs for (its local day and minute), the
 * peers, and the helpers that touch many days at once. One scope per run of the `checkins` job.
 */
export class SweepScope {
  readonly today: string;
  readonly minute: number;
  readonly nowDb: string;
  private readonly workerCache = new Map<string, WorkerRef[]>();

  constructor(
    readonly ctx: Infra,
    readonly deps: SweepDeps,
    readonly at: Date,
  ) {
    this.today = localDate(at);
    this.minute = localMinutes(at);
    this.nowDb = dbInstant(at);
  }

  /** `UPDATE checkin_days SET … WHERE id IN (…) AND <guard>`, chunked; returns rows changed. */
  async updateIds(ids: number[], set: string, setParams: unknown[], guard: string): Promise<number> {
    let n = 0;
    for (let i = 0; i < ids.length; i += CHUNK) {
      const part = ids.slice(i, i + CHUNK);
      n += await this.ctx.db.exec(
        `UPDATE checkin_days SET ${set}, updatedAt = ? WHERE id IN (${placeholders(part.length)}) AND ${guard}`,
        [...setParams, this.nowDb, ...part],
      );
    }
    return n;
  }

  private async boundWorkers(stationId: number, roles: ('worker' | 'station_admin')[] = ['worker', 'station_admin']): Promise<WorkerRef[]> {
    const key = `${stationId}:${roles.join(',')}`;
    let ws = this.workerCache.get(key);
    if (!ws) {
      ws = (await this.deps.notify.boundWorkers(stationId, roles)).map((w) => ({ id: w.id, wechatContactId: w.wechatContactId! }));
      this.workerCache.set(key, ws);
    }
    return ws;
  }

  /** Urgent messages to a station's bound workers, one dedupe key per worker. */
  async toWorkers(stationId: number, text: string, kind: string, dedupeKey: string, ref: { refType: string; refId: number } | null, roles?: ('worker' | 'station_admin')[]): Promise<OutgoingMessage[]> {
    let ws = await this.boundWorkers(stationId, roles);
    if (!ws.length && roles) ws = await this.boundWorkers(stationId);
    return workerRows(stationId, ws, text, { kind, priority: PRIORITY.alert, urgent: true, dedupeKey, refType: ref?.refType ?? null, refId: ref?.refId ?? null });
  }

  /** Each resident's family contacts, oldest first. */
  async familyOf(residentIds: number[]): Promise<Map<number, FamilyRow[]>> {
    const out = new Map<number, FamilyRow[]>();
    if (!residentIds.length) return out;
    const rows = await this.ctx.db.rows<FamilyRow>(
      `SELECT id, residentId, name, relation, phone, wechatContactId FROM family_contacts
       WHERE residentId IN (${placeholders(residentIds.length)}) ORDER BY id`,
      residentIds,
    );
    for (const f of rows) {
      const rid = Number(f.residentId);
      if (!out.has(rid)) out.set(rid, []);
      out.get(rid)!.push({ id: Number(f.id), residentId: rid, name: f.name, relation: f.relation, phone: f.phone, wechatContactId: f.wechatContactId });
    }
    return out;
  }
}
