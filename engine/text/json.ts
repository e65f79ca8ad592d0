/**
 * JSON text with positions computed only when something is wrong.
 *
 * The data itself always comes from `JSON.parse` (native, and the fastest way to
 * read JSON in Node). What `JSON.parse` cannot say is where things are:
 * - {@link parseJson} locates a syntax error at the character where the JSON
 *   grammar breaks (V8's messages give no position for some errors, and quote
 *   the input's first characters, which may be private), with a message that
 *   quotes at most one character of the input;
 * - {@link createJsonLocator} maps a path in the parsed data to the line and
 *   column of its value, by scanning the text lazily: the first lookup into an
 *   object or array indexes its direct children once (their offsets), later
 *   lookups reuse that index. Memory is proportional to the containers on the
 *   paths asked for, never to the whole document;
 * - {@link jsonMemberCount} (or {@link colonCount}, given the colons inside the
 *   data's strings) and {@link findDuplicateKey} find a key given twice in one
 *   object (`JSON.parse` silently keeps the last one).
 *
 * Every scanner here is iterative: a deeply nested text cannot overflow the stack.
 */
import { lineIndex, type Locator, type PathSegment } from './position.js';

/** A JSON syntax error: character offset and what was wrong there. */
export interface JsonSyntaxError {
  offset: number;
  message: string;
}

/** What {@link parseJson} returns: the data, or the located syntax error. */
export type JsonParseResult = { ok: true; data: unknown } | { ok: false; error: JsonSyntaxError };

const QUOTE = 34;
const BACKSLASH = 92;
const COLON = 58;
const COMMA = 44;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;

function isWhitespace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

function skipWhitespace(text: string, i: number): number {
  while (i < text.length && isWhitespace(text.charCodeAt(i))) i++;
  return i;
}

/** One character of the input as a message shows it (`"x"`, `"\n"`), or `the end of the text`. */
function foundAt(text: string, i: number): string {
  if (i >= text.length) return 'the end of the text';
  const code = text.codePointAt(i) ?? 0;
  return JSON.stringify(String.fromCodePoint(code));
}

/** Offset just past the string starting at `i` (a quote), or a syntax error. */
function scanString(text: string, i: number): number | JsonSyntaxError {
  const start = i;
  for (i++; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) return i + 1;
    if (c < 32) return { offset: i, message: `expected a character or a closing '"' in a string, found the control character ${foundAt(text, i)} (write it as an escape such as \\n)` };
    if (c === BACKSLASH) {
      const e = text.charCodeAt(i + 1);
      if (e === 117 /* u */) {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return { offset: i, message: 'expected four hexadecimal digits after \\u in a string' };
        i += 5;
      } else if (e === QUOTE || e === BACKSLASH || e === 47 || e === 98 || e === 102 || e === 110 || e === 114 || e === 116) {
        i++;
      } else {
        return { offset: i, message: `expected an escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX) after a backslash, found ${foundAt(text, i + 1)}` };
      }
    }
  }
  return { offset: start, message: "a string starts here and is never closed (no closing '\"')" };
}

