import { api, errorText } from '../../utils/api';
import { CHECKIN_WORDS } from '../../utils/format';
import { bigText, setBigText } from '../../utils/prefs';
import { currentResident, ensureLogin, OwnResident, setResident } from '../../utils/session';
import { askSubscription, Purpose } from '../../utils/subscribe';
import type { FollowedElder } from '../checkin/index';

const PURPOSE_LABEL: Record<Purpose, string> = { booking_reminder: '预约提醒', activity_reminder: '活动提醒', checkin_reminder: '报平安提醒' };
const PURPOSES = Object.keys(PURPOSE_LABEL) as Purpose[];

type BindAnswer = (OwnResident & { boundAs?: 'resident' }) | { boundAs: 'family'; relation: string; elder: { residentId: number; name: string } };

/** 我的: binding with the station's code, the family members I follow, reminder settings, big text. */
Component({
  data: {
    big: false, error: '', notice: '', code: '', binding: false,
    resident: null as OwnResident | null,
    family: [] as (FollowedElder & { statusText: string })[],
    quota: PURPOSES.map((p) => ({ purpose: p, label: PURPOSE_LABEL[p], count: 0 })),
  },
  methods: {
    /** Opened from the code the station printed (`?bindingCode=123456`): the code is filled in, one tap to bind. */
    onLoad(options: Record<string, string | undefined>) {
      const code = options.bindingCode ?? '';
      if (/^\d{6}$/.test(code)) this.setData({ code, notice: '已填好绑定码，点“绑定”即可' });
    },
    async onShow() {
      this.setData({ big: bigText(), resident: currentResident(), error: '' });
      try {
        await ensureLogin();
        await Promise.all([this.loadFamily(), this.loadQuota()]);
      } catch (err) {
        this.setData({ error: errorText(err) });
      }
    },
    async loadFamily() {
      const family = await api<{ items: FollowedElder[] }>('GET', '/api/me/family');
      this.setData({ family: family.items.map((f) => ({ ...f, statusText: CHECKIN_WORDS[f.today.status] ?? f.today.status })) });
    },
    async loadQuota() {
      const answer = await api<{ quota: Partial<Record<Purpose, number>> }>('GET', '/api/me/subscriptions');
      this.setData({ quota: PURPOSES.map((p) => ({ purpose: p, label: PURPOSE_LABEL[p], count: answer.quota[p] ?? 0 })) });
    },
    onCode(e: WechatMiniprogram.Input) {
      this.setData({ code: e.detail.value });
    },
    async bind() {
      const code = this.data.code.trim();
      if (!/^\d{6}$/.test(code)) {
        this.setData({ error: '绑定码是 6 位数字，请核对后再输入', notice: '' });
        return;
      }
      this.setData({ binding: true, error: '', notice: '' });
      try {
        await ensureLogin();
        const answer = await api<BindAnswer>('POST', '/api/miniapp/bind', { body: { bindingCode: code } });
        if (answer.boundAs === 'family') {
          this.setData({ notice: `绑定成功：您已作为${answer.elder.name}的家人（${answer.relation}）关注TA的报平安`, code: '' });
          await this.loadFamily();
        } else {
          const r = answer as OwnResident;
          const resident = { id: r.id, name: r.name, stationId: r.stationId, communityId: r.communityId };
          setResident(resident);
          this.setData({ resident, notice: `绑定成功，${r.name}，欢迎您！`, code: '' });
        }
      } catch (err) {
        this.setData({ error: errorText(err) });
      } finally {
        this.setData({ binding: false });
      }
    },
    async subscribe() {
      this.setData({ error: '', notice: '' });
      const quota = await askSubscription(PURPOSES);
      if (Object.keys(quota).length) {
        this.setData({ quota: PURPOSES.map((p) => ({ purpose: p, label: PURPOSE_LABEL[p], count: quota[p] ?? this.countOf(p) })), notice: '已开启提醒' });
      }
    },
    countOf(p: Purpose): number {
      return this.data.quota.find((q) => q.purpose === p)?.count ?? 0;
    },
    toggleBig(e: WechatMiniprogram.SwitchChange) {
      setBigText(e.detail.value);
      this.setData({ big: e.detail.value });
    },
  },
});
