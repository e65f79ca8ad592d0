/**
 * Seeded mutators for the fuzzer: from a valid input file, an input a careless
 * or hostile user might give. Structure-aware where the format is text
 * (numbers and ids swapped for boundary values, elements and lines duplicated
 * or dropped, JSON and YAML values retyped or removed) and byte-level always
 * (flips, cuts, duplicated ranges, truncation), so parsers see both nearly
 * valid and broken input. Every choice comes from the given random stream: a
 * case is reproduced from its seed alone.
 */
import { parseDocument, isMap, isSeq, isScalar, type Node } from 'yaml';
import type { RandomStream } from '../../engine/demand/random.js';

/** Numbers at the edges of what fields accept, and beyond. */
export const INTERESTING_NUMBERS = [
  '0', '-0', '-1', '1', '0.5', '1e-9', '-1e-9', '1e-300', '1e12', '1e308', '-1e308', '2147483648', '4294967296', '9007199254740993',
  'NaN', 'Infinity', '-Infinity', '3600', '86400', '1e6', '0.0001', '65536', '100000', '7.5', '-7.5',
] as const;

/** Strings that have broken parsers and lookups before. */
export const INTERESTING_STRINGS = [
  '', ' ', 'constructor', '__proto__', 'prototype', 'toString', 'hasOwnProperty', '<script>alert(1)</script>', '"onload=', '..', '../../etc/passwd',
  'a>b', 'a:b', 'é', '交通', '\u0000', '\\', 'null', 'true', '-', '#', '&amp;', '%s%n', 'x'.repeat(5000),
] as const;

const pick = <T>(random: RandomStream, list: readonly T[]): T => list[Math.floor(random.next() * list.length)];
const int = (random: RandomStream, n: number): number => Math.floor(random.next() * n);

/** Byte-level damage: flip, delete, duplicate, insert or truncate. */
export function mutateBytes(data: Uint8Array, random: RandomStream): Uint8Array {
  const bytes = Buffer.from(data);
  if (bytes.length === 0) return Buffer.from([int(random, 256)]);
  const at = int(random, bytes.length);
  const span = 1 + int(random, Math.min(64, bytes.length - at));
  switch (int(random, 6)) {
    case 0: { // flip bits of a few bytes
      const out = Buffer.from(bytes);
      for (let i = 0; i < 1 + int(random, 4); i++) out[int(random, out.length)] ^= 1 << int(random, 8);
      return out;
    }
    case 1: return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + span)]);
    case 2: return Buffer.concat([bytes.subarray(0, at + span), bytes.subarray(at, at + span), bytes.subarray(at + span)]);
    case 3: return Buffer.concat([bytes.subarray(0, at), Buffer.from(Array.from({ length: 1 + int(random, 16) }, () => int(random, 256))), bytes.subarray(at)]);
    case 4: return bytes.subarray(0, at);
    default: { // a run of one byte (long tokens, deep nesting)
      const run = Buffer.alloc(1 + int(random, 20_000), pick(random, [0x3c, 0x5b, 0x7b, 0x22, 0x30, 0x20, 0x0a, 0x41]));
      return Buffer.concat([bytes.subarray(0, at), run, bytes.subarray(at)]);
    }
  }
}

