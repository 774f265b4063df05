import { describe, expect, it } from 'vitest';
import { pyLogInt } from './python-log.js';

describe('pyLogInt', () => {
  it("returns glibc's (Python's) correctly rounded log, also where V8's Math.log is one ulp off", () => {
    // Values printed by Python 3.11 `repr(math.log(n))` on Debian.
    expect(pyLogInt(1)).toBe(0);
    expect(pyLogInt(3)).toBe(1.0986122886681098);
    expect(pyLogInt(48)).toBe(3.871201010907891);
    expect(pyLogInt(74)).toBe(4.30406509320417);
    expect(pyLogInt(185)).toBe(5.220355825078324);
    expect(pyLogInt(334)).toBe(5.811140992976701);
    expect(pyLogInt(60101967)).toBe(17.91155312775522);
  });

  it('rejects what is not a positive safe integer', () => {
    expect(() => pyLogInt(0)).toThrow(RangeError);
    expect(() => pyLogInt(1.5)).toThrow(RangeError);
  });
});
