/**
 * How a value found in the input reads in an error message: the one describer
 * every "expected ..., found ..." message of greenwave uses, whether the value
 * came from a scenario file, an imported file or a library call.
 *
 * It never echoes much of the input: text is quoted up to 60 characters, lists
 * and mappings are named by kind (a list by its length), so a message cannot
 * leak a file's contents or grow with the input.
 */

/** Longest text quoted whole; longer text is cut and ends in `...`. */
const MAX_QUOTED = 60;

/**
 * A value as a message shows it: `"road_1"` (quoted, cut after 60 characters),
 * `12`, `NaN`, `true`, `a list of 3 items`, `a mapping`, `an empty value` (null)
 * or `nothing` (undefined).
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'string') return value.length > MAX_QUOTED ? `${JSON.stringify(value.slice(0, MAX_QUOTED - 3))}...` : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return `a list of ${value.length} item${value.length === 1 ? '' : 's'}`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return 'a symbol';
  return 'a mapping';
}
