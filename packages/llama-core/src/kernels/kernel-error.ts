import { LlamaError } from '../errors.js';

/** A matMul kernel got operands it cannot multiply, or an engine could not be started. */
export class KernelError extends LlamaError {
  override name = 'KernelError';
  constructor(
    /** The kernel or engine, e.g. `matMul` or `wasm`. */
    readonly kernel: string,
    /** What was expected. */
    readonly expected: string,
    /** What was found. */
    readonly actual: string,
  ) {
    super(`${kernel}: expected ${expected}, got ${actual}`);
  }
}
