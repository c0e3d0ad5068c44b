import { ensureLogin } from './utils/session';

App({
  /** The station's QR code opens the app with `?stationId=N`: remember it for people not bound yet. */
  onLaunch(options) {
    const station = Number(options?.query?.stationId);
    if (Number.isInteger(station) && station > 0) wx.setStorageSync('stationId', station);
    ensureLogin().catch(() => undefined);
  },
});
