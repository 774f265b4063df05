import { DataGenOptionError } from './errors.js';
import type { KnowledgeBase } from './knowledge-base.js';
import type { StatuteArticle } from './statute-markdown.js';

/** An article a query retrieved, with its BM25 score. */
export interface RetrievedArticle {
  article: StatuteArticle;
  score: number;
}

/** Options of {@link createArticleRetriever}. */
export interface CreateArticleRetrieverOptions {
  knowledgeBase: KnowledgeBase;
  /** Laws (full or short names) to index; default every law in the knowledge base. */
  laws?: string[];
  /** BM25 term-frequency saturation. Default 1.2. */
  k1?: number;
  /** BM25 length normalisation. Default 0.75. */
  b?: number;
}

/** Options of {@link ArticleRetriever.search}. */
export interface ArticleSearchOptions {
  /** Articles returned at most. Default 3. */
  limit?: number;
  /** Search only these laws (full or short names); unknown names are ignored. Default all indexed laws. */
  laws?: string[];
}

/** BM25 search over statute article text. */
export interface ArticleRetriever {
  /** Articles indexed. */
  readonly size: number;
  /** The knowledge base the articles came from (to resolve law names). */
  readonly knowledgeBase: KnowledgeBase;
  /** The best articles for `query`, best first (ties by index order); none when no term matches. */
  search(query: string, options?: ArticleSearchOptions): RetrievedArticle[];
}

const WORD = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[0-9a-z]+/g;

/**
 * Index terms of Chinese text: overlapping character bigrams of each CJK run (a one-character run is its own
 * term) and lowercase ASCII words/numbers. Punctuation separates runs. Bigrams need no dictionary and match
 * the two-character words that carry most of a legal question's meaning.
 */
export function bigramTerms(text: string): string[] {
  const terms: string[] = [];
  for (const [run] of text.normalize('NFKC').toLowerCase().matchAll(WORD)) {
    if (/^[0-9a-z]/.test(run) || run.length === 1) {
      terms.push(run);
      continue;
    }
    for (let index = 0; index + 1 < run.length; index++) terms.push(run.slice(index, index + 2));
  }
  return terms;
}

/**
 * Build a BM25 index (Robertson–Spärck Jones idf, `k1`, `b`) over every article's text with character-bigram
 * terms ({@link bigramTerms}). All 58,630 articles of `../shared` index in a few seconds.
 */
export function createArticleRetriever(options: CreateArticleRetrieverOptions): ArticleRetriever {
  const { knowledgeBase, k1 = 1.2, b = 0.75 } = options;
  if (!(k1 > 0)) throw new DataGenOptionError({ field: 'k1', expected: 'a positive number', actual: k1 });
  if (!(b >= 0 && b <= 1))
    throw new DataGenOptionError({ field: 'b', expected: 'a number in [0, 1]', actual: b });
  const laws = (options.laws ?? knowledgeBase.laws().map((entry) => entry.law)).map(
    (name) => knowledgeBase.law(name).law,
  );
  const articles = laws.flatMap((law) => knowledgeBase.articles(law));
  // Step 1: postings (article index, term frequency) and lengths.
  const postings = new Map<string, number[]>();
  const lengths = new Float64Array(articles.length);
  articles.forEach((article, index) => {
    const counts = new Map<string, number>();
    const terms = bigramTerms(article.text);
    for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
    lengths[index] = terms.length;
    for (const [term, count] of counts) {
      const list = postings.get(term);
      if (list) list.push(index, count);
      else postings.set(term, [index, count]);
    }
  });
  const averageLength = lengths.reduce((sum, value) => sum + value, 0) / Math.max(1, articles.length);
  const lawOf = articles.map((article) => article.law);
  const scores = new Float64Array(articles.length);
  return {
    size: articles.length,
    knowledgeBase,
    search(query, searchOptions = {}) {
      const { limit = 3 } = searchOptions;
      if (!(Number.isInteger(limit) && limit >= 1))
        throw new DataGenOptionError({ field: 'limit', expected: 'an integer ≥ 1', actual: limit });
      const allowed = searchOptions.laws
        ?.map((name) => knowledgeBase.resolveLaw(name))
        .filter((name): name is string => name !== undefined);
      const allowedSet = allowed && allowed.length > 0 ? new Set(allowed) : undefined;
      // Step 2: accumulate BM25 over the query's distinct terms.
      scores.fill(0);
      const touched: number[] = [];
      for (const term of new Set(bigramTerms(query))) {
        const list = postings.get(term);
        if (!list) continue;
        const documents = list.length / 2;
        const idf = Math.log(1 + (articles.length - documents + 0.5) / (documents + 0.5));
        for (let position = 0; position < list.length; position += 2) {
          const index = list[position];
          const tf = list[position + 1];
          if (scores[index] === 0) touched.push(index);
          scores[index] += (idf * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * lengths[index]) / averageLength));
        }
      }
      // Step 3: the best `limit` of the touched articles (a linear pass keeping a small sorted list).
      const ranked: number[] = [];
      const better = (left: number, right: number) =>
        scores[left] > scores[right] || (scores[left] === scores[right] && left < right);
      for (const index of touched) {
        if (allowedSet && !allowedSet.has(lawOf[index])) continue;
        if (ranked.length === limit && !better(index, ranked[limit - 1])) continue;
        let slot = ranked.length === limit ? limit - 1 : ranked.length;
        ranked[slot] = index;
        while (slot > 0 && better(ranked[slot], ranked[slot - 1])) {
          [ranked[slot], ranked[slot - 1]] = [ranked[slot - 1], ranked[slot]];
          slot--;
        }
      }
      return ranked.map((index) => ({ article: articles[index], score: scores[index] }));
    },
  };
}
