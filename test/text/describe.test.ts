/** The one value describer, number ranges and plain-object checks of engine/text. */
import { describe, expect, it } from 'vitest';
import { describeValue } from '../../engine/text/describe.js';
import { describeRange, inRange, numberProblem } from '../../engine/text/numbers.js';
import { isRecord, ownValue } from '../../engine/text/record.js';

describe('describeValue', () => {
  it('names each kind of value, quoting text and cutting it after 60 characters', () => {
    expect(describeValue(undefined)).toBe('nothing');
    expect(describeValue(null)).toBe('an empty value');
    expect(describeValue('road_1')).toBe('"road_1"');
    expect(describeValue('x'.repeat(1_000_000))).toBe(`"${'x'.repeat(57)}"...`);
    expect(describeValue(-3)).toBe('-3');
    expect(describeValue(NaN)).toBe('NaN');
    expect(describeValue(true)).toBe('true');
    expect(describeValue([1, 2])).toBe('a list of 2 items');
    expect(describeValue([1])).toBe('a list of 1 item');
    expect(describeValue({ a: 1 })).toBe('a mapping');
  });
});

describe('number ranges', () => {
  it('inRange: finite numbers within inclusive or exclusive bounds; whole numbers when asked', () => {
    expect(inRange(0, { min: 0 })).toBe(true);
    expect(inRange(0, { min: 0, minExclusive: true })).toBe(false);
    expect(inRange(Infinity, {})).toBe(false);
    expect(inRange(NaN, {})).toBe(false);
    expect(inRange('3', {})).toBe(false);
    expect(inRange(2.5, { integer: true })).toBe(false);
    expect(inRange(2 ** 53, { integer: true })).toBe(false);
    expect(inRange(32, { min: 1, max: 32, integer: true })).toBe(true);
    expect(inRange(33, { min: 1, max: 32, integer: true })).toBe(false);
  });

  it('describeRange and numberProblem state the range', () => {
    expect(describeRange({ min: 0, minExclusive: true })).toBe('a number > 0');
    expect(describeRange({ min: 1, max: 32, integer: true })).toBe('a whole number from 1 to 32');
    expect(describeRange({ min: 0, minExclusive: true, max: 100 })).toBe('a number > 0 and <= 100');
    expect(describeRange({})).toBe('a finite number');
    expect(numberProblem(1e12, { min: 0, max: 115_200 })).toBe('expected a number from 0 to 115200, found 1000000000000');
    expect(numberProblem(5, { min: 0, max: 10 })).toBeUndefined();
  });
});

describe('records', () => {
  it('isRecord: mappings only; ownValue never reaches Object.prototype', () => {
    expect(isRecord({})).toBe(true);
    expect(isRecord([])).toBe(false);
    expect(isRecord(null)).toBe(false);
    const table: Record<string, number> = { a: 1 };
    expect(ownValue(table, 'a')).toBe(1);
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) expect(ownValue(table, name)).toBeUndefined();
  });
});
