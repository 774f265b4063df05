/** Options of one generation call. */
export interface GenerateOptions {
  /** Upper bound on new tokens. */
  maxNewTokens?: number;
  /** Aborts the call. */
  signal?: AbortSignal;
}

/**
 * Anything that turns a prompt into a completion: a local llama-core model (adapted by the CLI), an
 * OpenAI-compatible endpoint ({@link openAiGenerator}), or a test double.
 */
export interface TextGenerator {
  generate(prompt: string, options: GenerateOptions): Promise<string>;
}

/** Anything that gives the natural-log probability of each token of a text (for perplexity). */
export interface TextScorer {
  /** Log-probabilities of the tokens of `text`, each predicted from the ones before it. */
  logProbs(text: string, options?: { signal?: AbortSignal }): Promise<number[]>;
}
