/**
 * Runs `job` with a signal that Ctrl-C (SIGINT) aborts, calling `onInterrupt` first; the handler is removed
 * once the job settles. Long jobs stop between steps and leave their partial output resumable.
 */
export async function whileInterruptible<T>(
  job: (signal: AbortSignal) => Promise<T>,
  onInterrupt?: () => void,
): Promise<T> {
  const controller = new AbortController();
  const onSignal = () => {
    onInterrupt?.();
    controller.abort();
  };
  process.once('SIGINT', onSignal);
  try {
    return await job(controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
  }
}
