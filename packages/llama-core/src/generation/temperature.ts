import { InputError } from '../errors.js';
import type { LogitsProcessor } from './logits-processor.js';

/** Divide logits by `temperature` (> 0; 1 = unchanged). */
export function temperatureProcessor(temperature: number): LogitsProcessor {
  if (!(temperature > 0) || !Number.isFinite(temperature)) {
    throw new InputError('temperature', 'a finite number > 0 (use greedy decoding for 0)', temperature);
  }
  return (_ids, logits) => {
    if (temperature !== 1) for (let i = 0; i < logits.length; i++) logits[i] /= temperature;
    return logits;
  };
}
