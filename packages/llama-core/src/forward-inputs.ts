import { InputError } from './errors.js';
import type { KVCache } from './kv-cache.js';

/** Check `inputIds` is a non-empty rectangular batch of token ids in [0, vocabSize). */
export function validateInputIds(inputIds: number[][], vocabSize: number): { batch: number; seq: number } {
  if (!Array.isArray(inputIds) || inputIds.length === 0 || !Array.isArray(inputIds[0])) {
    throw new InputError('inputIds', 'a non-empty batch number[][]', inputIds);
  }
  const seq = inputIds[0].length;
  if (seq === 0) throw new InputError('inputIds[0]', 'at least one token id', inputIds[0]);
  inputIds.forEach((row, b) => {
    if (!Array.isArray(row) || row.length !== seq) {
      throw new InputError(
        `inputIds[${b}]`,
        `${seq} token ids (rows must have equal length; left-pad and pass attentionMask)`,
        row,
      );
    }
    for (const id of row) {
      if (!Number.isInteger(id) || id < 0 || id >= vocabSize) {
        throw new InputError(`inputIds[${b}]`, `token ids in [0, ${vocabSize})`, id);
      }
    }
  });
  return { batch: inputIds.length, seq };
}

/**
 * The attention mask over past + new positions ([batch][past + seq]), or null when all ones.
 * `attentionMask` may cover past + new positions (HF convention) or only the new ones (then the
 * cache's stored mask is prepended).
 */
export function resolveMask(
  attentionMask: number[][] | undefined,
  batch: number,
  seq: number,
  cache: KVCache | undefined,
): number[][] | null {
  const past = cache?.length ?? 0;
  const pastMask = cache?.mask ?? null;
  if (cache && cache.batchSize !== undefined && cache.batchSize !== batch) {
    throw new InputError(
      'inputIds',
      `a batch of ${cache.batchSize} rows (the cache's batch size)`,
      `${batch} rows`,
    );
  }
  if (!attentionMask) {
    return pastMask ? pastMask.map((row) => [...row, ...new Array(seq).fill(1)]) : null;
  }
  if (!Array.isArray(attentionMask) || attentionMask.length !== batch) {
    throw new InputError('attentionMask', `${batch} rows`, attentionMask);
  }
  const full = attentionMask.map((row, b) => {
    if (!Array.isArray(row) || (row.length !== past + seq && row.length !== seq)) {
      throw new InputError(
        `attentionMask[${b}]`,
        `${past + seq} (past + new) or ${seq} (new) entries`,
        row?.length,
      );
    }
    if (row.some((value) => value !== 0 && value !== 1))
      throw new InputError(`attentionMask[${b}]`, 'only 0 and 1', row);
    if (row.length === past + seq) return [...row];
    const prefix = pastMask ? pastMask[b] : new Array(past).fill(1);
    return [...prefix, ...row];
  });
  return full.every((row) => row.every((value) => value === 1)) ? null : full;
}
