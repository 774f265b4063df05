import { shuffledOrder } from './batching.js';
import { TrainingError } from './errors.js';

/** One dataset of a mixture and its weight. */
export interface WeightedDataset<T> {
  /** Name shown in errors and stored in the checkpoint's settings (e.g. the file path). */
  name: string;
  examples: T[];
  /** Share of the draws (any positive number; the weights are normalised to sum to 1). */
  weight: number;
}

/** Options for {@link createDatasetMixture}. */
export interface DatasetMixtureOptions<T> {
  datasets: Array<WeightedDataset<T>>;
  /** Seed of the order within each block and of each dataset's passes. Default 42. */
  seed?: number;
  /** Draws per block: each block holds every dataset's share, shuffled. Default 100. */
  blockSize?: number;
}

/** Where a mixture stands: stored with a checkpoint and restored by {@link DatasetMixture.seek}. */
export interface MixtureState {
  /** Examples drawn so far. */
  draws: number;
  /** Examples drawn from each dataset, in the order of `datasets`. */
  counts: number[];
}

/** A seeded, reproducible stream of examples drawn from several datasets by weight. */
export interface DatasetMixture<T> {
  /** The weights normalised to sum to 1, in the order of `datasets`. */
  readonly weights: number[];
  /** The next example (and which dataset and index it came from). */
  next(): { example: T; dataset: number; index: number };
  /** The next `count` examples. */
  take(count: number): T[];
  state(): MixtureState;
  /** Go to draw `draws` (forward or back): the stream then continues as an uninterrupted one would. */
  seek(draws: number): void;
}

/** A seed for dataset `dataset`'s pass `pass` (or, with dataset −1, block `pass`'s order), mixed from `seed`. */
function mixSeed(seed: number, dataset: number, pass: number): number {
  let h = Math.imul((seed >>> 0) ^ 0x27d4eb2f, 0x165667b1) ^ Math.imul(dataset + 2, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 15), 0x85ebca77) ^ Math.imul(pass + 1, 0xc2b2ae3d);
  h = Math.imul(h ^ (h >>> 13), 0x27d4eb2f);
  return (h ^ (h >>> 16)) >>> 0;
}

function checkDatasets<T>(datasets: Array<WeightedDataset<T>>, blockSize: number): number[] {
  if (datasets.length === 0)
    throw new TrainingError('a mixture needs at least one dataset', { field: 'datasets' });
  if (!Number.isInteger(blockSize) || blockSize < 1) {
    throw new TrainingError(`blockSize must be a positive integer, got ${blockSize}`, {
      field: 'blockSize',
      actual: blockSize,
    });
  }
  datasets.forEach(({ name, examples, weight }, index) => {
    if (!(Number.isFinite(weight) && weight > 0)) {
      throw new TrainingError(`dataset ${name}: weight must be a positive number, got ${weight}`, {
        path: name,
        field: `datasets[${index}].weight`,
        actual: weight,
      });
    }
    if (examples.length === 0) {
      throw new TrainingError(`dataset ${name}: no examples`, {
        path: name,
        field: `datasets[${index}].examples`,
      });
    }
  });
  const total = datasets.reduce((sum, { weight }) => sum + weight, 0);
  return datasets.map(({ weight }) => weight / total);
}

/**
 * Draw examples from several datasets by weight. The draws are stratified: each block of `blockSize` draws
 * takes from each dataset its share (the dataset furthest behind weight × draws goes next, so after every whole
 * block each count is within one draw of weight × draws for two or three datasets, within two for more), in a
 * seeded random order within the block. Each dataset is
 * read in a seeded shuffled order, every example once per pass, a new order each pass. Everything is a function
 * of the seed and the draw index, so {@link DatasetMixture.seek} restores a stream exactly.
 */
export function createDatasetMixture<T>({
  datasets,
  seed = 42,
  blockSize = 100,
}: DatasetMixtureOptions<T>): DatasetMixture<T> {
  const weights = checkDatasets(datasets, blockSize);
  let draws = 0;
  let counts = datasets.map(() => 0);
  // the deficit schedule: dataset of each draw, made a block at a time
  let scheduled = datasets.map(() => 0);
  let block: number[] = [];
  const passes = new Map<number, { pass: number; order: number[] }>();

  const fillBlock = (index: number) => {
    block = [];
    for (let i = 0; i < blockSize; i++) {
      const made = index * blockSize + i + 1;
      let best = 0;
      for (let k = 1; k < weights.length; k++)
        if (weights[k] * made - scheduled[k] > weights[best] * made - scheduled[best]) best = k;
      scheduled[best]++;
      block.push(best);
    }
    block = shuffledOrder(blockSize, mixSeed(seed, -1, index)).map((i) => block[i]);
  };
  const exampleIndex = (dataset: number, count: number) => {
    const size = datasets[dataset].examples.length;
    const pass = Math.floor(count / size);
    let current = passes.get(dataset);
    if (current?.pass !== pass) {
      current = { pass, order: shuffledOrder(size, mixSeed(seed, dataset, pass)) };
      passes.set(dataset, current);
    }
    return current.order[count % size];
  };

  const mixture: DatasetMixture<T> = {
    weights,
    next() {
      if (draws % blockSize === 0) fillBlock(draws / blockSize);
      const dataset = block[draws % blockSize];
      const index = exampleIndex(dataset, counts[dataset]);
      counts[dataset]++;
      draws++;
      return { example: datasets[dataset].examples[index], dataset, index };
    },
    take: (count) => Array.from({ length: count }, () => mixture.next().example),
    state: () => ({ draws, counts: [...counts] }),
    seek(target) {
      if (!Number.isInteger(target) || target < 0)
        throw new TrainingError(`cannot seek to draw ${target}`, { field: 'draws', actual: target });
      draws = 0;
      counts = datasets.map(() => 0);
      scheduled = datasets.map(() => 0);
      passes.clear();
      // whole blocks by their schedule alone, then the draws of the last one
      const whole = Math.floor(target / blockSize);
      for (let b = 0; b < whole; b++) fillBlock(b);
      counts = [...scheduled];
      draws = whole * blockSize;
      while (draws < target) mixture.next();
    },
  };
  return mixture;
}
