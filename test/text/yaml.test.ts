/**
 * YAML with bounded aliases (engine/text/yaml.ts): ordinary reuse of anchors
 * loads, expansion that multiplies ("billion laughs") or cycles is refused as
 * the input's problem, at the alias.
 */
import { describe, expect, it } from 'vitest';
import { createYamlLocator, parseYaml } from '../../engine/text/yaml.js';

/** A document with `n` aliases of one anchored mapping. */
function manyAliases(n: number): string {
  const lines = ['base: &phase { greenS: 30, yellowS: 3 }', 'list:'];
  for (let i = 0; i < n; i++) lines.push('  - *phase');
  return `${lines.join('\n')}\n`;
}

/** The classic exponential document: each level lists the previous one ten times. */
function billionLaughs(levels: number): string {
  const lines = ['a: &a ["lol"]'];
  for (let k = 1; k < levels; k++) {
    const prev = String.fromCharCode(96 + k);
    const name = String.fromCharCode(97 + k);
    lines.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(', ')}]`);
  }
  return `${lines.join('\n')}\n`;
}

describe('parseYaml', () => {
  it('loads 1,100 ordinary aliases (the yaml package\'s own maxAliasCount of 1,000 refused them as an attack)', () => {
    const r = parseYaml(manyAliases(1100));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const data = r.data as { list: Array<{ greenS: number }> };
    expect(data.list).toHaveLength(1100);
    expect(data.list[1099]).toEqual({ greenS: 30, yellowS: 3 });
  });

  it('refuses a billion laughs, located at the alias that expands most', () => {
    const text = billionLaughs(10); // 10^9 strings
    const r = parseYaml(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toHaveLength(1);
    const [p] = r.problems;
    expect(p.kind).toBe('aliases');
    expect(p.message).toMatch(/billion laughs/);
    expect(p.message).toMatch(/above the limit of 1,000,000/);
    // The largest alias is the first *i of the last line (10^8 values each).
    expect(p).toMatchObject({ line: 10, column: 8 });
  });

  it('refuses an alias inside the collection it names (a cycle), located', () => {
    const r = parseYaml('a: &x\n  - 1\n  - *x\n');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems[0]).toMatchObject({ kind: 'aliases', line: 3, column: 5, message: expect.stringMatching(/cycle/) });
  });

  it('respects an explicit maxExpandedValues', () => {
    expect(parseYaml(manyAliases(100), { maxExpandedValues: 50 }).ok).toBe(false);
    expect(parseYaml(manyAliases(100), { maxExpandedValues: 1000 }).ok).toBe(true);
  });

  it('reports syntax errors with line and column, and duplicate keys', () => {
    const r = parseYaml('a: 1\na: 2\n');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]).toMatchObject({ kind: 'syntax', line: 2, column: 1, message: expect.stringMatching(/unique/) });
  });

  it('keeps keys named like Object.prototype members as plain keys', () => {
    const r = parseYaml('constructor: 1\n__proto__: 2\ntoString: 3\n');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const data = r.data as Record<string, unknown>;
    expect(Object.keys(data)).toEqual(['constructor', '__proto__', 'toString']);
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
  });
});

describe('createYamlLocator', () => {
  it('locates values and keys, and the nearest enclosing value of a missing path', () => {
    const locate = createYamlLocator('a:\n  b: [1, 2]\n  c:\n');
    expect(locate(['a', 'b', 1])).toEqual({ line: 2, column: 10 });
    expect(locate(['a', 'b'], { key: true })).toEqual({ line: 2, column: 3 });
    expect(locate(['a', 'c'])).toEqual({ line: 3, column: 5 }); // an empty value: where it would be
    expect(locate(['a', 'x'])).toEqual({ line: 2, column: 3 });
  });
});
