// Each case reports how it ended; the global teardown (tally-setup.ts) adds them up for the README table.
import { appendFileSync } from 'node:fs';
import { inject } from 'vitest';
import type { Exit } from './harness.js';

/**
 * named: a clear error (or, for statutes, a warning) naming the file; unnamed: an error that does not name it;
 * accepted: a bad file taken without a word (exit 0); handled: an interrupt that did what it should;
 * crash: an internal error or an abnormal exit; hang: killed after the time limit.
 */
export type Outcome = 'named' | 'unnamed' | 'accepted' | 'handled' | 'crash' | 'hang';

export interface CaseRecord {
  group: string;
  name: string;
  outcome: Outcome;
  /** Records, steps or files written before the fault and missing (or different) afterwards. */
  lost: number;
}

declare module 'vitest' {
  export interface ProvidedContext {
    faultTally: string;
  }
}

export function record(entry: CaseRecord): void {
  appendFileSync(inject('faultTally'), `${JSON.stringify(entry)}\n`);
}

/** JavaScript errors that should never reach a user: they mean a loader missed a check. */
const INTERNAL = new RegExp(
  [
    'Cannot read propert',
    'is not a function',
    'is not iterable',
    'Maximum call stack',
    'Invalid (typed )?array length',
    'outside the bounds',
    'Array buffer allocation failed',
    'Invalid string length',
    'out of memory',
    'RuntimeError',
    '^\\s+at .+:\\d+:\\d+\\)?$', // a stack trace: an uncaught exception
  ].join('|'),
  'm',
);

/** How a run on a bad file ended; `path` is the file the error (or warning) must name. */
export function classify(exit: Exit, path: string, { warning = false } = {}): Outcome {
  if (exit.hung) return 'hang';
  if (exit.signal !== null || ![0, 1, 2].includes(exit.code ?? -1)) return 'crash';
  if (INTERNAL.test(exit.stderr)) return 'crash';
  if (exit.code === 0) return warning && exit.stderr.includes(path) ? 'named' : 'accepted';
  return exit.stderr.includes(path) ? 'named' : 'unnamed';
}
