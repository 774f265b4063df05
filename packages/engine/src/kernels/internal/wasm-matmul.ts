import { matmulMultiThreadWasm, matmulSingleThreadWasm } from './matmul-wasm.js';
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
export const PAGE = 65536;
/** `job_t.kind` (csrc/job.h). */
export const JOB_GEMM = 0;
export const JOB_PACKED_GEMV = 1;
export const JOB_STORED_MATMUL = 2;
export const JOB_STORED_MATMUL_T = 3;
export const JOB_CONVERT = 4;
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

/** Products of the warm-up: [m, k, n, transA, transB] — the blocked path in every order, both gemv forms (and a
 * packed gemv each round). */
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
  const pages = Math.ceil((2 * PAGE + 256 + scratchBytes + 4 * region + 256) / PAGE);
  const memory = new webAssembly.Memory({ initial: pages, maximum: pages, shared });
  const exports = new webAssembly.Instance(module, { env: { memory } }).exports;
  const runJob = exports.run_job as (job: number, thread: number, threads: number) => void;
  const packGemv = exports.pack_gemv as (weight: number, k: number, n: number, panels: number) => void;
  const jobAddress = 2 * PAGE;
  const scratch = align(jobAddress + 256, 64);
  const a = align(scratch + scratchBytes, 64);
  const b = a + region;
  const c = b + region;
  const panels = c + region;
  const zero = new Int32Array([0]);
  const vector = {
    m: 1,
    k: 512,
    n: 512,
    transA: false,
    transB: false,
    batch: 1,
    aOffsets: zero,
    bOffsets: zero,
  };
  for (let round = 0; round < WARM_UP_ROUNDS; round++) {
    packGemv(b, 512, 512, panels);
    for (const [m, k, n, transA, transB] of WARM_UP) {
      const job = { m, k, n, transA, transB, batch: 1, aOffsets: zero, bOffsets: zero };
      writeJob(memory, jobAddress, { a, b, c, scratch }, job);
      runJob(jobAddress, 0, 1);
    }
    writeJob(memory, jobAddress, { a, b: panels, c, scratch }, vector, JOB_PACKED_GEMV);
    runJob(jobAddress, 0, 1);
  }
}

export function align(value: number, to: number): number {
  return Math.ceil(value / to) * to;
}

/** Writes `job_t` and its offset tables at `jobAddress` (tables follow the struct). */
export function writeJob(
  memory: WasmMemory,
  jobAddress: number,
  addresses: { a: number; b: number; c: number; scratch: number },
  job: MatMulJob,
  kind = JOB_GEMM,
): void {
  const aTable = jobAddress + JOB_BYTES;
  const bTable = aTable + job.batch * 4;
  const words = new Int32Array(memory.buffer, jobAddress, JOB_BYTES / 4 + job.batch * 2);
  words.set([
    kind,
    0, // next_unit
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
