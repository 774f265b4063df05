import { describe, expect, it } from 'vitest';
import { createDatasetMixture, type WeightedDataset } from './dataset-mixture.js';
import { TrainingError } from './errors.js';

const range = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}${i}`);

const sets = (weights: number[], sizes = [37, 11, 5]): Array<WeightedDataset<string>> =>
  weights.map((weight, k) => ({ name: `d${k}`, examples: range(`d${k}-`, sizes[k]), weight }));

describe('createDatasetMixture', () => {
  it('draws each dataset within 1% of its weight over 10,000 draws (within one or two draws per whole block)', () => {
    for (const [weights, seed] of [
      [[0.7, 0.3], 1],
      [[0.5, 0.3, 0.2], 2],
      [[3, 1, 1], 3],
      [[0.91, 0.06, 0.03], 4],
      [[0.3, 0.25, 0.2, 0.1, 0.1, 0.05], 5],
    ] as Array<[number[], number]>) {
      const mixture = createDatasetMixture({ datasets: sets(weights, [37, 11, 5, 8, 9, 3]), seed });
      const bound = weights.length <= 3 ? 1 : 2;
      const total = weights.reduce((a, b) => a + b, 0);
      const counts = weights.map(() => 0);
      for (let draw = 1; draw <= 10_000; draw++) {
        counts[mixture.next().dataset]++;
        if (draw % 100 === 0)
          for (const [k, count] of counts.entries())
            expect(Math.abs(count - (draw * weights[k]) / total)).toBeLessThan(bound);
      }
      for (const [k, count] of counts.entries())
        expect(Math.abs(count / 10_000 - weights[k] / total)).toBeLessThan(0.01);
      expect(mixture.state()).toEqual({ draws: 10_000, counts });
    }
  });

  it('gives the same order for the same seed, another for another seed, and mixes within each block', () => {
    const draw = (seed: number) => createDatasetMixture({ datasets: sets([0.7, 0.3]), seed }).take(500);
    expect(draw(7)).toEqual(draw(7));
    expect(draw(8)).not.toEqual(draw(7));
    // not 70 of one then 30 of the other: the block's order is shuffled
    const first = draw(7)
      .slice(0, 100)
      .map((name) => name.slice(0, 2));
    expect(first.slice(0, 70).filter((name) => name === 'd1').length).toBeGreaterThan(5);
  });

  it('reads each dataset once per pass, in a new order each pass', () => {
    const mixture = createDatasetMixture({ datasets: sets([0.5, 0.5], [20, 30]), seed: 5 });
    const fromFirst = mixture
      .take(200)
      .filter((name) => name.startsWith('d0-'))
      .slice(0, 60);
    for (let pass = 0; pass < 3; pass++)
      expect(new Set(fromFirst.slice(pass * 20, pass * 20 + 20)).size).toBe(20);
    expect(fromFirst.slice(0, 20)).not.toEqual(fromFirst.slice(20, 40));
  });

  it('seeks to any draw and continues the uninterrupted sequence', () => {
    const straight = createDatasetMixture({ datasets: sets([0.5, 0.3, 0.2]), seed: 9 }).take(1000);
    for (const at of [0, 1, 99, 100, 101, 573, 1000]) {
      const resumed = createDatasetMixture({ datasets: sets([0.5, 0.3, 0.2]), seed: 9 });
      resumed.seek(at);
      expect(resumed.state().draws).toBe(at);
      expect([...straight.slice(0, at), ...resumed.take(1000 - at)]).toEqual(straight);
    }
  });

  it('refuses a weight that is not positive, an empty dataset, and a bad block size, naming the field', () => {
    const error = (options: Parameters<typeof createDatasetMixture<string>>[0]) => {
      try {
        createDatasetMixture(options);
      } catch (caught) {
        return caught as TrainingError;
      }
      throw new Error('no error');
    };
    expect(error({ datasets: sets([0.7, 0]) })).toMatchObject({ field: 'datasets[1].weight', path: 'd1' });
    expect(error({ datasets: sets([0.7, Number.NaN]) })).toBeInstanceOf(TrainingError);
    const empty = [{ name: 'e.json', examples: [], weight: 1 }];
    expect(error({ datasets: empty }).message).toBe('dataset e.json: no examples');
    expect(error({ datasets: sets([1]), blockSize: 0 })).toMatchObject({ field: 'blockSize' });
    expect(error({ datasets: [] })).toMatchObject({ field: 'datasets' });
  });
});
