/** Options for {@link learningRateAt}. */
export interface LearningRateSchedule {
  /** Peak learning rate. */
  learningRate: number;
  /** Linear warm-up steps from 0 to the peak. */
  warmupSteps: number;
  /** Total optimizer steps. */
  totalSteps: number;
  /** Decay after warm-up: `linear` to 0 (HF Trainer's default), `cosine` to 0, or `constant`. */
  decay: 'linear' | 'cosine' | 'constant';
}

/** Learning rate for optimizer step `step` (0-based), as Hugging Face's schedulers compute it. */
export function learningRateAt(
  step: number,
  { learningRate, warmupSteps, totalSteps, decay }: LearningRateSchedule,
) {
  if (step < warmupSteps) return (learningRate * step) / Math.max(1, warmupSteps);
  if (decay === 'constant') return learningRate;
  const progress = (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
  if (decay === 'linear') return learningRate * Math.max(0, 1 - progress);
  return learningRate * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress)));
}
