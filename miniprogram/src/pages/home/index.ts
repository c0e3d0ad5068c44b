import { api, errorText } from '../../utils/api';
import { bigText, setBigText } from '../../utils/prefs';
import { stationId } from '../../utils/session';

interface SearchItem { id: number; title: string; summary: string }
interface Policy { id: number; title: string; summary: string; content: string; steps: string[]; materials: string[]; source: string | null; amount?: string | null }

/** 首页: ask a policy question; the best answer with its source, and the other candidates. */
Component({
  data: {
    big: false,
    q: '',
    loading: false,
    error: '',
    asked: false,
    answered: false,
    answer: null as Policy | null,
    others: [] as SearchItem[],
  },
  methods: {
    onShow() {
      this.setData({ big: bigText() });
    },
    toggleBig(e: WechatMiniprogram.SwitchChange) {
      setBigText(e.detail.value);
      this.setData({ big: e.detail.value });
    },
    onInput(e: WechatMiniprogram.Input) {
      this.setData({ q: e.detail.value });
    },
    async ask() {
      const q = this.data.q.trim();
      if (!q) {
        this.setData({ error: '请先写下您想问的问题' });
        return;
      }
      this.setData({ loading: true, error: '', answer: null, others: [], asked: false });
      try {
        const found = await api<{ items: SearchItem[]; answered: boolean }>('GET', '/api/policies/search', { query: { q, limit: 5, stationId: stationId() }, auth: false });
        const [best, ...rest] = found.items;
        const answer = found.answered && best ? await this.load(best.id) : null;
        this.setData({ asked: true, answered: found.answered && !!answer, answer, others: found.answered ? rest : found.items });
      } catch (err) {
        this.setData({ error: errorText(err) });
      } finally {
        this.setData({ loading: false });
      }
    },
    async openPolicy(e: WechatMiniprogram.TouchEvent) {
      const id = Number(e.currentTarget.dataset.id);
      this.setData({ error: '' });
      try {
        const answer = await this.load(id);
        this.setData({ answer, answered: true, others: this.data.others.filter((o) => o.id !== id) });
      } catch (err) {
        this.setData({ error: errorText(err) });
      }
    },
    load(id: number): Promise<Policy> {
      // The station's own policies are seen on that station's behalf, as in the search.
      return api<Policy>('GET', `/api/policies/${id}`, { query: { stationId: stationId() }, auth: false });
    },
  },
});
