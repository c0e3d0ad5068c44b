/** Public types of the policy search engine. */
export interface PolicyDoc {
  id: number | string;
  title: string;
  category: string;
  summary: string;
  content: string;
  keywords: string[];
  questions: string[];
  /** Life situations the policy serves, in plain words ("家里着火了，东西都烧没了"); optional. */
  situations?: string[];
}

export interface SearchHit {
  id: PolicyDoc['id'];
  /** Confidence-like score in 0..1: the share of the query's weight that this policy matches. */
  score: number;
}

export interface SearchResult {
  hits: SearchHit[];
  answered: boolean;
  /** The query after cleaning, typo correction and colloquial normalisation (what was searched). */
  normalizedQuery: string;
}

export interface PolicySearchOptions {
  /** Folder with colloquial.tsv, typos.tsv, situations.tsv, domain.tsv, stopwords.tsv, offtopic.tsv. */
  lexiconDir?: string;
  /** Minimum normalised top score for `answered: true` (default 0.3). */
  minScore?: number;
}
