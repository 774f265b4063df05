import { TokenizerModelError } from '../errors.js';

/** Throws a {@link TokenizerModelError} for one JSON field of a tokenizer file. */
export type FieldFailure = (field: string, expected: string, actual: unknown) => never;

/** The {@link FieldFailure} of the file at `path`: the actual value is shown as JSON, cut at 120 characters. */
export function fieldFailer(path: string): FieldFailure {
  return (field, expected, actual) => {
    throw new TokenizerModelError({
      path,
      field,
      expected,
      actual: JSON.stringify(actual)?.slice(0, 120) ?? 'undefined',
    });
  };
}
