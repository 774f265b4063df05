/**
 * Translate an Oniguruma pattern (what Hugging Face `tokenizers` compiles for `Split` pre-tokenizers, Ruby
 * syntax, UTF-8) into an equivalent JavaScript `RegExp` with the `v` flag:
 * - `\s`, `\d`, `\w`, `\h` keep Oniguruma's Unicode meaning (`\s` is White_Space: U+0085 in, U+FEFF out);
 * - `(?i:…)` / `(?i)` become explicit case classes (`s` also matches `ſ`, `k` the Kelvin sign);
 * - atomic groups `(?>…)` and possessive quantifiers `*+ ++ ?+` become `(?=(?<g>…))\k<g>` (`{n,m}+` is
 *   `{n,m}` repeated by `+` in Ruby syntax, as Oniguruma reads it);
 * - `.` `^` `$` follow Ruby (line = `\n`), `\A \z \Z` anchor the whole text.
 * Anything else Oniguruma-specific (backreferences, `\G`, `\K`, POSIX brackets, `&&`) is rejected.
 */

import { caseVariants, escapeChar, HEX, SPACE, unescapeOne, WORD } from './onig-chars.js';

/** Error raised for a construct this translator does not support; the caller names the field. */
export class UnsupportedRegexError extends Error {}

class Translator {
  private position = 0;
  private groups = 0;

  constructor(private readonly source: string) {}

  translate(): string {
    const out = this.sequence(false);
    if (this.position < this.source.length) this.fail(`unbalanced ")" at ${this.position}`);
    return out;
  }

  private fail(problem: string): never {
    throw new UnsupportedRegexError(problem);
  }

  private peek(offset = 0): string {
    return this.source[this.position + offset] ?? '';
  }

  /** Alternatives and quantified atoms up to the closing `)` of the current group (not consumed). */
  private sequence(caseless: boolean): string {
    let out = '';
    let atomStart = -1;
    while (this.position < this.source.length) {
      const char = this.peek();
      if (char === ')') break;
      if (char === '|') {
        out += '|';
        this.position++;
        atomStart = -1;
        continue;
      }
      if (this.source.startsWith('(?i)', this.position) || this.source.startsWith('(?-i)', this.position)) {
        caseless = this.peek(2) === 'i';
        this.position += caseless ? 4 : 5;
        atomStart = -1;
        continue;
      }
      const quantifier = this.quantifier();
      if (quantifier !== undefined) {
        if (atomStart < 0) this.fail(`quantifier without operand at ${this.position}`);
        // Ruby syntax: `*+ ++ ?+` are possessive, but `{n,m}+` is `{n,m}` repeated by `+`.
        const interval = quantifier.startsWith('{');
        if (this.peek() === '+' && !interval) {
          this.position++;
          const name = `possessive${this.groups++}`;
          out = `${out.slice(0, atomStart)}(?=(?<${name}>${out.slice(atomStart)}${quantifier}))\\k<${name}>`;
        } else {
          if (this.peek() === '?') {
            this.position++;
            out += `${quantifier}?`;
          } else out += quantifier;
        }
        const stacked = '*+?'.includes(this.peek()) || /^\{\d*,?\d*\}/.test(this.source.slice(this.position));
        if (stacked && this.peek() !== '') out = `${out.slice(0, atomStart)}(?:${out.slice(atomStart)})`;
        else atomStart = -1;
        continue;
      }
      atomStart = out.length;
      out += this.atom(caseless);
    }
    return out;
  }

  /** A quantifier at the current position (consumed), or undefined. */
  private quantifier(): string | undefined {
    const char = this.peek();
    if (char === '*' || char === '+' || char === '?') {
      this.position++;
      return char;
    }
    if (char !== '{') return undefined;
    const match = /^\{(\d*)(,?)(\d*)\}/.exec(this.source.slice(this.position));
    if (!match || (match[1] === '' && match[3] === '') || (match[1] === '' && match[2] === ''))
      return undefined;
    this.position += match[0].length;
    return `{${match[1] || '0'}${match[2]}${match[3]}}`;
  }

