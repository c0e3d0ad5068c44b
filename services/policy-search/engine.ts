/**
 * In-memory policy search for residents' questions (no database).
 *
 * Query pipeline: clean (NFKC full-width→half-width, traditional→simplified, punctuation/emoji dropped,
 * cut to 300 characters) → typo table → homophone correction against the policies' own titles/keywords
 * and the domain lexicon (pinyin, fuzzy zh/z, n/l, -ng/-n) → colloquial→formal replacement → words,
 * sub-words and character bigrams, plus situation concepts (着火 → 临时救助) and spoken ages (八十五 → 高龄).
 *
 * Ranking: BM25F over title, keywords, example questions, summary, content, category and situations (words and character
 * bigrams in every field), plus a bonus when the query contains a policy's title part or keyword verbatim (double
 * for the title: "低保" names "城乡最低生活保障（低保）"). Policies written without keywords or example questions
 * get those fields' weight spread over their other fields, so sparse entries are not buried by rich ones.
 *
 * Confidence: the best policy's matched evidence in units of the idf of a term found in ~3% of the
 * policies (so it means the same for 40 or 4,000 policies), mapped to 0..1; `answered` needs it ≥ 0.4,
 * at least 10% of the query's weight matched (of at most 16 units, so long rambling messages are not
 * penalised for their length), and the message not being greetings/thanks/chat/spam.
 *
 * Index: terms are interned as integers and postings are typed arrays (fast to build, little garbage).
 */
import { defaultLexiconDir, Lexicons, loadLexicons, PhraseTable, replaceAll } from './lexicon';
import { basicNormalize, hanRuns, MAX_QUERY_CHARS } from './normalize';
import { isOffTopicWith } from './offtopic';
import { HomophoneCorrector } from './pinyin';
import { cut, cutForSearch, isDictWord, teachWords } from './segmenter';
import type { PolicyDoc, PolicySearchOptions, SearchHit, SearchResult } from './types';

export type { PolicyDoc, SearchResult, PolicySearchOptions } from './types';

/**
 * BM25F fields: title, keywords, questions, summary, content, category, situations (the life situations a
 * policy serves, in residents' words: who, what happened, what they lack).
 */
const FIELD_WEIGHT = [3.0, 2.5, 1.5, 1.5, 1.0, 0.8, 0.8];
const FIELD_B = [0.3, 0.3, 0.5, 0.5, 0.75, 0.3, 0.5];
const NFIELDS = FIELD_WEIGHT.length;
const K1 = 1.2;
/** Query weights of the feature kinds. */
const BIGRAM_WEIGHT = 0.4;
const SUBWORD_WEIGHT = 0.5;
/** Query words of one character count this much (their bigrams carry the meaning). */
const SINGLE_CHAR_WEIGHT = 0.5;
const SITUATION_WEIGHT = 0.6;
/** A query word the corpus has never seen counts this much of its idf in the denominator. */
const UNKNOWN_FACTOR = 0.3;
/** Bonus (in idf units) when a policy's title or keyword appears verbatim in the query. */
const PHRASE_WEIGHT = 1.0;
/** A query that names a policy (its title or a part of it, e.g. 低保 in "城乡最低生活保障（低保）") counts this much more. */
const TITLE_PHRASE_FACTOR = 2;
const DEFAULT_MIN_SCORE = 0.4;
/** A query covering at least this share of one situation sentence's idf mass describes that situation. */
const SITUATION_MIN_COVER = 0.35;
/** Bonus, in confidence units, for covering a whole situation sentence. */
const SITUATION_MATCH_WEIGHT = 1.0;
/** Situation sentences indexed per policy. */
const MAX_SITUATIONS = 60;
const SPARSE_BOOST_MAX = 2;
/** The best policy must also match at least this share of the query's weight. */
const MIN_COVERAGE = 0.1;
/** Coverage is measured against at most this many confidence units of query weight (long rambling messages). */
const COVERAGE_DEN_CAP = 16;
const BIGRAM_PREFIX = '~';
/** Characters that make a character bigram meaningless. */
const PARTICLES = new Set([...'的了吗呢吧啊呀哦嘛么哈啦咧嘞呗我你您他她它']);
const PARTICLE_CODES = new Set([...PARTICLES].map((c) => c.charCodeAt(0)));

