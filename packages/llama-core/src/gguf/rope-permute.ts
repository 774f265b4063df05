import { InputError } from '../errors.js';

/**
 * Row order conversion of q/k projection weights between Hugging Face's RoPE layout (rotate_half: within each
 * head, the first half of the rows pairs with the second half) and llama.cpp's (GGML_ROPE_TYPE_NORM: adjacent
 * rows 2i, 2i+1 form a pair). This is `permute(weights, n_head, n_head_kv)` of llama.cpp's
 * convert_hf_to_gguf.py: `reshape(heads, 2, rows/heads/2, cols).swapaxes(1, 2).reshape(rows, cols)`.
 *
 * Values are `[rows, cols]` row-major with `rows = heads · headDim`; for k use the key/value head count.
 */
export function permuteForGguf(values: Float32Array, rows: number, heads: number): Float32Array {
  return reorderRows(values, rows, heads, (head, headDim, pair, half) => [
    head * headDim + half * (headDim / 2) + pair,
    head * headDim + 2 * pair + half,
  ]);
}

/** Inverse of {@link permuteForGguf}: llama.cpp's q/k row order back to Hugging Face's. */
export function unpermuteFromGguf(values: Float32Array, rows: number, heads: number): Float32Array {
  return reorderRows(values, rows, heads, (head, headDim, pair, half) => [
    head * headDim + 2 * pair + half,
    head * headDim + half * (headDim / 2) + pair,
  ]);
}

/** {@link permuteForGguf} on whole rows of stored bytes (any format: quantized blocks move with their row). */
export function permuteRowBytes(bytes: Uint8Array, rows: number, heads: number): Uint8Array {
  const rowLength = bytes.length / rows;
  const out = new Uint8Array(bytes.length);
  const headDim = rows / heads;
  for (let head = 0; head < heads; head++) {
    for (let pair = 0; pair < headDim / 2; pair++) {
      for (let half = 0; half < 2; half++) {
        const source = head * headDim + half * (headDim / 2) + pair;
        const destination = head * headDim + 2 * pair + half;
        out.set(bytes.subarray(source * rowLength, (source + 1) * rowLength), destination * rowLength);
      }
    }
  }
  return out;
}

/** Copy every row; `map` gives [source row, destination row] for (head, pair index, which half). */
function reorderRows(
  values: Float32Array,
  rows: number,
  heads: number,
  map: (head: number, headDim: number, pair: number, half: number) => [number, number],
): Float32Array {
  const headDim = rows / heads;
  if (!Number.isInteger(headDim) || headDim % 2 !== 0) {
    throw new InputError('rows', `a multiple of 2 · heads (${heads})`, rows);
  }
  const cols = values.length / rows;
  if (!Number.isInteger(cols))
    throw new InputError('values.length', `a multiple of rows (${rows})`, values.length);
  const out = new Float32Array(values.length);
  for (let head = 0; head < heads; head++) {
    for (let pair = 0; pair < headDim / 2; pair++) {
      for (let half = 0; half < 2; half++) {
        const [source, destination] = map(head, headDim, pair, half);
        out.set(values.subarray(source * cols, (source + 1) * cols), destination * cols);
      }
    }
  }
  return out;
}
