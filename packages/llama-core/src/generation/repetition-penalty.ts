import { InputError } from '../errors.js';
import type { LogitsProcessor } from './logits-processor.js';

/**
 * HF/CTRL repetition penalty: for every token already in the sequence (prompt included), divide a
 * positive logit by `penalty` and multiply a negative one by it.
 */
export function repetitionPenaltyProcessor(penalty: number): LogitsProcessor {
  if (!(penalty > 0) || !Number.isFinite(penalty))
    throw new InputError('repetitionPenalty', 'a finite number > 0', penalty);
  return (ids, logits) => {
    if (penalty === 1) return logits;
    for (const id of new Set(ids)) {
      if (id < 0 || id >= logits.length) continue;
      logits[id] = logits[id] < 0 ? logits[id] * penalty : logits[id] / penalty;
    }
    return logits;
  };
}
