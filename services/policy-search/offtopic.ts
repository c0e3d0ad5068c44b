import { cachedLexicons, defaultLexiconDir, Lexicons, replaceAll } from './lexicon';
import { basicNormalize, hasHan, MAX_QUERY_CHARS } from './normalize';
import { cut } from './segmenter';

/**
 * Greeting / thanks / chit-chat / spam detector on a lexicon.
 * - nothing left after cleaning (empty, punctuation, emoji) → off-topic;
 * - no Chinese at all (English chat, random letters, digits) → off-topic;
 * - a spam pattern (加微信, 刷单, http …) → off-topic even if a policy word appears;
 * - a policy word (domain list, situation trigger, or `extraDomain`) → on topic;
 * - a greeting / thanks / chat pattern, or only stop words → off-topic;
 * - otherwise on topic (the search's confidence decides).
 */
export function isOffTopicWith(lex: Lexicons, text: unknown, extraDomain?: (s: string) => boolean): boolean {
  const s = basicNormalize(text, MAX_QUERY_CHARS);
  if (!s) return true;
  if (!hasHan(s)) return true;
  const compact = s.replace(/\s+/g, '');
  if (lex.spam.has(compact)) return true;
  const fixed = replaceAll(lex.typos, compact);
  const formal = replaceAll(lex.colloquial, fixed);
  // a situation said with an ambiguous word (weight below 1: 回老家, 想帮忙) does not by itself make a message a question
  const situation = (t: string) => lex.situations.findAll(t).some(([, sit]) => sit.weight >= 1);
  if (lex.domain.has(fixed) || lex.domain.has(formal) || situation(fixed) || situation(formal)) {
    return false;
  }
  if (extraDomain && (extraDomain(fixed) || extraDomain(formal))) return false;
  if (lex.chat.has(compact)) return true;
  const content = cut(formal).filter((w) => w.trim() && !lex.stopwords.has(w) && !lex.chat.has(w));
  return content.length === 0;
}

/** Greetings/thanks/chit-chat/spam detector for the bot, on the shipped lexicons. */
export function isOffTopic(text: string): boolean {
  return isOffTopicWith(cachedLexicons(defaultLexiconDir()), text);
}
