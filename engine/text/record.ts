/**
 * Plain-object checks for data read from files or passed by callers. Keys come
 * from the input, so a lookup must never reach `Object.prototype`: a field or id
 * named `constructor`, `toString` or `__proto__` is just a name.
 */

/** True for a plain mapping (an object that is not an array and not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `table[key]` if `table` has `key` as its own property, else `undefined` (never an inherited member). */
export function ownValue<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
