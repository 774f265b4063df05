import { describe, expect, it } from 'vitest';
import { cn2anSmart } from './cn2an.js';
import { pyNumberString } from './numerals.js';
import { cn2anTransform } from './transform.js';

describe('cn2an transform (cn2an 0.5.22 behaviour)', () => {
  it.each([
    ['有期徒刑一年六个月', '有期徒刑1年6个月'],
    ['判处有期徒刑两年', '判处有期徒刑2年'],
    ['半年', '0.5年'],
    ['廿日', '20日'],
    ['刑法第二百六十四条', '刑法第264条'],
    ['三月二十八日', '3月28日'],
    ['2016年3月28日', '2016年3月28日'],
    ['一万二', '12000'],
    ['三点五', '3.5'],
    ['三点零', '3.0'],
    ['百分之二十', '20%'],
    ['三分之一', '1/3'],
    ['二十三摄氏度', '23℃'],
    ['一二三', '123'],
    ['一千零十一', '1011'],
    ['负五', '-5'],
    ['十万元', '100000元'],
    ['没有数字', '没有数字'],
  ])('%s → %s', (input, expected) => {
    expect(cn2anTransform(input)).toBe(expected);
  });

  it('keeps a numeral it cannot convert (cn2an swallows its ValueError)', () => {
    expect(() => cn2anSmart('十十')).toThrow();
    expect(cn2anTransform('十十')).toBe('十十');
  });

  it('prints numbers the way Python str() does', () => {
    expect(pyNumberString({ value: 3, isFloat: true })).toBe('3.0');
    expect(pyNumberString({ value: 3, isFloat: false })).toBe('3');
    expect(pyNumberString({ value: 1e-5, isFloat: true })).toBe('1e-05');
    expect(pyNumberString({ value: 2.5, isFloat: true })).toBe('2.5');
  });
});
