import { api, ApiError, errorText } from '../../utils/api';
import { formatTime } from '../../utils/format';
import { bigText } from '../../utils/prefs';
import { currentResident, ensureLogin, stationId } from '../../utils/session';
import { askSubscription } from '../../utils/subscribe';

interface Service { id: number; name: string; description: string | null }
interface Slot { id: number; startsAt: string; available: number; bookable?: boolean }
interface Booking { id: number; serviceName: string; location: string | null; status: string; startsAt: string }
type List<T> = { items: T[]; total: number };

const STATUS_TEXT: Record<string, string> = { booked: '已预约', cancelled: '已取消', attended: '已到场', no_show: '未到场' };

function idOf(e: WechatMiniprogram.TouchEvent): number {
  return Number(e.currentTarget.dataset.id);
}

/** 预约: the station's services, their free times, booking, my bookings, cancelling, the waiting list. */
Component({
  data: {
    big: false,
    bound: false,
    loading: false,
    error: '',
    notice: '',
    services: [] as Service[],
    serviceId: 0,
    slots: [] as (Slot & { when: string })[],
    bookings: [] as (Booking & { when: string; statusText: string })[],
  },
  methods: {
    async onShow() {
      this.setData({ big: bigText(), loading: true, error: '' });
      try {
        await ensureLogin();
        const bound = currentResident() !== null;
        const services = await api<List<Service>>('GET', '/api/services', { query: { stationId: stationId() } });
        this.setData({ services: services.items, bound });
        if (bound) await this.loadBookings();
      } catch (err) {
        this.setData({ error: errorText(err) });
      } finally {
        this.setData({ loading: false });
      }
    },
    async loadBookings() {
      const mine = await api<List<Booking>>('GET', '/api/me/bookings');
      this.setData({
        bookings: mine.items.map((b) => ({ ...b, when: formatTime(b.startsAt), statusText: STATUS_TEXT[b.status] ?? b.status })),
      });
    },
    async chooseService(e: WechatMiniprogram.TouchEvent) {
      const serviceId = idOf(e);
      this.setData({ serviceId, slots: [], error: '', notice: '' });
      await this.loadSlots(serviceId);
    },
    async loadSlots(serviceId: number) {
      try {
        const slots = await api<List<Slot>>('GET', `/api/services/${serviceId}/slots`);
        this.setData({ slots: slots.items.filter((s) => s.bookable !== false || s.available === 0).map((s) => ({ ...s, when: formatTime(s.startsAt) })) });
      } catch (err) {
        this.setData({ error: errorText(err) });
      }
    },
    async book(e: WechatMiniprogram.TouchEvent) {
      const slotId = idOf(e);
      this.setData({ error: '', notice: '' });
      try {
        // One key per tap: a retried request after a lost answer books once.
        const key = `mp-${slotId}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
        const booking = await api<Booking>('POST', '/api/bookings', { body: { slotId }, headers: { 'Idempotency-Key': key } });
        this.setData({ notice: `预约成功：${formatTime(booking.startsAt)}，到时会提醒您` });
        await this.loadBookings();
        await this.loadSlots(this.data.serviceId);
        await askSubscription(['booking_reminder']);
      } catch (err) {
        if (err instanceof ApiError && err.code === 'slot_full') {
          this.setData({ error: '这个时间刚刚约满了，可以点“排候补”，有人取消时会通知您' });
          await this.loadSlots(this.data.serviceId);
        } else {
          this.setData({ error: errorText(err) });
        }
      }
    },
    async waitlist(e: WechatMiniprogram.TouchEvent) {
      this.setData({ error: '', notice: '' });
      try {
        const entry = await api<{ position?: number }>('POST', `/api/slots/${idOf(e)}/waitlist`, { body: {} });
        this.setData({ notice: `已排候补${entry.position ? `（第${entry.position}位）` : ''}，有人取消时会马上通知您` });
      } catch (err) {
        this.setData({ error: errorText(err) });
      }
    },
    async cancel(e: WechatMiniprogram.TouchEvent) {
      const id = idOf(e);
      const sure = await new Promise<boolean>((resolve) =>
        wx.showModal({ title: '取消预约', content: '确定要取消这个预约吗？', confirmText: '取消预约', cancelText: '不取消', success: (r) => resolve(r.confirm), fail: () => resolve(false) }),
      );
      if (!sure) return;
      this.setData({ error: '', notice: '' });
      try {
        await api('POST', `/api/bookings/${id}/cancel`, { body: {} });
        this.setData({ notice: '已取消预约' });
        await this.loadBookings();
        if (this.data.serviceId) await this.loadSlots(this.data.serviceId);
      } catch (err) {
        this.setData({ error: errorText(err) });
      }
    },
  },
});
