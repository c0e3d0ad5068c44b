import { PRIORITY } from '../entities';
import type { Infra } from './infra';
import type { NotifyService } from './notify';
import type { OutboxService } from './outbox';
import { morningSummaryText } from './checkin-texts';
import { parseInstant, placeholders } from './db';
import { morningSummaryKey } from './messaging/keys';
import { formatForChat, localDate, localMinutes } from './time';

/** The morning summary goes to station admins from this local time… */
const SUMMARY_FROM_MINUTE = 8 * 60 + 30;
/** …and is made up until this time when the job was down at 08:30. */
const SUMMARY_UNTIL_MINUTE = 12 * 60;

/** The job `alert-summary`: each station admin's morning list of the station's open alerts. */
export class AlertSummaryService {
  constructor(
    private readonly ctx: Infra,
    private readonly deps: { notify: NotifyService; outbox: OutboxService },
  ) {}

  /** From 08:30 (made up until noon), each station admin gets the list of the station's open alerts, once a day. */
  async send(at: Date): Promise<number> {
    const today = localDate(at);
    const minute = localMinutes(at);
    if (minute < SUMMARY_FROM_MINUTE || minute >= SUMMARY_UNTIL_MINUTE) return 0;
    const stations = await this.ctx.db.rows<{ stationId: number; n: number; stationName: string }>(
      `SELECT a.stationId, COUNT(*) AS n, s.name AS stationName FROM alerts a JOIN stations s ON s.id = a.stationId
       WHERE a.status IN ('open', 'acknowledged') GROUP BY a.stationId, s.name`,
      [],
    );
    let sent = 0;
    for (const st of stations) {
      const stationId = Number(st.stationId);
      const key = morningSummaryKey(stationId, today);
      // To the station admins (to every bound worker when no admin is bound).
      let recipients = await this.deps.notify.workerRows(stationId, '', { kind: 'alert_summary', priority: PRIORITY.alert, urgent: true, dedupeKey: key }, ['station_admin']);
      if (!recipients.length) recipients = await this.deps.notify.workerRows(stationId, '', { kind: 'alert_summary', priority: PRIORITY.alert, urgent: true, dedupeKey: key });
      if (!recipients.length) continue;
      const queued = await this.ctx.db.rows<{ n: number }>(
        `SELECT COUNT(*) AS n FROM outbox WHERE dedupeKey IN (${placeholders(recipients.length)})`,
        recipients.map((r) => r.dedupeKey),
      );
      if (Number(queued[0]?.n ?? 0) >= recipients.length) continue;
      const alerts = await this.ctx.db.rows<{ id: number; type: string; status: string; createdAt: unknown; replyAt: unknown; name: string | null; community: string | null }>(
        `SELECT a.id, a.type, a.status, a.createdAt, a.replyAt, r.name, c.name AS community
         FROM alerts a LEFT JOIN residents r ON r.id = a.residentId LEFT JOIN communities c ON c.id = r.communityId
         WHERE a.stationId = ? AND a.status IN ('open', 'acknowledged') ORDER BY a.id LIMIT 200`,
        [stationId],
      );
      const text = morningSummaryText(st.stationName, alerts.map((a) => ({
        id: Number(a.id), type: a.type, who: [a.community, a.name].filter(Boolean).join(' '),
        when: formatForChat(parseInstant(a.createdAt) ?? at), replied: a.replyAt !== null, acknowledged: a.status === 'acknowledged',
      })));
      sent += await this.deps.outbox.enqueue(recipients.map((r) => ({ ...r, text, urgent: false, priority: PRIORITY.alert })));
    }
    return sent;
  }
}
