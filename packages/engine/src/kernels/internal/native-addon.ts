import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The N-API addon built from native/matmul.cc by native/build-native.cjs (node-gyp). */
export interface NativeAddon {
  matmul(
    a: Float32Array,
    b: Float32Array,
    c: Float32Array,
    aOffsets: Int32Array,
    bOffsets: Int32Array,
    m: number,
    n: number,
    k: number,
    transposeA: boolean,
    transposeB: boolean,
    threads: number,
  ): void;
  /** y = x · Wᵀ with W in a stored format (ggml type code) viewed as bytes; see native/stored-glue.h. */
  storedMatmul(
    w: Uint8Array,
    format: number,
    rows: number,
    cols: number,
    x: Float32Array,
    count: number,
    y: Float32Array,
    threads: number,
  ): void;
  /** dx = dy · W, arguments as {@link storedMatmul} (x = dy [count, rows], y = dx [count, cols]). */
  storedMatmulT(
    w: Uint8Array,
    format: number,
    rows: number,
    cols: number,
    dy: Float32Array,
    count: number,
    dx: Float32Array,
    threads: number,
  ): void;
  /**
   * Attention over a KV cache block (K then V): dims = [batch, heads, kvHeads, queries, headDim, capacity, keys, f16,
   * biasBatch, threads]; see native/attention-glue.h.
   */
  attention(
    block: Uint8Array,
    q: Float32Array,
    out: Float32Array,
    dims: Int32Array,
    scale: number,
    bias: Float32Array | null,
  ): void;
  /** Micro-kernel chosen at load: `avx512`, `avx2` or `generic`. */
  isa(): string;
}

const RELATIVE = join('native', 'build', 'Release', 'lawgpt_matmul.node');

/** Finds the built addon from this module's location upwards (src/kernels/internal, dist/ or the package root). */
function locate(): string | undefined {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (let level = 0; level < 5; level++) {
    const candidate = join(directory, RELATIVE);
    if (existsSync(candidate)) return candidate;
    directory = dirname(directory);
  }
  return undefined;
}

let loaded: { addon?: NativeAddon; problem?: string } | undefined;

/** Loads the addon once; `problem` says why it is unavailable. */
export function loadNativeAddon(): { addon?: NativeAddon; problem?: string } {
  if (loaded) return loaded;
  const path = locate();
  if (!path) {
    loaded = { problem: `${RELATIVE} not built (no C++ compiler at install, or install scripts skipped)` };
    return loaded;
  }
  try {
    const addon = createRequire(import.meta.url)(path) as NativeAddon;
    loaded = { addon };
  } catch (error) {
    loaded = { problem: `${path} failed to load: ${(error as Error).message}` };
  }
  return loaded;
}

/** True when the addon was built (it may still fail to load; see {@link loadNativeAddon}). */
export function hasNativeAddon(): boolean {
  return locate() !== undefined;
}
