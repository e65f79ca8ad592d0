/**
 * Reading CityFlow's JSON files (config, roadnet, flow) with errors that point
 * at the file, line, column and JSON path of the offending value, for example
 * `roadnet.json:812:25: intersections[3].roadLinks[2].startRoad: expected a road id of the roadnet, found "road_9_9_0"`.
 *
 * The fast path is `JSON.parse` (CityFlow's own reader, rapidjson, also reads
 * whole documents). Positions are only needed when something is wrong, so the
 * lazy JSON locator of engine/text indexes the text only when the first error
 * is raised.
 *
 * Bounds: files are read by engine/text's bounded reader (regular files only: a
 * directory, FIFO or device is refused before it is read; at most the JSON size
 * cap). A syntax error names the line and column of the offending character and
 * never quotes the file's text (a wrong file given by mistake, such as a
 * password file, is not echoed).
 */
import { InputError } from '../../errors.js';
import { createJsonLocator, parseJson } from '../../text/json.js';
import { positionAt, type SourcePosition } from '../../text/position.js';
import { readTextFile, shortName } from '../../text/read.js';

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
  private located: ((at: JsonPath) => SourcePosition | undefined) | undefined;

  /**
   * @param file the file as the caller named it (used in messages)
   * @param text its text
   * @param data the parsed value
   */
  constructor(readonly file: string, readonly text: string, readonly data: unknown) {}

  /** Line and column (1-based) of the value at `at`, or of its nearest enclosing value. */
  locate(at: JsonPath): { line: number; column: number } | undefined {
    this.located ??= createJsonLocator(this.text);
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

/**
 * Read and parse JSON file `file` (`what` names it in messages: "CityFlow roadnet").
 * Rejects with `InputError` for an unreadable file (path: the file) or a syntax
 * error (path: `file:line:column`).
 */
export async function readJsonDocument(file: string, what: string, maxBytes?: number): Promise<JsonDocument> {
  const text = await readTextFile(file, { format: 'json', what: `${what} file`, ...(maxBytes !== undefined ? { maxBytes } : {}) });
  const parsed = parseJson(text);
  if (!parsed.ok) {
    const pos = positionAt(text, parsed.error.offset);
    throw new InputError(`${shortName(file)}:${pos.line}:${pos.column}`, `the ${what} file is not valid JSON: ${parsed.error.message}`);
  }
  return new JsonDocument(shortName(file), text, parsed.data);
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
