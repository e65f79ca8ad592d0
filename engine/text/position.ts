/**
 * Places in a text and paths in the data read from it: 1-based line and column
 * of a character offset, and the JSON-path notation (`demand.flows[2].vehPerHour`)
 * every located message uses.
 *
 * Offsets and columns count UTF-16 code units, as JavaScript strings index them
 * (the `yaml` package's `LineCounter` counts the same way, so a position is the
 * same whichever reader found it).
 */

/** A 1-based line and column. */
export interface SourcePosition {
  line: number;
  column: number;
}

/** A segment of a path into the data: a key or an array index. */
export type PathSegment = string | number;

/**
 * Position of the value at `path` (with `key: true`, of its key), or of the
 * nearest enclosing value that exists; `undefined` only for empty text.
 */
export type Locator = (path: readonly PathSegment[], options?: { key?: boolean }) => SourcePosition | undefined;

/** `a.b[2].c` for `['a', 'b', 2, 'c']`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out;
}

/** The inverse of {@link formatPath}: `flows[2].rate` -> `['flows', 2, 'rate']`. */
export function parsePath(path: string): PathSegment[] {
  const out: PathSegment[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]);
  return out;
}

/** Line and column (1-based) of character `offset` of `text`; past the end, the end. One scan: for many offsets use {@link lineIndex}. */
export function positionAt(text: string, offset: number): SourcePosition {
  let line = 1;
  let start = 0;
  const end = Math.min(offset, text.length);
  for (let i = text.indexOf('\n'); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: end - start + 1 };
}

/**
 * A function from character offsets of `text` to positions, for many lookups:
 * the line starts are found once (on the first call), then each lookup is a
 * binary search. Offsets past the end give the end.
 */
export function lineIndex(text: string): (offset: number) => SourcePosition {
  let starts: Float64Array | undefined;
  return (offset) => {
    if (starts === undefined) {
      const found: number[] = [0];
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) found.push(i + 1);
      starts = Float64Array.from(found);
    }
    const at = Math.max(0, Math.min(offset, text.length));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid] <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: at - starts[lo] + 1 };
  };
}
