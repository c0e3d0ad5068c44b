import { placeholders } from '../db';
import type { OutgoingMessage } from '../outbox';
import type { UnreachableReason } from '../../entities';
import { checkinUnreachableAlertKey, checkinUnreachableListKey } from '../messaging/keys';
import { unreachableSummary, unreachableTexts, wallTime } from '../checkin-texts';
import { SweepScope } from './scope';

// The reachability steps of the check-in sweep: days whose elder the messages cannot reach become
// unreachable (not missed: the family is not alarmed for our failure), and the workers are told whom to phone.

/**
 * While a station's WeChat account is down nothing reaches its elders and their replies do not
 * reach us: today's started days there are unreachable at once (not missed).
 */
export async function accountsDown(s: SweepScope): Promise<number> {
  const down = s.deps.accounts.list().filter((a) => !a.up).map((a) => a.stationId);
  if (!down.length) return 0;
  return s.ctx.db.exec(
    `UPDATE checkin_days SET status = 'unreachable', unreachableReason = 'account_down', updatedAt = ?
     WHERE \`date\` = ? AND status IN ('pending', 'reminded') AND remindMinute <= ? AND stationId IN (${placeholders(down.length)})`,
    [s.nowDb, s.today, s.minute, ...down],
  );
}

/** Reminders that failed for good (and none still on its way or delivered): unreachable now, not at the deadline. */
export async function failedDeliveries(s: SweepScope): Promise<number> {
  return s.ctx.db.exec(
    `UPDATE checkin_days SET status = 'unreachable', unreachableReason = 'not_delivered', updatedAt = ?
     WHERE \`date\` = ? AND status = 'reminded'
       AND EXISTS (SELECT 1 FROM outbox o WHERE o.refType = 'checkin_day' AND o.refId = checkin_days.id AND o.status = 'failed')
       AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.refType = 'checkin_day' AND o.refId = checkin_days.id
                       AND o.status IN ('pending', 'sending', 'sent'))`,
    [s.nowDb, s.today],
  );
}

/**
 * At the deadline: a day none of whose reminders was delivered is unreachable (the family is not
 * alarmed for our failure); a day whose reminder was delivered and got no answer is missed.
 */
export async function deadlines(s: SweepScope): Promise<{ unreachable: number; missed: number }> {
  const unreachable = await s.ctx.db.exec(
    `UPDATE checkin_days SET status = 'unreachable', unreachableReason = 'not_delivered', updatedAt = ?
     WHERE \`date\` = ? AND status IN ('pending', 'reminded') AND deadlineMinute <= ?
       AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.refType = 'checkin_day' AND o.refId = checkin_days.id AND o.status = 'sent')`,
    [s.nowDb, s.today, s.minute],
  );
  const missed = await s.ctx.db.exec(
    `UPDATE checkin_days SET status = 'missed', missedAt = ?, updatedAt = ?
     WHERE \`date\` = ? AND status = 'reminded' AND deadlineMinute <= ?`,
    [s.nowDb, s.nowDb, s.today, s.minute],
  );
  return { unreachable, missed };
}

/**
 * Tells the workers, at once, which elders could not be reached today: one list per station and
 * run (dedupe per station, date and batch minute), and one alert per list for the console.
 */
export async function tellUnreachable(s: SweepScope): Promise<number> {
  const rows = await s.ctx.db.rows<{ id: number; stationId: number; name: string; phone: string | null; reason: UnreachableReason; community: string | null }>(
    `SELECT d.id, d.stationId, r.name, r.phone, d.unreachableReason AS reason, c.name AS community
     FROM checkin_days d JOIN residents r ON r.id = d.residentId LEFT JOIN communities c ON c.id = r.communityId
     WHERE d.\`date\` = ? AND d.status = 'unreachable' AND d.workersToldAt IS NULL
     ORDER BY d.stationId, c.name, d.id`,
    [s.today],
  );
  if (!rows.length) return 0;
  const byStation = new Map<number, typeof rows>();
  for (const r of rows) {
    const sid = Number(r.stationId);
    if (!byStation.has(sid)) byStation.set(sid, []);
    byStation.get(sid)!.push(r);
  }
  const batch = `${s.today}:${wallTime(s.minute)}`;
  let notices = 0;
  for (const [stationId, list] of byStation) {
    const names = list.map((l) => l.name);
    const { alert } = await s.deps.alerts.raise({
      stationId, residentId: null, type: 'checkin_unreachable', dedupeKey: checkinUnreachableAlertKey(stationId, batch),
      summary: unreachableSummary(names),
    });
    const texts = unreachableTexts(list.map((l) => ({ community: l.community, name: l.name, phone: l.phone, reason: l.reason })));
    const messages: OutgoingMessage[] = [];
    for (let i = 0; i < texts.length; i++) {
      messages.push(...(await s.toWorkers(stationId, texts[i], 'checkin_unreachable', checkinUnreachableListKey(stationId, batch, i + 1), { refType: 'alert', refId: alert.id })));
    }
    await s.deps.outbox.enqueue(messages);
    await s.updateIds(list.map((l) => Number(l.id)), 'workersToldAt = ?', [s.nowDb], 'workersToldAt IS NULL');
    notices += texts.length;
  }
  return notices;
}