  private atom(caseless: boolean): string {
    const char = this.peek();
    if (char === '(') return this.group(caseless);
    if (char === '[') return this.characterClass(caseless);
    if (char === '\\') return this.escape(false);
    this.position += char.length;
    if (char === '.') return '[^\\n]';
    if (char === '^') return '(?<![^\\n])';
    if (char === '$') return '(?![^\\n])';
    const full = String.fromCodePoint(this.source.codePointAt(this.position - 1)!);
    if (full.length === 2) this.position++;
    return this.literal(full, caseless, false);
  }

  private literal(char: string, caseless: boolean, inClass: boolean): string {
    if (!caseless) return escapeChar(char, inClass);
    const variants = caseVariants(char);
    if (variants.length === 1) return escapeChar(char, inClass);
    const members = variants.map((variant) => escapeChar(variant, true)).join('');
    return inClass ? members : `[${members}]`;
  }

  private group(caseless: boolean): string {
    const rest = this.source.slice(this.position);
    const prefixes: Array<[string, (inner: string) => string, boolean?]> = [
      ['(?:', (inner) => `(?:${inner})`],
      ['(?i:', (inner) => `(?:${inner})`, true],
      ['(?-i:', (inner) => `(?:${inner})`, false],
      ['(?=', (inner) => `(?=${inner})`],
      ['(?!', (inner) => `(?!${inner})`],
      ['(?<=', (inner) => `(?<=${inner})`],
      ['(?<!', (inner) => `(?<!${inner})`],
      [
        '(?>',
        (inner) => {
          const name = `atomic${this.groups++}`;
          return `(?=(?<${name}>${inner}))\\k<${name}>`;
        },
      ],
    ];
    if (rest.startsWith('(?#')) {
      const end = rest.indexOf(')');
      if (end < 0) this.fail('unterminated comment');
      this.position += end + 1;
      return '';
    }
    let open: [string, (inner: string) => string, boolean?] | undefined = prefixes.find(([prefix]) =>
      rest.startsWith(prefix),
    );
    const named = /^\(\?<([A-Za-z_]\w*)>/.exec(rest);
    if (!open && named) open = [named[0], (inner) => `(?<${named[1]}>${inner})`];
    if (!open && rest.startsWith('(?')) this.fail(`unsupported group "${rest.slice(0, 4)}"`);
    open ??= ['(', (inner) => `(${inner})`];
    this.position += open[0].length;
    const inner = this.sequence(open[2] ?? caseless);
    if (this.peek() !== ')') this.fail('missing ")"');
    this.position++;
    return open[1](inner);
  }

  /** `\x` outside (`inClass` false: a full atom) or inside a class (class contents). */
  private escape(inClass: boolean): string {
    const next = this.peek(1);
    if (next === '') this.fail('pattern ends with "\\"');
    this.position += 2;
    const cls = (contents: string, negated: boolean): string =>
      inClass && !negated ? contents : `[${negated ? '^' : ''}${contents}]`;
    switch (next) {
      case 's':
      case 'S':
        return cls(SPACE, next === 'S');
      case 'w':
      case 'W':
        return cls(WORD, next === 'W');
      case 'h':
      case 'H':
        return cls(HEX, next === 'H');
      case 'd':
        return '\\p{Nd}';
      case 'D':
        return '\\P{Nd}';
      case 'p':
      case 'P':
        return this.property(next === 'P');
      case 'n':
      case 'r':
      case 't':
      case 'f':
      case 'v':
        return `\\${next}`;
      case 'e':
        return '\\x1b';
      case 'a':
        return '\\x07';
      case 'x':
      case 'u':
        return this.codeEscape(next, inClass);
    }
    if (!inClass) {
      if (next === 'A') return '^';
      if (next === 'z') return '$';
      if (next === 'Z') return '(?=\\n?$)';
      if (next === 'R') return '(?:\\r\\n|[\\n\\v\\f\\r\\u0085\\u2028\\u2029])';
      if (next === 'b' || next === 'B') {
        const boundary = `(?<=[${WORD}])(?![${WORD}])|(?<![${WORD}])(?=[${WORD}])`;
        const inside = `(?<=[${WORD}])(?=[${WORD}])|(?<![${WORD}])(?![${WORD}])`;
        return `(?:${next === 'b' ? boundary : inside})`;
      }
    }
    if (/[0-9A-Za-z]/.test(next)) this.fail(`unsupported escape "\\${next}"`);
    const full = String.fromCodePoint(this.source.codePointAt(this.position - 1)!);
    if (full.length === 2) this.position++;
    return escapeChar(full, inClass);
  }

  private codeEscape(kind: string, inClass: boolean): string {
    const rest = this.source.slice(this.position);
    const match =
      kind === 'x' ? /^(?:\{([0-9a-fA-F]+)\}|([0-9a-fA-F]{1,2}))/.exec(rest) : /^[0-9a-fA-F]{4}/.exec(rest);
    if (!match) this.fail(`bad \\${kind} escape`);
    this.position += match[0].length;
    const hex = kind === 'x' ? (match[1] ?? match[2]) : match[0];
    return escapeChar(String.fromCodePoint(Number.parseInt(hex, 16)), inClass);
  }

  private property(negated: boolean): string {
    const match = /^\{(\^?)([A-Za-z_ =]+)\}/.exec(this.source.slice(this.position));
    if (!match) this.fail('bad \\p{…} escape');
    this.position += match[0].length;
    const letter = negated !== (match[1] === '^') ? 'P' : 'p';
    const name = match[2];
    for (const candidate of [name, `Script=${name}`]) {
      try {
        new RegExp(`\\p{${candidate}}`, 'v');
        return `\\${letter}{${candidate}}`;
      } catch {}
    }
    this.fail(`unknown Unicode property "${name}"`);
  }

  private characterClass(caseless: boolean): string {
    this.position++;
    let out = '[';
    if (this.peek() === '^') {
      out += '^';
      this.position++;
    }
    let first = true;
    while (this.peek() !== ']' || first) {
      const char = this.peek();
      first = false;
      if (char === '') this.fail('unterminated character class');
      if (this.source.startsWith('[:', this.position)) this.fail('POSIX bracket classes are not supported');
      if (this.source.startsWith('&&', this.position)) this.fail('class intersection "&&" is not supported');
      if (char === '[') {
        out += this.characterClass(caseless);
        continue;
      }
      const start = this.classMember();
      if (this.peek() === '-' && this.peek(1) !== ']' && start.char !== undefined) {
        this.position++;
        const end = this.classMember();
        if (end.char === undefined) this.fail('range ends in a class escape');
        out += `${escapeChar(start.char, true)}-${escapeChar(end.char, true)}`;
        if (caseless) out += this.caselessRange(start.char, end.char);
        continue;
      }
      out += start.char === undefined ? start.text : this.literal(start.char, caseless, true);
    }
    this.position++;
    return `${out}]`;
  }

  /** One class member: a single character (`char`) or a class escape such as `\p{L}` (`text`). */
  private classMember(): { char?: string; text: string } {
    if (this.peek() === '\\') {
      const next = this.peek(1);
      const text = this.escape(true);
      if ('xu'.includes(next) || !/[0-9A-Za-z]/.test(next)) return { char: unescapeOne(text), text };
      if ('nrtfv'.includes(next)) return { char: JSON.parse(`"\\${next === 'v' ? 'u000b' : next}"`), text };
      return { text };
    }
    const char = String.fromCodePoint(this.source.codePointAt(this.position)!);
    this.position += char.length;
    return { char, text: escapeChar(char, true) };
  }

  private caselessRange(start: string, end: string): string {
    const lower = (a: string) => a >= 'a' && a <= 'z';
    const upper = (a: string) => a >= 'A' && a <= 'Z';
    if (lower(start) && lower(end)) return `${start.toUpperCase()}-${end.toUpperCase()}`;
    if (upper(start) && upper(end)) return `${start.toLowerCase()}-${end.toLowerCase()}`;
    if (/\p{L}/u.test(start) || /\p{L}/u.test(end))
      this.fail('case-insensitive non-ASCII ranges are not supported');
    return '';
  }
}

/**
 * Compile an Oniguruma pattern to a global JavaScript `RegExp` (`gv` flags) that matches the same spans.
 * Throws {@link UnsupportedRegexError} for constructs it cannot translate exactly.
 */
export function compileOnigRegex(pattern: string): RegExp {
  const source = new Translator(pattern).translate();
  try {
    return new RegExp(source, 'gv');
  } catch (error) {
    throw new UnsupportedRegexError(`translated pattern does not compile: ${(error as Error).message}`);
  }
}

/** A `RegExp` that matches `text` literally (Split pattern `{ String: … }`). */
export function literalRegex(text: string): RegExp {
  return new RegExp([...text].map((char) => escapeChar(char, false)).join(''), 'gv');
}
