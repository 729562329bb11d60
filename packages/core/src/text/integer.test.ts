import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../errors/ha-error.js';
import { parseInteger, safeParseInteger } from './integer.js';

describe('parseInteger', () => {
  it('reads whole decimal numbers within the range', () => {
    expect(parseInteger('42')).toBe(42);
    expect(parseInteger(' -7 ')).toBe(-7);
    expect(parseInteger('+3', { min: 0 })).toBe(3);
    expect(parseInteger('256', { min: 0, max: 256 })).toBe(256);
  });

  it('refuses fractions, hex, exponents, empties and values out of range', () => {
    for (const text of ['1.5', '0x10', '1e3', '', ' ', '12abc', 'Infinity', '9007199254740993'])
      expect(safeParseInteger(text)).toBeUndefined();
    expect(safeParseInteger('257', { max: 256 })).toBeUndefined();
    expect(() => parseInteger('-1', { what: 'weight', min: 0, max: 256 })).toThrowErrorMatchingInlineSnapshot(
      `[ParseError: weight: '-1' is not a whole number from 0 to 256]`,
    );
    expect(() => parseInteger('x')).toThrow(ParseError);
  });

  it('agrees with String() for every safe integer', () => {
    fc.assert(fc.property(fc.maxSafeInteger(), (value) => parseInteger(String(value)) === value));
  });
});
