import { availableParallelism } from 'node:os';
import { ThreadPool } from './thread-pool.js';
import { matmulModule } from './wasm-matmul.js';
import type { WasmMemory } from './webassembly.js';

/**
 * The one pool of worker threads of the process, shared by the threaded matMul and the stored-weight kernels: it
 * runs the multi-thread module on every registered shared memory. A memory keeps its slot for its lifetime, also
 * when the pool is rebuilt with another thread count.
 */
let pool: ThreadPool | undefined;
const memories: Array<WasmMemory | undefined> = [];

/** The pool, started (or restarted) with `threads` threads when given, else the current or all cores. */
export function enginePool(threads?: number): ThreadPool {
  const wanted = Math.max(1, Math.floor(threads ?? pool?.threads ?? availableParallelism()));
  if (pool && pool.threads === wanted) return pool;
  pool?.close();
  pool = new ThreadPool({ module: matmulModule('multi'), threads: wanted });
  memories.forEach((memory, slot) => {
    if (memory) pool!.attach(memory, slot);
  });
  return pool;
}

/** Registers a shared memory with the pool; returns its slot. */
export function attachMemory(memory: WasmMemory): number {
  const current = enginePool();
  let slot = memories.indexOf(undefined);
  if (slot < 0) slot = memories.length;
  memories[slot] = memory;
  current.attach(memory, slot);
  return slot;
}

/** Forgets the memory of `slot` in every thread. */
export function detachMemory(slot: number): void {
  if (!memories[slot]) return;
  memories[slot] = undefined;
  pool?.detach(slot);
}
