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

/** One setting that differs between a checkpoint and the run that would resume it. */
export interface SettingChange {
  /** Setting name, e.g. `learningRate`, `loraDropout`, `examplesSha256`. */
  setting: string;
  /** Value stored with the checkpoint (`undefined`: the checkpoint has no such setting). */
  checkpoint: unknown;
  /** Value of this run. */
  current: unknown;
}

/** A checkpoint was made with settings that change the result; resuming it would silently mix two runs. */
export class ResumeMismatchError extends TrainingError {
  override name = 'ResumeMismatchError';
  /** Every setting that differs. */
  readonly changes: SettingChange[];

  constructor(message: string, details: LoraErrorDetails & { changes: SettingChange[] }) {
    super(message, details);
    this.changes = details.changes;
  }
}

/** Another live run holds the output folder's lock file. */
export class OutputLockedError extends TrainingError {
  override name = 'OutputLockedError';
  /** Process id written in the lock file. */
  readonly pid?: number;

  constructor(message: string, details: LoraErrorDetails & { pid?: number }) {
    super(message, details);
    this.pid = details.pid;
  }
}
