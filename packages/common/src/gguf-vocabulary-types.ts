/**
 * Token types as llama.cpp stores them in `tokenizer.ggml.token_type` (the same numbers as SentencePiece's
 * `ModelProto.SentencePiece.Type`).
 */
export const GGUF_TOKEN_TYPES = {
  normal: 1,
  unknown: 2,
  control: 3,
  userDefined: 4,
  unused: 5,
  byte: 6,
} as const;

/**
 * A byte-level BPE vocabulary for a GGUF file (`tokenizer.ggml.model` `gpt2`, as llama.cpp's converter writes for
 * GPT-2, Qwen and LLaMA-3 tokenizers): pieces in the byte-level alphabet, merges by rank, the pre-tokenizer name.
 * tokenizer-legal's `toGgufBpe` makes one from a `tokenizer.json`; llama-core's `exportGguf` writes it and
 * `readGgufBpeVocabulary` reads it back.
 */
export interface GgufBpeVocabulary {
  model: 'gpt2';
  /** `tokenizer.ggml.pre`: llama.cpp's name of the pre-tokenizer regex (`qwen2`, `llama-bpe`, `gpt-2`, …). */
  pre: string;
  /** Piece of each id: byte-level strings (`Ġ` = space), added tokens as their text, `[PAD<id>]` for unused ids. */
  tokens: string[];
  /**
   * Type of each piece ({@link GGUF_TOKEN_TYPES}): 1 normal, 3 control (special added tokens and `<|…|>` ones),
   * 4 user-defined (other added tokens), 5 unused.
   */
  tokenTypes: number[];
  /** Merges in rank order, each `"left right"`. */
  merges: string[];
  /** BOS id; Qwen's tokenizer has none and `exportGguf` then takes `config.bos_token_id`, as the converter. */
  bosId?: number;
  /** EOS id; default `config.eos_token_id`. */
  eosId?: number;
  unkId?: number;
  padId?: number;
  /** `tokenizer.ggml.add_bos_token`: `add_bos_token` of tokenizer_config.json (false when absent; Qwen: false). */
  addBosToken?: boolean;
  addEosToken?: boolean;
  /** `tokenizer.chat_template` (Jinja), when the tokenizer has one. */
  chatTemplate?: string;
}
