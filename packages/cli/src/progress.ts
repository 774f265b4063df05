import type { TrainingProgress } from '@lawgpt/lora';

/** Seconds as `1h02m`, `3m05s` or `42s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const total = Math.max(0, Math.round(seconds));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const rest = total % 60;
  if (hours > 0) return `${hours}h${String(minutes).padStart(2, '0')}m`;
  if (minutes > 0) return `${minutes}m${String(rest).padStart(2, '0')}s`;
  return `${rest}s`;
}

/** What a progress line shows; every field but `done` and `total` is optional. */
export interface ProgressFields {
  label: string;
  done: number;
  total: number;
  /** Rate and its unit, e.g. `[1234, 'tok/s']`. */
  rate?: [number, string];
  etaSeconds?: number;
  /** Extra `name value` pairs (loss, lr, kept, rejected…). */
  extra?: Record<string, string | number>;
}

/** One progress line: `train 12/100 (12%) loss 2.3456 lr 3.0e-4 | 1234 tok/s | ETA 1m20s`. */
export function formatProgress({ label, done, total, rate, etaSeconds, extra = {} }: ProgressFields): string {
  const percent = total > 0 ? ` (${Math.floor((100 * done) / total)}%)` : '';
  const pairs = Object.entries(extra).map(([name, value]) => {
    const shown =
      typeof value === 'number'
        ? Math.abs(value) < 1e-2 && value !== 0
          ? value.toExponential(1)
          : Number(value.toFixed(4))
        : value;
    return ` ${name} ${shown}`;
  });
  const speed = rate ? ` | ${rate[0].toFixed(rate[0] < 10 ? 2 : 0)} ${rate[1]}` : '';
  const eta = etaSeconds !== undefined ? ` | ETA ${formatDuration(etaSeconds)}` : '';
  return `${label} ${done}/${total}${percent}${pairs.join('')}${speed}${eta}`;
}

/** The progress line of one training step (`trainCausalLm`'s `onProgress`). */
export function formatTrainingProgress(label: string, progress: TrainingProgress): string {
  return formatProgress({
    label,
    done: progress.step,
    total: progress.totalSteps,
    rate: [progress.tokensPerSecond, 'tok/s'],
    etaSeconds: progress.etaSeconds,
    extra: { loss: progress.loss, lr: progress.learningRate, epoch: Number(progress.epoch.toFixed(2)) },
  });
}