function scanDigits(text: string, i: number): number {
  while (i < text.length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
  return i;
}

/** Offset just past the number starting at `i`, or a syntax error. */
function scanNumber(text: string, i: number): number | JsonSyntaxError {
  if (text.charCodeAt(i) === 45 /* - */) i++;
  const c = text.charCodeAt(i);
  if (c === 48 /* 0 */) i++;
  else if (c >= 49 && c <= 57) i = scanDigits(text, i);
  else return { offset: i, message: `expected a digit, found ${foundAt(text, i)}` };
  if (text.charCodeAt(i) === 46 /* . */) {
    const after = scanDigits(text, i + 1);
    if (after === i + 1) return { offset: i + 1, message: `expected a digit after the decimal point, found ${foundAt(text, i + 1)}` };
    i = after;
  }
  const e = text.charCodeAt(i);
  if (e === 101 || e === 69) {
    i++;
    if (text.charCodeAt(i) === 43 || text.charCodeAt(i) === 45) i++;
    const after = scanDigits(text, i);
    if (after === i) return { offset: i, message: `expected a digit in the exponent, found ${foundAt(text, i)}` };
    i = after;
  }
  return i;
}

/**
 * Where `JSON.parse` fails on `text` and why, or `undefined` when `text` is one
 * valid JSON value (RFC 8259). Messages quote at most one character.
 */
export function jsonSyntaxError(text: string): JsonSyntaxError | undefined {
  const stack: number[] = []; // OPEN_BRACE or OPEN_BRACKET per open container
  let i = skipWhitespace(text, 0);
  let step: number | JsonSyntaxError;
  for (;;) {
    // A value starts at i.
    const c = text.charCodeAt(i);
    let opened = false;
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      i = skipWhitespace(text, i + 1);
      const close = c === OPEN_BRACE ? CLOSE_BRACE : CLOSE_BRACKET;
      if (text.charCodeAt(i) === close) {
        i++;
      } else {
        stack.push(c);
        opened = true;
        if (c === OPEN_BRACE) {
          const key = member(text, i);
          if (typeof key !== 'number') return key;
          i = key;
        }
      }
    } else if (c === QUOTE) {
      step = scanString(text, i);
      if (typeof step !== 'number') return step;
      i = step;
    } else if (c === 45 || (c >= 48 && c <= 57)) {
      step = scanNumber(text, i);
      if (typeof step !== 'number') return step;
      i = step;
    } else if (text.startsWith('true', i)) {
      i += 4;
    } else if (text.startsWith('false', i)) {
      i += 5;
    } else if (text.startsWith('null', i)) {
      i += 4;
    } else {
      return { offset: i, message: `expected a value (an object, array, string, number, true, false or null), found ${foundAt(text, i)}` };
    }
    if (opened) continue;
    // After a value: close containers, or move to the next element.
    for (;;) {
      i = skipWhitespace(text, i);
      const top = stack[stack.length - 1];
      if (top === undefined) {
        return i < text.length ? { offset: i, message: `expected the end of the text after the JSON value, found ${foundAt(text, i)}` } : undefined;
      }
      const d = text.charCodeAt(i);
      const close = top === OPEN_BRACE ? CLOSE_BRACE : CLOSE_BRACKET;
      if (d === close) {
        stack.pop();
        i++;
        continue;
      }
      if (d !== COMMA) {
        return top === OPEN_BRACE
          ? { offset: i, message: `expected ',' or '}' after a property value, found ${foundAt(text, i)}` }
          : { offset: i, message: `expected ',' or ']' after an array element, found ${foundAt(text, i)}` };
      }
      i = skipWhitespace(text, i + 1);
      if (top === OPEN_BRACE) {
        const key = member(text, i);
        if (typeof key !== 'number') return key;
        i = key;
      }
      break;
    }
  }
}

/** Scan `"key" :` at `i` (whitespace skipped); the offset of the value after it, or a syntax error. */
function member(text: string, i: number): number | JsonSyntaxError {
  if (text.charCodeAt(i) !== QUOTE) return { offset: i, message: `expected a double-quoted property name, found ${foundAt(text, i)}` };
  const end = scanString(text, i);
  if (typeof end !== 'number') return end;
  const colon = skipWhitespace(text, end);
  if (text.charCodeAt(colon) !== COLON) return { offset: colon, message: `expected ':' after a property name, found ${foundAt(text, colon)}` };
  return skipWhitespace(text, colon + 1);
}

/** Character offset of a V8 `JSON.parse` message (`at position 12` or `(line 2 column 5)`), if it gives one. */
function v8Offset(text: string, message: string): number | undefined {
  const offset = /at position (\d+)/.exec(message);
  if (offset) return Number(offset[1]);
  const lineCol = /\(line (\d+) column (\d+)\)/.exec(message);
  if (!lineCol) return undefined;
  let at = 0;
  for (let line = 1; line < Number(lineCol[1]); line++) at = text.indexOf('\n', at) + 1;
  return at + Number(lineCol[2]) - 1;
}

/** `JSON.parse(text)`, with a located syntax error instead of an exception. */
export function parseJson(text: string): JsonParseResult {
  try {
    return { ok: true, data: JSON.parse(text) };
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    const located = jsonSyntaxError(text);
    if (located) return { ok: false, error: located };
    // The grammar holds but V8 refused it anyway (a limit of the engine): keep its position, not its words.
    return { ok: false, error: { offset: v8Offset(text, error.message) ?? 0, message: 'JSON.parse refused the text although its grammar is valid' } };
  }
}

/** Offset just past the (valid) JSON value starting at `i`. */
function skipValue(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === QUOTE) return skipString(text, i);
  if (c !== OPEN_BRACE && c !== OPEN_BRACKET) {
    while (i < text.length) {
      const d = text.charCodeAt(i);
      if (d === COMMA || d === CLOSE_BRACE || d === CLOSE_BRACKET || isWhitespace(d)) break;
      i++;
    }
    return i;
  }
  let depth = 0;
  for (; i < text.length; i++) {
    const d = text.charCodeAt(i);
    if (d === QUOTE) i = skipString(text, i) - 1;
    else if (d === OPEN_BRACE || d === OPEN_BRACKET) depth++;
    else if (d === CLOSE_BRACE || d === CLOSE_BRACKET) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return i;
}

/** Offset just past the (valid) string starting at `i`. */
function skipString(text: string, i: number): number {
  for (i++; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i + 1;
  }
  return i;
}

