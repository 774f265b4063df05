import { GGUF_TOKEN_TYPES, type GgufBpeVocabulary } from '@lawgpt/common';
import { ByteLevelBpeTokenizer } from './byte-level-bpe-tokenizer.js';
import { TokenizerModelError } from './errors.js';
import { GGUF_PRE_TOKENIZERS, ggufPreTokenizerName } from './internal/gguf-pre-tokenizers.js';

const { normal: NORMAL, control: CONTROL, userDefined: USER_DEFINED, unused: UNUSED } = GGUF_TOKEN_TYPES;

/**
 * The plain vocabulary of a GGUF `gpt2` (byte-level BPE) tokenizer: what `@lawgpt/llama-core`'s `exportGguf` takes
 * as `vocabulary` and `readGgufBpeVocabulary` gives back (one type, `GgufBpeVocabulary`, shared with llama-core).
 */
export type GgufBpe = GgufBpeVocabulary;

/** Options of {@link toGgufBpe}. */
export interface ToGgufBpeOptions {
  /**
   * Ids the model has (its `vocab_size`); ids beyond the tokenizer's become unused `[PAD<id>]` tokens, as
   * llama.cpp's converter pads Qwen's 151,669 ids to the model's 151,936. Default the tokenizer's size.
   */
  vocabSize?: number;
}

/**
 * The vocabulary of a byte-level BPE `tokenizer.json` for a llama.cpp GGUF file (`tokenizer.ggml.model` `gpt2`),
 * as llama.cpp's convert_hf_to_gguf.py writes it: every piece by id, added tokens typed CONTROL (special, or
 * looking like `<|…|>`) or USER_DEFINED, merges, the pre-tokenizer's llama.cpp name, special ids and the chat
 * template. A pre-tokenizer llama.cpp does not know by name is a {@link TokenizerModelError} on `pre_tokenizer`.
 */
export function toGgufBpe(
  tokenizer: ByteLevelBpeTokenizer,
  { vocabSize = tokenizer.vocabSize }: ToGgufBpeOptions = {},
): GgufBpe {
  const json = tokenizer.toJSON();
  const pre = ggufPreTokenizerName(json.pre_tokenizer);
  if (!pre) {
    throw new TokenizerModelError({
      path: tokenizer.path,
      field: 'pre_tokenizer',
      expected: `one llama.cpp knows by name (${Object.keys(GGUF_PRE_TOKENIZERS).join(', ')}: Qwen2/3, LLaMA-3, GPT-2)`,
      actual: JSON.stringify(json.pre_tokenizer).slice(0, 120),
    });
  }
  if (!Number.isInteger(vocabSize) || vocabSize < tokenizer.vocabSize) {
    throw new TokenizerModelError({
      path: tokenizer.path,
      field: 'vocabSize',
      expected: `at least the tokenizer's ${tokenizer.vocabSize} ids`,
      actual: String(vocabSize),
    });
  }
  const tokens: string[] = [];
  const tokenTypes: number[] = [];
  const added = new Map(tokenizer.addedTokens.map((token) => [token.id, token]));
  for (let id = 0; id < vocabSize; id++) {
    const token = added.get(id);
    if (token) {
      const looksSpecial = token.content.startsWith('<|') && token.content.endsWith('|>');
      tokens.push(token.content);
      tokenTypes.push(token.special || looksSpecial ? CONTROL : USER_DEFINED);
      continue;
    }
    const piece = id < tokenizer.vocabSize ? tryPiece(tokenizer, id) : undefined;
    tokens.push(piece ?? `[PAD${id}]`);
    tokenTypes.push(piece === undefined ? UNUSED : NORMAL);
  }
  const id = (value: number | undefined) => (value !== undefined && value >= 0 ? value : undefined);
  const vocabulary: GgufBpe = {
    model: 'gpt2',
    pre,
    tokens,
    tokenTypes,
    merges: tokenizer.merges().map(([left, right]) => `${left} ${right}`),
    addBosToken: tokenizer.config?.json.add_bos_token === true,
  };
  const bosId = id(tokenizer.bosId);
  const eosId = id(tokenizer.eosId);
  const padId = id(tokenizer.padId);
  if (bosId !== undefined) vocabulary.bosId = bosId;
  if (eosId !== undefined) vocabulary.eosId = eosId;
  if (padId !== undefined) vocabulary.padId = padId;
  if (tokenizer.chatTemplate !== undefined) vocabulary.chatTemplate = tokenizer.chatTemplate;
  return vocabulary;
}

