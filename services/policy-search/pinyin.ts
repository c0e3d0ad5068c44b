import { pinyin } from 'pinyin-pro';
import { isHanChar } from './normalize';

/** Fuzzy pinyin as in Chinese input methods: zh/z, ch/c, sh/s, n/l, -ng/-n. */
function fuzzy(py: string): string {
  let s = py.replace(/ü/g, 'v');
  if (s.startsWith('zh') || s.startsWith('ch') || s.startsWith('sh')) s = s[0] + s.slice(2);
  else if (s.startsWith('n')) s = 'l' + s.slice(1);
  if (s.endsWith('ng')) s = s.slice(0, -1);
  return s;
}

const readingCache = new Map<string, string[]>();
/** Fuzzy readings of one Han character, the most common first (at most 3). */
function readings(ch: string): string[] {
  let r = readingCache.get(ch);
  if (!r) {
    const all = isHanChar(ch) ? pinyin(ch, { toneType: 'none', multiple: true, type: 'array' }) : [];
    r = [...new Set(all.map(fuzzy))].slice(0, 3);
    if (r.length === 0) r = [ch];
    readingCache.set(ch, r);
  }
  return r;
}

const MAX_LEN = 6;

/**
 * Corrects homophone and near-homophone typos (底保→低保, 申清→申请, 残记→残疾) against a vocabulary of
 * domain terms. A window is replaced only when it sounds like a vocabulary term, shares at least one
 * character with it in the same position, and is not itself a known word.
 */
export class HomophoneCorrector {
  private readonly full = new Map<string, string[]>();
  private readonly prefixes = new Set<string>();

  constructor(
    terms: Iterable<string>,
    private readonly isKnown: (w: string) => boolean,
    /** Optional word segmenter: a correction may not change a character of a word that reaches outside it. */
    private readonly segment?: (s: string) => string[],
  ) {
    for (const t of terms) {
      if (t.length < 2 || t.length > MAX_LEN) continue;
      let ok = true;
      for (const ch of t) if (ch.length !== 1 || !isHanChar(ch)) ok = false;
      if (!ok) continue;
      const syl = [...t].map((ch) => readings(ch)[0]);
      const key = syl.join(' ');
      const list = this.full.get(key);
      if (!list) this.full.set(key, [t]);
      else if (!list.includes(t)) list.push(t);
      for (let i = 1; i < syl.length; i++) this.prefixes.add(syl.slice(0, i).join(' '));
    }
  }

  /** Candidate (length, term) pairs for windows starting at `start`, longest first. */
  private candidates(run: string, start: number): Array<[number, string]> {
    const found: Array<[number, string]> = [];
    let partial: string[] = [''];
    for (let j = start; j < run.length && j - start < MAX_LEN && partial.length; j++) {
      const next: string[] = [];
      const len = j - start + 1;
      for (const p of partial) {
        for (const r of readings(run[j])) {
          const k = p ? `${p} ${r}` : r;
          if (len >= 2) {
            const terms = this.full.get(k);
            if (terms) for (const t of terms) found.push([len, t]);
          }
          if (this.prefixes.has(k) && next.length < 12) next.push(k);
        }
      }
      partial = next;
    }
    return found.sort((a, b) => b[0] - a[0]);
  }

  correct(text: string): string {
    if (this.full.size === 0) return text;
    let out = '';
    let i = 0;
    while (i < text.length) {
      if (!isHanChar(text[i])) {
        out += text[i++];
        continue;
      }
      let end = i;
      while (end < text.length && isHanChar(text[end])) end++;
      const run = text.slice(i, end);
      // span of the segmenter's word around each character ("两亩地" → 两亩|地: 亩地 must not become 墓地)
      const wordStart = new Int32Array(run.length);
      const wordEnd = new Int32Array(run.length);
      if (this.segment && run.length > 2) {
        let pos = 0;
        for (const w of this.segment(run)) {
          for (let x = pos; x < pos + w.length && x < run.length; x++) {
            wordStart[x] = pos;
            wordEnd[x] = pos + w.length;
          }
          pos += w.length;
        }
        if (pos !== run.length) for (let x = 0; x < run.length; x++) [wordStart[x], wordEnd[x]] = [x, x + 1];
      } else for (let x = 0; x < run.length; x++) [wordStart[x], wordEnd[x]] = [x, x + 1];
      let k = 0;
      while (k < run.length) {
        let replaced = false;
        for (const [len, term] of this.candidates(run, k)) {
          const w = run.slice(k, k + len);
          if (w === term) {
            // the text already says a vocabulary word here: keep it and move past it
            out += w;
            k += len;
            replaced = true;
            break;
          }
          let shared = 0;
          for (let x = 0; x < len; x++) if (w[x] === term[x]) shared++;
          // a window that splits a word the segmenter found is not a typo of a term ("两亩|地", "的|保障")
          const breaksWord = wordStart[k] < k || wordEnd[k + len - 1] > k + len;
          if (shared === 0 || (len >= 4 && shared < 2) || breaksWord) continue;
          if (this.isKnown(w)) continue;
          out += term;
          k += len;
          replaced = true;
          break;
        }
        if (!replaced) out += run[k++];
      }
      i = end;
    }
    return out;
  }
}
