/** Character sets and escaping shared by the Oniguruma → JavaScript regex translation. */

/** Oniguruma's `\s` (Unicode White_Space) as class contents. */
export const SPACE =
  '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
/** Oniguruma's Unicode `\w`. */
export const WORD = '\\p{L}\\p{M}\\p{Nd}\\p{Pc}';
export const HEX = '0-9a-fA-F';
/** Characters that need a backslash outside a class, and inside a `v`-mode class. */
const SYNTAX = new Set('^$\\.*+?()[]{}|/');
const CLASS_SYNTAX = new Set('^$\\.*+?()[]{}|/&-!#%,:;<=>@`~');
/** Case variants beyond toLowerCase/toUpperCase (Unicode simple case folding). */
const EXTRA_CASES: Record<string, string> = {
  s: '\u017f',
  S: '\u017f',
  '\u017f': 'sS',
  k: '\u212a',
  K: '\u212a',
  '\u212a': 'kK',
  å: '\u212b',
  Å: '\u212b',
  '\u212b': 'åÅ',
};

/** The characters `char` matches case-insensitively (itself included). */
export function caseVariants(char: string): string[] {
  const variants = new Set([char]);
  for (const other of [char.toLowerCase(), char.toUpperCase(), ...(EXTRA_CASES[char] ?? '')]) {
    if ([...other].length === 1) variants.add(other);
  }
  return [...variants];
}

/** `char` as it must be written in a `v`-flag pattern, outside or inside a class. */
export function escapeChar(char: string, inClass: boolean): string {
  const code = char.codePointAt(0)!;
  if (code < 0x20 || code === 0x7f || (code >= 0x80 && code <= 0xa0) || code === 0x2028 || code === 0x2029)
    return `\\u{${code.toString(16)}}`;
  return (inClass ? CLASS_SYNTAX : SYNTAX).has(char) ? `\\${char}` : char;
}

/** The character an escaped class literal (as written by {@link escapeChar}) stands for. */
export function unescapeOne(text: string): string {
  if (text.startsWith('\\u{')) return String.fromCodePoint(Number.parseInt(text.slice(3, -1), 16));
  return text.startsWith('\\') ? text.slice(1) : text;
}
