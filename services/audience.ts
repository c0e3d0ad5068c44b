import { z } from 'zod';
import { In } from 'typeorm';
import { Community, CommunityRoom, Resident, RESIDENT_TAGS } from '../entities';
import type { Audience, ResidentTag } from '../entities';
import type { Infra } from './infra';
import { badRequest, notFound } from './errors';

const TAG_WORDS: Record<ResidentTag, string> = {
  empty_nest_elder: '空巢老人', living_alone: '独居老人', left_behind_child: '留守儿童', left_behind_elder: '留守老人',
  left_behind_woman: '留守妇女', disabled: '残疾人', low_income: '低保对象', extreme_poverty: '特困人员',
  child_in_difficulty: '困境儿童', orphan: '孤儿',
};

/** An audience as both doors accept it; unknown tags are named in the message. */
export const audienceSchema = z.object({
  all: z.boolean().optional(),
  tags: z.array(z.string().max(40)).max(20).optional().superRefine((tags, c) => {
    const unknown = (tags ?? []).filter((t) => !(RESIDENT_TAGS as readonly string[]).includes(t));
    if (unknown.length) c.addIssue({ code: 'custom', message: `未知的标签：${unknown.join('、')}（可用：${RESIDENT_TAGS.join('、')}）` });
  }).transform((t) => (t ? [...new Set(t)] as ResidentTag[] : undefined)),
  communityIds: z.array(z.number().int().positive()).max(200).optional().transform((c) => (c ? [...new Set(c)] : undefined)),
  residentIds: z.array(z.number().int().positive()).max(5000).optional().transform((r) => (r ? [...new Set(r)] : undefined)),
  rooms: z.boolean().optional(),
}).strict();

/** A resident as an audience resolves it: what a notice needs, nothing more. */
export interface AudienceMember {
  id: number;
  name: string;
  gender: 'male' | 'female' | null;
  birthDate: string | null;
  tags: ResidentTag[];
  communityId: number;
  wechatContactId: string | null;
  optedOut: boolean;
}

/** The audience in words, for workers: `沙河村、化音村的独居老人`. */
export function describeAudience(a: Audience, communityNames: Map<number, string>): string {
  if (a.all) return '全站居民';
  const where = a.communityIds?.length ? a.communityIds.map((id) => communityNames.get(id) ?? `村${id}`).join('、') : '';
  const who = a.tags?.length ? a.tags.map((t) => TAG_WORDS[t]).join('、') : '居民';
  const named = a.residentIds?.length ? `指定的${a.residentIds.length}位居民` : '';
  return [where || who !== '居民' ? `${where ? `${where}的` : ''}${who}` : '', named].filter(Boolean).join('，') || '居民';
}

/** True when a resident is in the audience (tags and communities both narrow; named residents are always in). */
export function inAudience(r: Pick<Resident, 'id' | 'communityId' | 'tags'>, a: Audience): boolean {
  if (a.residentIds?.includes(r.id)) return true;
  if (a.all) return true;
  if (!a.communityIds?.length && !a.tags?.length) return false;
  if (a.communityIds?.length && !a.communityIds.includes(r.communityId)) return false;
  if (a.tags?.length && !a.tags.some((t) => (r.tags ?? []).includes(t))) return false;
  return true;
}

function parseTags(v: unknown): ResidentTag[] {
  if (Array.isArray(v)) return v as ResidentTag[];
  try {
    return JSON.parse(String(v ?? '[]')) as ResidentTag[];
  } catch {
    return [];
  }
}

/** Who an audience is, in one set-based query per station; its parts are checked against the station. */
export class AudienceService {
  constructor(private readonly ctx: Infra) {}

  private get db() {
    return this.ctx.db;
  }

  /** 400 for an empty audience, 404 for another station's communities or residents. */
  async validate(stationId: number, a: Audience): Promise<void> {
    if (!a.all && !a.tags?.length && !a.communityIds?.length && !a.residentIds?.length) {
      throw badRequest('empty_audience', '请选择发给谁：全站、某些村（社区）、某类居民或指定居民');
    }
    const m = this.db.manager;
    if (a.communityIds?.length) {
      const n = await m.count(Community, { where: { stationId, id: In(a.communityIds) } });
      if (n !== a.communityIds.length) throw notFound('村（社区）');
    }
    if (a.residentIds?.length) {
      const ids = a.residentIds;
      let found = 0;
      for (let i = 0; i < ids.length; i += 1000) found += await m.count(Resident, { where: { stationId, id: In(ids.slice(i, i + 1000)) } });
      if (found !== ids.length) throw notFound('居民');
    }
  }

  /** The active residents of the audience, with what a notice needs (one query; tags kept as JSON text are matched quoted). */
  async members(stationId: number, a: Audience): Promise<AudienceMember[]> {
    const where: string[] = [];
    const params: unknown[] = [stationId];
    if (!a.all) {
      const parts: string[] = [];
      if (a.communityIds?.length || a.tags?.length) {
        const and: string[] = [];
        if (a.communityIds?.length) {
          and.push(`communityId IN (${a.communityIds.map(() => '?').join(', ')})`);
          params.push(...a.communityIds);
        }
        if (a.tags?.length) {
          and.push(`(${a.tags.map(() => 'tags LIKE ?').join(' OR ')})`);
          params.push(...a.tags.map((t) => `%"${t}"%`));
        }
        parts.push(`(${and.join(' AND ')})`);
      }
      if (a.residentIds?.length) {
        parts.push(`id IN (${a.residentIds.map(() => '?').join(', ')})`);
        params.push(...a.residentIds);
      }
      if (!parts.length) return [];
      where.push(`(${parts.join(' OR ')})`);
    }
    const rows = await this.db.rows<Record<string, unknown>>(
      `SELECT id, name, gender, birthDate, tags, communityId, wechatContactId, optedOut FROM residents
       WHERE stationId = ? AND status = 'active' AND erasedAt IS NULL${where.length ? ` AND ${where.join(' AND ')}` : ''} ORDER BY id`,
      params,
    );
    return rows.map((r) => ({
      id: Number(r.id), name: String(r.name), gender: (r.gender as AudienceMember['gender']) ?? null, birthDate: (r.birthDate as string | null) ?? null,
      tags: parseTags(r.tags), communityId: Number(r.communityId), wechatContactId: (r.wechatContactId as string | null) ?? null,
      optedOut: Boolean(Number(r.optedOut)),
    }));
  }

  /** The WeChat groups of the audience's communities (all the station's for `all`), when the audience asks for rooms. */
  async rooms(stationId: number, a: Audience): Promise<CommunityRoom[]> {
    if (!a.rooms) return [];
    const where = a.all || !a.communityIds?.length ? { stationId } : { stationId, communityId: In(a.communityIds) };
    return this.db.manager.find(CommunityRoom, { where, order: { id: 'ASC' } });
  }

  /** Community names of a station, for describing audiences. */
  async communityNames(stationId: number): Promise<Map<number, string>> {
    const rows = await this.db.manager.find(Community, { where: { stationId }, select: { id: true, name: true } });
    return new Map(rows.map((c) => [c.id, c.name]));
  }
}
