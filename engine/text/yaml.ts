/**
 * YAML text: data with bounded aliases, and positions only when something is
 * wrong.
 *
 * The `yaml` package (YAML 1.2) builds a document model with a position for
 * every node; it costs about 30 bytes per byte of text, so {@link parseYaml}
 * keeps only the plain data and {@link createYamlLocator} parses the text again,
 * on first use, when a problem needs a line and column.
 *
 * Aliases are bounded by what they expand to, not by how many there are: a
 * scenario may reuse an anchored phase or link a thousand times, but a document
 * whose aliases multiply (`b: [*a, *a, ...]`, `c: [*b, *b, ...]`: a "billion
 * laughs") or refer to a collection that contains them (a cycle) is refused as
 * the input's problem, at the alias.
 *
 * The package is loaded on first use (JSON inputs never load it).
 */
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import { lineIndex, type Locator, type PathSegment, type SourcePosition } from './position.js';

type YamlModule = typeof Yaml;
let loaded: YamlModule | undefined;

/** The `yaml` package, loaded synchronously on first use (its Node build is CommonJS). */
function yaml(): YamlModule {
  loaded ??= createRequire(import.meta.url)('yaml') as YamlModule;
  return loaded;
}

/** A problem of a YAML text: where (when known) and what. */
export interface YamlProblem {
  line?: number;
  column?: number;
  /** The parser's message, first line only (`Flow sequence in block collection must be sufficiently indented...`). */
  message: string;
  /** `syntax` for grammar errors (duplicate keys included), `aliases` for alias expansion refused. */
  kind: 'syntax' | 'aliases';
}

/** What {@link parseYaml} returns. */
export type YamlParseResult = { ok: true; data: unknown } | { ok: false; problems: YamlProblem[] };

/** Options of {@link parseYaml}. */
export interface YamlOptions {
  /**
   * Most values (scalars, mappings and lists, each counted once per place it
   * appears after aliases are expanded) the data may hold. Default: 1,000,000
   * or 10 times the values written, whichever is larger.
   */
  maxExpandedValues?: number;
}

type Node = Yaml.Node;

/**
 * Values `doc` holds once its aliases are expanded; stops at `limit + 1`.
 * Returns the count, or the alias that refers to a collection containing it.
 */
function expandedSize(doc: Yaml.Document.Parsed, limit: number): { size: number; written: number; largest?: Yaml.Alias; cycle?: Yaml.Alias } {
  const Y = yaml();
  const anchors = new Map<string, Node>();
  const size = new Map<Node, number>();
  const open = new Set<Node>();
  let written = 0;
  let largest: Yaml.Alias | undefined;
  let largestSize = -1;
  let cycle: Yaml.Alias | undefined;
  const visit = (node: unknown): number => {
    if (cycle !== undefined || node === null || typeof node !== 'object') return node === null || node === undefined ? 0 : 1;
    if (Y.isAlias(node)) {
      written++;
      const target = anchors.get(node.source);
      if (target === undefined) return 1; // an unknown anchor is a syntax error the parser reports
      if (open.has(target)) {
        cycle = node;
        return 0;
      }
      const n = size.get(target) ?? visit(target);
      if (n > largestSize) [largest, largestSize] = [node, n];
      return n;
    }
    const n0 = node as Node;
    if (typeof n0.anchor === 'string') anchors.set(n0.anchor, n0);
    const known = size.get(n0);
    if (known !== undefined) return known;
    open.add(n0);
    let total = 1;
    if (Y.isMap(node)) {
      for (const pair of node.items) {
        total += visit(pair.key) + visit(pair.value);
        if (total > limit) break;
      }
    } else if (Y.isSeq(node)) {
      for (const item of node.items) {
        total += visit(item);
        if (total > limit) break;
      }
    }
    written++;
    open.delete(n0);
    size.set(n0, total);
    return total;
  };
  const total = visit(doc.contents);
  return { size: total, written, largest, cycle };
}

/** Position of the start of `node` (through `toPosition`), if it has a range. */
function positionOf(node: { range?: unknown } | undefined, toPosition: (offset: number) => SourcePosition): SourcePosition | undefined {
  const range = node?.range;
  return Array.isArray(range) && typeof range[0] === 'number' ? toPosition(range[0]) : undefined;
}

/**
 * Parse YAML `text` (keys must be unique) into plain data, refusing aliases that
 * expand beyond the limit or form a cycle. Problems carry line and column.
 */
export function parseYaml(text: string, options: YamlOptions = {}): YamlParseResult {
  const Y = yaml();
  const lineCounter = new Y.LineCounter();
  const doc = Y.parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => {
        const at = e.linePos?.[0];
        return { line: at?.line, column: at?.col, kind: 'syntax' as const, message: e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '') };
      }),
    };
  }
  const toPosition = (offset: number): SourcePosition => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const probe = expandedSize(doc, Number.MAX_SAFE_INTEGER);
  const limit = options.maxExpandedValues ?? Math.max(1_000_000, 10 * probe.written);
  if (probe.cycle !== undefined) {
    const at = positionOf(probe.cycle, toPosition);
    return { ok: false, problems: [{ ...at, kind: 'aliases', message: `the alias *${probe.cycle.source} refers to a mapping or list that contains it, so it never ends (a cycle)` }] };
  }
  if (probe.size > limit) {
    const at = positionOf(probe.largest, toPosition);
    const name = probe.largest === undefined ? '' : ` (the largest, *${probe.largest.source}, is here)`;
    return {
      ok: false,
      problems: [{
        ...at,
        kind: 'aliases',
        message: `aliases expand this document from ${probe.written.toLocaleString('en')} values to ${probe.size >= Number.MAX_SAFE_INTEGER ? 'more than 9e15' : probe.size.toLocaleString('en')}, above the limit of ${limit.toLocaleString('en')}${name}: aliases that multiply like this (a "billion laughs") are refused`,
      }],
    };
  }
  return { ok: true, data: doc.toJS({ maxAliasCount: -1 }) };
}

/** Position of the node at `path` in `doc` (of its key with `key`), or of its nearest enclosing node. */
export function locateIn(doc: Yaml.Document, path: readonly PathSegment[], key: boolean, toPosition: (offset: number) => SourcePosition): SourcePosition | undefined {
  const Y = yaml();
  let node: unknown = doc.contents;
  let found: Node | null = Y.isNode(node) ? node : null;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    if (Y.isMap(node)) {
      const pair = node.items.find((p) => Y.isPair(p) && (Y.isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(seg));
      if (pair === undefined) break;
      // The key itself when asked for, or when there is no value (`lengthM:`).
      if ((key && i === path.length - 1) || !Y.isNode(pair.value)) {
        if (Y.isNode(pair.key)) found = pair.key;
        break;
      }
      node = found = pair.value;
    } else if (Y.isSeq(node) && typeof seg === 'number') {
      const item: unknown = node.items[seg];
      if (!Y.isNode(item)) break;
      node = found = item;
    } else {
      break;
    }
  }
  return positionOf(found ?? undefined, toPosition);
}

/**
 * A {@link Locator} over YAML `text`: the first lookup parses the text with
 * positions (and keeps that document for later lookups).
 */
export function createYamlLocator(text: string): Locator {
  let doc: Yaml.Document | undefined;
  let toPosition: ((offset: number) => SourcePosition) | undefined;
  return (path, options) => {
    if (doc === undefined || toPosition === undefined) {
      doc = yaml().parseDocument(text, { uniqueKeys: false });
      toPosition = lineIndex(text);
    }
    return locateIn(doc, path, options?.key === true, toPosition);
  };
}
