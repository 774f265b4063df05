import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import { type WasmMemory, type WasmModule, webAssembly } from './webassembly.js';

/**
 * Worker threads that each hold an instance of one wasm module per attached shared memory and run
 * `run_job(job, thread, threads)` of the instance of one memory. The caller's thread is thread 0 and
 * participates; `run` is synchronous (Atomics.wait on the main thread). Memories are attached and detached while
 * the workers wait, through a message port each that the worker reads synchronously.
 *
 * A job is done when its units are: `run` returns once the caller has claimed the last unit and every worker that
 * joined has left, without waiting for workers that never woke up (on a busy machine a descheduled worker used to
 * hold every product for a whole time slice). A worker joins only while the job is open (ACTIVE then CLOSED, both
 * sequentially consistent, so either the caller sees it or it sees the job closed). Attaching and detaching wait
 * for every worker.
 *
 * Control block (int32 slots of its own SharedArrayBuffer): 0 generation, 1 command, 2 job address, 3 thread count,
 * 4 finished workers (attach/detach), 5 failures, 6 memory slot, 7 stamp (the generation the command slots hold,
 * -1 while they are written), 8 workers inside a job, 9 the last closed job's generation.
 */
const GENERATION = 0;
const COMMAND = 1;
const JOB = 2;
const THREADS = 3;
const FINISHED = 4;
const FAILURES = 5;
const SLOT = 6;
const STAMP = 7;
const ACTIVE = 8;
const CLOSED = 9;
const RUN = 1;
const EXIT = 2;
const ATTACH = 3;
const DETACH = 4;
/** Polls a thread makes before it sleeps on a futex. */
const SPIN = 200_000;

