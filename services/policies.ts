import { EntityManager, IsNull } from 'typeorm';
import { z } from 'zod';
import { Policy, PolicyAmount, Station } from '../entities';
import type { Actor } from './auth';
import type { Infra } from './infra';
import { badRequest, notFound, validationFailed } from './errors';
import { assertCanEditPolicy, canSeePolicy, canWorkCases, policyOwner } from './permissions';
import type { PolicyAmountService } from './policy-amounts';
import type { PolicyIndex } from './policy-index';
import { dateSchema } from './schemas';
import { fitsTextColumn, freeText, plainText, TEXT_COLUMN_BYTES } from './text';

const textList = (max: number) =>
  z.array(plainText(max)).max(100).refine((l) => fitsTextColumn(l), `内容太长（合计最多约 ${Math.floor(TEXT_COLUMN_BYTES / 3)} 个汉字）`);

const policyShape = {
  title: plainText(200),
  category: plainText(50),
  summary: freeText(1000, { min: 1 }),
  content: freeText(50_000, { min: 1 }),
  steps: textList(500),
  materials: textList(100),
  keywords: textList(50),
  questions: textList(200),
  situations: textList(200),
  amount: z.string().trim().max(200, '金额说明最多200个字').nullish(),
  source: z.string().trim().max(300).nullish(),
  effectiveFrom: dateSchema.nullish(),
  effectiveTo: dateSchema.nullish(),
  stationId: z.number().int().positive().nullish(),
};

/** What a policy is made of; every field optional, as a PATCH takes it. */
export const policyPatch = z.object(policyShape).partial();

/** A whole policy, as the API and the import take it. */
export const policyInput = z
  .object({
    ...policyShape,
    steps: textList(500).default([]),
    materials: textList(100).default([]),
    keywords: textList(50).default([]),
    questions: textList(200).default([]),
    situations: textList(200).default([]),
  })
  .refine((p) => !p.effectiveFrom || !p.effectiveTo || p.effectiveFrom <= p.effectiveTo, {
    message: '失效日期不能早于生效日期',
    path: ['effectiveTo'],
  });

/** Policies one import may hold (a county's whole list is a few hundred). */
export const MAX_POLICY_IMPORT = 2000;

/**
 * The policy catalogue: who sees and who edits which policy, the local amounts, and every change,
 * each told to the search index at once (services/policy-index.ts). Questions are answered by
 * services/policy-answers.ts, spreadsheets and the shipped knowledge base read by policy-import.ts.
 */
export class PolicyService {
  constructor(
    private readonly ctx: Infra,
    private readonly peers: { amounts: PolicyAmountService; index: PolicyIndex },
  ) {}

  /** A policy the caller may see: shared ones for everybody, a station's own for that station. */
  async get(actor: Actor, id: number, stationId?: number): Promise<Policy> {
    const p = await this.ctx.db.manager.findOne(Policy, { where: { id } });
    if (!p || !(await this.visible(actor, p, stationId))) throw notFound('政策');
    return p;
  }

  /** Whether the caller may see the policy (the rule: `canSeePolicy`). */
  private async visible(actor: Actor, p: Policy, stationId?: number): Promise<boolean> {
    if (p.stationId === null || stationId === p.stationId || actor.kind === 'resident' || actor.kind === 'contact') {
      return canSeePolicy(actor, p, null, stationId);
    }
    return canSeePolicy(actor, p, await this.ctx.db.manager.findOne(Station, { where: { id: p.stationId } }), stationId);
  }

  /** A policy in force that the caller may see asking on `stationId`'s behalf (the bot's 详细), or null. */
  async findForStation(actor: Actor, stationId: number, id: number): Promise<Policy | null> {
    const p = await this.ctx.db.manager.findOne(Policy, { where: { id } });
    return p && this.peers.index.inForce(p) && canSeePolicy(actor, p, null, stationId) ? p : null;
  }

  /** Lists policies by category (shared, plus the station's own). */
  async list(actor: Actor, filter: { category?: string; stationId?: number; limit: number; offset: number }): Promise<{ items: Policy[]; total: number }> {
    const station = filter.stationId ?? (actor.kind === 'worker' || actor.kind === 'resident' ? actor.stationId : null) ?? null;
    const qb = this.ctx.db.manager.createQueryBuilder(Policy, 'p');
    qb.where(station ? '(p.stationId IS NULL OR p.stationId = :station)' : 'p.stationId IS NULL', { station });
    if (filter.category) qb.andWhere('p.category = :category', { category: filter.category });
    const [items, total] = await qb.orderBy('p.category', 'ASC').addOrderBy('p.id', 'ASC').take(filter.limit).skip(filter.offset).getManyAndCount();
    return { items, total };
  }

  /** Who owns a new policy (the rule: `policyOwner`). */
  private async ownerFor(actor: Actor, requested: number | null | undefined): Promise<number | null> {
    const countyAdmin = actor.kind === 'worker' && actor.role === 'county_admin' && requested != null;
    return policyOwner(actor, requested, countyAdmin ? await this.ctx.db.manager.findOne(Station, { where: { id: requested } }) : null);
  }

  /** Throws unless the caller may edit the policy (the rule: `assertCanEditPolicy`). */
  async assertCanEdit(actor: Actor, p: Policy): Promise<void> {
    const needsStation = p.stationId !== null && actor.kind === 'worker' && !canWorkCases(actor, p.stationId);
    assertCanEditPolicy(actor, p, needsStation ? await this.ctx.db.manager.findOne(Station, { where: { id: p.stationId! } }) : null);
  }

