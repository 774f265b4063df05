/** Types of reference-llama.mjs (see the comment at the top of that file). */

export interface ReferenceTensor {
  shape: number[];
  values: Float64Array;
}

/** An HF config.json object and its tensors widened to float64. */
export interface ReferenceModel {
  config: Record<string, unknown>;
  tensors: Map<string, ReferenceTensor>;
}

export function readReferenceTensors(path: string): Map<string, ReferenceTensor>;
export function loadReferenceModel(dir: string): ReferenceModel;
/** Logits [T][vocab] in float64 of one sequence of token ids. */
export function referenceLogits(model: ReferenceModel, ids: number[]): Float64Array[];
export function logSumExp(row: ArrayLike<number>): number;
export function argmaxWithMargin(row: ArrayLike<number>): { argmax: number; margin: number };
