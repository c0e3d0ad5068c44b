const BIG_KEY = 'bigText';

/** 特大字 (extra large text) on or off; large type and high contrast are the default either way. */
export function bigText(): boolean {
  return wx.getStorageSync(BIG_KEY) === true;
}

export function setBigText(on: boolean): void {
  wx.setStorageSync(BIG_KEY, on);
}
