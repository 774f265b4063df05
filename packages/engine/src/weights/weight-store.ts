import { WeightStoreError } from '../errors.js';
import { enginePool } from '../kernels/internal/engine-pool.js';
import { ARENA_WEIGHT_LIMIT, Arena, align } from './internal/arena.js';
import { JOB_CONVERT, runStoredJob } from './internal/stored-job.js';
import { StoredWeight, type StoredWeightInfo } from './stored-weight.js';
import { canStore, GGML_TYPE_CODES, rowBytes, type WeightFormat } from './weight-format.js';

/** A raw block of engine memory from {@link WeightStore.allocateBlock}. */
export interface EngineBlock {
  /** @internal The memory holding it. */
  arena: Arena;
  /** Byte address in that memory. */
  address: number;
  bytes: number;
  /** Gives the block back (once). */
  release(): void;
}

/** Rows of source data staged per conversion job (bytes). */
const STAGE_BYTES = 32 << 20;

/** Options of {@link WeightStore.load}. */
export interface LoadWeightOptions extends StoredWeightInfo {
  /** Format of the source rows. */
  sourceFormat: WeightFormat;
  /**
   * Fills `dst` with the source bytes of rows [start, start + count) (in source order; see `sourceRow`). Called
   * with consecutive ranges; `dst` lies in the engine's memory, so read straight into it.
   */
  read: (start: number, count: number, dst: Uint8Array) => Promise<void> | void;
  /** Destination row r takes source row `sourceRow(r)` (a permutation within blocks of `rowBlock` rows). */
  sourceRow?: (row: number) => number;
  /** Rows that a `sourceRow` permutation keeps within (e.g. a head's rows); default all rows. */
  rowBlock?: number;
  /** Keep weights with infinite or NaN values instead of throwing. */
  allowNonfinite?: boolean;
}

/**
 * Where the engine keeps stored weights: shared wasm memories ("arenas") of up to 4 GiB each, as many as the model
 * needs, so a model is not bound by tfjs-wasm's 4 GiB heap. Every arena is attached to the engine's threads, and
 * the native engine reads the same memory.
 */
export class WeightStore {
  private readonly arenas: Arena[] = [];

  /** Bytes held by live weights. */
  get bytesHeld(): number {
    return this.arenas.reduce((sum, arena) => sum + arena.held, 0);
  }

  /** Number of shared memories in use. */
  get arenaCount(): number {
    return this.arenas.length;
  }

  /**
   * A raw block of `bytes` in one of the engine's memories (e.g. a layer's KV cache), 64-byte aligned; give it back
   * with `release()`. Blocks larger than one memory's weight space are refused.
   */
  allocateBlock(bytes: number, name: string): EngineBlock {
    if (!Number.isInteger(bytes) || bytes <= 0 || bytes > ARENA_WEIGHT_LIMIT) {
      throw new WeightStoreError(
        name,
        `a block of ${bytes} bytes does not fit one engine memory (${ARENA_WEIGHT_LIMIT})`,
      );
    }
    const { arena, address } = this.place(bytes);
    let live = true;
    return {
      arena,
      address,
      bytes,
      release: () => {
        if (!live) return;
        live = false;
        this.releaseBlock(arena, address, bytes);
      },
    };
  }

  /** First arena with room for `bytes`, else a new one. */
  private place(bytes: number): { arena: Arena; address: number } {
    for (const arena of this.arenas) {
      const address = arena.allocate(bytes);
      if (address !== undefined) return { arena, address };
    }
    const arena = new Arena(bytes);
    this.arenas.push(arena);
    return { arena, address: arena.allocate(bytes)! };
  }

  /** A new weight of `info`'s shape and format; its bytes are unspecified until written. */
  create(info: StoredWeightInfo): StoredWeight {
    validate(info);
    const bytes = info.rows * rowBytes(info.format, info.cols);
    if (bytes > ARENA_WEIGHT_LIMIT) {
      throw new WeightStoreError(
        info.name,
        `${info.format} needs ${bytes} bytes, more than one engine memory holds (${ARENA_WEIGHT_LIMIT}); use a smaller format`,
      );
    }
    const { arena, address } = this.place(bytes);
    return new StoredWeight(info, arena, address, (weight) => this.release(weight));
  }

