import type { CommandIO } from './command.js';

/** Exit code of a job stopped by SIGINT/SIGTERM (128 + SIGINT, as shells report Ctrl-C). */
export const INTERRUPTED = 130;

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Runs `job` with a signal that the first SIGINT or SIGTERM aborts, calling `onInterrupt` first. A second one
 * ends the process at once, by the signal's default action (no cleanup, exit status of the signal), as soon as
 * Node gets control: at once while the job waits for I/O or between steps, at the end of a long synchronous
 * tensor operation otherwise. The handlers are removed once the job settles.
 */
export async function whileInterruptible<T>(
  job: (signal: AbortSignal) => Promise<T>,
  onInterrupt?: (signal: NodeJS.Signals) => void,
): Promise<T> {
  const controller = new AbortController();
  const remove = () => {
    for (const name of SIGNALS) process.off(name, onSignal);
  };
  function onSignal(name: NodeJS.Signals) {
    if (controller.signal.aborted) {
      // Removing every handler restores the default action, and the signal sent again takes it.
      remove();
      process.stderr.write(`\n${name} again: stopping at once\n`);
      process.kill(process.pid, name);
      return;
    }
    onInterrupt?.(name);
    controller.abort();
  }
  for (const name of SIGNALS) process.on(name, onSignal);
  try {
    return await job(controller.signal);
  } finally {
    remove();
  }
}

/** An error that means "stopped by the signal": abort errors (DOMException, data-gen's) once it fired. */
export function isInterruption(error: unknown, signal: AbortSignal): boolean {
  return signal.aborted && (error === signal.reason || (error as Error)?.name === 'AbortError');
}

/** What {@link runInterruptible} prints. */
export interface InterruptMessages {
  /** After the first signal, what the job does before it stops, e.g. `finishing the current step`. */
  finishing: string;
  /** When it stopped, what is kept and how to go on, e.g. `rerun the same command to resume`. */
  stopped: () => string;
}

/**
 * A command body that the first SIGINT/SIGTERM stops at its next step: says so at once, and when the job
 * ends by an abort error (or returns {@link INTERRUPTED}) prints where things stand and returns 130.
 * A second signal ends the process at once.
 */
export async function runInterruptible(
  label: string,
  io: CommandIO,
  messages: InterruptMessages,
  job: (signal: AbortSignal) => Promise<number>,
): Promise<number> {
  let caught: AbortSignal | undefined;
  const code = await whileInterruptible(
    async (signal) => {
      caught = signal;
      try {
        return await job(signal);
      } catch (error) {
        if (isInterruption(error, signal)) return INTERRUPTED;
        throw error;
      }
    },
    (name) =>
      io.stderr(
        `\n${label}: ${name} received: ${messages.finishing}, then stopping (again to stop at once)\n`,
      ),
  );
  if (code === INTERRUPTED && caught?.aborted) io.stderr(`${label}: stopped; ${messages.stopped()}\n`);
  return code;
}
