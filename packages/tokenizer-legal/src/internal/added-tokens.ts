/**
 * Added tokens of a `tokenizer.json` (`added_tokens`), matched in the input as Hugging Face `tokenizers`
 * does: leftmost-longest, first those with `normalized: false` in the raw text, then those with
 * `normalized: true` in the normalized remainder; `single_word`, `lstrip` and `rstrip` honoured. Special
 * tokens are matched only when asked (HF's `encode_special_tokens` inverted).
 */
import type { AddedToken } from '../byte-level-bpe-tokenizer.js';

/** A run of text, or a matched added token (`id` ≥ 0). */
export interface Segment {
  text: string;
  id: number;
}

/** Rust's `char::is_alphanumeric() || '_'` and `char::is_whitespace()`. */
const WORD_CHAR = /[\p{Alphabetic}\p{N}_]/u;
const SPACE_CHAR = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u;

class Matcher {
  private readonly byFirst = new Map<string, AddedToken[]>();
  private readonly contents = new Map<AddedToken, string>();
  readonly empty: boolean;

  constructor(tokens: readonly AddedToken[], contentOf: (token: AddedToken) => string) {
    for (const token of tokens) {
      const content = contentOf(token);
      if (content.length === 0) continue;
      this.contents.set(token, content);
      const first = content[0];
      const list = this.byFirst.get(first) ?? [];
      list.push(token);
      this.byFirst.set(first, list);
    }
    for (const list of this.byFirst.values())
      list.sort((a, b) => this.contents.get(b)!.length - this.contents.get(a)!.length);
    this.empty = this.contents.size === 0;
  }

  /** Split `text` around matches, appending to `out`; `allowSpecial` false skips special tokens. */
  split(text: string, allowSpecial: boolean, out: Segment[]): void {
    let emitted = 0;
    let position = 0;
    while (position < text.length) {
      const candidates = this.byFirst.get(text[position]);
      const token = candidates?.find((candidate) => text.startsWith(this.contents.get(candidate)!, position));
      if (token === undefined) {
        position++;
        continue;
      }
      let start = position;
      let stop = position + this.contents.get(token)!.length;
      position = stop;
      if (token.special && !allowSpecial) continue;
      if (token.singleWord) {
        const before = start > 0 && WORD_CHAR.test(text[start - 1]);
        const after = stop < text.length && WORD_CHAR.test(text[stop]);
        if (before || after) continue;
      }
      if (token.lstrip) while (start > emitted && SPACE_CHAR.test(text[start - 1])) start--;
      if (token.rstrip) while (stop < text.length && SPACE_CHAR.test(text[stop])) stop++;
      if (emitted < start) out.push({ text: text.slice(emitted, start), id: -1 });
      out.push({ text: text.slice(start, stop), id: token.id });
      emitted = stop;
      position = stop;
    }
    if (emitted < text.length) out.push({ text: text.slice(emitted), id: -1 });
  }
}

/** The added-token vocabulary of a tokenizer. */
export class AddedTokens {
  readonly list: readonly AddedToken[];
  readonly byId = new Map<number, AddedToken>();
  readonly byContent = new Map<string, AddedToken>();
  private readonly raw: Matcher;
  private readonly normalized: Matcher;

  constructor(tokens: readonly AddedToken[], normalize: (text: string) => string) {
    this.list = tokens;
    for (const token of tokens) {
      this.byId.set(token.id, token);
      this.byContent.set(token.content, token);
    }
    this.raw = new Matcher(
      tokens.filter((token) => !token.normalized),
      (token) => token.content,
    );
    this.normalized = new Matcher(
      tokens.filter((token) => token.normalized),
      (token) => normalize(token.content),
    );
    this.normalize = normalize;
  }

  private readonly normalize: (text: string) => string;

  /** Split `text` into normalized runs and added tokens (HF's `extract_and_normalize`). */
  segment(text: string, allowSpecial: boolean): Segment[] {
    const first: Segment[] = [];
    if (this.raw.empty) first.push({ text, id: -1 });
    else this.raw.split(text, allowSpecial, first);
    const out: Segment[] = [];
    for (const segment of first) {
      if (segment.id >= 0) out.push(segment);
      else if (this.normalized.empty) out.push({ text: this.normalize(segment.text), id: -1 });
      else this.normalized.split(this.normalize(segment.text), allowSpecial, out);
    }
    return out;
  }
}
