import { RequestError } from './errors.js';

/** Options of {@link createRequestQueue}. */
export interface RequestQueueOptions {
  /** Requests that may wait for a turn; one more is refused with 429 (default 16). */
  maxQueue?: number;
  /** Requests served at once (default 1: one model, one generation). */
  concurrency?: number;
}

/** A bounded first-come queue in front of the engine. */
export interface RequestQueue {
  /**
   * Wait for a turn and return its release function. Throws a 429 `RequestError` with `Retry-After` when
   * `maxQueue` requests already wait, and rejects with `signal`'s reason when aborted while waiting.
   */
  acquire(signal?: AbortSignal): Promise<() => void>;
  /** Requests waiting (not counting those being served). */
  readonly waiting: number;
  /** Requests being served. */
  readonly active: number;
}

/** A queue whose 429 answers carry a `Retry-After` from the mean time of the last turns. */
export function createRequestQueue({
  maxQueue = 16,
  concurrency = 1,
}: RequestQueueOptions = {}): RequestQueue {
  const waiters: Array<{ grant: () => void; signal?: AbortSignal }> = [];
  let active = 0;
  let meanSeconds = 1;

  const release = (started: number) => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      active--;
      meanSeconds = 0.8 * meanSeconds + 0.2 * ((performance.now() - started) / 1000);
      while (waiters.length > 0 && active < concurrency) {
        const next = waiters.shift()!;
        if (!next.signal?.aborted) next.grant();
      }
    };
  };

  return {
    get waiting() {
      return waiters.length;
    },
    get active() {
      return active;
    },
    acquire(signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      if (active < concurrency && waiters.length === 0) {
        active++;
        return Promise.resolve(release(performance.now()));
      }
      if (waiters.length >= maxQueue) {
        const seconds = Math.min(
          600,
          Math.max(1, Math.ceil(((waiters.length + 1) * meanSeconds) / concurrency)),
        );
        return Promise.reject(
          new RequestError(
            `the server is busy: ${waiters.length} requests are waiting; retry in ${seconds} s`,
            {
              status: 429,
              code: 'rate_limit_exceeded',
              type: 'rate_limit_error',
              headers: { 'retry-after': String(seconds) },
            },
          ),
        );
      }
      return new Promise((resolve, reject) => {
        const waiter = {
          signal,
          grant: () => {
            signal?.removeEventListener('abort', onAbort);
            active++;
            resolve(release(performance.now()));
          },
        };
        const onAbort = () => {
          const index = waiters.indexOf(waiter);
          if (index >= 0) waiters.splice(index, 1);
          reject(signal!.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        waiters.push(waiter);
      });
    },
  };
}
