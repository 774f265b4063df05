import { InputError } from '../errors.js';
import type { LogitsProcessor } from './logits-processor.js';

/**
 * Nucleus filtering: keep the smallest set of most probable tokens whose probability mass reaches
 * `p` (at least one token), mask the rest (HF `TopPLogitsWarper`).
 */
export function topPProcessor(p: number): LogitsProcessor {
  if (!(p > 0 && p <= 1)) throw new InputError('topP', 'a number in (0, 1]', p);
  return (_ids, logits) => {
    if (p >= 1) return logits;
    const order = Array.from(logits.keys()).sort((a, b) => logits[b] - logits[a]);
    const max = logits[order[0]];
    let total = 0;
    for (const index of order) total += Math.exp(logits[index] - max);
    let cumulative = 0;
    let keep = 0;
    while (keep < order.length) {
      cumulative += Math.exp(logits[order[keep]] - max) / total;
      keep++;
      if (cumulative >= p) break;
    }
    for (let rank = keep; rank < order.length; rank++) logits[order[rank]] = Number.NEGATIVE_INFINITY;
    return logits;
  };
}
