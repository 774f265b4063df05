import { describe, expect, it } from 'vitest';
import { formatDuration, formatProgress } from './progress.js';

describe('progress lines', () => {
  it('formats durations', () => {
    expect(formatDuration(42)).toBe('42s');
    expect(formatDuration(185)).toBe('3m05s');
    expect(formatDuration(3720)).toBe('1h02m');
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('?');
  });

  it('shows counts, extras, rate and ETA', () => {
    const line = formatProgress({
      label: 'train',
      done: 12,
      total: 100,
      rate: [1234.5, 'tok/s'],
      etaSeconds: 80,
      extra: { loss: 2.345678, lr: 0.0003 },
    });
    expect(line).toBe('train 12/100 (12%) loss 2.3457 lr 3.0e-4 | 1235 tok/s | ETA 1m20s');
  });
});
