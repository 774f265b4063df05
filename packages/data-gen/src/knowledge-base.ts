import { relative } from 'node:path';
import { formatArticleLabel } from './chinese-numeral.js';
import { DataGenAbortError, DataGenFileError, DataGenLookupError } from './errors.js';
import { listFiles, readTextFile } from './read-text-file.js';
import {
  parseStatuteMarkdown,
  type StatuteArticle,
  type StatuteDocument,
  type StatuteWarning,
} from './statute-markdown.js';

/** A law chosen for the knowledge base: its latest version and the files that make it up. */
export interface LawEntry {
  /** Full title, e.g. `中华人民共和国刑法`. */
  law: string;
  /** Short name without the `中华人民共和国` prefix, e.g. `刑法`. */
  shortName: string;
  versionDate: string | null;
  /** Files of the chosen version (several for laws split by part, such as the 民法典). */
  paths: string[];
  /** Dates of the versions that were found and not chosen. */
  olderVersions: (string | null)[];
  /** Articles sorted by number then suffix; a repeated number keeps every copy, in file order, each with its path and line. */
  articles: StatuteArticle[];
  /** Articles whose number appeared before in the chosen version (kept, and warned about). */
  duplicateArticles: number;
  /** Lines of the chosen files that looked like article labels but did not parse, with their text. */
  unparsed: { path: string; line: number; text: string }[];
  /** Warnings of the chosen files: duplicate numbers (also across its files), unparseable labels, files without articles. */
  warnings: StatuteWarning[];
}

/** Which law and article to look up. */
export interface ArticleQuery {
  /** Full title, short name (`刑法`, `民法典`) or either in 《》. */
  law: string;
  number: number;
  /** `之X` as a number; 0 or absent for a plain article. */
  suffix?: number;
}

const PREFIX = '中华人民共和国';

/** `刑法` for `中华人民共和国刑法`, `《民法典》` → `民法典`. */
export function shortLawName(title: string): string {
  const bare = title.replace(/^《(.*)》$/, '$1').trim();
  return bare.startsWith(PREFIX) ? bare.slice(PREFIX.length) : bare;
}

function articleKey(number: number, suffix: number): string {
  return `${number}:${suffix}`;
}

/** Statute articles of the latest version of each law, indexed for lookup by law and article number. */
export class KnowledgeBase {
  private readonly entries = new Map<string, LawEntry>();
  private readonly names = new Map<string, string>();
  private readonly byArticle = new Map<string, Map<string, StatuteArticle>>();

  constructor(entries: LawEntry[]) {
    for (const entry of entries) {
      this.entries.set(entry.law, entry);
      for (const name of [entry.law, entry.shortName])
        if (!this.names.has(name)) this.names.set(name, entry.law);
      const index = new Map<string, StatuteArticle>();
      for (const article of entry.articles) {
        const key = articleKey(article.number, article.suffix);
        if (!index.has(key)) index.set(key, article);
      }
      this.byArticle.set(entry.law, index);
    }
  }

  /** All laws, in title order. */
  laws(): LawEntry[] {
    return [...this.entries.values()].sort((a, b) => a.law.localeCompare(b.law, 'zh'));
  }

  /** Number of articles in all laws. */
  get articleCount(): number {
    let count = 0;
    for (const entry of this.entries.values()) count += entry.articles.length;
    return count;
  }

  /** Full title for a full title, short name or 《name》; undefined when unknown. */
  resolveLaw(name: string): string | undefined {
    const bare = name.replace(/^《(.*)》$/, '$1').trim();
    return this.names.get(bare) ?? this.names.get(shortLawName(bare));
  }

  /** The law's entry; throws `DataGenLookupError` when unknown. */
  law(name: string): LawEntry {
    const title = this.resolveLaw(name);
    if (!title)
      throw new DataGenLookupError({ field: 'law', actual: name, message: `unknown law "${name}"` });
    return this.entries.get(title)!;
  }

  /** Warnings of every law's chosen files (see {@link LawEntry.warnings}). */
  warnings(): StatuteWarning[] {
    return this.laws().flatMap((entry) => entry.warnings);
  }

