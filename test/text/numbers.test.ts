/**
 * formatNumber: the figures the CLI prints. Digits and grouping as
 * `toLocaleString('en', { minimumFractionDigits: d, maximumFractionDigits: d })`
 * writes them (thousands grouped in threes); rounding as `toFixed` (ECMA-262
 * Number.prototype.toFixed: the decimal nearest the exact binary value, the
 * larger on a tie); no minus sign on a value rounding to 0.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatNumber } from '../../engine/text/numbers.js';

const locale = (v: number, d: number): string => v.toLocaleString('en', { minimumFractionDigits: d, maximumFractionDigits: d });

describe('formatNumber', () => {
  it('groups thousands and keeps the asked decimals', () => {
    expect(formatNumber(1234567.891, 2)).toBe('1,234,567.89');
    expect(formatNumber(999, 0)).toBe('999');
    expect(formatNumber(1000, 0)).toBe('1,000');
    expect(formatNumber(-1234.5, 1)).toBe('-1,234.5');
    expect(formatNumber(12, 3)).toBe('12.000');
    expect(formatNumber(0.125, 2)).toBe(locale(0.125, 2)); // an exact tie in binary: the larger decimal, 0.13
  });

  it('writes "-" (or the given mark) for values that are not finite', () => {
    expect(formatNumber(Number.NaN, 1)).toBe('-');
    expect(formatNumber(Number.POSITIVE_INFINITY, 1, '–')).toBe('–');
  });

  it('drops the minus sign of a value that rounds to zero', () => {
    expect(formatNumber(-0.04, 1)).toBe('0.0');
    expect(locale(-0.04, 1)).toBe('-0.0');
  });

  it("agrees with toLocaleString('en') on every value with at most the asked decimals (nothing to round)", () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.integer({ min: 0, max: 3 }), (k, d) => {
        fc.pre(k !== 0);
        const v = k / 10 ** d;
        expect(formatNumber(v, d)).toBe(locale(v, d));
      }),
      { numRuns: 2000 },
    );
  });

  it('rounds as toFixed does, on the exact binary value (1.005 is 1.00499...)', () => {
    expect(formatNumber(1.005, 2)).toBe('1.00');
    expect(locale(1.005, 2)).toBe('1.01');
    fc.assert(
      fc.property(fc.double({ min: -1e12, max: 1e12, noNaN: true }), fc.integer({ min: 0, max: 4 }), (v, d) => {
        fc.pre(Number(Math.abs(v).toFixed(d)) !== 0);
        expect(formatNumber(v, d).replace(/,/g, '')).toBe(v.toFixed(d));
      }),
      { numRuns: 2000 },
    );
  });
});
