import { matmulMultiThreadWasm, matmulSingleThreadWasm } from './matmul-wasm.js';
import { ThreadPool } from './thread-pool.js';
import { type WasmMemory, type WasmModule, webAssembly } from './webassembly.js';

/** One (possibly batched) product as csrc/matmul.c's `job_t` describes it. */
export interface MatMulJob {
  /** Rows of each output matrix. */
  m: number;
  /** Columns of each output matrix. */
  n: number;
  /** Inner dimension. */
  k: number;
  /** A is stored `[k, m]` instead of `[m, k]`. */
  transA: boolean;
  /** B is stored `[n, k]` instead of `[k, n]`. */
  transB: boolean;
  /** Output matrices. */
  batch: number;
  /** Element offset of A's matrix for each output matrix (`[batch]`). */
  aOffsets: Int32Array;
  /** Element offset of B's matrix for each output matrix (`[batch]`). */
  bOffsets: Int32Array;
}

const JOB_BYTES = 64;
const PAGE = 65536;
const compiled: { single?: WasmModule; multi?: WasmModule } = {};

/**
 * The embedded build of csrc/matmul.c for a plain (`single`) or a shared (`multi`) memory, compiled and
 * warmed up (see {@link warmUp}) once per process.
 */
export function matmulModule(kind: 'single' | 'multi'): WasmModule {
  let module = compiled[kind];
  if (!module) {
    const base64 = kind === 'single' ? matmulSingleThreadWasm : matmulMultiThreadWasm;
    module = new webAssembly.Module(Buffer.from(base64, 'base64'));
    warmUp(module, kind === 'multi');
    compiled[kind] = module;
  }
  return module;
}

/** Products of the warm-up: [m, k, n, transA, transB] — the blocked path in every order, both gemv forms. */
const WARM_UP: Array<[number, number, number, boolean, boolean]> = [
  [256, 256, 256, false, false],
  [256, 256, 256, false, true],
  [256, 256, 256, true, false],
  [1, 512, 512, false, false],
  [1, 512, 512, false, true],
];
const WARM_UP_ROUNDS = 8;

/**
 * V8 first runs wasm on its baseline compiler and moves a function to the optimizing one only after it has
 * spent a budget, taking effect at the function's next call; a product called a few times with long loops
 * runs 4× slower until then (measured: 1024³ 240 ms at first, 55 ms after). Running a dozen small products
 * of every path once per process (~60 ms) gets the optimized code, which every instance of the module and
 * every worker it is sent to shares.
 */
function warmUp(module: WasmModule, shared: boolean): void {
  // Each operand region holds the largest operand of the schedule.
  const region = Math.max(...WARM_UP.flatMap(([m, k, n]) => [m * k, k * n, m * n])) * 4;
  const probe = new webAssembly.Instance(module, {
    env: { memory: new webAssembly.Memory({ initial: 2, maximum: 2, shared }) },
  });
  const scratchBytes = (probe.exports.scratch_floats as () => number)() * 4;
  const pages = Math.ceil((2 * PAGE + 256 + scratchBytes + 3 * region + 256) / PAGE);
  const memory = new webAssembly.Memory({ initial: pages, maximum: pages, shared });
  const runJob = new webAssembly.Instance(module, { env: { memory } }).exports.run_job as (
    job: number,
    thread: number,
    threads: number,
  ) => void;
  const jobAddress = 2 * PAGE;
  const scratch = align(jobAddress + 256, 64);
  const a = align(scratch + scratchBytes, 64);
  const b = a + region;
  const c = b + region;
  const zero = new Int32Array([0]);
  for (let round = 0; round < WARM_UP_ROUNDS; round++) {
    for (const [m, k, n, transA, transB] of WARM_UP) {
      const job = { m, k, n, transA, transB, batch: 1, aOffsets: zero, bOffsets: zero };
      writeJob(memory, jobAddress, { a, b, c, scratch }, job);
      runJob(jobAddress, 0, 1);
    }
  }
}

function align(value: number, to: number): number {
  return Math.ceil(value / to) * to;
}

/** Writes `job_t` and its offset tables at `jobAddress` (tables follow the struct). */
function writeJob(
  memory: WasmMemory,
  jobAddress: number,
  addresses: { a: number; b: number; c: number; scratch: number },
  job: MatMulJob,
): void {
  const aTable = jobAddress + JOB_BYTES;
  const bTable = aTable + job.batch * 4;
  const words = new Int32Array(memory.buffer, jobAddress, JOB_BYTES / 4 + job.batch * 2);
  words.set([
    addresses.a,
    addresses.b,
    addresses.c,
    job.m,
    job.n,
    job.k,
    job.transA ? 1 : 0,
    job.transB ? 1 : 0,
    job.batch,
    aTable,
    bTable,
    addresses.scratch,
    0, // next_unit
  ]);
  words.set(job.aOffsets, JOB_BYTES / 4);
  words.set(job.bOffsets, JOB_BYTES / 4 + job.batch);
}

