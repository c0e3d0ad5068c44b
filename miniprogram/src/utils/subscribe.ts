import { api } from './api';

/** The one-time subscription messages the mini-program asks for (API.md: POST /api/me/subscriptions). */
export type Purpose = 'booking_reminder' | 'activity_reminder' | 'checkin_reminder';

interface Templates {
  templates: Partial<Record<Purpose, string>>;
}

let templates: Promise<Templates['templates']> | null = null;

/** The server's template ids (purpose → id); none when the station has not configured any. */
function templateIds(): Promise<Templates['templates']> {
  templates ??= api<Templates>('GET', '/api/miniapp/templates', { auth: false })
    .then((t) => t.templates ?? {})
    .catch(() => {
      templates = null;
      return {};
    });
  return templates;
}

/** Forgets the cached template ids (tests, a changed server). */
export function resetTemplates(): void {
  templates = null;
}

/**
 * Asks the user for one-time reminder messages at the moment they matter (after booking, signing
 * up, switching on check-in reminders) and tells the server which were accepted. Never throws: a
 * refusal or a failure only means the reminder comes by the bot, or not at all.
 */
export async function askSubscription(purposes: Purpose[]): Promise<Partial<Record<Purpose, number>>> {
  const ids = await templateIds();
  const wanted = purposes.filter((p) => ids[p]);
  if (!wanted.length) return {};
  const tmplIds = wanted.map((p) => ids[p] as string);
  const result = await new Promise<Record<string, string>>((resolve) => {
    wx.requestSubscribeMessage({
      tmplIds,
      success: (res) => resolve(res as unknown as Record<string, string>),
      fail: () => resolve({}),
    });
  });
  const accepted = wanted.filter((p) => result[ids[p] as string] === 'accept');
  if (!accepted.length) return {};
  try {
    const answer = await api<{ quota: Partial<Record<Purpose, number>> }>('POST', '/api/me/subscriptions', { body: { templates: accepted } });
    return answer.quota;
  } catch {
    return {};
  }
}
