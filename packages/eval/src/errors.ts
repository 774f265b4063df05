/** Base class of every error thrown by `@lawgpt/eval` (shadows the global `EvalError` inside this module only). */
// biome-ignore lint/suspicious/noShadowRestrictedNames: the project names each package's base error <Package>Error.
export class EvalError extends Error {
  override name = 'EvalError';
}

/** A file is missing, unreadable or not in the expected format. */
export class EvalFileError extends EvalError {
  override name = 'EvalFileError';
  constructor(
    message: string,
    /** The file that failed. */
    readonly path: string,
    /** 1-based line (or item key) where it failed, when known. */
    readonly line?: number | string,
    /** The field that was wrong, when known. */
    readonly field?: string,
  ) {
    super(message);
  }
}

/** An option value is out of range or of the wrong kind. */
export class EvalOptionError extends EvalError {
  override name = 'EvalOptionError';
  constructor(
    message: string,
    /** The option name. */
    readonly field: string,
    /** What was expected. */
    readonly expected: string,
    /** What was given. */
    readonly actual: unknown,
  ) {
    super(message);
  }
}

/** A model endpoint could not be reached or answered with an error. */
export class EvalEndpointError extends EvalError {
  override name = 'EvalEndpointError';
  constructor(
    message: string,
    /** The URL that failed. */
    readonly url: string,
    /** HTTP status, when there was a response. */
    readonly status?: number,
  ) {
    super(message);
  }
}

/** `expectScores` found scores outside their bounds. */
export class ScoreExpectationError extends EvalError {
  override name = 'ScoreExpectationError';
  constructor(
    message: string,
    /** One line per failed bound. */
    readonly failures: string[],
  ) {
    super(message);
  }
}
