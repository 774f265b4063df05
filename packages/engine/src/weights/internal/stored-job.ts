import { JOB_CONVERT, JOB_STORED_MATMUL, JOB_STORED_MATMUL_T } from '../../kernels/internal/wasm-matmul.js';
import { type Arena, JOB_ADDRESS } from './arena.js';

export { JOB_CONVERT, JOB_STORED_MATMUL, JOB_STORED_MATMUL_T };

/** `stored_job_t` of csrc/job.h (byte addresses in the arena's memory). */
export interface StoredJob {
  kind: number;
  /** ggml type code of W (of the destination rows for a conversion). */
  format: number;
  w: number;
  rows: number;
  cols: number;
  /** Rows of x and y. For a conversion: 0 in, the number of non-finite source values out. */
  count: number;
  x: number;
  xq: number;
  y: number;
  /** Thread 0's scratch; thread t's at scratch + t · scratchBytes. */
  scratch: number;
  scratchBytes: number;
  /** Conversion: ggml type code of the source rows at `x`. */
  sourceFormat: number;
}

const COUNT_FIELD = 6;

/** Writes the job at {@link JOB_ADDRESS}, runs it on every thread, and returns the `count` field afterwards. */
export function runStoredJob(arena: Arena, job: StoredJob): number {
  const words = new Uint32Array(arena.buffer, JOB_ADDRESS, 13);
  words.set([
    job.kind,
    0,
    job.format,
    job.w,
    job.rows,
    job.cols,
    job.count,
    job.x,
    job.xq,
    job.y,
    job.scratch,
    job.scratchBytes,
    job.sourceFormat,
  ]);
  arena.run();
  return words[COUNT_FIELD]!;
}
