/** Types of llama-cpp-peer.mjs (see the comment at the top of that file). */

/** node-llama-cpp loaded from bench/peers, or why it is unavailable. */
export type LoadedLlamaCpp =
  | { llama: unknown; module: unknown; version: string; reason?: undefined }
  | { llama: undefined; module?: undefined; version?: undefined; reason: string };

export function loadLlamaCpp(): Promise<LoadedLlamaCpp>;

export interface LlamaCppLogitsOptions {
  /** GGUF model file. */
  ggufPath: string;
  /** Token ids, evaluated as given (no BOS added). */
  tokens: number[];
  /** `last` (default): one [vocab] array; `all`: one per input position. */
  positions?: 'last' | 'all';
  /** KV cache element type; default `F32` (llama.cpp's own default is `F16`). */
  kvCacheType?: 'F32' | 'F16';
  /** CPU threads; default 2. */
  threads?: number;
}

export function llamaCppLogits(
  options: LlamaCppLogitsOptions & { positions?: 'last' },
): Promise<Float32Array>;
export function llamaCppLogits(
  options: LlamaCppLogitsOptions & { positions: 'all' },
): Promise<Float32Array[]>;

export interface LlamaCppDecodeSpeedOptions {
  ggufPath: string;
  /** Prompt ids, evaluated before timing starts. */
  promptTokens: number[];
  /** Tokens to decode (timed), one llama.cpp decode each. */
  tokens: number;
  /** CPU threads; default 2. More threads than idle cores slows llama.cpp down sharply. */
  threads?: number;
  /** KV cache element type; default `F16` (llama.cpp's default). */
  kvCacheType?: 'F32' | 'F16';
}

export interface LlamaCppDecodeSpeed {
  tokensPerSecond: number;
  seconds: number;
  tokens: number;
  threads: number;
  promptTokens: number;
  /** Seconds to evaluate the prompt and sample the first token. */
  promptSeconds: number;
  /** Seconds llama.cpp took to load the file. */
  loadSeconds: number;
  /** Greedy ids: the first follows the prompt, then the `tokens` timed ones. */
  generated: number[];
}

export function llamaCppDecodeSpeed(options: LlamaCppDecodeSpeedOptions): Promise<LlamaCppDecodeSpeed>;

export function disposeLlamaCpp(): Promise<void>;
