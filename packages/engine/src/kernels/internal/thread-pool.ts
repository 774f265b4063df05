import { Worker } from 'node:worker_threads';
import { type WasmMemory, type WasmModule, webAssembly } from './webassembly.js';

/**
 * Worker threads that each run `run_job(job, thread, threads)` of one wasm module over one shared memory.
 * The caller's thread is thread 0 and participates; `run` is synchronous (Atomics.wait on the main thread).
 *
 * Control block (int32 slots at `controlAddress`): 0 generation, 1 command (1 run, 2 exit), 2 job address,
 * 3 thread count, 4 finished workers, 5 failures.
 */
const GENERATION = 0;
const COMMAND = 1;
const JOB = 2;
const THREADS = 3;
const FINISHED = 4;
const FAILURES = 5;
const RUN = 1;
const EXIT = 2;
/** Polls a thread makes before it sleeps on a futex. */
const SPIN = 200_000;

const workerSource = `
const { workerData } = require('node:worker_threads');
const { module, memory, controlAddress, thread } = workerData;
const instance = new WebAssembly.Instance(module, { env: { memory } });
const control = new Int32Array(memory.buffer, controlAddress, 8);
let seen = 0;
for (;;) {
  // Spin a little before sleeping: waking a sleeping thread costs ~40 us on this kind of VM, and decoding posts
  // a small job every few hundred microseconds.
  for (let spin = 0; spin < ${SPIN} && Atomics.load(control, ${GENERATION}) === seen; spin++);
  Atomics.wait(control, ${GENERATION}, seen);
  seen = Atomics.load(control, ${GENERATION});
  if (Atomics.load(control, ${COMMAND}) === ${EXIT}) break;
  try {
    instance.exports.run_job(Atomics.load(control, ${JOB}), thread, Atomics.load(control, ${THREADS}));
  } catch (error) {
    Atomics.add(control, ${FAILURES}, 1);
  }
  Atomics.add(control, ${FINISHED}, 1);
  Atomics.notify(control, ${FINISHED});
}
`;

export interface ThreadPoolOptions {
  /** Compiled module exporting `run_job(job, thread, threads)` and importing `env.memory` (shared). */
  module: WasmModule;
  /** The shared memory every thread runs on. */
  memory: WasmMemory;
  /** Byte address of a 32-byte, 4-aligned control block inside `memory`. */
  controlAddress: number;
  /** Threads including the caller's. */
  threads: number;
  /** Milliseconds to wait for workers before declaring the pool broken. */
  timeoutMs?: number;
}

export class ThreadPool {
  readonly threads: number;
  private readonly control: Int32Array;
  private readonly workers: Worker[] = [];
  private readonly runJob: (job: number, thread: number, threads: number) => void;
  private readonly timeoutMs: number;
  private broken: string | undefined;

  constructor({ module, memory, controlAddress, threads, timeoutMs = 120_000 }: ThreadPoolOptions) {
    this.threads = Math.max(1, threads);
    this.timeoutMs = timeoutMs;
    this.control = new Int32Array(memory.buffer, controlAddress, 8);
    this.control.fill(0);
    const instance = new webAssembly.Instance(module, { env: { memory } });
    this.runJob = instance.exports.run_job as (job: number, thread: number, threads: number) => void;
    for (let thread = 1; thread < this.threads; thread++) {
      const worker = new Worker(workerSource, {
        eval: true,
        workerData: { module, memory, controlAddress, thread },
      });
      worker.unref();
      worker.on('error', (error) => {
        this.broken = `worker ${thread} failed: ${error.message}`;
      });
      this.workers.push(worker);
    }
  }

  /** Runs the job at byte address `job` on all threads and returns when every thread has finished. */
  run(job: number): void {
    if (this.broken) throw new Error(`matMul thread pool is unusable: ${this.broken}`);
    const control = this.control;
    const helpers = this.threads - 1;
    Atomics.store(control, JOB, job);
    Atomics.store(control, THREADS, this.threads);
    Atomics.store(control, COMMAND, RUN);
    Atomics.store(control, FINISHED, 0);
    if (helpers > 0) {
      Atomics.add(control, GENERATION, 1);
      Atomics.notify(control, GENERATION);
    }
    this.runJob(job, 0, this.threads);
    for (let spin = 0; spin < SPIN && Atomics.load(control, FINISHED) < helpers; spin++);
    const deadline = Date.now() + this.timeoutMs;
    for (let done = Atomics.load(control, FINISHED); done < helpers; done = Atomics.load(control, FINISHED)) {
      if (Atomics.wait(control, FINISHED, done, 1000) === 'timed-out' && Date.now() > deadline) {
        this.broken = `workers did not finish within ${this.timeoutMs} ms`;
        throw new Error(`matMul thread pool is unusable: ${this.broken}`);
      }
    }
    const failures = Atomics.exchange(control, FAILURES, 0);
    if (failures > 0) throw new Error(`matMul failed in ${failures} worker thread(s)`);
  }

  /** Stops the workers; the pool cannot run jobs afterwards. */
  close(): void {
    Atomics.store(this.control, COMMAND, EXIT);
    Atomics.add(this.control, GENERATION, 1);
    Atomics.notify(this.control, GENERATION);
    this.broken = 'closed';
    for (const worker of this.workers) void worker.terminate();
  }
}
