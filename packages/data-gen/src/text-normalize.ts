/** Options of {@link normalizeText}. */
export interface NormalizeTextOptions {
  /** Also turn full-width punctuation (`，。：；！？（）`) into ASCII. Default false: Chinese text keeps it. */
  halfwidthPunctuation?: boolean;
}

const INVISIBLE = /[\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060\ufeff\u00ad]/g;
const LABEL = '第[零〇一二两三四五六七八九十百千万\\d]+[条章节编](?:之[一二三四五六七八九十]+)?';
const CJK = '\\u3000-\\u303f\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\uff00-\\uffef';

/**
 * Normalise text for a pretraining corpus: Unicode NFC, full-width letters/digits/space → ASCII (and
 * punctuation too when asked), invisible characters removed, runs of spaces collapsed, spaces between two
 * CJK characters removed (except after 第X条/章/节/编 labels), lines trimmed, at most one blank line in a row, CRLF → LF.
 */
export function normalizeText(text: string, options: NormalizeTextOptions = {}): string {
  const { halfwidthPunctuation = false } = options;
  let value = text.normalize('NFC').replace(/\r\n?/g, '\n').replace(INVISIBLE, '');
  // Full-width forms U+FF01..U+FF5E map to U+0021..U+007E; U+3000 is the ideographic space.
  value = value.replace(/[\uff01-\uff5e]/g, (char) => {
    const ascii = String.fromCharCode(char.charCodeAt(0) - 0xfee0);
    return halfwidthPunctuation || /[0-9A-Za-z]/.test(ascii) ? ascii : char;
  });
  value = value.replace(/[\u3000\u00a0\t\f\v]/g, ' ');
  value = value.replace(/ {2,}/g, ' ');
  // Spaces between CJK characters go, except after a 第X条/章/节/编 label (`第一条 本法…`, `第一章 总则`).
  value = value.replace(new RegExp(`([${CJK}])(?<!${LABEL}) (?=[${CJK}])`, 'g'), '$1');
  value = value
    .split('\n')
    .map((line) => line.trim())
    .join('\n');
  return value.replace(/\n{3,}/g, '\n\n').trim();
}

const ENTITIES: Record<string, string> = {
  nbsp: ' ',
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  ldquo: '“',
  rdquo: '”',
  lsquo: '‘',
  rsquo: '’',
  middot: '·',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  ensp: ' ',
  emsp: ' ',
  times: '×',
};

/**
 * Strip Markdown and HTML remnants: comments, tags, entities, heading marks, emphasis, links and images,
 * code fences, block quotes, list bullets and table pipes. Text content is kept.
 */
export function stripMarkup(text: string): string {
  let value = text.replace(/<!--[\s\S]*?-->/g, '');
  value = value.replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, '');
  value = value.replace(/<br\s*\/?>|<\/p>|<\/div>|<\/li>|<\/tr>/gi, '\n');
  value = value.replace(/<\/?[a-zA-Z][^<>]*>/g, '');
  value = value.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, body: string) => {
    if (body[0] === '#') {
      const code = body[1].toLowerCase() === 'x' ? Number.parseInt(body.slice(2), 16) : Number(body.slice(1));
      return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : entity;
    }
    return ENTITIES[body.toLowerCase()] ?? entity;
  });
  value = value.replace(/!\[([^\]]*)\]\([^)]*\)/g, '');
  value = value.replace(/\[([^\]]+)\]\([^)]*\)/g, '$1');
  value = value.replace(/^```.*$/gm, '');
  value = value.replace(/^ {0,3}#{1,6}\s+/gm, '');
  value = value.replace(/^ {0,3}>\s?/gm, '');
  value = value.replace(/^ {0,3}[-*+]\s+/gm, '');
  value = value.replace(/^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(\|[ \t]*:?-{3,}:?[ \t]*)*\|?[ \t]*(\n|$)/gm, '');
  value = value.replace(/^\|(.*)\|[ \t]*$/gm, (_line, cells: string) =>
    cells
      .split('|')
      .map((cell) => cell.trim())
      .join(' '),
  );
  value = value.replace(/(\*\*|__)(.+?)\1/g, '$2');
  value = value.replace(/`([^`]+)`/g, '$1');
  return value;
}

/** {@link stripMarkup} then {@link normalizeText}. */
export function cleanText(text: string, options: NormalizeTextOptions = {}): string {
  return normalizeText(stripMarkup(text), options);
}
