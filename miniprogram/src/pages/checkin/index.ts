import { api, errorText } from '../../utils/api';
import { CHECKIN_WORDS, formatClock, todayLocal } from '../../utils/format';
import { bigText } from '../../utils/prefs';
import { currentResident, ensureLogin } from '../../utils/session';
import { askSubscription } from '../../utils/subscribe';

interface Day { date: string; status: string; confirmedAt: string | null }
interface History { today: string; hasPlan: boolean; enabled: boolean; streak: number; items: Day[] }
export interface FollowedElder {
  familyContactId: number; relation: string; residentId: number; name: string;
  today: { date: string; status: string; confirmedAt: string | null };
}

/** Today's status of a history: the day's row when there is one, else what the plan says. */
function todayStatus(h: History): string {
  const today = h.today || todayLocal();
  const day = h.items.find((d) => d.date === today);
  if (day) return day.status;
  if (!h.hasPlan) return 'none';
  return h.enabled ? 'pending' : 'paused';
}

/** 报平安: one large button for an elder with a plan; the elders a family member follows, today. */
Component({
  data: {
    big: false, bound: false, hasPlan: false, sending: false, error: '',
    status: 'none', statusText: '', confirmedAt: '', streak: 0,
    family: [] as (FollowedElder & { statusText: string; confirmedAtText: string })[],
  },
  methods: {
    async onShow() {
      this.setData({ big: bigText(), error: '' });
      try {
        await ensureLogin();
        const bound = currentResident() !== null;
        this.setData({ bound });
        const [, family] = await Promise.all([
          bound ? this.loadOwn() : Promise.resolve(),
          api<{ items: FollowedElder[] }>('GET', '/api/me/family'),
        ]);
        this.setData({
          family: family.items.map((f) => ({
            ...f, statusText: CHECKIN_WORDS[f.today.status] ?? f.today.status, confirmedAtText: formatClock(f.today.confirmedAt),
          })),
        });
      } catch (err) {
        this.setData({ error: errorText(err) });
      }
    },
    async loadOwn() {
      const h = await api<History>('GET', '/api/me/checkins', { query: { days: 1 } });
      const status = todayStatus(h);
      const day = h.items.find((d) => d.date === h.today);
      this.setData({
        hasPlan: h.hasPlan, status, statusText: CHECKIN_WORDS[status] ?? status, streak: h.streak,
        confirmedAt: formatClock(day?.confirmedAt),
      });
    },
    async checkIn() {
      if (this.data.sending) return;
      this.setData({ sending: true, error: '' });
      try {
        const day = await api<Day & { alreadyConfirmed: boolean }>('POST', '/api/me/checkins', { body: {} });
        this.setData({ status: 'confirmed', statusText: '今天已报平安，谢谢您！', confirmedAt: formatClock(day.confirmedAt) });
        wx.showToast({ title: '已报平安', icon: 'success' });
      } catch (err) {
        this.setData({ error: errorText(err) });
      } finally {
        this.setData({ sending: false });
      }
    },
    async remindMe() {
      const quota = await askSubscription(['checkin_reminder']);
      if (quota.checkin_reminder) wx.showToast({ title: '已开启提醒', icon: 'success' });
    },
  },
});