  private entity(input: z.output<typeof policyInput>, stationId: number | null): Partial<Policy> {
    return {
      stationId, title: input.title, category: input.category, summary: input.summary, content: input.content,
      steps: input.steps, materials: input.materials, keywords: input.keywords, questions: input.questions,
      // a shared policy's amount is the county's (PolicyAmountService), a station's own is on its row
      situations: input.situations, amount: stationId === null ? null : input.amount || null, source: input.source ?? null, effectiveFrom: input.effectiveFrom ?? null, effectiveTo: input.effectiveTo ?? null,
    };
  }

  async create(actor: Actor, input: z.output<typeof policyInput>): Promise<Policy> {
    const stationId = await this.ownerFor(actor, input.stationId);
    const p = await this.ctx.db.transaction(async (em) => {
      const saved = await em.save(Policy, em.create(Policy, this.entity(input, stationId)));
      await this.setCountyAmount(actor, saved, input.amount, em);
      return saved;
    });
    this.peers.index.remember(p);
    return this.withAmount(actor, p);
  }

  /** A county admin's amount of a shared policy is their county's. */
  private async setCountyAmount(actor: Actor, p: Policy, amount: string | null | undefined, em?: EntityManager): Promise<void> {
    if (p.stationId !== null || amount === undefined || actor.kind !== 'worker') return;
    await this.peers.amounts.setForCounty(p.id, actor.county, amount, em);
  }

  /** The policy with the amount its reader sees (their county's for a shared policy). */
  private async withAmount(actor: Actor, p: Policy, stationId?: number): Promise<Policy> {
    return Object.assign(new Policy(), p, { amount: await this.peers.amounts.forReader(actor, p, stationId) });
  }

  /** A policy with the amount its reader sees: GET /api/policies/:id. */
  async view(actor: Actor, id: number, stationId?: number): Promise<Policy> {
    return this.withAmount(actor, await this.get(actor, id, stationId), stationId);
  }

  /** The amount residents of `county` see for a policy (the bot's answers). */
  async amountFor(p: Policy, county: string | null): Promise<string | null> {
    return this.peers.amounts.forCounty(p, county);
  }

  /** Creates many at once, all or none (each validated first; errors name the item); at most MAX_POLICY_IMPORT. */
  async import(actor: Actor, items: unknown[]): Promise<Policy[]> {
    if (items.length > MAX_POLICY_IMPORT) throw badRequest('import_too_large', `一次最多导入 ${MAX_POLICY_IMPORT} 条政策，请拆分`);
    const parsed = items.map((it, i) => ({ i, r: policyInput.safeParse(it) }));
    const bad = parsed.filter((x) => !x.r.success);
    if (bad.length) {
      throw validationFailed(
        bad.flatMap((b) => (b.r.success ? [] : b.r.error.issues.map((e) => ({ index: b.i, path: e.path.join('.'), message: e.message })))),
        `第 ${bad.map((b) => b.i + 1).join('、')} 条有误，未导入任何政策`,
      );
    }
    const rows: Partial<Policy>[] = [];
    for (const x of parsed) rows.push(this.entity(x.r.data!, await this.ownerFor(actor, x.r.data!.stationId)));
    const saved = await this.ctx.db.transaction(async (em) => {
      const created = await em.save(Policy, rows.map((r) => em.create(Policy, r)));
      for (let i = 0; i < created.length; i++) await this.setCountyAmount(actor, created[i], parsed[i].r.data!.amount, em);
      return created;
    });
    for (const p of saved) this.peers.index.remember(p);
    return saved;
  }

  async update(actor: Actor, id: number, patch: z.output<typeof policyPatch>): Promise<Policy> {
    const p = await this.get(actor, id);
    await this.assertCanEdit(actor, p);
    const merged = policyInput.safeParse({ ...p, situations: p.situations ?? [], ...patch, stationId: p.stationId });
    if (!merged.success) throw validationFailed(merged.error.issues.map((e) => ({ path: e.path.join('.'), message: e.message })));
    await this.ctx.db.transaction(async (em) => {
      await em.update(Policy, { id }, this.entity(merged.data, p.stationId));
      await this.setCountyAmount(actor, p, patch.amount, em);
    });
    const fresh = await this.ctx.db.manager.findOneByOrFail(Policy, { id });
    this.peers.index.remember(fresh);
    return this.withAmount(actor, fresh);
  }

  async remove(actor: Actor, id: number): Promise<void> {
    const p = await this.get(actor, id);
    await this.assertCanEdit(actor, p);
    await this.ctx.db.transaction(async (em) => {
      await em.delete(PolicyAmount, { policyId: id });
      await em.delete(Policy, { id });
    });
    this.peers.index.forget(id);
  }

  /**
   * Adds shared policies whose titles are not there yet (the shipped knowledge base): running it
   * again changes nothing. Returns how many were added.
   */
  async addMissingShared(inputs: z.output<typeof policyInput>[]): Promise<number> {
    const existing = new Set((await this.ctx.db.manager.find(Policy, { where: { stationId: IsNull() }, select: { title: true } })).map((p) => p.title));
    const fresh = inputs.filter((p) => !existing.has(p.title)).map((p) => this.entity(p, null));
    if (fresh.length) {
      const saved = await this.ctx.db.transaction((em) => em.save(Policy, fresh.map((r) => em.create(Policy, r))));
      for (const p of saved) this.peers.index.remember(p);
    }
    return fresh.length;
  }
}

