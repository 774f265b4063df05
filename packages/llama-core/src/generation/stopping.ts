/** Why generation ended: token budget, an EOS token, a stop string, or the abort signal. */
export type FinishReason = 'length' | 'eos' | 'stop' | 'abort';

/** The stopping rules of one generation. */
export interface StoppingCriteria {
  /** New tokens at most. */
  maxNewTokens: number;
  /** Token ids that end generation (empty: never stop at EOS). */
  eosTokenIds: number[];
}

/** Why to stop after `token` (the `count`-th new token), or undefined to go on. */
export function checkStop(
  criteria: StoppingCriteria,
  token: number,
  count: number,
): FinishReason | undefined {
  if (criteria.eosTokenIds.includes(token)) return 'eos';
  if (count >= criteria.maxNewTokens) return 'length';
  return undefined;
}
