import * as OpenCC from 'opencc-js';

/** Inputs longer than this are cut before anything else looks at them (a 100 KB paste). */
const MAX_INPUT_CHARS = 2000;

const toSimplified = OpenCC.Converter({ from: 'tw', to: 'cn' });

// Control characters (but not line breaks and tabs), zero-width characters and the BOM.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B-\u200F\u2028-\u202E\u2060-\u2064\uFEFF]/g;
// Emoji and what glues them together (variation selectors, ZWJ, skin tones, flags, keycaps).
const EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}|[\u{1F3FB}-\u{1F3FF}]|\uFE0E|\uFE0F|\u20E3|\u200D/gu;
// WeChat's own emoji arrive as text codes: [微笑], [Smile], [捂脸].
const WECHAT_EMOJI = /\[[\u4e00-\u9fa5A-Za-z]{1,8}\]/g;
const BRACKETS = /[【】〔〕［］「」『』《》〈〉]/g;
// Punctuation dropped for the compact form (both half-width and what NFKC leaves full-width).
const PUNCT = /[\s\p{P}\p{S}]/gu;

/** An inbound text in the three forms the router uses. */
export interface NormalizedText {
  /** The text as received, cut to MAX_INPUT_CHARS and stripped of control characters. */
  raw: string;
  /** Half-width, simplified, no emoji or 【】, single spaces, trimmed: for display and loose matching. */
  text: string;
  /** `text` without spaces and punctuation, lower-case: for keyword matching. */
  compact: string;
  /** True when the message had something (emoji, stickers as codes) but no words. */
  onlySymbols: boolean;
}

/**
 * Normalises a message for matching: full-width digits, letters and punctuation to half-width
 * (NFKC), traditional to simplified characters, emoji and 【】 removed, spaces collapsed.
 */
export function normalizeText(input: string | null | undefined): NormalizedText {
  const raw = (input ?? '').slice(0, MAX_INPUT_CHARS).replace(CONTROL, ' ');
  const plain = raw
    .normalize('NFKC')
    .replace(WECHAT_EMOJI, ' ')
    .replace(EMOJI, ' ')
    .replace(BRACKETS, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const text = plain ? toSimplified(plain) : '';
  const compact = text.replace(PUNCT, '').toLowerCase();
  return { raw, text, compact, onlySymbols: !compact && raw.trim().length > 0 };
}