/** Text-level edits: numbers and tokens swapped for boundary values, lines duplicated, dropped or swapped. */
export function mutateText(text: string, random: RandomStream): string {
  const lines = text.split('\n');
  switch (int(random, 7)) {
    case 0:
    case 1: { // a number -> an interesting one
      const numbers = [...text.matchAll(/-?\d+(?:\.\d+)?(?:e[+-]?\d+)?/gi)];
      if (numbers.length === 0) break;
      const m = pick(random, numbers);
      return text.slice(0, m.index) + pick(random, INTERESTING_NUMBERS) + text.slice((m.index ?? 0) + m[0].length);
    }
    case 2: { // a quoted value or an identifier -> an interesting string
      const tokens = [...text.matchAll(/"([^"\n]{0,80})"|'([^'\n]{0,80})'|\b([A-Za-z_][\w.-]{0,40})\b/g)];
      if (tokens.length === 0) break;
      const m = pick(random, tokens);
      const value = pick(random, INTERESTING_STRINGS).replace(/"/g, '\\"');
      const replacement = m[1] !== undefined ? `"${value}"` : m[2] !== undefined ? `'${value.replace(/'/g, "''")}'` : value.replace(/[^\w.:<>/-]/g, '_') || 'x';
      return text.slice(0, m.index) + replacement + text.slice((m.index ?? 0) + m[0].length);
    }
    case 3: { // duplicate a line (duplicate ids, repeated elements)
      const i = int(random, lines.length);
      lines.splice(i, 0, lines[i]);
      return lines.join('\n');
    }
    case 4: { // drop a line
      lines.splice(int(random, lines.length), 1);
      return lines.join('\n');
    }
    case 5: { // swap two lines (forward references, elements out of place)
      const i = int(random, lines.length);
      const j = int(random, lines.length);
      [lines[i], lines[j]] = [lines[j], lines[i]];
      return lines.join('\n');
    }
    default: { // an attribute or key duplicated with another value
      const attrs = [...text.matchAll(/\s([A-Za-z][\w:-]*)="([^"]*)"/g)];
      if (attrs.length === 0) break;
      const m = pick(random, attrs);
      const at = (m.index ?? 0) + m[0].length;
      return `${text.slice(0, at)} ${m[1]}="${pick(random, INTERESTING_NUMBERS)}"${text.slice(at)}`;
    }
  }
  return Buffer.from(mutateBytes(Buffer.from(text), random)).toString('utf8');
}

/** All nodes of a YAML/JSON document tree with their parent collections. */
function collect(node: Node | null | undefined, out: Array<{ node: Node; parent?: Node; key?: unknown }>, parent?: Node, key?: unknown): void {
  if (node === null || node === undefined) return;
  out.push({ node, ...(parent ? { parent } : {}), ...(key !== undefined ? { key } : {}) });
  if (isMap(node)) for (const pair of node.items) collect(pair.value as Node, out, node, (pair.key as { value?: unknown })?.value ?? pair.key);
  else if (isSeq(node)) node.items.forEach((item, i) => collect(item as Node, out, node, i));
}

/**
 * Structure-aware edit of a JSON or YAML document: one value replaced by a
 * boundary value or another type, a key removed, an array item duplicated, or
 * an unknown key added; written back in the same syntax.
 */
export function mutateStructured(text: string, syntax: 'json' | 'yaml', random: RandomStream): string {
  const doc = parseDocument(text, { uniqueKeys: false, logLevel: 'error' });
  if (doc.errors.length > 0) return mutateText(text, random);
  const nodes: Array<{ node: Node; parent?: Node; key?: unknown }> = [];
  collect(doc.contents as Node, nodes);
  if (nodes.length === 0) return mutateText(text, random);
  const { node, parent, key } = pick(random, nodes);
  const values: unknown[] = [
    ...INTERESTING_NUMBERS.map(Number).filter((n) => Number.isFinite(n)), ...INTERESTING_STRINGS.slice(0, 22), null, true, [], {}, [1, 2], { constructor: 1 },
  ];
  switch (int(random, 5)) {
    case 0:
    case 1:
      if (isScalar(node) || parent === undefined) {
        if (parent !== undefined && (isMap(parent) || isSeq(parent))) parent.set(key, doc.createNode(pick(random, values)));
        else if (isScalar(node)) node.value = pick(random, values);
      } else if (isMap(parent) || isSeq(parent)) {
        parent.set(key, doc.createNode(pick(random, values)));
      }
      break;
    case 2:
      if (parent !== undefined && (isMap(parent) || isSeq(parent))) parent.delete(key);
      break;
    case 3:
      if (isSeq(node) && node.items.length > 0) node.items.push(node.items[int(random, node.items.length)]);
      else if (isSeq(parent)) parent.items.push(node);
      break;
    default:
      if (isMap(node)) node.set(pick(random, ['constructor', '__proto__', 'unknownField', 'id', 'speedKmH']), doc.createNode(pick(random, values)));
      break;
  }
  return syntax === 'json' ? `${JSON.stringify(doc.toJS({ maxAliasCount: 100 }), null, 1)}\n` : doc.toString();
}

/** Apply 1 to 3 mutations of kinds fitting `kind` (text formats get text and structured edits, binary ones bytes). */
export function mutate(data: Uint8Array, kind: 'json' | 'yaml' | 'text' | 'binary', random: RandomStream): Uint8Array {
  let out = data;
  const rounds = 1 + int(random, 3);
  for (let r = 0; r < rounds; r++) {
    const choice = random.next();
    if (kind === 'binary' || choice < 0.15) {
      out = mutateBytes(out, random);
    } else if ((kind === 'json' || kind === 'yaml') && choice < 0.6) {
      out = Buffer.from(mutateStructured(Buffer.from(out).toString('utf8'), kind, random));
    } else {
      out = Buffer.from(mutateText(Buffer.from(out).toString('utf8'), random));
    }
  }
  return out;
}