  /** Every article with this number (more than one when the statute repeats it), in file order. */
  findArticles(query: ArticleQuery): StatuteArticle[] {
    const title = this.resolveLaw(query.law);
    if (!title) return [];
    const suffix = query.suffix ?? 0;
    return this.entries
      .get(title)!
      .articles.filter((article) => article.number === query.number && article.suffix === suffix);
  }

  /** The article (the first, when the number repeats), or undefined when the law or article does not exist. */
  findArticle(query: ArticleQuery): StatuteArticle | undefined {
    const title = this.resolveLaw(query.law);
    return title ? this.byArticle.get(title)?.get(articleKey(query.number, query.suffix ?? 0)) : undefined;
  }

  /** The article; throws `DataGenLookupError` naming the law and article when absent. */
  getArticle(query: ArticleQuery): StatuteArticle {
    const article = this.findArticle(query);
    if (!article) {
      const label = formatArticleLabel(query.number, query.suffix ?? 0);
      throw new DataGenLookupError({
        field: 'number',
        actual: query,
        message: `《${query.law}》${label} not found${this.resolveLaw(query.law) ? '' : ' (unknown law)'}`,
      });
    }
    return article;
  }

  /** Articles of one law, or of all laws when `law` is omitted. */
  articles(law?: string): StatuteArticle[] {
    if (law !== undefined) return this.law(law).articles;
    return this.laws().flatMap((entry) => entry.articles);
  }
}

/**
 * Files of one version sorted by path, keeping one file per part: the same law filed under two
 * categories with the same date is a copy, and the copy with more articles is kept.
 */
function distinctParts(documents: StatuteDocument[]): StatuteDocument[] {
  const byPart = new Map<string, StatuteDocument>();
  const sorted = [...documents].sort((a, b) => (a.path ?? '').localeCompare(b.path ?? ''));
  for (const document of sorted) {
    const key = document.part ?? '';
    const kept = byPart.get(key);
    if (!kept || document.articles.length > kept.articles.length) byPart.set(key, document);
  }
  return sorted.filter((document) => byPart.get(document.part ?? '') === document);
}

/** Options of {@link createKnowledgeBase}. */
export interface CreateKnowledgeBaseOptions {
  /** Parsed statute files; several files with the same title are versions (dated) or parts (undated). */
  documents?: StatuteDocument[];
  /** Statute Markdown texts to parse (with {@link parseStatuteMarkdown}) and add to `documents`. */
  markdown?: { text: string; path?: string }[];
}

/**
 * Build a knowledge base from parsed documents, keeping the latest version of each law. Files with a
 * date in their name are separate versions; undated files with the same title are parts of one version
 * (dated by the latest history date among them). The version with the latest date wins.
 */
export function createKnowledgeBase(options: CreateKnowledgeBaseOptions): KnowledgeBase {
  const documents = [
    ...(options.documents ?? []),
    ...(options.markdown ?? []).map((file) => parseStatuteMarkdown(file.text, { path: file.path })),
  ];
  const groups = new Map<string, StatuteDocument[]>();
  for (const document of documents) {
    const list = groups.get(document.law) ?? [];
    list.push(document);
    groups.set(document.law, list);
  }
  const entries: LawEntry[] = [];
  for (const [law, group] of groups) {
    // Step 1: versions keyed by file date; undated files form one version.
    const versions = new Map<string, { date: string | null; documents: StatuteDocument[] }>();
    for (const document of group) {
      const key = document.fileDate ?? 'undated';
      const version = versions.get(key) ?? { date: null, documents: [] };
      version.documents.push(document);
      if (document.versionDate && (version.date === null || document.versionDate > version.date)) {
        version.date = document.versionDate;
      }
      versions.set(key, version);
    }
    // Step 2: the latest version (undated-and-no-history sorts first; ties prefer a dated file).
    const ordered = [...versions.entries()].sort(([keyA, a], [keyB, b]) => {
      const byDate = (a.date ?? '').localeCompare(b.date ?? '');
      if (byDate !== 0) return byDate;
      return (keyA === 'undated' ? 0 : 1) - (keyB === 'undated' ? 0 : 1);
    });
    const [, chosen] = ordered[ordered.length - 1];
    // Step 3: merge its files, renumber versionDate, keep repeated article numbers and warn about them.
    const files = distinctParts(chosen.documents);
    const { articles, duplicateArticles, warnings } = mergeArticles(files, chosen.date);
    // stable: copies of one number stay in file order
    articles.sort((a, b) => a.number - b.number || a.suffix - b.suffix);
    entries.push({
      law,
      shortName: shortLawName(law),
      versionDate: chosen.date,
      paths: files.map((document) => document.path ?? '<string>'),
      olderVersions: ordered.slice(0, -1).map(([, version]) => version.date),
      articles,
      duplicateArticles,
      unparsed: files.flatMap((document) =>
        (document.unparsed ?? []).map((entry) => ({ path: document.path ?? '<string>', ...entry })),
      ),
      warnings,
    });
  }
  return new KnowledgeBase(entries);
}

