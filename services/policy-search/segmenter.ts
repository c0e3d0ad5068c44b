import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict';

let jieba: Jieba | undefined;
const taught = new Set<string>();

/** One jieba instance per process (loading the dictionary takes ~150 ms); words are only ever added. */
function instance(): Jieba {
  if (!jieba) jieba = Jieba.withDict(dict);
  return jieba;
}

/** Teach the segmenter domain words (idempotent). */
export function teachWords(words: Iterable<string>): void {
  const fresh: string[] = [];
  for (const w of words) {
    if (w.length < 2 || w.length > 12 || /\s/.test(w) || taught.has(w)) continue;
    taught.add(w);
    fresh.push(`${w} 50000`);
  }
  if (fresh.length) instance().loadDict(Buffer.from(fresh.join('\n') + '\n', 'utf8'));
}

/** Search-mode segmentation: compound words plus their dictionary sub-words. */
export function cutForSearch(text: string): string[] {
  if (!text) return [];
  return instance().cutForSearch(text, false);
}

export function cut(text: string): string[] {
  if (!text) return [];
  return instance().cut(text, false);
}

/** True when the segmenter keeps the string as one dictionary word. */
export function isDictWord(text: string): boolean {
  if (taught.has(text)) return true;
  const parts = instance().cut(text, false);
  return parts.length === 1 && parts[0] === text;
}
