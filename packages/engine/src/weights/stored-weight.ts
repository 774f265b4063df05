import { WeightStoreError } from '../errors.js';
import type { Arena } from './internal/arena.js';
import { GGML_TYPE_CODES, rowBytes, type WeightFormat } from './weight-format.js';

/** Shape and format of a stored weight. */
export interface StoredWeightInfo {
  /** Name for messages (the HF tensor name). */
  name: string;
  format: WeightFormat;
  /** Rows (nn.Linear's out features, or the vocabulary of an embedding). */
  rows: number;
  /** Values per row (in features, or the hidden size of an embedding). */
  cols: number;
}

/**
 * A 2-D weight `[rows, cols]` (nn.Linear's `[out, in]` layout) held by the engine outside TensorFlow.js, in its
 * stored format, in one of the weight store's shared memories. The linear and embedding ops take it in place of a
 * tensor; products read it where it lies. It is frozen (no gradient flows into it). Free it with `dispose()`.
 */
export class StoredWeight implements StoredWeightInfo {
  readonly name: string;
  readonly format: WeightFormat;
  readonly rows: number;
  readonly cols: number;
  /** Bytes it occupies. */
  readonly byteLength: number;
  private live = true;

  /** @internal Use {@link WeightStore} to make one. */
  constructor(
    info: StoredWeightInfo,
    /** @internal */ readonly arena: Arena,
    /** @internal */ readonly address: number,
    private readonly release: (weight: StoredWeight) => void,
  ) {
    this.name = info.name;
    this.format = info.format;
    this.rows = info.rows;
    this.cols = info.cols;
    this.byteLength = info.rows * rowBytes(info.format, info.cols);
  }

  /** ggml type code of the format. */
  get ggmlType(): number {
    return GGML_TYPE_CODES[this.format];
  }

  /** Bytes of one row. */
  get rowBytes(): number {
    return rowBytes(this.format, this.cols);
  }

  /** False once disposed. */
  get isLive(): boolean {
    return this.live;
  }

  /** @internal Throws once disposed. */
  check(): void {
    if (!this.live) throw new WeightStoreError(this.name, 'used after dispose()');
  }

  /** The stored bytes of rows [start, start + count) (a view into the engine's memory: copy it to keep it). */
  bytes(start = 0, count = this.rows - start): Uint8Array {
    this.check();
    this.checkRange(start, count);
    return new Uint8Array(this.arena.buffer, this.address + start * this.rowBytes, count * this.rowBytes);
  }

  /** Rows [start, start + count) decoded to float32 (`count · cols` values, row-major). */
  readRows(start = 0, count = this.rows - start): Float32Array {
    this.check();
    this.checkRange(start, count);
    const out = new Float32Array(count * this.cols);
    const chunk = Math.max(1, Math.floor((64 << 20) / (4 * this.cols)));
    for (let row = 0; row < count; row += chunk) {
      const rows = Math.min(chunk, count - row);
      const dst = this.arena.operandBase;
      this.arena.ensure(dst + rows * this.cols * 4);
      const decode = this.arena.exports.decode_rows as (...args: number[]) => void;
      decode(this.ggmlType, this.address, this.cols, start + row, rows, dst);
      out.set(new Float32Array(this.arena.buffer, dst, rows * this.cols), row * this.cols);
    }
    return out;
  }

  private checkRange(start: number, count: number): void {
    if (
      !Number.isInteger(start) ||
      !Number.isInteger(count) ||
      start < 0 ||
      count < 0 ||
      start + count > this.rows
    ) {
      throw new WeightStoreError(
        this.name,
        `rows [${start}, ${start + count}) are outside [0, ${this.rows})`,
      );
    }
  }

  /** Frees the weight's memory for other weights. */
  dispose(): void {
    if (!this.live) return;
    this.live = false;
    this.release(this);
  }
}
