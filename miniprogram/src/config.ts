/**
 * Where the mini-program finds its server. Edit before building (`npm run build:miniprogram`):
 * - `apiBase`: the station server's address, e.g. `https://station.example.cn` (in WeChat the domain
 *   must be listed as a request domain of the AppID; in DevTools tick 不校验合法域名 for a local one).
 * - `stationId`: the station shown to people who have not bound yet (the QR code's `stationId` wins).
 * - `devLogin`: true for the embedded default (no WECHAT_APP_ID on the server): the app logs in with
 *   `dev:<a random id kept on the phone>` instead of a real wx.login code. Set false with a real AppID.
 */
export const config = {
  apiBase: 'http://127.0.0.1:3000',
  stationId: 1,
  devLogin: true,
  /** Each request gives up after this long, so an elder is never left staring at a spinner. */
  timeoutMs: 10000,
};
