import { parseChineseNumeral } from './chinese-numeral.js';
import { DataGenParseError } from './errors.js';

/** One article (`第X条` or `第X条之Y`) of a statute. */
export interface StatuteArticle {
  /** Title of the law, from the first `#` line, e.g. `中华人民共和国刑法`. */
  law: string;
  /** Version date `YYYY-MM-DD` (file name date, else the latest date in the history lines), or null. */
  versionDate: string | null;
  /** Enclosing 编/章/节 headings, outermost first, e.g. `['第二编 分则', '第四章 侵犯公民人身权利、民主权利罪']`. */
  headings: string[];
  /** Article number: 133 for `第一百三十三条之一`. */
  number: number;
  /** The `之X` part as a number (1 for 之一), 0 when absent. */
  suffix: number;
  /** Paragraphs (款) of the article joined with `\n`, without the `第X条` label. */
  text: string;
  /** File the article came from, when known. */
  path?: string;
  /** 1-based line of the `第X条` label in that file. */
  line: number;
}

/** A parsed statute Markdown file. */
export interface StatuteDocument {
  law: string;
  /** A second `#` line before `<!-- INFO END -->` (e.g. `人格权编` in the 民法典 files), else null. */
  part: string | null;
  path?: string;
  /** Date in the file name `title(YYYY-MM-DD).md`, or null. */
  fileDate: string | null;
  /** `fileDate`, else the latest date found in the history lines, else null. */
  versionDate: string | null;
  /** Non-empty lines between the title and `<!-- INFO END -->` (adoption/amendment history). */
  history: string[];
  /** Body text before the first article (preambles of judicial interpretations). */
  preamble: string;
  articles: StatuteArticle[];
}

const ARTICLE_LINE =
  /^第([零〇一二两三四五六七八九十百千万\d]+)条(?:之([一二三四五六七八九十]+))?(?:[ \t\u3000]+(.*))?$/;
const HEADING_LINE = /^(#{1,6})\s+(.*)$/;
const INFO_END = '<!-- INFO END -->';
// Zero-width characters and BOMs that appear inside some statute files.
const INVISIBLE = /\u200b|\u200c|\u200d|\u2060|\ufeff/g;

/** `YYYY-MM-DD` from a `title(YYYY-MM-DD).md` file name, or null. */
export function fileDateOf(path: string): string | null {
  const match = /\((\d{4}-\d{2}-\d{2})\)\.md$/.exec(path);
  return match ? match[1] : null;
}

/** The latest `YYYY年M月D日` date in `lines` as `YYYY-MM-DD`, or null. */
export function latestHistoryDate(lines: string[]): string | null {
  let latest: string | null = null;
  for (const line of lines) {
    for (const match of line.matchAll(/(\d{4})年(\d{1,2})月(\d{1,2})日/g)) {
      const date = `${match[1]}-${match[2].padStart(2, '0')}-${match[3].padStart(2, '0')}`;
      if (latest === null || date > latest) latest = date;
    }
  }
  return latest;
}

function cleanLine(line: string): string {
  return line.replace(INVISIBLE, '').trim();
}

function cleanHeading(text: string): string {
  return text.replace(/[\s\u3000]+/g, ' ').trim();
}

/** Options of {@link parseStatuteMarkdown}. */
export interface ParseStatuteOptions {
  /** File path, used for the version date (`title(YYYY-MM-DD).md`) and in error messages. */
  path?: string;
}

/**
 * Parse statute Markdown in the LawRefBook layout: `# title`, optional `# part`, history lines,
 * `<!-- INFO END -->`, then `#`-headings for 编/章/节 and one paragraph per line, each article starting
 * with `第X条` (or `第X条之Y`) and a space. Lines after an article up to the next article or heading are its
 * further paragraphs. Files without the INFO END marker are read with an empty history.
 */
export function parseStatuteMarkdown(text: string, options: ParseStatuteOptions = {}): StatuteDocument {
  const { path } = options;
  const where = path ?? '<string>';
  const lines = text.replace(/\r\n?/g, '\n').split('\n').map(cleanLine);
  const titleIndex = lines.findIndex((line) => line.length > 0);
  const titleMatch = titleIndex >= 0 ? /^#\s+(.+)$/.exec(lines[titleIndex]) : null;
  if (!titleMatch) {
    throw new DataGenParseError({
      path: where,
      line: titleIndex >= 0 ? titleIndex + 1 : 1,
      message: 'expected a "# title" line at the top of the statute file',
    });
  }
  const law = cleanHeading(titleMatch[1]);
  const infoEnd = lines.indexOf(INFO_END);
  const bodyStart = infoEnd >= 0 ? infoEnd + 1 : titleIndex + 1;
  // Step 1: header — part title and history lines.
  let part: string | null = null;
  const history: string[] = [];
  for (let index = titleIndex + 1; index < (infoEnd >= 0 ? infoEnd : titleIndex + 1); index++) {
    const line = lines[index];
    if (!line) continue;
    const heading = /^#\s+(.+)$/.exec(line);
    if (heading && part === null) part = cleanHeading(heading[1]);
    else history.push(line);
  }
  const fileDate = path ? fileDateOf(path) : null;
  const versionDate = fileDate ?? latestHistoryDate(history);
  // Step 2: body — headings stack, articles and their paragraphs.
  const stack: { level: number; text: string }[] = part ? [{ level: 1, text: part }] : [];
  const articles: StatuteArticle[] = [];
  const preamble: string[] = [];
  let current: { article: StatuteArticle; paragraphs: string[] } | null = null;
  const finish = () => {
    if (current) current.article.text = current.paragraphs.join('\n');
    current = null;
  };
  for (let index = bodyStart; index < lines.length; index++) {
    const line = lines[index];
    if (!line || line.startsWith('<!--')) continue;
    const heading = HEADING_LINE.exec(line);
    if (heading) {
      finish();
      const level = heading[1].length;
      while (stack.length > 0 && stack[stack.length - 1].level >= level) stack.pop();
      stack.push({ level, text: cleanHeading(heading[2]) });
      continue;
    }
    const article = ARTICLE_LINE.exec(line);
    if (article) {
      finish();
      const record: StatuteArticle = {
        law,
        versionDate,
        headings: stack.map((entry) => entry.text),
        number: parseChineseNumeral(article[1]),
        suffix: article[2] ? parseChineseNumeral(article[2]) : 0,
        text: '',
        line: index + 1,
      };
      if (path) record.path = path;
      articles.push(record);
      current = { article: record, paragraphs: article[3] ? [article[3].trim()] : [] };
      continue;
    }
    if (current) (current as { paragraphs: string[] }).paragraphs.push(line);
    else if (articles.length === 0) preamble.push(line);
  }
  finish();
  const document: StatuteDocument = {
    law,
    part,
    fileDate,
    versionDate,
    history,
    preamble: preamble.join('\n'),
    articles,
  };
  if (path) document.path = path;
  return document;
}
