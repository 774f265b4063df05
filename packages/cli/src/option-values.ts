import { choiceError, matchChoice, type ParsedArgs, UsageError } from './command.js';
import { WEIGHT_DTYPES } from './option-choices.js';

/** One parsed option value as `parseCommandArgs` returns it. */
export type OptionValue = ParsedArgs['values'][string];

/** The string given for `flag`, or a usage error naming it. */
export function requireString(value: OptionValue, flag: string): string {
  if (typeof value !== 'string' || value === '') throw new UsageError(`${flag} is required`);
  return value;
}

/** A string option's value; `undefined` when absent (or not a string). */
export function stringValue(value: OptionValue): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** `value` as one of `choices` (matched ignoring case), or a usage error naming `flag` and the choices. */
function pickChoice<T extends string>(
  value: NonNullable<OptionValue>,
  flag: string,
  choices: readonly T[],
): T {
  const match = typeof value === 'string' ? matchChoice(value, choices) : undefined;
  if (match === undefined) throw choiceError(flag, choices, value);
  return match;
}

/**
 * A choice option's value, typed as one of `choices` (matched ignoring case, as `parseCommandArgs` does for an
 * option that lists them); `undefined` when absent, a usage error naming `flag` and the choices otherwise.
 */
export function choiceValue<T extends string>(
  value: OptionValue,
  flag: string,
  choices: readonly T[],
): T | undefined {
  return value === undefined ? undefined : pickChoice(value, flag, choices);
}

/** A comma-separated list of choices (`recitation,case-charge`), each checked as {@link choiceValue}. */
export function choiceList<T extends string>(value: OptionValue, flag: string, choices: readonly T[]): T[] {
  return commaList(value).map((entry) => pickChoice(entry, flag, choices));
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
  if (Array.isArray(value)) return value.filter((entry) => typeof entry === 'string');
  return typeof value === 'string' ? [value] : [];
}

/** A comma-separated list (`q_proj,v_proj`), entries trimmed, empty ones dropped. */
export function commaList(value: OptionValue): string[] {
  return repeatedValues(value)
    .flatMap((entry) => entry.split(','))
    .map((entry) => entry.trim())
    .filter(Boolean);
}

/** A weight format option (`auto`, `f32`, `bf16`, `f16`, `q8_0`, `q4_0`; `undefined` when absent), named on error. */
export function dtypeValue(value: OptionValue, flag: string): (typeof WEIGHT_DTYPES)[number] | undefined {
  return choiceValue(value, flag, WEIGHT_DTYPES);
}
