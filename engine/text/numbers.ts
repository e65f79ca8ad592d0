/**
 * Number checks with the range in the message: the one place that decides
 * whether a number is acceptable and how its range reads ("a number > 0",
 * "a whole number from 1 to 32", "a number from 2 to 50").
 *
 * Callers word the sentence for their error family: scenario and input errors
 * say `expected <range>, found <value>` ({@link numberProblem}); API usage and
 * network errors say `must be <range>, got <value>` ({@link describeRange} and
 * `describeValue`).
 */
import { describeValue } from './describe.js';

/** The accepted values of a number. Bounds are inclusive unless marked exclusive. */
export interface NumberRange {
  min?: number;
  max?: number;
  /** `min` itself is refused (`> min`). */
  minExclusive?: boolean;
  /** `max` itself is refused (`< max`). */
  maxExclusive?: boolean;
  /** Only whole numbers (safe integers). */
  integer?: boolean;
}

/** Whether `value` is a finite number inside `range`. */
export function inRange(value: unknown, range: NumberRange): value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  if (range.integer === true && !Number.isSafeInteger(value)) return false;
  if (range.min !== undefined && (range.minExclusive ? value <= range.min : value < range.min)) return false;
  if (range.max !== undefined && (range.maxExclusive ? value >= range.max : value > range.max)) return false;
  return true;
}

/** `a number > 0`, `a whole number from 1 to 32`, `a finite number`. */
export function describeRange(range: NumberRange): string {
  const kind = range.integer === true ? 'a whole number' : 'a number';
  const { min, max } = range;
  if (min !== undefined && max !== undefined) {
    if (!range.minExclusive && !range.maxExclusive) return `${kind} from ${min} to ${max}`;
    return `${kind} ${range.minExclusive ? '>' : '>='} ${min} and ${range.maxExclusive ? '<' : '<='} ${max}`;
  }
  if (min !== undefined) return `${kind} ${range.minExclusive ? '>' : '>='} ${min}`;
  if (max !== undefined) return `${kind} ${range.maxExclusive ? '<' : '<='} ${max}`;
  return range.integer === true ? kind : 'a finite number';
}

/** `undefined` when `value` is a finite number in `range`; otherwise `expected <range>, found <value>`. */
export function numberProblem(value: unknown, range: NumberRange): string | undefined {
  return inRange(value, range) ? undefined : `expected ${describeRange(range)}, found ${describeValue(value)}`;
}
