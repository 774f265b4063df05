import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { createRng } from '../random.js';
import { composeProcessors } from './logits-processor.js';
import { repetitionPenaltyProcessor } from './repetition-penalty.js';
import { argmax, logSoftmax, sampleToken } from './sampler.js';
import { temperatureProcessor } from './temperature.js';
import { topKProcessor } from './top-k.js';
import { topPProcessor } from './top-p.js';

const logits = () => Float32Array.from([1, 3, -2, 0.5, 3, -1]);

describe('logits processors', () => {
  it('temperature divides every logit', () => {
    expect(Array.from(temperatureProcessor(2)([], logits()))).toEqual([0.5, 1.5, -1, 0.25, 1.5, -0.5]);
    expect(() => temperatureProcessor(0)).toThrow(InputError);
  });

  it('top-k keeps the k largest (ties at the threshold kept) and masks the rest', () => {
    const out = topKProcessor(2)([], logits());
    expect(Array.from(out)).toEqual([-Infinity, 3, -Infinity, -Infinity, 3, -Infinity]);
    const three = topKProcessor(3)([], logits());
    expect(three.filter((value) => value !== -Infinity).length).toBe(3);
    expect(three[0]).toBe(1);
  });

  it('top-p keeps the smallest most-probable set reaching p', () => {
    const values = Float32Array.from([Math.log(0.5), Math.log(0.3), Math.log(0.15), Math.log(0.05)]);
    const kept = (p: number) =>
      Array.from(topPProcessor(p)([], values.slice())).filter((value) => value !== -Infinity).length;
    expect(kept(0.5)).toBe(1);
    expect(kept(0.6)).toBe(2);
    expect(kept(0.9)).toBe(3);
    expect(kept(1)).toBe(4);
    expect(kept(0.01)).toBe(1);
  });

  it('repetition penalty divides positive and multiplies negative logits of seen tokens', () => {
    const out = repetitionPenaltyProcessor(2)([1, 2, 2], logits());
    expect(Array.from(out)).toEqual([1, 1.5, -4, 0.5, 3, -1]);
  });

  it('composes left to right', () => {
    const out = composeProcessors([repetitionPenaltyProcessor(2), topKProcessor(1)])([4], logits());
    expect(argmax(out)).toBe(1);
    expect(out.filter((value) => value !== -Infinity).length).toBe(1);
  });
});

describe('sampling', () => {
  it('same seed gives the same draws, and frequencies follow softmax', () => {
    const values = Float32Array.from([0, Math.log(3)]);
    const draw = (seed: number) => {
      const rng = createRng(seed);
      return Array.from({ length: 4000 }, () => sampleToken(values, rng));
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
    const ones = draw(7).filter((token) => token === 1).length / 4000;
    expect(ones).toBeGreaterThan(0.72);
    expect(ones).toBeLessThan(0.78);
  });

  it('never samples a masked token', () => {
    const values = Float32Array.from([-Infinity, 0, -Infinity, 0]);
    const rng = createRng(1);
    for (let i = 0; i < 500; i++) expect([1, 3]).toContain(sampleToken(values, rng));
  });

  it('log-softmax normalises', () => {
    const out = logSoftmax(logits());
    expect(Array.from(out).reduce((sum, value) => sum + Math.exp(value), 0)).toBeCloseTo(1, 6);
  });
});
