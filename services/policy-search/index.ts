export { PolicySearchEngine } from './engine';
export { isOffTopic } from './offtopic';
export type { PolicyDoc, SearchHit, SearchResult, PolicySearchOptions } from './types';
export { basicNormalize } from './normalize';
export { defaultLexiconDir } from './lexicon';
