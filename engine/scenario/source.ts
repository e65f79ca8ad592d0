/**
 * Reading a scenario's text: JSON or YAML into plain data, plus a locator that
 * maps a path in that data (`['demand', 'flows', 2, 'vehPerHour']`) back to the
 * line and column where it was written.
 *
 * Both formats go through the `yaml` package (`parseDocument` with a
 * `LineCounter`): YAML 1.2 is a superset of JSON, so one document model gives
 * every value of either format a position. A `.json` file is first checked with
 * `JSON.parse`, so JSON that YAML would tolerate (trailing commas, comments,
 * single quotes) is still refused, with its line and column.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { ScenarioProblem } from '../errors.js';

/** A 1-based line and column. */
export interface SourcePosition {
  line: number;
  column: number;
}

/** A segment of a path into the data: a key or an array index. */
export type PathSegment = string | number;

/** Parsed text: the data (when the syntax is sound), its syntax problems and a locator. */
export interface ParsedSource {
  data: unknown;
  problems: ScenarioProblem[];
  /**
   * Position of the value at `path` (with `key: true`, of its key), or of the
   * nearest enclosing value that exists; `undefined` only for empty text.
   */
  locate(path: readonly PathSegment[], options?: { key?: boolean }): SourcePosition | undefined;
}

/** Which syntax a file name selects: `json` for `.json`, else `yaml`. */
export function syntaxOf(file: string): 'json' | 'yaml' {
  return /\.json$/i.test(file) ? 'json' : 'yaml';
}

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

/** Line and column (1-based) of character `offset` of `text`; past the end, the end. */
export function positionAt(text: string, offset: number): SourcePosition {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: Math.min(offset, text.length) - start + 1 };
}

/** Located problem of a `JSON.parse` failure (V8 reports a character position). */
function jsonProblem(text: string, file: string, error: Error): ScenarioProblem {
  const message = error.message;
  let pos: SourcePosition;
  const lineCol = /\(line (\d+) column (\d+)\)/.exec(message);
  const offset = /at position (\d+)/.exec(message);
  if (lineCol) pos = { line: Number(lineCol[1]), column: Number(lineCol[2]) };
  else if (offset) pos = positionAt(text, Number(offset[1]));
  else pos = positionAt(text, text.length);
  const clean = message.replace(/\s*\(line \d+ column \d+\)/, '').replace(/ in JSON at position \d+/, '');
  return { file, line: pos.line, column: pos.column, path: '', message: `JSON syntax error: ${clean}` };
}

/** Parse `text` (JSON or YAML, by `syntax`); syntax errors become located problems. */
export function parseSource(text: string, file: string, syntax: 'json' | 'yaml'): ParsedSource {
  const problems: ScenarioProblem[] = [];
  if (syntax === 'json') {
    try {
      JSON.parse(text);
    } catch (error) {
      problems.push(jsonProblem(text, file, error as Error));
    }
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (problems.length === 0) {
    for (const e of doc.errors) {
      const at = e.linePos?.[0];
      const first = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      problems.push({ file, line: at?.line, column: at?.col, path: '', message: `${syntax === 'json' ? 'JSON' : 'YAML'} syntax error: ${first}` });
    }
  }
  const toPosition = (offset: number): SourcePosition => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  return {
    data: problems.length === 0 ? doc.toJS({ maxAliasCount: 1000 }) : undefined,
    problems,
    locate: (path, options) => locateIn(doc, path, options?.key === true, toPosition),
  };
}

/** Position of the node at `path` in `doc` (of its key with `key`), or of its nearest enclosing node. Shared with the CityFlow JSON reader. */
export function locateIn(doc: Document, path: readonly PathSegment[], key: boolean, toPosition: (offset: number) => SourcePosition): SourcePosition | undefined {
  let node: unknown = doc.contents;
  let found: Node | null = isNode(node) ? node : null;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(seg));
      if (pair === undefined) break;
      // The key itself when asked for, or when there is no value (`lengthM:`).
      if ((key && i === path.length - 1) || !isNode(pair.value)) {
        if (isNode(pair.key)) found = pair.key;
        break;
      }
      node = found = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item: unknown = node.items[seg];
      if (!isNode(item)) break;
      node = found = item;
    } else {
      break;
    }
  }
  const range = found?.range;
  return range ? toPosition(range[0]) : undefined;
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && 'range' in value && Array.isArray((value as Node).range);
}
