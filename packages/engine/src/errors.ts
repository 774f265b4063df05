/** Base class of every error thrown by @lawgpt/engine. */
export class EngineError extends Error {
  override name = 'EngineError';
}

/** A requested TensorFlow.js backend is not installed or failed to initialise. */
export class BackendError extends EngineError {
  override name = 'BackendError';
  constructor(
    /** The backend asked for. */
    readonly backend: string,
    /** Why it is unavailable and how to get it. */
    readonly detail: string,
  ) {
    super(`backend "${backend}" is not available: ${detail}`);
  }
}

/** A kernel got operands it cannot compute with, an option is wrong, or an engine could not be started. */
export class KernelError extends EngineError {
  override name = 'KernelError';
  constructor(
    /** The kernel, engine or option, e.g. `matMul`, `wasm` or `LAWGPT_KERNELS`. */
    readonly kernel: string,
    /** What was expected. */
    readonly expected: string,
    /** What was found. */
    readonly actual: string,
  ) {
    super(`${kernel}: expected ${expected}, got ${actual}`);
  }
}

/** A weight cannot be stored or used: no room, a format its shape does not allow, non-finite values, disposed. */
export class WeightStoreError extends EngineError {
  override name = 'WeightStoreError';
  constructor(
    /** The weight (HF tensor name), when known. */
    readonly tensor: string | undefined,
    /** What is wrong and what to do about it. */
    readonly detail: string,
  ) {
    super(`${tensor ? `weight "${tensor}": ` : ''}${detail}`);
  }
}
