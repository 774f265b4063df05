/** Structured fields of a {@link ServeError}. */
export interface ServeErrorDetails {
  /** File the error is about (a template, a model folder). */
  path?: string;
  /** Field, option or request parameter at fault. */
  field?: string;
  cause?: unknown;
}

/** Base class of every error `@lawgpt/serve` throws. */
export class ServeError extends Error {
  override name = 'ServeError';
  readonly path?: string;
  readonly field?: string;
  constructor(message: string, { path, field, cause }: ServeErrorDetails = {}) {
    super(message, cause === undefined ? undefined : { cause });
    this.path = path;
    this.field = field;
  }
}

/** Fields of an OpenAI-style error body. */
export interface RequestErrorInit {
  /** HTTP status (default 400). */
  status?: number;
  /** The request parameter at fault, e.g. `messages` or `top_p`. */
  param?: string | null;
  /** OpenAI's machine-readable code, e.g. `context_length_exceeded`, `model_not_found`. */
  code?: string | null;
  /** OpenAI's error type (default `invalid_request_error`; `server_error` for 5xx). */
  type?: string;
  /** Extra response headers, e.g. `Retry-After`. */
  headers?: Record<string, string>;
}

/** A request the server refuses: answered with `status` and `{ error: { message, type, param, code } }`. */
export class RequestError extends ServeError {
  override name = 'RequestError';
  readonly status: number;
  readonly param: string | null;
  readonly code: string | null;
  readonly type: string;
  readonly headers: Record<string, string>;
  constructor(
    message: string,
    { status = 400, param = null, code = null, type, headers = {} }: RequestErrorInit = {},
  ) {
    super(message, { field: param ?? undefined });
    this.status = status;
    this.param = param;
    this.code = code;
    this.type = type ?? (status >= 500 ? 'server_error' : 'invalid_request_error');
    this.headers = headers;
  }

  /** The OpenAI error body. */
  toJSON(): { error: { message: string; type: string; param: string | null; code: string | null } } {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/** A chat template that cannot be found, read or parsed (`path` names the file, `field` the option). */
export class TemplateError extends ServeError {
  override name = 'TemplateError';
}

/** The generation worker failed to start or stopped unexpectedly. */
export class EngineError extends ServeError {
  override name = 'EngineError';
}