/** Articles of a version's files, all kept; repeats counted, and warned about when across files (a file warns of its own). */
function mergeArticles(files: StatuteDocument[], versionDate: string | null) {
  const first = new Map<string, StatuteArticle>();
  const articles: StatuteArticle[] = [];
  const warnings: StatuteWarning[] = files.flatMap((document) => document.warnings ?? []);
  let duplicateArticles = 0;
  for (const document of files) {
    const inFile = new Set<string>();
    for (const article of document.articles) {
      const key = articleKey(article.number, article.suffix);
      const earlier = first.get(key);
      if (!earlier) first.set(key, article);
      else {
        duplicateArticles++;
        // a repeat inside one file is the parser's warning; warn here once per file for a number of an earlier file
        if (earlier.path !== article.path && !inFile.has(key)) {
          warnings.push({
            kind: 'duplicate-article',
            path: article.path ?? '<string>',
            line: article.line,
            first: { path: earlier.path ?? '<string>', line: earlier.line },
            message: `${formatArticleLabel(article.number, article.suffix)} also in ${earlier.path ?? '<string>'}:${earlier.line}; both are kept`,
          });
        }
      }
      inFile.add(key);
      articles.push({ ...article, versionDate });
    }
  }
  return { articles, duplicateArticles, warnings };
}

/** Options of {@link loadKnowledgeBase}. */
export interface LoadKnowledgeBaseOptions {
  /** Folder searched recursively for `*.md` statute files (e.g. `shared/data/laws/md`). */
  root: string;
  /** Keep only files whose path relative to `root` passes, e.g. `(path) => path.startsWith('刑法/')`. */
  filter?: (relativePath: string) => boolean;
  /** Called after each file with the number of files parsed and the total. */
  onProgress?: (progress: { files: number; totalFiles: number; articles: number }) => void;
  signal?: AbortSignal;
}

/**
 * Read and parse every statute Markdown file under `root` and build the knowledge base. No file, or no
 * article in any file, is a `DataGenFileError` naming the folder; parse warnings are on each law and
 * `knowledgeBase.warnings()`.
 */
export async function loadKnowledgeBase(options: LoadKnowledgeBaseOptions): Promise<KnowledgeBase> {
  const { root, filter, onProgress, signal } = options;
  const paths = (await listFiles(root, '.md')).filter((path) => !filter || filter(relative(root, path)));
  const documents: StatuteDocument[] = [];
  let articles = 0;
  for (const path of paths) {
    if (signal?.aborted) throw new DataGenAbortError('loading the knowledge base was aborted');
    const text = await readTextFile(path, 'a statute Markdown file');
    const document = parseStatuteMarkdown(text, { path: relative(root, path) });
    // Files such as 刑法修正案 whose title matches nothing else still count as laws.
    documents.push(document);
    articles += document.articles.length;
    onProgress?.({ files: documents.length, totalFiles: paths.length, articles });
  }
  if (articles === 0) {
    throw new DataGenFileError({
      path: root,
      code: 'EMPTY',
      message: `no statute article parsed from ${paths.length} Markdown file(s)${filter ? ' (after the filter)' : ''}; expected LawRefBook-style files with 第X条 lines`,
    });
  }
  return createKnowledgeBase({ documents });
}
