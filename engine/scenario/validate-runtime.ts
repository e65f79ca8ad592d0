/**
 * What the generated fast validator (`validate.generated.ts`) runs on: its
 * counters, the sink the shared refinements report to, the strict-object and
 * colon-count helpers, and the entry point that runs a compiled check, applies
 * defaults to a valid scenario and returns the counts. Written by hand once, so
 * the generated file holds only the checks compiled from the schema.
 */
import type { IssueSink } from './refinements.js';

/** Counters and pending defaults of the validation under way (one at a time: validation is synchronous). */
export const state = {
  /** Key-value pairs of the objects seen. */
  members: 0,
  /** Colons inside the text values seen. */
  colons: 0,
  /** Set by a refinement that found a problem. */
  failed: false,
  /** Defaults to set once the whole scenario is known valid: object, key, value, ... */
  defaults: [] as unknown[],
  /** Keys to delete once the whole scenario is known valid (a record's `__proto__`, which zod drops): object, key, ... */
  drops: [] as unknown[],
};

/** The sink refinements report to: any issue marks the value as failed. */
export const sink: IssueSink = {
  addIssue() {
    state.failed = true;
  },
};

/** `x` as a record if it is a mapping whose every key is in `keys` (their number added to the count), else `undefined`. */
export function strict(x: unknown, keys: ReadonlySet<string>): Record<string, unknown> | undefined {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return undefined;
  let n = 0;
  for (const k in x) {
    if (!keys.has(k)) return undefined;
    n++;
  }
  state.members += n;
  return x as Record<string, unknown>;
}

/** Count the colons of text value `s` (always true, so it can end a check). */
export function countColons(s: string): boolean {
  for (let i = s.indexOf(':'); i >= 0; i = s.indexOf(':', i + 1)) state.colons++;
  return true;
}

/**
 * Count the key-value pairs and the colons (in keys and text) of any JSON value
 * (always true: a value the schema does not look into, such as importer
 * options, still counts towards finding a duplicated key).
 */
export function countAll(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') countColons(v);
    else if (Array.isArray(v)) for (const item of v) stack.push(item);
    else if (typeof v === 'object' && v !== null) {
      for (const k in v) {
        state.members++;
        countColons(k);
        stack.push((v as Record<string, unknown>)[k]);
      }
    }
  }
  return true;
}

/** What a validation found. */
export interface FastVerdict {
  ok: boolean;
  /** For a valid scenario: key-value pairs of every object. */
  members: number;
  /** For a valid scenario: colons inside its text values. */
  colonsInText: number;
}

/** Run compiled check `check` on `data`; when it passes, set the pending defaults in `data`. */
export function runCheck(check: (x: unknown) => boolean, data: unknown): FastVerdict {
  state.members = 0;
  state.colons = 0;
  state.defaults.length = 0;
  state.drops.length = 0;
  const ok = check(data);
  const { defaults: d, drops } = state;
  if (ok) {
    for (let i = 0; i < d.length; i += 3) (d[i] as Record<string, unknown>)[d[i + 1] as string] = d[i + 2];
    for (let i = 0; i < drops.length; i += 2) delete (drops[i] as Record<string, unknown>)[drops[i + 1] as string];
  }
  d.length = 0;
  drops.length = 0;
  return { ok, members: state.members, colonsInText: state.colons };
}
