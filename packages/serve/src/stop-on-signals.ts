import type { OpenAIServer, ShutdownReport } from './openai-server.js';

/** Options of {@link stopOnSignals}. */
export interface StopOnSignalsOptions {
  server: OpenAIServer;
  /** Closed after the server (e.g. the worker engine). */
  engine?: { close?(): Promise<void> };
  /** Time requests in flight get to finish before they are aborted (default 10 000 ms). */
  graceMs?: number;
  /** Default SIGTERM and SIGINT. */
  signals?: NodeJS.Signals[];
  /** Told which signal arrived (e.g. to print a line). */
  onSignal?: (signal: NodeJS.Signals) => void;
}

/**
 * Resolve once a signal has stopped the server: it stops accepting connections, requests in flight get
 * `graceMs` to finish and are then aborted, and the engine is closed. A second signal aborts at once.
 */
export function stopOnSignals({
  server,
  engine,
  graceMs = 10_000,
  signals = ['SIGTERM', 'SIGINT'],
  onSignal,
}: StopOnSignalsOptions): Promise<{ signal: NodeJS.Signals; report: ShutdownReport }> {
  return new Promise((resolve, reject) => {
    let first: NodeJS.Signals | undefined;
    const handler = (signal: NodeJS.Signals) => {
      onSignal?.(signal);
      if (first) return void server.shutdown({ graceMs: 0 });
      first = signal;
      server
        .shutdown({ graceMs })
        .then(async (report) => {
          for (const name of signals) process.off(name, handler);
          await engine?.close?.();
          resolve({ signal, report });
        })
        .catch(reject);
    };
    for (const name of signals) process.on(name, handler);
  });
}