  /** A weight holding `values` (`rows · cols` float32, row-major) encoded in `format` on every thread. */
  fromValues(info: StoredWeightInfo & { values: Float32Array }): StoredWeight {
    if (info.values.length !== info.rows * info.cols) {
      throw new WeightStoreError(
        info.name,
        `${info.rows * info.cols} values expected, got ${info.values.length}`,
      );
    }
    const weight = this.create(info);
    try {
      const rowsPerStage = Math.max(1, Math.floor(STAGE_BYTES / (4 * info.cols)));
      for (let row = 0; row < info.rows; row += rowsPerStage) {
        const count = Math.min(rowsPerStage, info.rows - row);
        const stage = weight.arena.operandBase;
        weight.arena.ensure(stage + count * info.cols * 4);
        new Float32Array(weight.arena.buffer, stage, count * info.cols).set(
          info.values.subarray(row * info.cols, (row + count) * info.cols),
        );
        convertRows(weight, row, count, stage, 'f32');
      }
    } catch (error) {
      weight.dispose();
      throw error;
    }
    return weight;
  }

  /**
   * A weight read from a file (or any source) in `sourceFormat`, converted to `format` on every thread, chunk by
   * chunk (the source is staged in the engine's memory, never held whole in JavaScript). Throws naming the weight
   * when it holds infinite or NaN values, unless `allowNonfinite`.
   */
  async load(options: LoadWeightOptions): Promise<StoredWeight> {
    const { name, rows, cols, sourceFormat, read, sourceRow, allowNonfinite = false } = options;
    validate({ ...options, format: sourceFormat });
    const weight = this.create(options);
    try {
      const sourceBytes = rowBytes(sourceFormat, cols);
      const block = sourceRow ? (options.rowBlock ?? rows) : 1;
      const rowsPerStage = Math.max(block, Math.floor(STAGE_BYTES / sourceBytes / block) * block);
      let nonfinite = 0;
      for (let row = 0; row < rows; row += rowsPerStage) {
        const count = Math.min(rowsPerStage, rows - row);
        const stage = weight.arena.operandBase;
        const direct = sourceFormat === options.format && !sourceRow;
        // Same format, same order: read straight into place and only scan it.
        const target = direct ? weight.address + row * sourceBytes : stage;
        weight.arena.ensure(stage + 2 * count * sourceBytes);
        await read(row, count, new Uint8Array(weight.arena.buffer, target, count * sourceBytes));
        let source = target;
        if (sourceRow) {
          source = align(stage + count * sourceBytes, 64);
          const memory = new Uint8Array(weight.arena.buffer);
          for (let r = 0; r < count; r++) {
            const from = target + (sourceRow(row + r) - row) * sourceBytes;
            memory.copyWithin(source + r * sourceBytes, from, from + sourceBytes);
          }
        }
        nonfinite += convertRows(weight, row, count, source, sourceFormat);
      }
      if (nonfinite > 0 && !allowNonfinite) {
        throw new WeightStoreError(
          name,
          `holds ${nonfinite} infinite or NaN values (or block scales); the checkpoint is damaged (allowNonfinite skips this check)`,
        );
      }
    } catch (error) {
      weight.dispose();
      throw error;
    }
    return weight;
  }

  private release(weight: StoredWeight): void {
    this.releaseBlock(weight.arena, weight.address, weight.byteLength);
  }

  private releaseBlock(arena: Arena, address: number, bytes: number): void {
    arena.release(address, bytes);
    if (arena.held === 0) {
      arena.close();
      this.arenas.splice(this.arenas.indexOf(arena), 1);
    }
  }
}

function validate(info: StoredWeightInfo): void {
  const { name, rows, cols, format } = info;
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows <= 0 || cols <= 0) {
    throw new WeightStoreError(name, `shape [${rows}, ${cols}] must be positive integers`);
  }
  if (!(format in GGML_TYPE_CODES))
    throw new WeightStoreError(name, `unknown format ${JSON.stringify(format)}`);
  if (!canStore(format, cols)) {
    throw new WeightStoreError(
      name,
      `${format} needs rows of whole 32-value blocks; this one has ${cols} values`,
    );
  }
}

/** Converts `count` source rows staged at `source` into rows [row, row + count) of `weight`; returns non-finite count. */
function convertRows(
  weight: StoredWeight,
  row: number,
  count: number,
  source: number,
  sourceFormat: WeightFormat,
) {
  const arena = weight.arena;
  const threads = enginePool().threads;
  const scratchBytes = align(weight.cols * 4, 64);
  const scratch = align(
    Math.max(arena.operandBase, source + count * rowBytes(sourceFormat, weight.cols)),
    64,
  );
  arena.ensure(scratch + threads * scratchBytes);
  return runStoredJob(arena, {
    kind: JOB_CONVERT,
    format: weight.ggmlType,
    w: weight.address + row * weight.rowBytes,
    rows: count,
    cols: weight.cols,
    count: 0,
    x: source,
    xq: 0,
    y: 0,
    scratch,
    scratchBytes,
    sourceFormat: GGML_TYPE_CODES[sourceFormat],
  });
}

let store: WeightStore | undefined;

/** The process's weight store. */
export function weightStore(): WeightStore {
  store ??= new WeightStore();
  return store;
}
