import { type ParsedArgs, UsageError } from './command.js';

/** One parsed option value as `parseCommandArgs` returns it. */
export type OptionValue = ParsedArgs['values'][string];

/** The string given for `flag`, or a usage error naming it. */
export function requireString(value: OptionValue, flag: string): string {
  if (typeof value !== 'string' || value === '') throw new UsageError(`${flag} is required`);
  return value;
}

/** A number option (`undefined` when absent); `integer` and `min` are checked, naming the flag. */
export function numberValue(
  value: OptionValue,
  flag: string,
  { integer = false, min = Number.NEGATIVE_INFINITY }: { integer?: boolean; min?: number } = {},
): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  const valid = Number.isFinite(number) && (!integer || Number.isInteger(number)) && number >= min;
  if (!valid) {
    const kind = integer
      ? min === 0
        ? 'a non-negative integer'
        : min === 1
          ? 'a positive integer'
          : 'an integer'
      : 'a number';
    throw new UsageError(`${flag} expects ${kind}, got '${value}'`);
  }
  return number;
}

/** A non-negative integer option that has a default (`0` when absent), named on error. */
export function nonNegativeInteger(value: OptionValue, flag: string): number {
  return numberValue(value, flag, { integer: true, min: 0 }) ?? 0;
}

/** Values of a repeatable option (one string or several). */
export function repeatedValues(value: OptionValue): string[] {
  return Array.isArray(value) ? (value as string[]) : typeof value === 'string' ? [value] : [];
}

/** A comma-separated list (`q_proj,v_proj`), entries trimmed, empty ones dropped. */
export function commaList(value: OptionValue): string[] {
  return repeatedValues(value)
    .flatMap((entry) => entry.split(','))
    .map((entry) => entry.trim())
    .filter(Boolean);
}

const WEIGHT_DTYPES = ['auto', 'f32', 'bf16', 'f16', 'q8_0', 'q4_0'] as const;

/** A weight format option (`auto`, `f32`, `bf16`, `f16`, `q8_0`, `q4_0`; `undefined` when absent), named on error. */
export function dtypeValue(value: OptionValue, flag: string): (typeof WEIGHT_DTYPES)[number] | undefined {
  if (value === undefined) return undefined;
  const lower = typeof value === 'string' ? value.toLowerCase() : value;
  if (!WEIGHT_DTYPES.includes(lower as (typeof WEIGHT_DTYPES)[number])) {
    throw new UsageError(`${flag} must be one of ${WEIGHT_DTYPES.join(', ')}, got '${value}'`);
  }
  return lower as (typeof WEIGHT_DTYPES)[number];
}
