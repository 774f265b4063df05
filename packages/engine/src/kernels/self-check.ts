import { planMatMul } from './matmul-plan.js';
import { referenceMatMul } from './reference-matmul.js';

/** Shapes the self-check multiplies: tiles and edges, matrix-vector, transposes, broadcast batches. */
const CASES: Array<[number[], number[], boolean, boolean]> = [
  [[13, 21], [21, 11], false, false],
  [[21, 13], [11, 21], true, true],
  [[13, 21], [11, 21], false, true],
  [[21, 13], [21, 11], true, false],
  [[1, 37], [37, 29], false, false],
  [[1, 37], [29, 37], false, true],
  [[29, 37], [37, 1], false, false],
  [[37, 29], [37, 1], true, false],
  [[2, 1, 9, 5], [1, 3, 5, 7], false, false],
  [[3, 70, 40], [40, 66], false, false],
];

/** Deterministic values in [-1, 1) (a tiny LCG; the check must not depend on Math.random). */
function values(length: number, seed: number): Float32Array {
  const out = new Float32Array(length);
  let state = seed >>> 0;
  for (let index = 0; index < length; index++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[index] = state / 2 ** 31 - 1;
  }
  return out;
}

/**
 * Multiplies the CASES with `multiply` and compares against the float64 reference. Returns undefined when all
 * agree to 1e-5 relative to magnitude, otherwise a description of the first disagreement (or the exception).
 */
export function selfCheck(
  multiply: (a: Float32Array, b: Float32Array, plan: ReturnType<typeof planMatMul>) => Float32Array,
): string | undefined {
  try {
    for (const [index, [aShape, bShape, transposeA, transposeB]] of CASES.entries()) {
      const plan = planMatMul({ aShape, bShape, transposeA, transposeB });
      const a = values(
        aShape.reduce((x, y) => x * y, 1),
        17 + index,
      );
      const b = values(
        bShape.reduce((x, y) => x * y, 1),
        91 + index,
      );
      const got = multiply(a, b, plan);
      const { values: want, scale } = referenceMatMul(a, b, plan);
      for (let i = 0; i < want.length; i++) {
        if (!(Math.abs(got[i]! - want[i]!) <= 1e-5 * scale[i]! + 1e-30)) {
          return `[${aShape}]·[${bShape}] transposeA=${transposeA} transposeB=${transposeB}: element ${i} is ${got[i]}, expected ${want[i]}`;
        }
      }
    }
    return undefined;
  } catch (error) {
    return `threw ${(error as Error).message}`;
  }
}
