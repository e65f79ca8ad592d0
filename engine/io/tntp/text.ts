/**
 * Reading TNTP text files (the Transportation Networks for Research format,
 * github.com/bstabler/TransportationNetworks): lines, `~` comments, the
 * `<KEY> value` metadata block closed by `<END OF METADATA>`, whitespace-separated
 * tokens with their columns, and located errors.
 *
 * Every problem is an `InputError` whose path is `file:line:column`, so a user
 * sees exactly which value of which file is wrong (`Chicago_net.tntp:14:20:
 * link 1-547: capacity: expected a number > 0, found "-3"`).
 */
import { InputError } from '../../errors.js';
import { readTextFile } from '../../text/read.js';

/** A token of a line: its text and 1-based column. */
export interface Token {
  text: string;
  column: number;
}

/** A TNTP file split into lines, with its metadata read. */
export class TntpText {
  /** The file, as the caller named it. */
  readonly file: string;
  /** Lines without their line ends. */
  readonly lines: string[];
  /** Metadata values by upper-case key without brackets (`NUMBER OF ZONES`), with the line each came from. */
  readonly metadata = new Map<string, { value: string; line: number }>();
  /** 0-based index of the first line after the metadata block. */
  readonly bodyStart: number;

  constructor(file: string, text: string) {
    this.file = file;
    this.lines = text.split(/\r?\n/);
    let i = 0;
    let closed = false;
    for (; i < this.lines.length; i++) {
      const line = this.lines[i].trim();
      if (line === '' || line.startsWith('~')) continue;
      const match = /^<([^>]*)>\s*(.*)$/.exec(line);
      if (match === null) break; // a file without a metadata block (or its end): data starts here
      const key = match[1].trim().toUpperCase();
      if (key === 'END OF METADATA') {
        closed = true;
        i++;
        break;
      }
      this.metadata.set(key, { value: match[2].trim(), line: i + 1 });
    }
    this.bodyStart = closed || this.metadata.size > 0 ? i : 0;
  }

  /** The located error `file:line[:column]: message`. */
  error(line: number, column: number | undefined, message: string): InputError {
    return new InputError(column === undefined ? `${this.file}:${line}` : `${this.file}:${line}:${column}`, message);
  }

  /** `file:line` for warnings. */
  where(line: number): string {
    return `${this.file}:${line}`;
  }

  /** A metadata value as an integer >= `min`, or undefined when absent; throws a located error when malformed. */
  metaInteger(key: string, min: number): number | undefined {
    const entry = this.metadata.get(key);
    if (entry === undefined) return undefined;
    const n = Number(entry.value);
    if (entry.value === '' || !Number.isInteger(n) || n < min) {
      throw this.error(entry.line, undefined, `<${key}>: expected an integer >= ${min}, found ${JSON.stringify(entry.value)}`);
    }
    return n;
  }

  /** A metadata value as a finite number, or undefined when absent. */
  metaNumber(key: string): number | undefined {
    const entry = this.metadata.get(key);
    if (entry === undefined) return undefined;
    const n = Number(entry.value);
    if (entry.value === '' || !Number.isFinite(n)) throw this.error(entry.line, undefined, `<${key}>: expected a number, found ${JSON.stringify(entry.value)}`);
    return n;
  }
}

/** The whitespace-separated tokens of `text` (one line, or the part of it before `;`), with 1-based columns. */
export function tokens(text: string, offset = 0): Token[] {
  const out: Token[] = [];
  const re = /[^\s;]+/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) out.push({ text: m[0], column: offset + m.index + 1 });
  return out;
}

/** Read `file` as a `TntpText`; `what` names it in errors (`network`, `trip table`, ...). */
export async function readTntp(file: string, what: string): Promise<TntpText> {
  return new TntpText(file, await readTextFile(file, { format: 'text', what: `TNTP ${what} file` }));
}

/**
 * The data rows of a node or flow file: each non-blank, non-comment line after
 * the metadata as tokens (the part before any `;`), with its 1-based line number;
 * a first row that does not start with a number is the column header and skipped.
 */
export function* dataRows(src: TntpText): Generator<{ line: number; toks: Token[] }> {
  let first = true;
  for (let i = src.bodyStart; i < src.lines.length; i++) {
    const raw = src.lines[i];
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('~')) continue;
    const semi = raw.indexOf(';');
    const toks = tokens(semi < 0 ? raw : raw.slice(0, semi));
    if (toks.length === 0) continue;
    const header = first && !/^[-+]?[0-9]/.test(toks[0].text);
    first = false;
    if (!header) yield { line: i + 1, toks };
  }
}

/** Parse token `t` of line `line` as a finite number, checking `test`; `expected` says what it must be. */
export function numberAt(src: TntpText, line: number, t: Token, field: string, expected: string, test: (x: number) => boolean, context: string): number {
  const x = Number(t.text);
  if (!Number.isFinite(x) || !test(x)) throw src.error(line, t.column, `${context}${field}: expected ${expected}, found ${JSON.stringify(t.text)}`);
  return x;
}