function isHanCode(c: number): boolean {
  return (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0xf900 && c <= 0xfaff);
}

interface IndexedDoc {
  id: PolicyDoc['id'];
  /** per field: term ids (ascending) and their counts */
  termIds: Int32Array[];
  termTfs: Float32Array[];
  lens: number[];
  /** normalised title parts and keywords, matched verbatim in queries */
  phrases: string[];
  /** the subset of `phrases` that name the policy (title and its parts) */
  titlePhrases: string[];
  /** raw domain terms for the typo corrector */
  vocab: string[];
  /** each situation sentence as its distinct term ids (words and bigrams), for whole-situation matching */
  situationTerms: Int32Array[];
}

interface Posting {
  docs: Int32Array;
  weights: Float64Array;
}

interface Built {
  docs: IndexedDoc[];
  /** postings by term id (see PolicySearchEngine.termId) */
  postings: Array<Posting | undefined>;
  phrases: PhraseTable<number[]>;
  /** phrase → documents whose title contains it as a part */
  titleOf: Map<string, Set<number>>;
  corrector: HomophoneCorrector;
  knownWords: Set<string>;
  scratch: Float64Array;
  /** term id → situation sentences holding it, as (document index, sentence number) pairs */
  situationPostings: Map<number, Int32Array>;
  /** per document, per situation sentence: the sum of its terms' idf */
  situationMass: Float64Array[];
}

