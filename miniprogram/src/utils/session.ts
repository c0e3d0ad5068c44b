import { config } from '../config';
import { api, onExpiredToken, storeToken, storedToken } from './api';

/** The resident record as the API presents it to its owner (the fields the pages use). */
export interface OwnResident {
  id: number;
  name: string;
  stationId: number;
  communityId?: number;
}

interface LoginAnswer {
  token: string;
  openid: string;
  resident: OwnResident | null;
}

const RESIDENT_KEY = 'resident';
const DEV_ID_KEY = 'devOpenid';

function wxLoginCode(): Promise<string> {
  return new Promise((resolve, reject) => {
    wx.login({
      success: (res) => (res.code ? resolve(res.code) : reject(new Error('no code'))),
      fail: () => reject(new Error('wx.login failed')),
    });
  });
}

/** In the embedded default the server takes `dev:<id>`; the id is made once and kept on the phone. */
function devCode(): string {
  let id = wx.getStorageSync(DEV_ID_KEY) as string;
  if (!id) {
    id = 'dev-' + Date.now().toString(36) + Math.random().toString(36).slice(2, 8);
    wx.setStorageSync(DEV_ID_KEY, id);
  }
  return `dev:${id}`;
}

/** wx.login → POST /api/miniapp/login; keeps the token and the bound record. */
export async function login(): Promise<LoginAnswer> {
  const code = config.devLogin ? devCode() : await wxLoginCode();
  const answer = await api<LoginAnswer>('POST', '/api/miniapp/login', { body: { code }, auth: false });
  storeToken(answer.token);
  setResident(answer.resident);
  return answer;
}

let pending: Promise<unknown> | null = null;

/** Logs in when there is no token yet; concurrent callers share one login. */
export async function ensureLogin(): Promise<void> {
  if (storedToken()) return;
  pending ??= login().finally(() => (pending = null));
  await pending;
}

onExpiredToken(async () => {
  storeToken('');
  await ensureLogin();
});

/** The bound resident record kept from the last login or binding, or null. */
export function currentResident(): OwnResident | null {
  return (wx.getStorageSync(RESIDENT_KEY) as OwnResident | '') || null;
}

export function setResident(resident: OwnResident | null): void {
  if (resident) wx.setStorageSync(RESIDENT_KEY, resident);
  else wx.removeStorageSync(RESIDENT_KEY);
}

/** The station whose services and activities to show: the bound one, else the QR code's, else the configured one. */
export function stationId(): number {
  const r = currentResident();
  if (r) return r.stationId;
  return (wx.getStorageSync('stationId') as number) || config.stationId;
}