/** Bytes a job descriptor with its offset tables occupies. */
export function jobBytes(batch: number): number {
  return JOB_BYTES + batch * 8;
}

/** Heap functions of the memory's owner (tfjs's Emscripten `_malloc` / `_free`). */
export interface HeapAllocator {
  malloc(bytes: number): number;
  free(address: number): void;
}

/**
 * csrc/matmul.c on someone else's (non-shared) memory, one thread, zero copies: operands are addressed
 * where they already lie. Scratch and job space come from the owner's allocator.
 */
export class ForeignMemoryMatMul {
  private readonly runJob: (job: number, thread: number, threads: number) => void;
  private readonly scratch: number;
  private jobAddress = 0;
  private jobCapacity = 0;

  constructor(
    readonly memory: WasmMemory,
    private readonly heap: HeapAllocator,
  ) {
    const instance = new webAssembly.Instance(matmulModule('single'), { env: { memory } });
    this.runJob = instance.exports.run_job as (job: number, thread: number, threads: number) => void;
    const scratchBytes = (instance.exports.scratch_floats as () => number)() * 4;
    this.scratch = align(heap.malloc(scratchBytes + 16) >>> 0, 16);
  }

  /** Makes room for a job of `batch` matrices; call before taking any view of the memory (it may grow). */
  reserve(batch: number): void {
    const bytes = jobBytes(batch);
    if (bytes <= this.jobCapacity) return;
    if (this.jobAddress) this.heap.free(this.jobAddress);
    this.jobCapacity = Math.max(bytes, 2 * this.jobCapacity, 4096);
    this.jobAddress = this.heap.malloc(this.jobCapacity) >>> 0;
  }

  /** C = A · B with operands at byte addresses `a`, `b`, `c` of the memory. */
  run(a: number, b: number, c: number, job: MatMulJob): void {
    this.reserve(job.batch);
    writeJob(this.memory, this.jobAddress, { a, b, c, scratch: this.scratch }, job);
    this.runJob(this.jobAddress, 0, 1);
  }
}

/**
 * csrc/matmul.c on its own shared memory and `threads` threads (the caller's included): operands are copied
 * in, the product out. Layout: 1 MiB reserved, control block, job, per-thread scratch, then operands.
 */
export class SharedMemoryMatMul {
  readonly memory: WasmMemory;
  readonly threads: number;
  private readonly pool: ThreadPool;
  private readonly scratch: number;
  private readonly jobAddress: number;
  private readonly operandBase: number;
  private readonly jobCapacity: number;

  constructor({ threads }: { threads: number }) {
    const module = matmulModule('multi');
    const probe = new webAssembly.Instance(matmulModule('single'), {
      env: { memory: new webAssembly.Memory({ initial: 2 }) },
    });
    const scratchBytes = (probe.exports.scratch_floats as () => number)() * 4;
    const controlAddress = 1 << 20;
    this.jobAddress = controlAddress + 64;
    this.jobCapacity = 64 * 1024;
    const scratch = align(this.jobAddress + this.jobCapacity, 64);
    this.operandBase = align(scratch + threads * scratchBytes, PAGE);
    this.memory = new webAssembly.Memory({
      initial: this.operandBase / PAGE + 64,
      maximum: 65536,
      shared: true,
    });
    new Int32Array(this.memory.buffer, this.jobAddress, 1)[0] = 0;
    this.scratch = scratch;
    this.pool = new ThreadPool({ module, memory: this.memory, controlAddress, threads });
    this.threads = this.pool.threads;
  }

  /** C = A · B: copies `a` and `b` in, runs on all threads, copies the product into `c`. */
  run(a: Float32Array, b: Float32Array, c: Float32Array, job: MatMulJob): void {
    let address = this.operandBase;
    let jobAddress = this.jobAddress;
    if (jobBytes(job.batch) > this.jobCapacity) {
      jobAddress = address;
      address = align(address + jobBytes(job.batch), 64);
    }
    const aAddress = address;
    const bAddress = align(aAddress + a.byteLength, 64);
    const cAddress = align(bAddress + b.byteLength, 64);
    const end = cAddress + c.byteLength;
    const have = this.memory.buffer.byteLength;
    if (end > have) this.memory.grow(Math.ceil((end - have) / PAGE));
    const buffer = this.memory.buffer;
    new Float32Array(buffer, aAddress, a.length).set(a);
    new Float32Array(buffer, bAddress, b.length).set(b);
    writeJob(this.memory, jobAddress, { a: aAddress, b: bAddress, c: cAddress, scratch: this.scratch }, job);
    this.pool.run(jobAddress);
    c.set(new Float32Array(buffer, cAddress, c.length));
  }

  /** Stops the worker threads. */
  close(): void {
    this.pool.close();
  }
}
