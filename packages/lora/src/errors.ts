/** Structured details carried by every {@link LoraError}. */
export interface LoraErrorDetails {
  /** File the problem was found in. */
  path?: string;
  /** Config field or tensor name at fault. */
  field?: string;
  /** Tensor name (PEFT naming) at fault. */
  tensor?: string;
  /** What was expected, in words or values. */
  expected?: unknown;
  /** What was found. */
  actual?: unknown;
}

/** Base class of every error thrown by `@lawgpt/lora`. */
export class LoraError extends Error {
  override name = 'LoraError';
  readonly path?: string;
  readonly field?: string;
  readonly tensor?: string;
  readonly expected?: unknown;
  readonly actual?: unknown;

  constructor(message: string, details: LoraErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    Object.assign(this, details);
  }
}

/** `adapter_config.json` is missing, malformed, or asks for something unsupported. */
export class AdapterConfigError extends LoraError {
  override name = 'AdapterConfigError';
}

/** Adapter tensors do not fit the base model (missing, extra, wrong shape). */
export class AdapterShapeError extends LoraError {
  override name = 'AdapterShapeError';
}

/** A training option or a training data record is unusable. */
export class TrainingError extends LoraError {
  override name = 'TrainingError';
}
