/**
 * The byte-level pre-tokenizers llama.cpp knows by name (`tokenizer.ggml.pre`), as `tokenizer.json` writes them:
 * Qwen2/2.5/3 (`qwen2`), LLaMA-3 (`llama-bpe`) and GPT-2 (`gpt-2`). The regexes are the ones those models'
 * `tokenizer.json` files carry.
 */
type JsonObject = Record<string, unknown>;

const QWEN2_PATTERN =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
const LLAMA3_PATTERN =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

/** One named pre-tokenizer: its `tokenizer.json` parts. */
export interface GgufPreTokenizer {
  /** `pre_tokenizer` of `tokenizer.json`. */
  preTokenizer: JsonObject;
  /** `normalizer` (Qwen's files normalize to NFC; llama.cpp itself does not normalize). */
  normalizer: JsonObject | null;
  /** `model.ignore_merges` (LLaMA-3 emits a whole word that is a piece as is). */
  ignoreMerges: boolean;
}

function splitThenBytes(pattern: string): JsonObject {
  return {
    type: 'Sequence',
    pretokenizers: [
      { type: 'Split', pattern: { Regex: pattern }, behavior: 'Isolated', invert: false },
      { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false },
    ],
  };
}

/** Pre-tokenizers by llama.cpp name. */
export const GGUF_PRE_TOKENIZERS: Readonly<Record<string, GgufPreTokenizer>> = {
  qwen2: { preTokenizer: splitThenBytes(QWEN2_PATTERN), normalizer: { type: 'NFC' }, ignoreMerges: false },
  'llama-bpe': { preTokenizer: splitThenBytes(LLAMA3_PATTERN), normalizer: null, ignoreMerges: true },
  'gpt-2': {
    preTokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    normalizer: null,
    ignoreMerges: false,
  },
};

/** llama.cpp's name of a `tokenizer.json` pre-tokenizer (by its regex), or undefined when it knows none. */
export function ggufPreTokenizerName(preTokenizer: unknown): string | undefined {
  const node = preTokenizer as JsonObject | null | undefined;
  if (node?.type === 'ByteLevel') return node.use_regex === false ? undefined : 'gpt-2';
  const steps = node?.type === 'Sequence' ? (node.pretokenizers as JsonObject[] | undefined) : undefined;
  const split = steps?.length === 2 && steps[0]?.type === 'Split' ? steps[0] : undefined;
  const regex = (split?.pattern as JsonObject | undefined)?.Regex;
  if (steps?.[1]?.type !== 'ByteLevel' || split?.behavior !== 'Isolated' || split.invert === true)
    return undefined;
  if (regex === QWEN2_PATTERN) return 'qwen2';
  if (regex === LLAMA3_PATTERN) return 'llama-bpe';
  return undefined;
}