function tryPiece(tokenizer: ByteLevelBpeTokenizer, id: number): string | undefined {
  try {
    return tokenizer.idToPiece(id);
  } catch {
    return undefined;
  }
}

/** Options of {@link fromGgufBpe}. */
export interface FromGgufBpeOptions {
  /** Where the vocabulary came from (the GGUF file), named in errors. */
  path?: string;
}

/**
 * A byte-level BPE tokenizer from a GGUF `gpt2` vocabulary (`tokenizer.ggml.tokens` / `token_type` / `merges` /
 * `pre`, special ids, chat template), the inverse of {@link toGgufBpe}: normal tokens are the BPE model, CONTROL
 * tokens special added tokens, USER_DEFINED ones plain added tokens, unused `[PAD…]` ids dropped; the
 * pre-tokenizer (and Qwen's NFC normalizer) comes from the `pre` name. Encodes as the `tokenizer.json` the file
 * was made from. An unknown `pre` is a {@link TokenizerModelError} naming `tokenizer.ggml.pre`.
 */
export function fromGgufBpe(
  vocabulary: Omit<GgufBpe, 'model'> & { model?: string },
  { path = '<gguf>' }: FromGgufBpeOptions = {},
): ByteLevelBpeTokenizer {
  const known = GGUF_PRE_TOKENIZERS[vocabulary.pre];
  if (!known) {
    throw new TokenizerModelError({
      path,
      field: 'tokenizer.ggml.pre',
      expected: `a pre-tokenizer this package rebuilds (${Object.keys(GGUF_PRE_TOKENIZERS).join(', ')})`,
      actual: JSON.stringify(vocabulary.pre),
    });
  }
  const vocab: Record<string, number> = {};
  const addedTokens: Record<string, unknown>[] = [];
  vocabulary.tokens.forEach((token, id) => {
    const type = vocabulary.tokenTypes[id] ?? NORMAL;
    if (type === CONTROL || type === USER_DEFINED) {
      const special = type === CONTROL;
      // llama.cpp takes CONTROL and USER_DEFINED tokens as matched in the raw text
      addedTokens.push({
        id,
        content: token,
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: false,
        special,
      });
    } else if (type !== UNUSED) vocab[token] = id;
  });
  const json = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: addedTokens,
    normalizer: known.normalizer,
    pre_tokenizer: known.preTokenizer,
    post_processor: null,
    decoder: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: '',
      end_of_word_suffix: '',
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: known.ignoreMerges,
      vocab,
      merges: vocabulary.merges.map((merge) => merge.split(' ')),
    },
  };
  const token = (id: number | undefined) =>
    id !== undefined && id >= 0 && id < vocabulary.tokens.length ? vocabulary.tokens[id] : null;
  const config = {
    add_bos_token: vocabulary.addBosToken === true,
    bos_token: vocabulary.addBosToken ? token(vocabulary.bosId) : null,
    eos_token: token(vocabulary.eosId),
    pad_token: token(vocabulary.padId),
    ...(vocabulary.chatTemplate !== undefined && { chat_template: vocabulary.chatTemplate }),
    tokenizer_class: 'PreTrainedTokenizerFast',
  };
  const tokenizer = ByteLevelBpeTokenizer.fromJson(json, { path, config });
  for (const { id, content } of addedTokens as Array<{ id: number; content: string }>) {
    if (tokenizer.pieceToId(content) !== id) {
      throw new TokenizerModelError({
        path,
        field: `tokenizer.ggml.tokens[${id}]`,
        expected: 'added tokens right after the model pieces, without gaps (as tokenizer.json numbers them)',
        actual: JSON.stringify(content),
      });
    }
  }
  return tokenizer;
}
