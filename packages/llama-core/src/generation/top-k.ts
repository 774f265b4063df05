import { InputError } from '../errors.js';
import type { LogitsProcessor } from './logits-processor.js';

/** Keep the `k` largest logits (ties at the k-th value kept, as HF), mask the rest. */
export function topKProcessor(k: number): LogitsProcessor {
  if (!Number.isInteger(k) || k < 1) throw new InputError('topK', 'an integer >= 1', k);
  return (_ids, logits) => {
    if (k >= logits.length) return logits;
    const threshold = Float32Array.from(logits)
      .sort()
      .at(logits.length - k)!;
    for (let i = 0; i < logits.length; i++) if (logits[i] < threshold) logits[i] = Number.NEGATIVE_INFINITY;
    return logits;
  };
}
