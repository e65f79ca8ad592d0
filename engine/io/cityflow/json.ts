/**
 * Reading CityFlow's JSON files (config, roadnet, flow) with errors that point
 * at the file, line, column and JSON path of the offending value, for example
 * `roadnet.json:812:25: intersections[3].roadLinks[2].startRoad: expected a road id of the roadnet, found "road_9_9_0"`.
 *
 * The fast path is `JSON.parse` (CityFlow's own reader, rapidjson, also reads
 * whole documents). Positions are only needed when something is wrong, so the
 * text is parsed a second time, with positions, by the `yaml` package (YAML 1.2
 * is a superset of JSON) only when the first error is raised.
 *
 * Bounds: only regular files are read (a directory, FIFO or device is refused
 * before it is opened), at most {@link MAX_CITYFLOW_FILE_BYTES} each. A syntax
 * error names the line and column of the offending character and never quotes
 * the file's text (a wrong file given by mistake, such as a password file, is
 * not echoed).
 */
import { open } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import { locateIn, positionAt } from '../../scenario/source.js';
import { InputError } from '../../errors.js';
import { regularFileProblem, shortName } from '../files.js';

/** Largest CityFlow file read, bytes (256 MiB; the largest public CityFlow data sets are tens of MB). */
export const MAX_CITYFLOW_FILE_BYTES = 256 * 1024 * 1024;

/** A key or array index on the way to a value. */
export type JsonPath = ReadonlyArray<string | number>;

/** `a.b[2].c` for `['a', 'b', 2, 'c']`. */
export function formatJsonPath(at: JsonPath): string {
  let out = '';
  for (const seg of at) out += typeof seg === 'number' ? `[${seg}]` : out === '' ? seg : `.${seg}`;
  return out;
}

/** How a value reads in a message: `"road_1"`, `12`, `an object`, `nothing`. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'boolean') return `the boolean ${String(value)}`;
  return String(value);
}

/** A parsed JSON file that can point at its values. */
export class JsonDocument {
  private located: ((at: JsonPath) => { line: number; column: number } | undefined) | undefined;

  /**
   * @param file the file as the caller named it (used in messages)
   * @param text its text
   * @param data the parsed value
   */
  constructor(readonly file: string, readonly text: string, readonly data: unknown) {}

  /** Line and column (1-based) of the value at `at`, or of its nearest enclosing value. */
  locate(at: JsonPath): { line: number; column: number } | undefined {
    this.located ??= locator(this.text);
    return this.located(at);
  }

  /** `file:line:column: path` of the value at `at`, for `InputError.path`. */
  where(at: JsonPath): string {
    const pos = this.locate(at);
    const file = pos ? `${this.file}:${pos.line}:${pos.column}` : this.file;
    return at.length === 0 ? file : `${file}: ${formatJsonPath(at)}`;
  }

  /** An `InputError` at the value at `at`. */
  error(at: JsonPath, message: string): InputError {
    return new InputError(this.where(at), message);
  }
}

function locator(text: string): (at: JsonPath) => { line: number; column: number } | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false });
  return (at) => locateIn(doc, at, false, (offset) => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  });
}

/**
 * Read and parse JSON file `file` (`what` names it in messages: "CityFlow roadnet").
 * Rejects with `InputError` for an unreadable file (path: the file) or a syntax
 * error (path: `file:line:column`).
 */
export async function readJsonDocument(file: string, what: string, maxBytes = MAX_CITYFLOW_FILE_BYTES): Promise<JsonDocument> {
  const name = shortName(file);
  const problem = await regularFileProblem(file);
  if (problem) throw new InputError(problem.path, `cannot read the ${what} file: ${problem.message.slice(problem.path.length + 2)}`);
  let text: string;
  try {
    const handle = await open(file, 'r');
    try {
      const { size } = await handle.stat();
      if (size > maxBytes) {
        throw new InputError(name, `the ${what} file is ${(size / 2 ** 20).toFixed(0)} MiB, more than the ${(maxBytes / 2 ** 20).toFixed(0)} MiB greenwave reads`);
      }
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new InputError(name, `cannot read the ${what} file (${code})`);
  }
  text = text.replace(/^\uFEFF/, '');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const { offset, message } = jsonSyntaxError(text, (error as Error).message);
    const pos = positionAt(text, offset);
    throw new InputError(`${name}:${pos.line}:${pos.column}`, `the ${what} file is not valid JSON: ${message}`);
  }
  return new JsonDocument(name, text, data);
}

