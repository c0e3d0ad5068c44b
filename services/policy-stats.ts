import { In } from 'typeorm';
import { PolicyQuestionWeek, Station } from '../entities';
import type { Actor } from './auth';
import { isUniqueViolation, notFound } from './errors';
import type { Infra } from './infra';
import { ownStationId } from './permissions';
import { addDays, localDate, localWeekday } from './time';

export type QuestionOutcome = 'answered' | 'unanswered' | 'resolved';

/** The Monday (local date) of the week holding `at`. */
function weekOf(at: Date): string {
  return addDays(localDate(at), -((localWeekday(at) + 6) % 7));
}

export interface WeekCounts {
  /** Monday of the week, `YYYY-MM-DD` */
  week: string;
  answered: number;
  unanswered: number;
  resolved: number;
}

/**
 * How a station's residents' questions fare, week by week: how many the bot answered, how many it could
 * not, and how many of those the workers resolved into an example question or a new policy (the next
 * resident who asks gets the answer).
 */
export class PolicyStatsService {
  constructor(private readonly infra: Infra) {}

  /** Counts one question of a station in the current week (atomic on both engines). */
  async count(stationId: number, outcome: QuestionOutcome): Promise<void> {
    const week = weekOf(this.infra.clock.now());
    const repo = this.infra.db.manager.getRepository(PolicyQuestionWeek);
    const bump = () =>
      repo.createQueryBuilder().update().set({ [outcome]: () => `${outcome} + 1` }).where({ stationId, week }).execute();
    if ((await bump()).affected) return;
    try {
      await repo.insert({ stationId, week, answered: 0, unanswered: 0, resolved: 0, [outcome]: 1 });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      await bump();
    }
  }

  /**
   * The last `weeks` weeks, oldest first, weeks without questions as zeros: a station's own (its workers),
   * or the county's stations added up, or one of them (a county admin).
   */
  async weekly(actor: Actor, filter: { stationId?: number; weeks: number }): Promise<WeekCounts[]> {
    const stations = await this.readableStations(actor, filter.stationId);
    const last = weekOf(this.infra.clock.now());
    const first = addDays(last, -7 * (filter.weeks - 1));
    const weeks: WeekCounts[] = [];
    for (let w = first; w <= last; w = addDays(w, 7)) weeks.push({ week: w, answered: 0, unanswered: 0, resolved: 0 });
    if (!stations.length) return weeks;
    const rows = await this.infra.db.manager.find(PolicyQuestionWeek, { where: { stationId: In(stations) } });
    const byWeek = new Map(weeks.map((w) => [w.week, w]));
    for (const r of rows) {
      const w = byWeek.get(r.week);
      if (!w) continue;
      w.answered += r.answered;
      w.unanswered += r.unanswered;
      w.resolved += r.resolved;
    }
    return weeks;
  }

  private async readableStations(actor: Actor, stationId?: number): Promise<number[]> {
    if (actor.kind === 'worker' && actor.role === 'county_admin') {
      const ids = (await this.infra.db.manager.find(Station, { where: { county: actor.county }, select: { id: true } })).map((s) => s.id);
      if (stationId === undefined) return ids;
      if (!ids.includes(stationId)) throw notFound('站点');
      return [stationId];
    }
    const own = ownStationId(actor);
    if (stationId !== undefined && stationId !== own) throw notFound('站点');
    return [own];
  }
}
