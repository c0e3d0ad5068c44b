import { api, errorText } from '../../utils/api';
import { formatTime } from '../../utils/format';
import { bigText } from '../../utils/prefs';
import { currentResident, ensureLogin, stationId } from '../../utils/session';
import { askSubscription } from '../../utils/subscribe';

interface Activity {
  id: number; title: string; description: string | null; startsAt: string; location: string | null;
  capacity: number | null; available: number | null; signupOpen: boolean;
}
interface Signup { activityId: number; status: string }
type List<T> = { items: T[]; total: number };
type Row = Activity & { when: string; seats: string; mine: boolean };

function idOf(e: WechatMiniprogram.TouchEvent): number {
  return Number(e.currentTarget.dataset.id);
}

/** 活动: upcoming activities for my community, signing up and cancelling a sign-up. */
Component({
  data: { big: false, loading: false, error: '', notice: '', items: [] as Row[] },
  methods: {
    async onShow() {
      this.setData({ big: bigText(), error: '' });
      await this.refresh();
    },
    async refresh() {
      this.setData({ loading: true });
      try {
        await ensureLogin();
        const bound = currentResident() !== null;
        const [list, mine] = await Promise.all([
          api<List<Activity>>('GET', '/api/activities', { query: { stationId: stationId() } }),
          bound ? api<List<Signup>>('GET', '/api/me/signups') : Promise.resolve({ items: [], total: 0 }),
        ]);
        const signed = new Set(mine.items.filter((s) => s.status !== 'cancelled').map((s) => s.activityId));
        this.setData({
          items: list.items.map((a) => ({
            ...a,
            when: formatTime(a.startsAt),
            seats: a.capacity === null ? '不限人数' : a.available ? `还剩 ${a.available} 个名额` : '名额已满',
            mine: signed.has(a.id),
          })),
        });
      } catch (err) {
        this.setData({ error: errorText(err) });
      } finally {
        this.setData({ loading: false });
      }
    },
    async signUp(e: WechatMiniprogram.TouchEvent) {
      const id = idOf(e);
      this.setData({ error: '', notice: '' });
      try {
        await api('POST', `/api/activities/${id}/signups`, { body: {} });
        const title = this.data.items.find((a) => a.id === id)?.title ?? '活动';
        this.setData({ notice: `报名成功：${title}。活动前会提醒您` });
        await this.refresh();
        await askSubscription(['activity_reminder']);
      } catch (err) {
        this.setData({ error: errorText(err) });
      }
    },
    async leave(e: WechatMiniprogram.TouchEvent) {
      this.setData({ error: '', notice: '' });
      try {
        await api('POST', `/api/activities/${idOf(e)}/signups/cancel`, { body: {} });
        this.setData({ notice: '已取消报名' });
        await this.refresh();
      } catch (err) {
        this.setData({ error: errorText(err) });
      }
    },
  },
});
