/**
 * Transforms next-token logits (or log-probabilities) given the sequence so far. Processors may
 * modify `logits` in place and return it. Masked tokens are set to `-Infinity`.
 */
export type LogitsProcessor = (ids: number[], logits: Float32Array) => Float32Array;

/** Apply processors left to right. */
export function composeProcessors(processors: LogitsProcessor[]): LogitsProcessor {
  return (ids, logits) => processors.reduce((current, processor) => processor(ids, current), logits);
}
