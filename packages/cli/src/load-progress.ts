import type { LoadModelOptions } from '@lawgpt/llama-core';
import { formatDuration } from './progress.js';

/** One progress report of a model load (llama-core's `loadModel` `onProgress`). */
type LoadProgress = Parameters<NonNullable<LoadModelOptions['onProgress']>>[0];

/** Options of {@link loadProgressPrinter}. */
export interface LoadProgressPrinterOptions {
  /** Where the progress goes (the command's stderr). */
  write: (text: string) => void;
  /**
   * Whether that stream is a terminal: there one line is redrawn in place, at most once per 10%; elsewhere (logs,
   * pipes) a single `loaded …` line is printed at the end. Default: `process.stderr.isTTY`.
   */
  tty?: boolean;
  /** Loads that finish sooner print nothing (milliseconds). Default 1000. */
  quietMs?: number;
  /** Clock in milliseconds (tests pass their own). Default `performance.now`. */
  now?: () => number;
}

/** What {@link loadProgressPrinter} returns: the `onProgress` callback, and `end` to call once the load is over. */
export interface LoadProgressPrinter {
  update: (progress: LoadProgress) => void;
  /** Closes a progress line left open (a failed load); safe to call more than once. */
  end: () => void;
}

const mib = (bytes: number) => bytes / 2 ** 20;
/** `850 MiB`, `13.0 GiB`. */
const size = (bytes: number) =>
  bytes < 2 ** 30 ? `${mib(bytes).toFixed(0)} MiB` : `${(bytes / 2 ** 30).toFixed(1)} GiB`;

/**
 * Model-load progress that stays out of the way: nothing for a load under `quietMs`; then, on a terminal, one
 * line redrawn at each new tenth (`loading 40% of 13.0 GiB (210 MiB/s, ETA 38s)`), or elsewhere a single summary.
 */
export function loadProgressPrinter({
  write,
  tty = process.stderr.isTTY === true,
  quietMs = 1000,
  now = () => performance.now(),
}: LoadProgressPrinterOptions): LoadProgressPrinter {
  const started = now();
  let shownTenth = -1;
  let open = false;
  const end = () => {
    if (open) write('\n');
    open = false;
  };
  const update = ({ bytes, totalBytes, bytesPerSecond, etaSeconds }: LoadProgress) => {
    const seconds = (now() - started) / 1000;
    if (seconds * 1000 < quietMs) return;
    const complete = bytes >= totalBytes;
    if (!tty) {
      if (complete)
        write(
          `loaded ${size(totalBytes)} of weights in ${formatDuration(seconds)} (${mib(bytesPerSecond).toFixed(0)} MiB/s)\n`,
        );
      return;
    }
    const tenth = complete ? 10 : Math.floor((10 * bytes) / totalBytes);
    if (tenth === shownTenth) return;
    shownTenth = tenth;
    const eta = complete ? `in ${formatDuration(seconds)}` : `ETA ${formatDuration(etaSeconds)}`;
    write(
      `\rloading ${tenth * 10}% of ${size(totalBytes)} (${mib(bytesPerSecond).toFixed(0)} MiB/s, ${eta})   `,
    );
    open = true;
    if (complete) end();
  };
  return { update, end };
}
