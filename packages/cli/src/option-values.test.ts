import { describe, expect, it } from 'vitest';
import { UsageError } from './command.js';
import {
  choiceList,
  choiceValue,
  commaList,
  numberValue,
  repeatedValues,
  requireString,
  stringValue,
} from './option-values.js';

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

describe('choice values', () => {
  const kinds = ['linear', 'cosine'] as const;

  it('narrows a value to the choices, matching case, and names the flag and the choices otherwise', () => {
    const kind: 'linear' | 'cosine' | undefined = choiceValue('COSINE', '--schedule', kinds);
    expect(kind).toBe('cosine');
    expect(choiceValue(undefined, '--schedule', kinds)).toBeUndefined();
    expect(() => choiceValue('step', '--schedule', kinds)).toThrow(
      new UsageError("--schedule must be one of linear, cosine, got 'step'"),
    );
    expect(() => choiceValue(true, '--schedule', kinds)).toThrow(UsageError);
  });

  it('checks each entry of a comma list', () => {
    expect(choiceList('linear, Cosine', '--kinds', kinds)).toEqual(['linear', 'cosine']);
    expect(choiceList(undefined, '--kinds', kinds)).toEqual([]);
    expect(() => choiceList('linear,step', '--kinds', kinds)).toThrow("got 'step'");
  });

  it('reads strings without casts', () => {
    expect(stringValue('dir')).toBe('dir');
    expect(stringValue(true)).toBeUndefined();
    expect(stringValue(['a'])).toBeUndefined();
    expect(repeatedValues([true, false])).toEqual([]);
  });
});