/**
 * Where a JSON syntax error is (offset into `text`) and what it is, from
 * `JSON.parse`'s `message`, without the excerpt of the text V8 quotes.
 * V8 gives a position for most errors; for an unexpected token it does not,
 * and the `yaml` package (with its JSON schema) points at the offending token.
 */
export function jsonSyntaxError(text: string, message: string): { offset: number; message: string } {
  const lineCol = /\(line (\d+) column (\d+)\)/.exec(message);
  const at = /at position (\d+)/.exec(message);
  const what = message
    .replace(/\s*\(line \d+ column \d+\)/, '')
    .replace(/ in JSON at position \d+/, '')
    .replace(/ at position \d+/, '')
    .replace(/^Unexpected token.*$/s, 'unexpected token (not a JSON value, or a value where "," or a closing bracket belongs)');
  let offset: number | undefined;
  if (lineCol) {
    const line = Number(lineCol[1]);
    let start = 0;
    for (let l = 1; l < line && start >= 0; l++) start = text.indexOf('\n', start) + 1;
    offset = Math.max(0, start) + Number(lineCol[2]) - 1;
  } else if (at) {
    offset = Number(at[1]);
  } else {
    const doc = parseDocument(text, { schema: 'json', prettyErrors: false });
    offset = doc.errors[0]?.pos[0];
  }
  return { offset: Math.min(offset ?? text.length, text.length), message: what.charAt(0).toLowerCase() + what.slice(1) };
}

// ---------------------------------------------------------------- typed access

/** Checks values of one document, each failure an `InputError` at its path. */
export class Reader {
  constructor(readonly doc: JsonDocument) {}

  fail(at: JsonPath, message: string): never {
    throw this.doc.error(at, message);
  }

  object(value: unknown, at: JsonPath, what = 'an object'): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(at, `expected ${what}, found ${show(value)}`);
    return value as Record<string, unknown>;
  }

  array(value: unknown, at: JsonPath, what = 'an array'): unknown[] {
    if (!Array.isArray(value)) this.fail(at, `expected ${what}, found ${show(value)}`);
    return value;
  }

  string(value: unknown, at: JsonPath, what = 'a string'): string {
    if (typeof value !== 'string' || value === '') this.fail(at, `expected ${what} (a non-empty string), found ${show(value)}`);
    return value;
  }

  boolean(value: unknown, at: JsonPath): boolean {
    if (typeof value !== 'boolean') this.fail(at, `expected true or false, found ${show(value)}`);
    return value;
  }

  number(value: unknown, at: JsonPath, what = 'a number'): number {
    if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(at, `expected ${what}, found ${show(value)}`);
    return value;
  }

  positive(value: unknown, at: JsonPath, what: string): number {
    const n = this.number(value, at, `${what} (a number > 0)`);
    if (n <= 0) this.fail(at, `expected ${what} (a number > 0), found ${n}`);
    return n;
  }

  nonNegative(value: unknown, at: JsonPath, what: string): number {
    const n = this.number(value, at, `${what} (a number >= 0)`);
    if (n < 0) this.fail(at, `expected ${what} (a number >= 0), found ${n}`);
    return n;
  }

  integer(value: unknown, at: JsonPath, what = 'an integer'): number {
    if (typeof value !== 'number' || !Number.isInteger(value)) this.fail(at, `expected ${what}, found ${show(value)}`);
    return value;
  }

  /** Field `key` of `record` (at `at`), which must be present. */
  field(record: Record<string, unknown>, key: string, at: JsonPath): unknown {
    if (!(key in record)) this.fail(at, `missing required field "${key}"`);
    return record[key];
  }
}