const workerSource = `
const { workerData, receiveMessageOnPort } = require('node:worker_threads');
const { module, control: buffer, port, thread } = workerData;
const control = new Int32Array(buffer);
const instances = [];
let seen = 0;
for (;;) {
  // Spin a little before sleeping: waking a sleeping thread costs ~40 us on this kind of VM, and decoding posts
  // a small job every few hundred microseconds.
  for (let spin = 0; spin < ${SPIN} && Atomics.load(control, ${GENERATION}) === seen; spin++);
  Atomics.wait(control, ${GENERATION}, seen);
  const generation = Atomics.load(control, ${GENERATION});
  seen = generation;
  // The command slots, read consistently: the stamp before and after names this generation.
  const command = Atomics.load(control, ${COMMAND});
  const slot = Atomics.load(control, ${SLOT});
  const job = Atomics.load(control, ${JOB});
  const threads = Atomics.load(control, ${THREADS});
  if (Atomics.load(control, ${STAMP}) !== generation) continue;
  if (command === ${EXIT}) break;
  if (command === ${RUN}) {
    Atomics.add(control, ${ACTIVE}, 1);
    if (Atomics.load(control, ${CLOSED}) !== generation) {
      try {
        instances[slot].exports.run_job(job, thread, threads);
      } catch (error) {
        Atomics.add(control, ${FAILURES}, 1);
      }
    }
    Atomics.sub(control, ${ACTIVE}, 1);
    Atomics.notify(control, ${ACTIVE});
    continue;
  }
  try {
    if (command === ${ATTACH}) {
      let message;
      for (let tries = 0; !message && tries < 1e7; tries++) message = receiveMessageOnPort(port);
      instances[slot] = new WebAssembly.Instance(module, { env: { memory: message.message } });
    } else if (command === ${DETACH}) {
      instances[slot] = undefined;
    }
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
  /** Threads including the caller's. */
  threads: number;
  /** Milliseconds to wait for workers before declaring the pool broken. */
  timeoutMs?: number;
}

type RunJob = (job: number, thread: number, threads: number) => void;

export class ThreadPool {
  readonly threads: number;
  private readonly control = new Int32Array(new SharedArrayBuffer(64));
  private readonly workers: Array<{ worker: Worker; port: MessagePort }> = [];
  /** The caller's instance per memory slot. */
  private readonly instances: Array<
    { memory: WasmMemory; runJob: RunJob; exports: Record<string, unknown> } | undefined
  > = [];
  private readonly timeoutMs: number;
  private broken: string | undefined;

  constructor(private readonly options: ThreadPoolOptions) {
    this.threads = Math.max(1, options.threads);
    this.timeoutMs = options.timeoutMs ?? 120_000;
    for (let thread = 1; thread < this.threads; thread++) {
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(workerSource, {
        eval: true,
        workerData: { module: options.module, control: this.control.buffer, port: port2, thread },
        transferList: [port2],
      });
      worker.unref();
      port1.unref();
      worker.on('error', (error) => {
        this.broken = `worker ${thread} failed: ${error.message}`;
      });
      this.workers.push({ worker, port: port1 });
    }
  }

  /** Instantiates the module on `memory` in every thread, at `slot` (what {@link run} takes). */
  attach(memory: WasmMemory, slot: number): void {
    if (this.instances[slot]) throw new Error(`thread pool: slot ${slot} is taken`);
    const instance = new webAssembly.Instance(this.options.module, { env: { memory } });
    for (const { port } of this.workers) port.postMessage(memory);
    this.post(ATTACH, slot, 0);
    this.instances[slot] = {
      memory,
      runJob: instance.exports.run_job as RunJob,
      exports: instance.exports,
    };
  }

  /** Drops every thread's instance on the memory of `slot` (the memory can then be collected). */
  detach(slot: number): void {
    if (!this.instances[slot]) return;
    this.instances[slot] = undefined;
    if (!this.broken) this.post(DETACH, slot, 0);
  }

  /** The caller's exports on the memory of `slot` (single-thread helpers such as quantize_activations). */
  exports(slot: number): Record<string, unknown> {
    const instance = this.instances[slot];
    if (!instance) throw new Error(`thread pool: no memory attached at slot ${slot}`);
    return instance.exports;
  }

  /** Runs the job at byte address `job` of the memory of `slot` on all threads and returns when all have finished. */
  run(slot: number, job: number): void {
    const instance = this.instances[slot];
    if (!instance) throw new Error(`thread pool: no memory attached at slot ${slot}`);
    this.post(RUN, slot, job, () => instance.runJob(job, 0, this.threads));
  }

  /**
   * Posts a command to the workers and runs `own` on this thread meanwhile. A job (`RUN`) then closes and waits
   * for the workers inside it; attach and detach wait for every worker.
   */
  private post(command: number, slot: number, job: number, own?: () => void): void {
    if (this.broken) throw new Error(`engine thread pool is unusable: ${this.broken}`);
    const control = this.control;
    const helpers = this.threads - 1;
    const generation = Atomics.load(control, GENERATION) + 1;
    Atomics.store(control, STAMP, -1);
    Atomics.store(control, COMMAND, command);
    Atomics.store(control, JOB, job);
    Atomics.store(control, SLOT, slot);
    Atomics.store(control, THREADS, this.threads);
    Atomics.store(control, FINISHED, 0);
    Atomics.store(control, STAMP, generation);
    if (helpers > 0) {
      Atomics.store(control, GENERATION, generation);
      Atomics.notify(control, GENERATION);
    }
    own?.();
    if (command === RUN) {
      Atomics.store(control, CLOSED, generation);
      this.waitUntil(ACTIVE, (value) => value === 0);
    } else {
      this.waitUntil(FINISHED, (value) => value >= helpers);
    }
    const failures = Atomics.exchange(control, FAILURES, 0);
    if (failures > 0) throw new Error(`engine job failed in ${failures} worker thread(s)`);
  }

  /** Spins, then sleeps, until `done(control[index])`; a pool that stays stuck is declared broken. */
  private waitUntil(index: number, done: (value: number) => boolean): void {
    const control = this.control;
    for (let spin = 0; spin < SPIN && !done(Atomics.load(control, index)); spin++);
    const deadline = Date.now() + this.timeoutMs;
    for (let value = Atomics.load(control, index); !done(value); value = Atomics.load(control, index)) {
      if (Atomics.wait(control, index, value, 1000) === 'timed-out' && Date.now() > deadline) {
        this.broken = `workers did not finish within ${this.timeoutMs} ms`;
        throw new Error(`engine thread pool is unusable: ${this.broken}`);
      }
    }
  }

  /** Stops the workers; the pool cannot run jobs afterwards. */
  close(): void {
    const generation = Atomics.load(this.control, GENERATION) + 1;
    Atomics.store(this.control, STAMP, -1);
    Atomics.store(this.control, COMMAND, EXIT);
    Atomics.store(this.control, STAMP, generation);
    Atomics.store(this.control, GENERATION, generation);
    Atomics.notify(this.control, GENERATION);
    this.broken = 'closed';
    for (const { worker, port } of this.workers) {
      port.close();
      void worker.terminate();
    }
  }
}
