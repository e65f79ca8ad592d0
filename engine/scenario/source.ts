/**
 * Reading a scenario's text: JSON or YAML into plain data, plus a locator that
 * maps a path in that data (`['demand', 'flows', 2, 'vehPerHour']`) back to the
 * line and column where it was written.
 *
 * JSON is read by `JSON.parse` alone; positions are found only when a problem
 * needs one (`engine/text/json.ts` scans the text then), so loading costs what
 * parsing costs. A key given twice in one JSON object is found by counting
 * (see `duplicateKey`) and refused, as in YAML.
 * YAML goes through the `yaml` package with bounded aliases; its document model
 * is dropped once the data is out, and rebuilt only to locate a problem.
 */
import type { ScenarioProblem } from '../errors.js';
import { colonCount, createJsonLocator, findDuplicateKey, jsonMemberCount, parseJson } from '../text/json.js';
import { lineIndex, type Locator } from '../text/position.js';
import { createYamlLocator, parseYaml } from '../text/yaml.js';

export { formatPath, parsePath, positionAt } from '../text/position.js';
export type { Locator, PathSegment, SourcePosition } from '../text/position.js';
export { locateIn } from '../text/yaml.js';

/** Parsed text: the data (when the syntax is sound), its syntax problems and a locator. */
export interface ParsedSource {
  data: unknown;
  problems: ScenarioProblem[];
  /**
   * Position of the value at `path` (with `key: true`, of its key), or of the
   * nearest enclosing value that exists; `undefined` only for empty text.
   * Computed on first use.
   */
  locate: Locator;
  /**
   * JSON only: given the number of key-value pairs the data holds (see
   * {@link memberCount}), the problem of a key written twice in one object
   * (`JSON.parse` keeps the last silently), or `undefined`. A count that matches
   * the text costs one scan of it; only a mismatch looks for the key. With
   * `colonsInText`, the colons inside the data's text values, the scan is a
   * native count of every colon: every colon of valid JSON is either inside a
   * string or ends a key, and a dropped duplicate takes at least its key away.
   */
  duplicateKey?: (members: number, colonsInText?: number) => ScenarioProblem | undefined;
}

/** Which syntax a file name selects: `json` for `.json`, else `yaml`. */
export function syntaxOf(file: string): 'json' | 'yaml' {
  return /\.json$/i.test(file) ? 'json' : 'yaml';
}

/** Members (key-value pairs) of every object in `data`. */
export function memberCount(data: unknown): number {
  let n = 0;
  const stack: unknown[] = [data];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value !== 'object' || value === null) continue;
    if (Array.isArray(value)) {
      for (const item of value) if (typeof item === 'object' && item !== null) stack.push(item);
    } else {
      for (const key in value) {
        n++;
        const item = (value as Record<string, unknown>)[key];
        if (typeof item === 'object' && item !== null) stack.push(item);
      }
    }
  }
  return n;
}

/** A locator that builds `make()` on its first use. */
function lazy(make: () => Locator): Locator {
  let locator: Locator | undefined;
  return (path, options) => (locator ??= make())(path, options);
}

function parseJsonSource(text: string, file: string): ParsedSource {
  const parsed = parseJson(text);
  const locate = lazy(() => createJsonLocator(text));
  if (!parsed.ok) {
    const at = lineIndex(text)(parsed.error.offset);
    return { data: undefined, locate, problems: [{ file, line: at.line, column: at.column, path: '', message: `JSON syntax error: ${parsed.error.message}` }] };
  }
  const duplicateKey = (members: number, colonsInText?: number): ScenarioProblem | undefined => {
    if (colonsInText !== undefined ? colonCount(text) - colonsInText === members : jsonMemberCount(text) === members) return undefined;
    const twice = findDuplicateKey(text);
    if (twice === undefined) return undefined;
    const at = lineIndex(text)(twice.offset);
    const message = `JSON syntax error: the key ${JSON.stringify(twice.key)} is given twice in one object (JSON.parse would keep the last silently); keys must be unique`;
    return { file, line: at.line, column: at.column, path: '', message };
  };
  return { data: parsed.data, locate, problems: [], duplicateKey };
}

function parseYamlSource(text: string, file: string): ParsedSource {
  const parsed = parseYaml(text);
  const locate = lazy(() => createYamlLocator(text));
  if (!parsed.ok) {
    return {
      data: undefined,
      locate,
      problems: parsed.problems.map((p) => ({
        file, line: p.line, column: p.column, path: '', message: p.kind === 'syntax' ? `YAML syntax error: ${p.message}` : `YAML aliases refused: ${p.message}`,
      })),
    };
  }
  return { data: parsed.data, locate, problems: [] };
}

/** Parse `text` (JSON or YAML, by `syntax`); syntax errors become located problems. */
export function parseSource(text: string, file: string, syntax: 'json' | 'yaml'): ParsedSource {
  return syntax === 'json' ? parseJsonSource(text, file) : parseYamlSource(text, file);
}
