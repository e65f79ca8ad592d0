/**
 * JSON text with lazy positions (engine/text/json.ts). The references: V8's
 * `JSON.parse` for what is valid JSON (RFC 8259), and the `yaml` package's
 * document model (which the loader used for every position before) for where
 * each value is.
 */
import fc from 'fast-check';
import { LineCounter, parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { colonCount, createJsonLocator, findDuplicateKey, jsonMemberCount, jsonSyntaxError, parseJson } from '../../engine/text/json.js';
import { lineIndex, positionAt, type PathSegment } from '../../engine/text/position.js';
import { locateIn } from '../../engine/text/yaml.js';

/** Line and column of a syntax error of `text`. */
function errorAt(text: string): { line: number; column: number; message: string } {
  const r = parseJson(text);
  if (r.ok) throw new Error('expected a syntax error');
  return { ...positionAt(text, r.error.offset), message: r.error.message };
}

describe('parseJson', () => {
  it('returns the data of valid JSON', () => {
    expect(parseJson('{"a": [1, 2.5e3, "x\\n", true, null]}')).toEqual({ ok: true, data: { a: [1, 2500, 'x\n', true, null] } });
  });

  it('locates a missing comma at the next key, not at the end of the text', () => {
    const text = '{\n  "name": "tiny",\n  "network": {\n    "generator": "grid"\n    "rows": 2\n  }\n}\n';
    expect(errorAt(text)).toMatchObject({ line: 5, column: 5, message: expect.stringMatching(/expected ',' or '}' after a property value, found "\\""/) });
  });

  it('locates an unexpected token where it is (V8 gives no position for it) and quotes one character, never the input', () => {
    const text = '{\n  "name": "x",\n  "network": root:x:0:0:root:/root:/bin/bash\n}\n';
    const e = errorAt(text);
    expect(e).toMatchObject({ line: 3, column: 14 });
    expect(e.message).toBe('expected a value (an object, array, string, number, true, false or null), found "r"');
    expect(e.message).not.toContain('root:x');
  });

  it('locates a trailing comma, an unclosed string, a bad escape, a bad number, text after the value', () => {
    expect(errorAt('{\n  "a": 1,\n}')).toMatchObject({ line: 3, column: 1, message: expect.stringMatching(/double-quoted property name/) });
    expect(errorAt('[1, 2,]')).toMatchObject({ line: 1, column: 7 });
    expect(errorAt('{"a": "open\n}')).toMatchObject({ line: 1, column: 12, message: expect.stringMatching(/control character/) });
    expect(errorAt('{"a": "open}')).toMatchObject({ line: 1, column: 7, message: expect.stringMatching(/never closed/) });
    expect(errorAt('["\\q"]')).toMatchObject({ line: 1, column: 3, message: expect.stringMatching(/escape/) });
    expect(errorAt('[1.]')).toMatchObject({ line: 1, column: 4, message: expect.stringMatching(/digit after the decimal point/) });
    expect(errorAt('{} {}')).toMatchObject({ line: 1, column: 4, message: expect.stringMatching(/end of the text/) });
    expect(errorAt('')).toMatchObject({ line: 1, column: 1, message: expect.stringMatching(/found the end of the text/) });
  });

  it('jsonSyntaxError: valid exactly when JSON.parse accepts (property: JSON texts with one character inserted, deleted or replaced)', () => {
    const edited = fc.tuple(fc.json(), fc.nat(), fc.constantFrom('insert', 'delete', 'replace'), fc.constantFrom(...'{}[]:,"\\ 0-1.eEtfnx\n'.split('')))
      .map(([text, at, op, ch]) => {
        const i = text.length === 0 ? 0 : at % text.length;
        if (op === 'insert') return text.slice(0, i) + ch + text.slice(i);
        if (op === 'delete') return text.slice(0, i) + text.slice(i + 1);
        return text.slice(0, i) + ch + text.slice(i + 1);
      });
    fc.assert(fc.property(edited, (text) => {
      let valid = true;
      try {
        JSON.parse(text);
      } catch {
        valid = false;
      }
      expect(jsonSyntaxError(text) === undefined).toBe(valid);
    }), { numRuns: 3000, seed: 24 });
  });

  it('scans a deeply nested text without overflowing the stack', () => {
    const deep = `${'['.repeat(200_000)}1${']'.repeat(199_999)}`;
    expect(jsonSyntaxError(deep)).toMatchObject({ offset: deep.length, message: expect.stringMatching(/found the end of the text/) });
  });
});

/** Every path into `data` (objects by key, arrays by index). */
function pathsOf(data: unknown, prefix: PathSegment[] = [], out: PathSegment[][] = []): PathSegment[][] {
  out.push(prefix);
  if (Array.isArray(data)) data.forEach((v, i) => pathsOf(v, [...prefix, i], out));
  else if (typeof data === 'object' && data !== null) for (const [k, v] of Object.entries(data)) pathsOf(v, [...prefix, k], out);
  return out;
}

describe('createJsonLocator', () => {
  it('agrees with the yaml document model on every value and key of any JSON document (property)', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 4 }), fc.boolean(), (value, pretty) => {
      const text = JSON.stringify(value, null, pretty ? 2 : undefined);
      const data = JSON.parse(text) as unknown;
      const locate = createJsonLocator(text);
      const lineCounter = new LineCounter();
      const doc = parseDocument(text, { lineCounter, uniqueKeys: false });
      const toPosition = (offset: number) => {
        const p = lineCounter.linePos(offset);
        return { line: p.line, column: p.col };
      };
      for (const path of pathsOf(data)) {
        for (const key of [false, true]) expect(locate(path, { key }), JSON.stringify(path)).toEqual(locateIn(doc, path, key, toPosition));
      }
    }), { numRuns: 300, seed: 25 });
  });

  it('points at the nearest enclosing value for a path that does not exist, and finds keys with escapes', () => {
    const text = '{\n  "a": {"b": [10, 20]},\n  "c\\u0041": 1\n}';
    const locate = createJsonLocator(text);
    expect(locate(['a', 'b', 7])).toEqual({ line: 2, column: 14 }); // the list: it has no element 7
    expect(locate(['a', 'zz'])).toEqual({ line: 2, column: 8 });
    expect(locate(['cA'])).toEqual({ line: 3, column: 14 });
    expect(locate(['cA'], { key: true })).toEqual({ line: 3, column: 3 });
    expect(createJsonLocator('  ')([])).toBeUndefined();
  });

  it('lineIndex gives the same positions as positionAt', () => {
    const text = 'ab\n\ncd\r\nef';
    const index = lineIndex(text);
    for (let i = 0; i <= text.length + 2; i++) expect(index(i)).toEqual(positionAt(text, i));
  });
});

describe('duplicate keys', () => {
  it('jsonMemberCount counts the colons outside strings; findDuplicateKey finds the second occurrence', () => {
    const text = '{"a": "x:y", "b": {"a": 1, "c": [{"d": 2}]}, "b": 3}';
    expect(jsonMemberCount(text)).toBe(6);
    expect(findDuplicateKey(text)).toEqual({ key: 'b', offset: text.lastIndexOf('"b"') });
    expect(findDuplicateKey('{"a": {"a": 1}, "b": [{"a": 1}, {"a": 2}]}')).toBeUndefined();
    expect(findDuplicateKey('{"\\u0061": 1, "a": 2}')).toEqual({ key: 'a', offset: 14 });
  });

  it('colonCount counts every colon, inside strings too (colons outside strings = colonCount - colons in the data\'s strings)', () => {
    expect(colonCount('')).toBe(0);
    expect(colonCount(':')).toBe(1);
    expect(colonCount('{"a": "x:y", "b": {"t": "07:00:00"}}')).toBe(6);
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom(':', 'a', '"', ' ', '\u00e9') }), (text) => {
      expect(colonCount(text)).toBe(text.split(':').length - 1);
    }), { numRuns: 300, seed: 7 });
  });
});
