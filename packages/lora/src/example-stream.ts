import { shuffledOrder } from './batching.js';
import { createDatasetMixture, type MixtureState, type WeightedDataset } from './dataset-mixture.js';
import { TrainingError } from './errors.js';
import type { TrainingExample } from './training-data.js';
import { examplesDigest, type TrainingSettings } from './training-settings.js';

/** Options for {@link createExampleStream}. */
export interface ExampleStreamOptions {
  /** One dataset, read in a seeded shuffled order per epoch. */
  examples?: TrainingExample[];
  /** Several datasets drawn by weight (instead of `examples`). */
  datasets?: Array<WeightedDataset<TrainingExample>>;
  batchSize: number;
  seed: number;
  /** Draws per mixing block. Default 100. */
  mixBlockSize?: number;
}

/** The examples a run trains on, micro-batch by micro-batch: a function of the seed and the index. */
export interface ExampleStream {
  /** Examples in one epoch (all datasets together for a mixture). */
  epochSize: number;
  /** The examples of global micro-batch `index`. */
  microBatch(index: number): TrainingExample[];
  /** Settings of the data that change the result. */
  settings: TrainingSettings;
  /** The mixture's position (none without one). */
  mixing(): MixtureState | undefined;
  /** Move the mixture to the start of micro-batch `index`. */
  seek(index: number): void;
}

/** The run's data: one shuffled dataset, or a seeded weighted mixture of several. */
export function createExampleStream({
  examples,
  datasets,
  batchSize,
  seed,
  mixBlockSize = 100,
}: ExampleStreamOptions): ExampleStream {
  if ((examples === undefined) === (datasets === undefined))
    throw new TrainingError('give either examples or datasets', { field: 'examples' });
  if (examples) {
    if (examples.length === 0) throw new TrainingError('no training examples', { field: 'examples' });
    const batchesPerEpoch = Math.ceil(examples.length / batchSize);
    return {
      epochSize: examples.length,
      microBatch(index) {
        const order = shuffledOrder(examples.length, seed + Math.floor(index / batchesPerEpoch));
        const offset = (index % batchesPerEpoch) * batchSize;
        return order.slice(offset, offset + batchSize).map((i) => examples[i]);
      },
      settings: { examples: examples.length, examplesSha256: examplesDigest(examples) },
      mixing: () => undefined,
      seek: () => {},
    };
  }
  const sets = datasets ?? [];
  const mixture = createDatasetMixture({ datasets: sets, seed, blockSize: mixBlockSize });
  const all = sets.flatMap((set) => set.examples);
  return {
    epochSize: all.length,
    microBatch(index) {
      if (mixture.state().draws !== index * batchSize) mixture.seek(index * batchSize);
      return mixture.take(batchSize);
    },
    settings: {
      examples: all.length,
      examplesSha256: examplesDigest(all),
      mixSizes: sets.map((set) => set.examples.length).join(','),
      mixWeights: mixture.weights.map((weight) => Number(weight.toPrecision(12))).join(','),
      mixBlockSize,
    },
    mixing: () => mixture.state(),
    seek: (index) => mixture.seek(index * batchSize),
  };
}

/**
 * Put the mixture where the checkpoint's run left it (after `microBatches` micro-batches) and check that it
 * drew what the checkpoint says it drew; a difference (another mixing rule, or data changed under
 * `forceResume`) is an error unless `force`.
 */
export function restoreMixing(
  stream: ExampleStream,
  checkpoint: { mixing?: MixtureState; step: number },
  microBatches: number,
  force: boolean,
): void {
  stream.seek(microBatches);
  const now = stream.mixing();
  if (force || !now) return;
  const saved = checkpoint.mixing;
  if (JSON.stringify(saved) !== JSON.stringify(now)) {
    throw new TrainingError(
      `the checkpoint (step ${checkpoint.step}) drew ${saved ? `[${saved.counts}] of ${saved.draws}` : 'no mixture'} from the datasets; ` +
        `this run's mixture would have drawn [${now.counts}] of ${now.draws}`,
      { field: 'mixing', expected: saved, actual: now },
    );
  }
}