const CN_DIGITS: Record<string, number> = { 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/**
 * Ages said in a message ("85岁", "八十五了", "九十多", "80多了") become the concepts welfare rules use:
 * 80 and over → 高龄 (most allowances start there), 60 and over → 老年人.
 */
export function ageConcepts(text: string): string[] {
  const ages: number[] = [];
  for (const m of text.matchAll(/(\d{2,3})(?:周岁|岁|多|了)/g)) ages.push(Number(m[1]));
  for (const m of text.matchAll(/([六七八九])十([一二三四五六七八九])?(?:周岁|岁|多|了)?/g)) {
    ages.push(CN_DIGITS[m[1]] * 10 + (m[2] ? CN_DIGITS[m[2]] : 0));
  }
  if (/百岁|一百(?:零[一二三四五六七八九])?(?:周岁|岁|多岁|了)/.test(text)) ages.push(100);
  const top = Math.max(0, ...ages.filter((a) => a < 130));
  if (top >= 100) return ['百岁老人', '长寿', '高龄', '老年人'];
  if (top >= 90) return ['高龄', '90岁', '老年人'];
  if (top >= 80) return ['高龄', '80岁', '老年人'];
  if (top >= 60) return ['老年人'];
  return [];
}

/** Keywords as strings, whatever a caller's row holds. */
function keywordsOf(d: PolicyDoc | undefined | null): string[] {
  const k: unknown = d?.keywords;
  return Array.isArray(k) ? k.filter((x): x is string => typeof x === 'string') : [];
}

function keyOf(id: PolicyDoc['id']): string {
  return String(id);
}

/**
 * Policies written without keywords or example questions would lose those fields' weight for every term; their
 * remaining fields count more instead (the weight of the missing fields is spread over the present ones).
 */
export function sparseBoost(lens: number[]): number {
  let total = 0;
  let present = 0;
  for (let f = 0; f < NFIELDS; f++) {
    total += FIELD_WEIGHT[f];
    if (lens[f] > 0) present += FIELD_WEIGHT[f];
  }
  return present > 0 ? Math.min(SPARSE_BOOST_MAX, total / present) : 1;
}

function idf(n: number, df: number): number {
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

export class PolicySearchEngine {
  private readonly lex: Lexicons;
  private readonly minScore: number;
  private readonly docs = new Map<string, IndexedDoc>();
  /** interned terms: words and character bigrams share one id space */
  private wordIds = new Map<string, number>();
  private bigramIds = new Map<number, number>();
  private termCount = 0;
  private tfScratch = new Float64Array(1024);
  private readonly touchedScratch: number[] = [];
  /** two-character stop words as bigram codes */
  private readonly stopBigrams = new Set<number>();
  private built: Built | undefined;
  /** Figures behind the last search (for tuning and logging). */
  lastDebug: { raw: number; den: number; unit: number; second: number; offTopic: boolean } | undefined;

  constructor(options: PolicySearchOptions = {}) {
    this.lex = loadLexicons(options.lexiconDir ?? defaultLexiconDir());
    this.minScore = options.minScore ?? DEFAULT_MIN_SCORE;
    teachWords(this.lex.dictWords);
    for (const w of this.lex.stopwords) if (w.length === 2) this.stopBigrams.add(w.charCodeAt(0) * 65536 + w.charCodeAt(1));
  }

  /** Replace the whole index. */
  index(docs: PolicyDoc[]): void {
    this.docs.clear();
    this.wordIds = new Map();
    this.bigramIds = new Map();
    this.termCount = 0;
    const list = Array.isArray(docs) ? docs : [];
    const words: string[] = [];
    for (const d of list) for (const k of keywordsOf(d)) words.push(...this.cleanPhrases(k));
    teachWords(words);
    for (const d of list) if (d && d.id !== undefined && d.id !== null) this.docs.set(keyOf(d.id), this.analyzeDoc(d));
    this.built = undefined;
  }

  /** Add or replace one policy. */
  upsert(doc: PolicyDoc): void {
    if (!doc || doc.id === undefined || doc.id === null) return;
    teachWords(keywordsOf(doc).flatMap((k) => this.cleanPhrases(k)));
    this.docs.set(keyOf(doc.id), this.analyzeDoc(doc));
    this.built = undefined;
  }

  remove(id: PolicyDoc['id']): void {
    if (this.docs.delete(keyOf(id))) this.built = undefined;
  }

  get size(): number {
    return this.docs.size;
  }

  /** Is this message chit-chat rather than a policy question (also knows this index's titles and keywords)? */
  isOffTopic(text: string): boolean {
    const built = this.build();
    return isOffTopicWith(this.lex, text, (s) => built.phrases.has(s));
  }

  /** Hits sorted best first (at most `limit`, default 5); `answered` is false when nothing is a confident match. */
  search(query: string, limit = 5): SearchResult {
    try {
      return this.doSearch(query, limit);
    } catch {
      return { hits: [], answered: false, normalizedQuery: '' };
    }
  }

  // ---------------------------------------------------------------- analysis

  /** Normalised text in which colloquial words are replaced by the formal ones (spaces kept). */
  private formal(text: string): string {
    return replaceAll(this.lex.colloquial, text);
  }

  private cleanPhrases(text: string): string[] {
    return basicNormalize(text ?? '')
      .split(' ')
      .filter((p) => p.length >= 2);
  }

  /**
   * Query features: the segmenter's words (weight 1), the dictionary sub-words of longer words
   * (SUBWORD_WEIGHT) and character bigrams (BIGRAM_WEIGHT), so that one phrase is not counted many times over.
   */
  private features(text: string, out: Map<string, number>, weight = 1): void {
    const add = (f: string, w: number) => {
      out.set(f, Math.max(out.get(f) ?? 0, w));
    };
    const words = new Set<string>();
    for (const w of cut(text)) {
      if (!w.trim() || this.lex.stopwords.has(w)) continue;
      words.add(w);
      // a lone character (月, 多, 长, 得) is weak evidence on its own; the bigrams carry its meaning
      add(w, w.length === 1 ? weight * SINGLE_CHAR_WEIGHT : weight);
    }
    for (const w of cutForSearch(text)) {
      if (words.has(w) || !w.trim() || this.lex.stopwords.has(w)) continue;
      add(w, weight * SUBWORD_WEIGHT);
    }
    for (const run of hanRuns(text)) {
      for (let i = 0; i + 1 < run.length; i++) {
        const bg = run[i] + run[i + 1];
        if (PARTICLES.has(run[i]) || PARTICLES.has(run[i + 1]) || this.lex.stopwords.has(bg)) continue;
        add(BIGRAM_PREFIX + bg, weight * BIGRAM_WEIGHT);
      }
    }
  }

  /** Id of an indexed word (created when `create`), or -1. */
  private wordId(w: string, create: boolean): number {
    let id = this.wordIds.get(w);
    if (id === undefined) {
      if (!create) return -1;
      // stop words and blanks are remembered as -1 so that they are looked up once
      id = this.lex.stopwords.has(w) || !w.trim() ? -1 : this.termCount++;
      this.wordIds.set(w, id);
    }
    return id;
  }

  /** Id of an indexed character bigram (two UTF-16 codes), or -1. */
  private bigramId(a: number, b: number, create: boolean): number {
    const code = a * 65536 + b;
    let id = this.bigramIds.get(code);
    if (id === undefined) {
      if (!create) return -1;
      this.bigramIds.set(code, (id = this.termCount++));
    }
    return id;
  }

  /** Id of a query feature (a word, or BIGRAM_PREFIX + two characters), or -1 when never indexed. */
  private termId(f: string): number {
    if (f.length === 3 && f[0] === BIGRAM_PREFIX) return this.bigramId(f.charCodeAt(1), f.charCodeAt(2), false);
    return this.wordId(f, false);
  }

  /**
   * Term counts of one field's normalised text, given its words; character bigrams unless `bigrams` is false.
   * Terms are interned as numbers so that a 2,000-policy index does not keep millions of small strings and maps.
   */
  private countFeatures(s: string, words: string[], bigrams: boolean): [Int32Array, Float32Array, number] {
    const touched = this.touchedScratch;
    touched.length = 0;
    const bump = (id: number) => {
      if (id >= this.tfScratch.length) {
        const grown = new Float64Array(Math.max(id + 1, this.tfScratch.length * 2));
        grown.set(this.tfScratch);
        this.tfScratch = grown;
      }
      if (this.tfScratch[id] === 0) touched.push(id);
      this.tfScratch[id]++;
    };
    let n = 0;
    for (const w of words) {
      if (w.length === 1 && w.charCodeAt(0) <= 32) continue;
      const id = this.wordId(w, true);
      if (id < 0) continue;
      bump(id);
      n++;
    }
    if (bigrams) {
      for (let i = 0; i + 1 < s.length; i++) {
        const a = s.charCodeAt(i);
        const b = s.charCodeAt(i + 1);
        if (!isHanCode(a) || !isHanCode(b) || PARTICLE_CODES.has(a) || PARTICLE_CODES.has(b)) continue;
        if (this.stopBigrams.has(a * 65536 + b)) continue;
        bump(this.bigramId(a, b, true));
      }
    }
    const ids = Int32Array.from(touched).sort();
    const tfs = new Float32Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      tfs[i] = this.tfScratch[ids[i]];
      this.tfScratch[ids[i]] = 0;
    }
    return [ids, tfs, n];
  }

  private analyzeDoc(d: PolicyDoc): IndexedDoc {
    const str = (v: unknown) => (typeof v === 'string' ? v : '');
    const arr = (v: unknown) => (Array.isArray(v) ? v.filter((x) => typeof x === 'string').join('。') : '');
    const texts = [str(d.title), arr(d.keywords), arr(d.questions), str(d.summary), str(d.content), str(d.category), arr(d.situations)];
    const normalized = texts.map((t) => this.formal(basicNormalize(t)));
    // one segmenter call per document: the fields joined by newlines, split back afterwards
    const words: string[][] = normalized.map(() => []);
    let f = 0;
    for (const w of cutForSearch(normalized.join('\n'))) {
      if (w === '\n') f = Math.min(f + 1, NFIELDS - 1);
      else words[f].push(w);
    }
    const termIds: Int32Array[] = [];
    const termTfs: Float32Array[] = [];
    const lens: number[] = [];
    for (let i = 0; i < NFIELDS; i++) {
      // every field, content included, also gets character bigrams: policies written without keywords or
      // example questions are found through their content, and bigrams bridge differently segmented phrasing
      const [ids, tfs, n] = this.countFeatures(normalized[i], words[i], true);
      termIds.push(ids);
      termTfs.push(tfs);
      lens.push(n);
    }
    const rawPhrases = [...this.cleanPhrases(str(d.title)), ...keywordsOf(d).flatMap((k) => this.cleanPhrases(k))];
    const phrases = new Set<string>();
    for (const p of rawPhrases) {
      phrases.add(p);
      phrases.add(this.formal(p));
    }
    const titlePhrases = new Set<string>();
    for (const p of this.cleanPhrases(str(d.title))) {
      titlePhrases.add(p);
      titlePhrases.add(this.formal(p));
    }
    const vocab = new Set<string>(rawPhrases);
    for (const w of words[0]) if (w.length >= 2 && w.trim()) vocab.add(w);
    const situationTerms = (Array.isArray(d.situations) ? d.situations : [])
      .filter((x): x is string => typeof x === 'string')
      .slice(0, MAX_SITUATIONS)
      .map((text) => {
        const norm = this.formal(basicNormalize(text));
        return this.countFeatures(norm, cutForSearch(norm), true)[0];
      });
    return { id: d.id, termIds, termTfs, lens, phrases: [...phrases], titlePhrases: [...titlePhrases], vocab: [...vocab], situationTerms };
  }

  private build(): Built {
    if (this.built) return this.built;
    const docs = [...this.docs.values()];
    const n = docs.length;
    const avg = new Array<number>(NFIELDS).fill(0);
    for (const d of docs) for (let f = 0; f < NFIELDS; f++) avg[f] += d.lens[f];
    for (let f = 0; f < NFIELDS; f++) avg[f] = Math.max(1, avg[f] / Math.max(1, n));

    // postings by term id: count the documents of each term first, then fill typed arrays
    const df = new Int32Array(this.termCount);
    const lastDoc = new Int32Array(this.termCount);
    docs.forEach((d, i) => {
      for (let f = 0; f < NFIELDS; f++) {
        for (const t of d.termIds[f]) {
          if (lastDoc[t] === i + 1) continue;
          lastDoc[t] = i + 1;
          df[t]++;
        }
      }
    });
    const postings: Array<Posting | undefined> = new Array(this.termCount);
    const fill = new Int32Array(this.termCount);
    for (let t = 0; t < this.termCount; t++) {
      if (df[t] > 0) postings[t] = { docs: new Int32Array(df[t]), weights: new Float64Array(df[t]) };
    }
    const phraseDocs = new Map<string, number[]>();
    const titleOf = new Map<string, Set<number>>();
    const vocab = new Set<string>(this.lex.domainWords);
    for (const [k] of this.lexEntries()) vocab.add(k);
    const knownWords = new Set<string>();
    for (const [w, id] of this.wordIds) if (id >= 0 && df[id] > 0) knownWords.add(w);
    docs.forEach((d, i) => {
      const boost = sparseBoost(d.lens);
      for (let f = 0; f < NFIELDS; f++) {
        const norm = 1 - FIELD_B[f] + (FIELD_B[f] * d.lens[f]) / avg[f];
        const w = (FIELD_WEIGHT[f] * boost) / norm;
        const ids = d.termIds[f];
        const tfs = d.termTfs[f];
        for (let k = 0; k < ids.length; k++) {
          const t = ids[k];
          const p = postings[t] as Posting;
          const at = fill[t];
          if (at > 0 && p.docs[at - 1] === i) p.weights[at - 1] += w * tfs[k];
          else {
            p.docs[at] = i;
            p.weights[at] = w * tfs[k];
            fill[t] = at + 1;
          }
        }
      }
      for (const ph of d.titlePhrases) {
        let set = titleOf.get(ph);
        if (!set) titleOf.set(ph, (set = new Set()));
        set.add(i);
      }
      for (const ph of d.phrases) {
        const list = phraseDocs.get(ph);
        if (!list) phraseDocs.set(ph, [i]);
        else if (list[list.length - 1] !== i) list.push(i);
      }
      for (const v of d.vocab) vocab.add(v);
    });
    // situation sentences: which sentences hold each term, and each sentence's idf mass
    const sitLists = new Map<number, number[]>();
    const situationMass = docs.map((d, i) =>
      Float64Array.from(d.situationTerms, (ids, k) => {
        let mass = 0;
        for (const t of ids) {
          mass += idf(n, df[t]);
          let list = sitLists.get(t);
          if (!list) sitLists.set(t, (list = []));
          list.push(i, k);
        }
        return mass;
      }),
    );
    const situationPostings = new Map<number, Int32Array>();
    for (const [t, list] of sitLists) situationPostings.set(t, Int32Array.from(list));
    const corrector = new HomophoneCorrector(vocab, (w) => vocab.has(w) || knownWords.has(w) || isDictWord(w), cut);
    this.built = {
      docs,
      postings,
      phrases: PhraseTable.fromEntries(phraseDocs),
      titleOf,
      corrector,
      knownWords,
      scratch: new Float64Array(n),
      situationPostings,
      situationMass,
    };
    return this.built;
  }

  /** Lexicon words that the typo corrector may correct towards (colloquial keys and targets, situation triggers). */
  private *lexEntries(): Generator<[string]> {
    for (const [k, v] of this.lex.colloquial.findAllEntries()) {
      yield [k];
      for (const w of v.split(' ')) if (w) yield [w];
    }
    for (const [k, v] of this.lex.situations.findAllEntries()) {
      yield [k];
      for (const w of v.concepts) yield [w];
    }
  }

  // ---------------------------------------------------------------- search

  private doSearch(query: string, limit: number): SearchResult {
    this.lastDebug = undefined;
    const max = Number.isFinite(limit) ? Math.max(0, Math.min(100, Math.floor(limit))) : 5;
    const cleaned = basicNormalize(query, MAX_QUERY_CHARS);
    if (!cleaned) return { hits: [], answered: false, normalizedQuery: '' };
    const built = this.build();

    const fixed = built.corrector.correct(replaceAll(this.lex.typos, cleaned));
    const formal = this.formal(fixed);
    const compactFixed = fixed.replace(/\s+/g, '');
    const compactFormal = formal.replace(/\s+/g, '');

    // query features: words and bigrams of the formal text, plus situation concepts at a lower weight
    const q = new Map<string, number>();
    this.features(formal, q, 1);
    const concepts = new Map<string, number>();
    // "着了火", "评过残": aspect particles inside a phrase should not hide a trigger
    const noParticles = compactFormal.replace(/[了过]/g, '');
    for (const text of [compactFixed, compactFormal, noParticles]) {
      for (const [, sit] of this.lex.situations.findAll(text)) {
        for (const c of sit.concepts) concepts.set(c, Math.max(concepts.get(c) ?? 0, sit.weight));
      }
    }
    for (const c of ageConcepts(compactFormal)) concepts.set(c, Math.max(concepts.get(c) ?? 0, 1));
    for (const [c, w] of concepts) this.features(this.formal(c), q, SITUATION_WEIGHT * w);

    const n = built.docs.length;
    const acc = built.scratch;
    acc.fill(0);
    const touched: number[] = [];
    let den = 0;
    const unknownIdf = idf(n, 0) * UNKNOWN_FACTOR;
    for (const [t, qw] of q) {
      const id = this.termId(t);
      const p = id >= 0 ? built.postings[id] : undefined;
      if (!p) {
        den += qw * unknownIdf;
        continue;
      }
      const wIdf = qw * idf(n, p.docs.length);
      den += wIdf;
      for (let i = 0; i < p.docs.length; i++) {
        const d = p.docs[i];
        const tf = p.weights[i];
        if (acc[d] === 0) touched.push(d);
        acc[d] += (wIdf * tf) / (K1 + tf);
      }
    }
    // a described situation: the policy situation sentence whose terms the query covers best
    const sitHit = new Map<number, number>();
    for (const [t, qw] of q) {
      if (qw < 1 && t[0] !== BIGRAM_PREFIX) continue;
      const id = this.termId(t);
      const list = id >= 0 ? built.situationPostings.get(id) : undefined;
      if (!list) continue;
      const w = idf(n, built.postings[id]?.docs.length ?? 0);
      for (let i = 0; i < list.length; i += 2) {
        const key = list[i] * 64 + list[i + 1];
        sitHit.set(key, (sitHit.get(key) ?? 0) + w);
      }
    }
    const bestSituation = new Map<number, number>();
    for (const [key, got] of sitHit) {
      const d = Math.floor(key / 64);
      const cover = got / Math.max(1e-9, built.situationMass[d][key % 64]);
      if (cover > (bestSituation.get(d) ?? 0)) bestSituation.set(d, cover);
    }
    for (const [d, cover] of bestSituation) {
      if (cover < SITUATION_MIN_COVER) continue;
      if (acc[d] === 0) touched.push(d);
      acc[d] += SITUATION_MATCH_WEIGHT * idf(n, Math.max(1, n * 0.03)) * cover;
    }

    // verbatim titles and keywords in the query
    const seen = new Set<string>();
    for (const text of [compactFixed, compactFormal]) {
      for (const [phrase, docs] of built.phrases.findAll(text)) {
        if (seen.has(phrase)) continue;
        seen.add(phrase);
        const bonus = PHRASE_WEIGHT * idf(n, docs.length) * Math.min(1, phrase.length / 3);
        const named = built.titleOf.get(phrase);
        den += named ? bonus * TITLE_PHRASE_FACTOR : bonus;
        for (const d of docs) {
          if (acc[d] === 0) touched.push(d);
          acc[d] += named?.has(d) ? bonus * TITLE_PHRASE_FACTOR : bonus;
        }
      }
    }

    const normalizedQuery = formal;
    if (touched.length === 0 || den <= 0) return { hits: [], answered: false, normalizedQuery };
    touched.sort((a, b) => acc[b] - acc[a]);
    // Confidence: matched evidence measured in units of "the idf of a term found in ~3% of the policies",
    // so it means the same with 40 or 4,000 policies; 1 - exp(-x/2) maps it into 0..1.
    const unit = idf(n, Math.max(1, n * 0.03));
    const confidence = (raw: number) => 1 - Math.exp(-raw / (2 * unit));
    const hits: SearchHit[] = [];
    for (const d of touched.slice(0, max)) {
      if (acc[d] <= 0) break;
      hits.push({ id: built.docs[d].id, score: Math.round(confidence(acc[d]) * 10000) / 10000 });
    }
    const topRaw = acc[touched[0]];
    // long rambling messages: only the first COVERAGE_DEN_CAP units of the query's weight are asked to be matched
    const coverage = topRaw / Math.min(den, COVERAGE_DEN_CAP * unit);
    const offTopic = isOffTopicWith(this.lex, query, (s) => built.phrases.has(s));
    this.lastDebug = { raw: topRaw, den, unit, second: touched[1] !== undefined ? acc[touched[1]] : 0, offTopic };
    const answered = !offTopic && confidence(topRaw) >= this.minScore && coverage >= MIN_COVERAGE;
    return { hits, answered, normalizedQuery };
  }
}
