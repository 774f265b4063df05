/**
 * Hugging Face pre-tokenizers of byte-level BPE `tokenizer.json` files: `Split` (Oniguruma regex or literal,
 * every delimiter behaviour, `invert`), `ByteLevel` (prefix space, GPT-2 regex, byte alphabet) and `Sequence`.
 */
import { toByteLevel } from './byte-level.js';
import type { FieldFailure } from './field-failure.js';
import { compileOnigRegex, literalRegex, UnsupportedRegexError } from './onig-regex.js';

type JsonObject = Record<string, unknown>;
type Step = (piece: string, out: string[]) => void;

/** GPT-2's pre-tokenization regex (ByteLevel with `use_regex`). */
const GPT2_PATTERN = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
const BEHAVIORS = ['Isolated', 'Removed', 'MergedWithPrevious', 'MergedWithNext', 'Contiguous'] as const;
type Behavior = (typeof BEHAVIORS)[number];

/** Pieces of `text` by regex matches, merged or dropped as HF's `NormalizedString::split` does. */
function splitStep(regex: RegExp, behavior: Behavior, invert: boolean): Step {
  return (text, out) => {
    if (text.length === 0) return;
    const spans: number[] = []; // start, end, isMatch triples
    let previous = 0;
    regex.lastIndex = 0;
    for (let match = regex.exec(text); match !== null; match = regex.exec(text)) {
      const start = match.index;
      const end = start + match[0].length;
      if (end === start) regex.lastIndex = start + ((text.codePointAt(start) ?? 0) > 0xffff ? 2 : 1);
      if (previous !== start) spans.push(previous, start, invert ? 1 : 0);
      spans.push(start, end, invert ? 0 : 1);
      previous = end;
      if (regex.lastIndex > text.length) break;
    }
    if (previous !== text.length) spans.push(previous, text.length, invert ? 1 : 0);
    if (behavior === 'Isolated') {
      for (let index = 0; index < spans.length; index += 3) {
        if (spans[index + 1] > spans[index]) out.push(text.slice(spans[index], spans[index + 1]));
      }
      return;
    }
    for (const [start, end] of mergeSpans(spans, behavior)) if (end > start) out.push(text.slice(start, end));
  };
}

function mergeSpans(spans: number[], behavior: Behavior): Array<[number, number]> {
  const result: Array<[number, number]> = [];
  const count = spans.length / 3;
  if (behavior === 'Removed') {
    for (let index = 0; index < count; index++)
      if (spans[3 * index + 2] === 0) result.push([spans[3 * index], spans[3 * index + 1]]);
    return result;
  }
  const reverse = behavior === 'MergedWithNext';
  let previousMatch = false;
  for (let step = 0; step < count; step++) {
    const index = reverse ? count - 1 - step : step;
    const start = spans[3 * index];
    const end = spans[3 * index + 1];
    const isMatch = spans[3 * index + 2] === 1;
    const last = result[result.length - 1];
    const merge = behavior === 'Contiguous' ? isMatch === previousMatch : isMatch && !previousMatch;
    if (merge && last) {
      if (reverse) last[0] = start;
      else last[1] = end;
    } else result.push([start, end]);
    previousMatch = isMatch;
  }
  if (reverse) result.reverse();
  return result;
}

const MAP_TO_BYTES: Step = (piece, out) => {
  out.push(toByteLevel(piece));
};

function compile(pattern: string, field: string, fail: FieldFailure): RegExp {
  try {
    return compileOnigRegex(pattern);
  } catch (error) {
    if (error instanceof UnsupportedRegexError)
      fail(field, `a supported Oniguruma regex (${error.message})`, pattern);
    throw error;
  }
}

function stepsOf(node: JsonObject | null | undefined, field: string, fail: FieldFailure): Step[] {
  if (node === null || node === undefined || typeof node !== 'object') fail(field, 'an object', node);
  switch (node.type) {
    case 'Sequence': {
      const list = node.pretokenizers;
      if (!Array.isArray(list)) fail(`${field}.pretokenizers`, 'an array', list);
      return list.flatMap((child, index) =>
        stepsOf(child as JsonObject, `${field}.pretokenizers[${index}]`, fail),
      );
    }
    case 'Split': {
      const pattern = node.pattern as JsonObject | undefined;
      let regex: RegExp;
      if (typeof pattern?.Regex === 'string') regex = compile(pattern.Regex, `${field}.pattern.Regex`, fail);
      else if (typeof pattern?.String === 'string') regex = literalRegex(pattern.String);
      else fail(`${field}.pattern`, '{ "Regex": … } or { "String": … }', pattern);
      const behavior = node.behavior as Behavior;
      if (!BEHAVIORS.includes(behavior)) fail(`${field}.behavior`, BEHAVIORS.join(', '), behavior);
      return [splitStep(regex, behavior, node.invert === true)];
    }
    case 'ByteLevel': {
      const steps: Step[] = [];
      if (node.add_prefix_space === true)
        steps.push((piece, out) => {
          if (piece.length > 0) out.push(piece.startsWith(' ') ? piece : ` ${piece}`);
        });
      if (node.use_regex !== false) steps.push(splitStep(compileOnigRegex(GPT2_PATTERN), 'Isolated', false));
      steps.push(MAP_TO_BYTES);
      return steps;
    }
    default:
      return fail(`${field}.type`, 'Split, ByteLevel or Sequence', node.type);
  }
}

/** A compiled pre-tokenizer. */
export interface PreTokenizer {
  /** Append the pieces of `text` to `out`. */
  split(text: string, out: string[]): void;
  /**
   * True when `split` already gives byte-level pieces (a step follows ByteLevel); false when the byte
   * mapping is the last step and is left to the BPE model (so that its cache keys are the raw pieces).
   */
  readonly emitsByteLevel: boolean;
}

/** Compile `tokenizer.json`'s `pre_tokenizer`; it must contain a ByteLevel step. */
export function buildPreTokenizer(node: unknown, fail: FieldFailure): PreTokenizer {
  const steps = stepsOf(node as JsonObject, 'pre_tokenizer', fail);
  if (!steps.includes(MAP_TO_BYTES))
    fail('pre_tokenizer', 'a ByteLevel pre-tokenizer', (node as JsonObject)?.type);
  const emitsByteLevel = steps[steps.length - 1] !== MAP_TO_BYTES;
  if (!emitsByteLevel) steps.pop();
  if (steps.length === 0)
    return { split: (text, out) => void (text.length > 0 && out.push(text)), emitsByteLevel };
  if (steps.length === 1) return { split: steps[0], emitsByteLevel };
  return {
    emitsByteLevel,
    split(text, out) {
      let pieces = [text];
      for (const step of steps) {
        const next: string[] = [];
        for (const piece of pieces) step(piece, next);
        pieces = next;
      }
      for (const piece of pieces) out.push(piece);
    },
  };
}
