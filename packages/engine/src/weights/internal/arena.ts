import { attachMemory, detachMemory, enginePool } from '../../kernels/internal/engine-pool.js';
import { type WasmMemory, webAssembly } from '../../kernels/internal/webassembly.js';

const PAGE = 65536;
/** A wasm32 memory addresses 4 GiB. */
export const ARENA_MAX_BYTES = 65536 * PAGE;
/** Weights stay below this address; what is above is for the operands of one job at a time. */
export const ARENA_WEIGHT_LIMIT = ARENA_MAX_BYTES - 256 * 1024 * 1024;
/** Where each job descriptor is written. */
export const JOB_ADDRESS = 1024;
/** Weights start after the first page (job descriptor, nothing else). */
const FIRST_WEIGHT = PAGE;

export const align = (value: number, to: number) => Math.ceil(value / to) * to;

/**
 * One shared wasm memory of the weight store: weights from 64 KiB up to {@link ARENA_WEIGHT_LIMIT} (first fit
 * among released blocks, else at the top), and above them the operands of the job running now. The engine's
 * threads hold an instance of the kernel module on it.
 */
export class Arena {
  readonly memory: WasmMemory;
  readonly slot: number;
  /** End of the highest weight block. */
  private top = FIRST_WEIGHT;
  private readonly free: Array<{ address: number; bytes: number }> = [];
  /** Bytes of live weight blocks. */
  held = 0;

  constructor(initialBytes: number) {
    const pages = Math.min(65536, Math.max(2, Math.ceil((FIRST_WEIGHT + initialBytes) / PAGE)));
    this.memory = new webAssembly.Memory({ initial: pages, maximum: 65536, shared: true });
    this.slot = attachMemory(this.memory);
  }

  /** The current buffer (a shared buffer is never detached, but a grown memory has a new, longer one). */
  get buffer(): SharedArrayBuffer {
    return this.memory.buffer as SharedArrayBuffer;
  }

  /** A block of `bytes` (64-byte aligned), or undefined when it would pass {@link ARENA_WEIGHT_LIMIT}. */
  allocate(bytes: number): number | undefined {
    const size = align(bytes, 64);
    const index = this.free.findIndex((block) => block.bytes >= size);
    let address: number;
    if (index >= 0) {
      const block = this.free[index]!;
      address = block.address;
      if (block.bytes === size) this.free.splice(index, 1);
      else Object.assign(block, { address: address + size, bytes: block.bytes - size });
    } else {
      if (this.top + size > ARENA_WEIGHT_LIMIT) return undefined;
      address = this.top;
      this.top += size;
      this.ensure(this.top);
    }
    this.held += size;
    return address;
  }

  /** Returns a block for reuse (merged with a released neighbour). */
  release(address: number, bytes: number): void {
    const size = align(bytes, 64);
    this.held -= size;
    if (address + size === this.top) {
      this.top = address;
      // Fold released blocks that now end at the top.
      for (let i = this.free.findIndex((block) => block.address + block.bytes === this.top); i >= 0; ) {
        this.top = this.free[i]!.address;
        this.free.splice(i, 1);
        i = this.free.findIndex((block) => block.address + block.bytes === this.top);
      }
      return;
    }
    this.free.push({ address, bytes: size });
  }

  /** Free bytes a weight could still take (at the top; released blocks are not counted). */
  get room(): number {
    return ARENA_WEIGHT_LIMIT - this.top;
  }

  /** Where the current job's operands start. */
  get operandBase(): number {
    return align(this.top, 64);
  }

  /** Grows the memory to hold `end` bytes (by half at least: growing a shared memory is slow). */
  ensure(end: number): void {
    if (end > ARENA_MAX_BYTES) throw new RangeError(`arena: ${end} bytes exceed the 4 GiB of a wasm memory`);
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const wanted = Math.min(Math.max(end, Math.floor(have * 1.5)), ARENA_MAX_BYTES);
    this.memory.grow(Math.ceil((wanted - have) / PAGE));
  }

  /** The caller's exports of the kernel module on this memory. */
  get exports(): Record<string, unknown> {
    return enginePool().exports(this.slot);
  }

  /** Runs the job written at {@link JOB_ADDRESS} on every thread. */
  run(): void {
    enginePool().run(this.slot, JOB_ADDRESS);
  }

  /** Drops the memory from the engine's threads. */
  close(): void {
    detachMemory(this.slot);
  }
}
