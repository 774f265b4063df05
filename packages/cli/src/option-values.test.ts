import { describe, expect, it } from 'vitest';
import { UsageError } from './command.js';
import { commaList, numberValue, repeatedValues, requireString } from './option-values.js';

describe('option values', () => {
  it('requires strings and parses numbers naming the flag', () => {
    expect(requireString('x', '--model')).toBe('x');
    expect(() => requireString(undefined, '--model')).toThrow(new UsageError('--model is required'));
    expect(numberValue('3e-4', '--lr')).toBe(3e-4);
    expect(numberValue(undefined, '--lr')).toBeUndefined();
    expect(() => numberValue('1.5', '--steps', { integer: true, min: 1 })).toThrow(
      "--steps expects a positive integer, got '1.5'",
    );
    expect(() => numberValue('-1', '--limit', { integer: true, min: 0 })).toThrow(/non-negative integer/);
  });

  it('splits lists', () => {
    expect(repeatedValues(['a', 'b'])).toEqual(['a', 'b']);
    expect(repeatedValues('a,b')).toEqual(['a,b']);
    expect(commaList(['q_proj, v_proj', 'o_proj'])).toEqual(['q_proj', 'v_proj', 'o_proj']);
  });
});
