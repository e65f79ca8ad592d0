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

/**
 * `value` with `digits` decimals and its thousands grouped with commas, as
 * `value.toLocaleString('en', { minimumFractionDigits: digits,
 * maximumFractionDigits: digits })` writes it, with two differences: it rounds
 * the exact binary value as `toFixed` does (1.005, stored as 1.00499..., gives
 * 1.00 where `toLocaleString` rounds the decimal 1.005 up to 1.01), as the HTML
 * report always has; a value that rounds to 0 has no minus sign. '-' (or
 * `notFinite`) when not finite. Written by hand because the first
 * `toLocaleString` of a process starts ICU's number formatting, about 20 ms of
 * CPU on the development machine: a tenth of a `validate` of a 1 MB scenario.
 */
export function formatNumber(value: number, digits = 0, notFinite = '-'): string {
  if (!Number.isFinite(value)) return notFinite;
  const fixed = Math.abs(value).toFixed(digits);
  const dot = fixed.indexOf('.');
  const whole = dot < 0 ? fixed : fixed.slice(0, dot);
  const grouped = whole.length > 3 ? whole.replace(/\B(?=(\d{3})+$)/g, ',') : whole;
  const sign = value < 0 && Number(fixed) !== 0 ? '-' : '';
  return sign + grouped + (dot < 0 ? '' : fixed.slice(dot));
}
