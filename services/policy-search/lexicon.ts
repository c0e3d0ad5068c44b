import * as fs from 'fs';
import * as path from 'path';
import { basicNormalize } from './normalize';

/** Longest-match phrase replacement (and phrase finding) keyed by first character. */
export class PhraseTable<V> {
  private readonly byFirst = new Map<string, Array<[string, V]>>();
  private count = 0;

  set(key: string, value: V): void {
    if (!key) return;
    const first = key[0];
    let list = this.byFirst.get(first);
    if (!list) this.byFirst.set(first, (list = []));
    const at = list.findIndex(([k]) => k === key);
    if (at >= 0) list[at] = [key, value];
    else {
      list.push([key, value]);
      list.sort((a, b) => b[0].length - a[0].length);
      this.count++;
    }
  }

  /** Build from many entries at once (sorting each first-character list once). */
  static fromEntries<V>(entries: Iterable<[string, V]>): PhraseTable<V> {
    const t = new PhraseTable<V>();
    for (const [k, v] of entries) {
      if (!k) continue;
      let list = t.byFirst.get(k[0]);
      if (!list) t.byFirst.set(k[0], (list = []));
      list.push([k, v]);
      t.count++;
    }
    for (const list of t.byFirst.values()) list.sort((a, b) => b[0].length - a[0].length);
    return t;
  }

  get size(): number {
    return this.count;
  }

  /** Longest entry starting at position i, if any. */
  matchAt(text: string, i: number): [string, V] | undefined {
    const list = this.byFirst.get(text[i]);
    if (!list) return undefined;
    for (const entry of list) if (text.startsWith(entry[0], i)) return entry;
    return undefined;
  }

  /** Every entry (not only the longest) starting at every position. */
  findAll(text: string): Array<[string, V]> {
    const found: Array<[string, V]> = [];
    for (let i = 0; i < text.length; i++) {
      const list = this.byFirst.get(text[i]);
      if (!list) continue;
      for (const entry of list) if (text.startsWith(entry[0], i)) found.push(entry);
    }
    return found;
  }

  /** Every stored entry. */
  *findAllEntries(): Generator<[string, V]> {
    for (const list of this.byFirst.values()) yield* list;
  }

  has(text: string): boolean {
    for (let i = 0; i < text.length; i++) if (this.matchAt(text, i)) return true;
    return false;
  }
}

/** Replace left to right, longest match first. */
export function replaceAll(table: PhraseTable<string>, text: string): string {
  if (table.size === 0) return text;
  let out = '';
  let copied = 0;
  let i = 0;
  while (i < text.length) {
    const m = table.matchAt(text, i);
    if (m) {
      out += text.slice(copied, i) + m[1];
      i += m[0].length;
      copied = i;
    } else i++;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

interface Situation {
  concepts: string[];
  weight: number;
}

export interface Lexicons {
  dir: string | undefined;
  colloquial: PhraseTable<string>;
  typos: PhraseTable<string>;
  /** trigger → concept phrases and a weight multiplier (third column, default 1) */
  situations: PhraseTable<Situation>;
  domain: PhraseTable<true>;
  domainWords: string[];
  stopwords: Set<string>;
  spam: PhraseTable<true>;
  chat: PhraseTable<true>;
  /** every word worth teaching the segmenter */
  dictWords: string[];
}

function readLines(file: string): string[][] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const rows: string[][] = [];
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    rows.push(line.split(/\t+| {2,}/).map((c) => c.trim()).filter(Boolean));
  }
  return rows;
}

const norm = (s: string): string => basicNormalize(s).replace(/\s+/g, '');
const normKeepSpace = (s: string): string => basicNormalize(s);

/** The shipped lexicon folder: <repo>/knowledge/lexicon (works from sources and from dist/). */
export function defaultLexiconDir(): string | undefined {
  const candidates = [
    path.resolve(__dirname, '../../knowledge/lexicon'),
    path.resolve(__dirname, '../../../knowledge/lexicon'),
    path.resolve(process.cwd(), 'knowledge/lexicon'),
  ];
  return candidates.find((d) => fs.existsSync(d));
}

export function loadLexicons(dir: string | undefined): Lexicons {
  const lex: Lexicons = {
    dir,
    colloquial: new PhraseTable(),
    typos: new PhraseTable(),
    situations: new PhraseTable(),
    domain: new PhraseTable(),
    domainWords: [],
    stopwords: new Set(),
    spam: new PhraseTable(),
    chat: new PhraseTable(),
    dictWords: [],
  };
  if (!dir) return lex;
  const dict = new Set<string>();
  const file = (name: string) => path.join(dir, name);

  // regional words first (word, standard words, region), then the general colloquial table, which wins on a clash
  for (const name of ['dialect.tsv', 'colloquial.tsv']) {
    for (const [from, to] of readLines(file(name))) {
      if (from === undefined || to === undefined) continue;
      const k = norm(from);
      if (k) lex.colloquial.set(k, normKeepSpace(to));
      for (const w of normKeepSpace(to).split(' ')) if (w.length >= 2) dict.add(w);
    }
  }
  for (const [from, to] of readLines(file('typos.tsv'))) {
    if (from === undefined || to === undefined) continue;
    const k = norm(from);
    if (k) lex.typos.set(k, norm(to));
  }
  for (const [trigger, ...rest] of readLines(file('situations.tsv'))) {
    const k = norm(trigger ?? '');
    let weight = 1;
    if (rest.length >= 2 && /^\d+(\.\d+)?$/.test(rest[rest.length - 1])) weight = Number(rest.pop());
    const concepts = rest.join(' ').split(/\s+/).map(norm).filter(Boolean);
    if (!k || concepts.length === 0) continue;
    lex.situations.set(k, { concepts, weight });
    for (const c of concepts) if (c.length >= 2) dict.add(c);
  }
  for (const [w] of readLines(file('domain.tsv'))) {
    const k = norm(w ?? '');
    if (!k) continue;
    lex.domain.set(k, true);
    lex.domainWords.push(k);
    if (k.length >= 2) dict.add(k);
  }
  for (const [w] of readLines(file('stopwords.tsv'))) {
    const k = norm(w ?? '');
    if (k) lex.stopwords.add(k);
  }
  for (const [cat, pat] of readLines(file('offtopic.tsv'))) {
    const k = norm(pat ?? '');
    if (!k) continue;
    if (cat === 'spam') lex.spam.set(k, true);
    else lex.chat.set(k, true);
  }
  lex.dictWords = [...dict];
  return lex;
}

const cache = new Map<string, Lexicons>();
/** Read-only lexicons cached by folder (used by the standalone `isOffTopic`). */
export function cachedLexicons(dir: string | undefined): Lexicons {
  const key = dir ?? '';
  let lex = cache.get(key);
  if (!lex) cache.set(key, (lex = loadLexicons(dir)));
  return lex;
}
