import { EvalEndpointError } from '../errors.js';

/** Run `task` over `items` with at most `concurrency` in flight; stops starting new ones when `signal` aborts. */
export async function runPool<T>(
  items: T[],
  concurrency: number,
  task: (item: T) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      signal?.throwIfAborted();
      const item = items[next++];
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
}

/**
 * Call `attempt`, retrying up to `retries` more times with exponential backoff (`baseDelayMs` × 2^k). An
 * {@link EvalEndpointError} is not retried here: `openAiGenerator` already retried what can succeed on a retry
 * (429, 5xx, timeouts) with its own `maxRetries`, and the rest (400, 401, 404, …) would fail again.
 */
export async function withRetries<T>(
  attempt: () => Promise<T>,
  { retries, baseDelayMs, signal }: { retries: number; baseDelayMs: number; signal?: AbortSignal },
): Promise<T> {
  for (let tried = 0; ; tried++) {
    try {
      return await attempt();
    } catch (error) {
      if (signal?.aborted || tried >= retries || error instanceof EvalEndpointError) throw error;
      await new Promise((resolve) => setTimeout(resolve, baseDelayMs * 2 ** tried));
    }
  }
}
