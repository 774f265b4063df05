import { attachMemory, detachMemory, enginePool } from './engine-pool.js';
import {
  align,
  JOB_PACKED_GEMV,
  jobBytes,
  type MatMulJob,
  matmulModule,
  PAGE,
  writeJob,
} from './wasm-matmul.js';
import { type WasmMemory, webAssembly } from './webassembly.js';

/** Panel width of csrc/gemv-packed.c. */
const PANEL = 16;
const ZERO = new Int32Array(1);

/** Bytes a `[k, n]` weight occupies once packed by `pack_gemv` (columns padded to whole panels). */
export function packedGemvBytes(k: number, n: number): number {
  return k * Math.ceil(n / PANEL) * PANEL * 4;
}

/**
 * csrc/matmul.c on its own shared memory and `threads` threads of the engine pool (the caller's included):
 * operands are copied in, the product out. Layout: 1 MiB reserved, job, per-thread scratch, then persistent
 * blocks (packed decode weights, see packed-weights.ts), then the operands of the current call.
 */
export class SharedMemoryMatMul {
  readonly memory: WasmMemory;
  readonly threads: number;
  private readonly slot: number;
  private readonly packGemv: (weight: number, k: number, n: number, panels: number) => void;
  private readonly scratch: number;
  private readonly jobAddress: number;
  private readonly jobCapacity: number;
  /** End of the persistent blocks; each call's operands go above it. */
  private persistentEnd: number;
  private readonly freeBlocks: Array<{ address: number; bytes: number }> = [];
  /** Where weights are staged for packing: one block, reused (fresh pages cost a fault each on first touch). */
  private staging = { address: 0, bytes: 0 };

  constructor({ threads }: { threads: number }) {
    const probe = new webAssembly.Instance(matmulModule('single'), {
      env: { memory: new webAssembly.Memory({ initial: 2 }) },
    });
    const scratchBytes = (probe.exports.scratch_floats as () => number)() * 4;
    this.jobAddress = 1 << 20;
    this.jobCapacity = 64 * 1024;
    const scratch = align(this.jobAddress + this.jobCapacity, 64);
    this.persistentEnd = align(scratch + threads * scratchBytes, PAGE);
    this.memory = new webAssembly.Memory({
      initial: this.persistentEnd / PAGE + 64,
      maximum: 65536,
      shared: true,
    });
    new Int32Array(this.memory.buffer, this.jobAddress, 1)[0] = 0;
    this.scratch = scratch;
    this.threads = enginePool(threads).threads;
    this.slot = attachMemory(this.memory);
    this.packGemv = enginePool().exports(this.slot).pack_gemv as (
      weight: number,
      k: number,
      n: number,
      panels: number,
    ) => void;
  }

  /**
   * Grows the memory to at least `end` bytes, and by half at least: growing a shared memory is slow enough that
   * packing a 160M model's weights with exact growth took 1.8 s instead of 1.2–1.5 s (untouched pages cost no RAM).
   */
  private ensure(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const wanted = Math.min(Math.max(end, have * 1.5), 65536 * PAGE);
    this.memory.grow(Math.ceil((Math.max(wanted, end) - have) / PAGE));
  }

  /** C = A · B: copies `a` and `b` in, runs on all threads, copies the product into `c`. */
  run(a: Float32Array, b: Float32Array, c: Float32Array, job: MatMulJob): void {
    let address = align(this.persistentEnd, 64);
    let jobAddress = this.jobAddress;
    if (jobBytes(job.batch) > this.jobCapacity) {
      jobAddress = address;
      address = align(address + jobBytes(job.batch), 64);
    }
    const aAddress = address;
    const bAddress = align(aAddress + a.byteLength, 64);
    const cAddress = align(bAddress + b.byteLength, 64);
    this.ensure(cAddress + c.byteLength);
    const buffer = this.memory.buffer;
    new Float32Array(buffer, aAddress, a.length).set(a);
    new Float32Array(buffer, bAddress, b.length).set(b);
    writeJob(this.memory, jobAddress, { a: aAddress, b: bAddress, c: cAddress, scratch: this.scratch }, job);
    enginePool().run(this.slot, jobAddress);
    c.set(new Float32Array(buffer, cAddress, c.length));
  }

  /** A block of `bytes` that stays until {@link release} (first fit among released blocks, else new). */
  allocate(bytes: number): number {
    const size = align(bytes, 64);
    const index = this.freeBlocks.findIndex((block) => block.bytes >= size);
    if (index >= 0) {
      const block = this.freeBlocks[index]!;
      const address = block.address;
      if (block.bytes === size) this.freeBlocks.splice(index, 1);
      else Object.assign(block, { address: address + size, bytes: block.bytes - size });
      return address;
    }
    const address = this.persistentEnd;
    this.persistentEnd = address + size;
    this.ensure(this.persistentEnd);
    return address;
  }

  /** Returns a block from {@link allocate} for reuse. */
  release(address: number, bytes: number): void {
    this.freeBlocks.push({ address, bytes: align(bytes, 64) });
  }

  /** Packs the row-major `[k, n]` `weight` for {@link runPackedGemv} into the block at `panels`. */
  packWeight(weight: Float32Array, k: number, n: number, panels: number): void {
    if (weight.byteLength > this.staging.bytes) {
      if (this.staging.bytes > 0) this.release(this.staging.address, this.staging.bytes);
      this.staging = { address: this.allocate(weight.byteLength), bytes: align(weight.byteLength, 64) };
    }
    new Float32Array(this.memory.buffer, this.staging.address, weight.length).set(weight);
    this.packGemv(this.staging.address, k, n, panels);
  }

  /** y[1, n] = x[1, k] · W on all threads, W packed at `panels` by {@link packWeight}; copies x in and y out. */
  runPackedGemv(x: Float32Array, panels: number, k: number, n: number, y: Float32Array): void {
    const xAddress = align(this.persistentEnd, 64);
    const yAddress = align(xAddress + x.byteLength, 64);
    this.ensure(yAddress + y.byteLength);
    const buffer = this.memory.buffer;
    new Float32Array(buffer, xAddress, x.length).set(x);
    const job = { m: 1, n, k, transA: false, transB: false, batch: 1, aOffsets: ZERO, bOffsets: ZERO };
    const addresses = { a: xAddress, b: panels, c: yAddress, scratch: this.scratch };
    writeJob(this.memory, this.jobAddress, addresses, job, JOB_PACKED_GEMV);
    enginePool().run(this.slot, this.jobAddress);
    y.set(new Float32Array(buffer, yAddress, y.length));
  }

  /** Releases the memory (the pool's threads stay for other users). */
  close(): void {
    detachMemory(this.slot);
  }
}