/** The key of the (valid) string at `start`..`end` (quotes included), escapes decoded. */
function keyText(text: string, start: number, end: number): string {
  const raw = text.slice(start + 1, end - 1);
  return raw.includes('\\') ? (JSON.parse(text.slice(start, end)) as string) : raw;
}

interface Member {
  key: number;
  value: number;
}

/** The direct members of the (valid) object at `start`: key -> offsets of its key and value (the first, if given twice). */
function objectMembers(text: string, start: number): Map<string, Member> {
  const members = new Map<string, Member>();
  let i = skipWhitespace(text, start + 1);
  while (i < text.length && text.charCodeAt(i) === QUOTE) {
    const keyEnd = skipString(text, i);
    const key = keyText(text, i, keyEnd);
    const value = skipWhitespace(text, skipWhitespace(text, keyEnd) + 1);
    if (!members.has(key)) members.set(key, { key: i, value });
    i = skipWhitespace(text, skipValue(text, value));
    if (text.charCodeAt(i) !== COMMA) break;
    i = skipWhitespace(text, i + 1);
  }
  return members;
}

/** Offsets of the direct elements of the (valid) array at `start`. */
function arrayItems(text: string, start: number): number[] {
  const items: number[] = [];
  let i = skipWhitespace(text, start + 1);
  if (text.charCodeAt(i) === CLOSE_BRACKET) return items;
  while (i < text.length) {
    items.push(i);
    i = skipWhitespace(text, skipValue(text, i));
    if (text.charCodeAt(i) !== COMMA) break;
    i = skipWhitespace(text, i + 1);
  }
  return items;
}

/**
 * A {@link Locator} over valid JSON `text` (the text `JSON.parse` read): the
 * position of the value at a path (of its key with `key: true`), or of the
 * nearest enclosing value; `undefined` for empty text. Containers on the paths
 * asked for are indexed once, on first use.
 */
export function createJsonLocator(text: string): Locator {
  const toPosition = lineIndex(text);
  const objects = new Map<number, Map<string, Member>>();
  const arrays = new Map<number, number[]>();
  return (path: readonly PathSegment[], options?: { key?: boolean }) => {
    let at = skipWhitespace(text, 0);
    if (at >= text.length) return undefined;
    let found = at;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i];
      const c = text.charCodeAt(at);
      if (c === OPEN_BRACE) {
        let members = objects.get(at);
        if (members === undefined) objects.set(at, (members = objectMembers(text, at)));
        const member = members.get(String(seg));
        if (member === undefined) break;
        if (options?.key === true && i === path.length - 1) {
          found = member.key;
          break;
        }
        at = found = member.value;
      } else if (c === OPEN_BRACKET && typeof seg === 'number') {
        let items = arrays.get(at);
        if (items === undefined) arrays.set(at, (items = arrayItems(text, at)));
        const item = items[seg];
        if (item === undefined) break;
        at = found = item;
      } else {
        break;
      }
    }
    return toPosition(found);
  };
}

/**
 * Number of object members (`"key": value` pairs) written in valid JSON `text`:
 * the colons outside strings. Compared with the keys of the parsed data, it
 * tells whether a key was given twice in one object.
 */
export function jsonMemberCount(text: string): number {
  let n = 0;
  for (let i = 0, len = text.length; i < len; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      for (i++; i < len; i++) {
        const d = text.charCodeAt(i);
        if (d === BACKSLASH) i++;
        else if (d === QUOTE) break;
      }
    } else if (c === COLON) {
      n++;
    }
  }
  return n;
}

/**
 * Every colon of `text`, inside strings or not, found natively by `indexOf`
 * (`text.match(/:/g)` built an array of one string per colon: a tenth of a
 * second and its garbage on a 1 MB scenario).
 */
export function colonCount(text: string): number {
  let n = 0;
  for (let i = text.indexOf(':'); i !== -1; i = text.indexOf(':', i + 1)) n++;
  return n;
}

/** The first key given twice in one object of valid JSON `text` (offset of its second occurrence), or `undefined`. */
export function findDuplicateKey(text: string): { key: string; offset: number } | undefined {
  const open: Array<Set<string> | null> = []; // a key set per open object, null per open array
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = skipString(text, i);
      const keys = open[open.length - 1];
      const next = skipWhitespace(text, end);
      if (keys && text.charCodeAt(next) === COLON) {
        const key = keyText(text, i, end);
        if (keys.has(key)) return { key, offset: i };
        keys.add(key);
      }
      i = end - 1;
    } else if (c === OPEN_BRACE) {
      open.push(new Set());
    } else if (c === OPEN_BRACKET) {
      open.push(null);
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      open.pop();
    }
  }
  return undefined;
}
