import type { LlamaModel } from '../model.js';
import type { Rng } from '../random.js';
import type { LogitsProcessor } from './logits-processor.js';
import type { FinishReason } from './stopping.js';
import type { TextTokenizer } from './text-tokenizer.js';

/** Options of {@link generate}. Give `inputIds`, or `prompt` with a `tokenizer`. */
export interface GenerateOptions {
  /** The model. */
  model: LlamaModel;
  /** Encodes `prompt` and decodes the streamed text; without it chunks carry ids and empty text. */
  tokenizer?: TextTokenizer;
  /** Prompt token ids (one sequence). */
  inputIds?: number[];
  /** Prompt text (needs `tokenizer`). */
  prompt?: string;
  /** Prepend BOS when encoding `prompt`. Default true. */
  addBos?: boolean;
  /** New tokens at most. Default 128. */
  maxNewTokens?: number;
  /** Sample instead of taking the argmax. Default: true when temperature, topK or topP is given. */
  doSample?: boolean;
  /** Softmax temperature for sampling. Default 1. */
  temperature?: number;
  /** Keep only the k most likely tokens (0 = off). Default 0. */
  topK?: number;
  /** Nucleus sampling mass (1 = off). Default 1. */
  topP?: number;
  /** HF repetition penalty (1 = off). Default 1. */
  repetitionPenalty?: number;
  /** Beam search with this many beams (1 = off). Default 1. */
  numBeams?: number;
  /** Beam score = sum log p / length^lengthPenalty. Default 1. */
  lengthPenalty?: number;
  /** EOS ids; default the tokenizer's `eosId`, else `config.eos_token_id`. `[]` never stops at EOS. */
  eosTokenId?: number | number[];
  /** Stop once the text contains one of these (the text is cut before it). */
  stopStrings?: string[];
  /** Seed of the sampling RNG (same seed → same text). Default 0. */
  seed?: number;
  /** Random source overriding `seed`. */
  rng?: Rng;
  /** Extra processors applied after the built-in ones. */
  logitsProcessors?: LogitsProcessor[];
  /** Stops generation with finish reason `abort`. */
  signal?: AbortSignal;
  /**
   * Generate past `config.max_position_embeddings`, at positions the model was not trained on (how well
   * that goes depends on its RoPE scaling, which a one-time warning names). Default false: generation
   * stops there with finish reason `length` and a one-time warning; a prompt that already fills the
   * context gets no new token.
   */
  allowLongContext?: boolean;
  /** Element format of the KV cache: `f32` (default) or `f16` (half the memory for long contexts). */
  kvCacheDtype?: 'f32' | 'f16';
  /** Receives warnings (each kind once per model): the context length reached or passed. Default `console.warn`. */
  onWarning?: (message: string) => void;
}

/** One streamed piece of a generation. */
export interface GenerateChunk {
  /** New text since the previous chunk (never ends inside a UTF-8 character). */
  text: string;
  /** Token ids generated since the previous chunk. */
  tokenIds: number[];
  /** Set on the last chunk. */
  finishReason?: FinishReason;
}
