import { IsNull } from 'typeorm';
import { FamilyContact, Resident } from '../entities';
import type { Actor } from './auth';
import type { AuditService } from './audit';
import type { Infra } from './infra';
import { notFound } from './errors';
import { assertCases, canCallFor } from './permissions';

/** The numbers to call about one resident: theirs and their family's, in full. */
export interface ContactNumbers {
  phone: string | null;
  family: { id: number; name: string; relation: string; phone: string | null }[];
}

/**
 * Full phone numbers, for the people who must call: the workers of the resident's own station (each
 * read audited) and the alert texts sent to those workers' bound WeChat. Lists and logs keep masking.
 */
export class ContactService {
  constructor(
    private readonly ctx: Infra,
    private readonly deps: { audit: AuditService },
  ) {}

  /** `GET /api/residents/:id/contact`: workers of the resident's station only (404 otherwise), audited. */
  async read(actor: Actor, residentId: number): Promise<ContactNumbers> {
    const r = await this.ctx.db.manager.findOne(Resident, { where: { id: residentId, erasedAt: IsNull() } });
    if (!r) throw notFound('居民');
    assertCases(actor, r.stationId, '居民');
    const numbers = await this.numbers(r);
    await this.deps.audit.record({ stationId: r.stationId, residentId: r.id, workerId: actor.kind === 'worker' ? actor.id : null, action: 'contact_read' });
    return numbers;
  }

  private async numbers(r: Pick<Resident, 'id' | 'phone'>): Promise<ContactNumbers> {
    const family = await this.ctx.db.manager.find(FamilyContact, { where: { residentId: r.id }, order: { id: 'ASC' } });
    return { phone: r.phone, family: family.map((f) => ({ id: f.id, name: f.name, relation: f.relation, phone: f.phone })) };
  }

  /**
   * The line a worker's alert text carries: `电话：王秀英 13800000000；王小明（儿子）13900000000`, or
   * null when nobody has a number on record. For the resident calling for help, or a worker of
   * their station (anyone else: 404).
   */
  async callLine(actor: Actor, residentId: number): Promise<string | null> {
    const r = await this.ctx.db.manager.findOne(Resident, { where: { id: residentId }, select: { id: true, stationId: true, name: true, phone: true } });
    if (!r || !canCallFor(actor, r)) throw notFound('居民');
    const n = await this.numbers(r);
    const parts = [
      ...(n.phone ? [`${r.name} ${n.phone}`] : []),
      ...n.family.filter((f) => f.phone).map((f) => `${f.name}（${f.relation}）${f.phone}`),
    ];
    return parts.length ? `电话：${parts.join('；')}` : null;
  }
}
