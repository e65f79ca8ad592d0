/**
 * From zod issues to located scenario problems with messages a planner can act
 * on: "expected a number > 0, found -5", "unknown field "speed": scenario fields
 * carry their unit in the name; did you mean "speedKmh"?".
 *
 * Messages are made in two places: {@link issueMessage} is the per-parse zod error
 * map (it sees the offending input), and {@link issuesToProblems} rewrites the two
 * issue kinds that need the schema: unknown keys (to suggest the right name) and
 * unions (to report the branch the writer evidently meant, not all of them).
 */
import type { z } from 'zod';
import type { ScenarioProblem } from '../errors.js';
import { describeValue } from '../text/describe.js';
import { formatPath, type PathSegment, type SourcePosition } from '../text/position.js';
import { isRecord, ownValue } from '../text/record.js';
import { suggest } from './suggest.js';

export { describeValue } from '../text/describe.js';

type Schema = z.core.$ZodType;
type Issue = z.core.$ZodIssue;
// zod's definitions differ by schema type; the walker reads only these fields.
interface AnyDef {
  type: string;
  innerType?: Schema;
  in?: Schema;
  getter?: () => Schema;
  shape?: Record<string, Schema>;
  element?: Schema;
  options?: Schema[];
  discriminator?: string;
  valueType?: Schema;
  values?: unknown[];
}

const defOf = (s: Schema): AnyDef => (s as unknown as { _zod: { def: AnyDef } })._zod.def;

function typeName(expected: string): string {
  switch (expected) {
    case 'number': return 'a number';
    case 'int': return 'a whole number';
    case 'string': return 'text';
    case 'array': return 'a list';
    case 'object': return 'a mapping (key: value pairs)';
    case 'boolean': return 'true or false';
    default: return expected;
  }
}

interface RawIssueLike {
  code?: string;
  input?: unknown;
  expected?: string;
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean;
  values?: unknown[];
  format?: string;
}

/** Message of a zod issue in "expected ..., found ..." form (the per-parse zod error map). */
export function issueMessage(issue: RawIssueLike): string | undefined {
  const input = issue.input;
  switch (issue.code) {
    case 'invalid_type': {
      const expected = issue.expected ?? 'a value';
      if (input === undefined) return `missing required field (expected ${typeName(expected)})`;
      if (typeof input === 'number' && (expected === 'number' || expected === 'int')) {
        if (!Number.isFinite(input)) return `expected a finite number, found ${input}`;
        if (expected === 'int') return `expected a whole number, found ${input}`;
      }
      return `expected ${typeName(expected)}, found ${describeValue(input)}`;
    }
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const bound = Number(small ? issue.minimum : issue.maximum);
      if (issue.origin === 'array') {
        return small
          ? `expected at least ${bound} item${bound === 1 ? '' : 's'}, found ${Array.isArray(input) ? input.length : describeValue(input)}`
          : `expected at most ${bound} item${bound === 1 ? '' : 's'}, found ${Array.isArray(input) ? input.length : describeValue(input)}`;
      }
      if (issue.origin === 'string') {
        return small && bound === 1 ? `expected non-empty text, found ${describeValue(input)}` : `expected text of ${small ? 'at least' : 'at most'} ${bound} characters, found ${describeValue(input)}`;
      }
      const op = small ? (issue.inclusive ? '>=' : '>') : issue.inclusive ? '<=' : '<';
      return `expected a number ${op} ${bound}, found ${describeValue(input)}`;
    }
    case 'invalid_value': {
      const values = (issue.values ?? []).map((v) => JSON.stringify(v));
      return `expected ${values.length === 1 ? values[0] : `one of ${values.join(', ')}`}, found ${describeValue(input)}`;
    }
    case 'invalid_format':
      return `expected ${issue.format ?? 'a different format'}, found ${describeValue(input)}`;
    case 'not_multiple_of':
      return `expected a multiple, found ${describeValue(input)}`;
    default:
      return undefined;
  }
}

/** Strip optional/default/nullable/pipe/lazy wrappers. */
function unwrap(schema: Schema): Schema {
  let s = schema;
  for (let guard = 0; guard < 32; guard++) {
    const d = defOf(s);
    if (d.innerType !== undefined && ['optional', 'default', 'nullable', 'readonly', 'prefault', 'catch', 'nonoptional'].includes(d.type)) s = d.innerType;
    else if (d.type === 'pipe' && d.in !== undefined) s = d.in;
    else if (d.type === 'lazy' && d.getter !== undefined) s = d.getter();
    else break;
  }
  return s;
}

/** How well object schema `s` fits `data`: keys it knows, plus a bonus for a matching literal (discriminator). */
function fit(s: Schema, data: unknown): number {
  const shape = defOf(s).shape;
  if (shape === undefined || !isRecord(data)) return -1;
  let score = 0;
  for (const [key, value] of Object.entries(data)) {
    const field = ownValue(shape, key);
    if (field === undefined) continue;
    score++;
    const fd = defOf(unwrap(field));
    if (fd.type === 'literal' && fd.values?.includes(value)) score += 100;
  }
  return score;
}

/** The object schemas a (possibly nested) union offers, with the top-level option index each came from. */
function objectOptions(s: Schema, top: number, out: Array<{ schema: Schema; option: number }>): void {
  const u = unwrap(s);
  const d = defOf(u);
  if (d.type === 'object') out.push({ schema: u, option: top });
  else if (d.type === 'union') for (const o of d.options ?? []) objectOptions(o, top, out);
}

/** Index of the union option whose object shape best fits `data`, or -1 when no option is an object or data is not one. */
export function bestOption(union: Schema, data: unknown): number {
  const options = defOf(union).options ?? [];
  const candidates: Array<{ schema: Schema; option: number }> = [];
  options.forEach((o, i) => objectOptions(o, i, candidates));
  let best = -1;
  let bestScore = -1;
  for (const c of candidates) {
    const score = fit(c.schema, data);
    if (score > bestScore) [best, bestScore] = [c.option, score];
  }
  return bestScore < 0 ? -1 : best;
}

/** The (unwrapped) schema describing the value at `path` of `data`, following the data through unions. */
export function schemaAt(root: Schema, path: readonly PathSegment[], data: unknown): Schema | undefined {
  let s: Schema | undefined = unwrap(root);
  let d = data;
  for (const seg of path) {
    s = resolveUnion(s, d);
    const def = defOf(s);
    if (def.type === 'object') s = def.shape === undefined ? undefined : ownValue(def.shape, String(seg));
    else if (def.type === 'array') s = def.element;
    else if (def.type === 'record') s = def.valueType;
    else return undefined;
    if (s === undefined) return undefined;
    s = unwrap(s);
    d = isRecord(d) || Array.isArray(d) ? ownValue(d as Record<string, unknown>, String(seg)) : undefined;
  }
  return s;
}

/** For a union, the object option that fits `data` best (recursively); other schemas unchanged. */
function resolveUnion(s: Schema, data: unknown): Schema {
  const candidates: Array<{ schema: Schema; option: number }> = [];
  if (defOf(s).type !== 'union') return s;
  objectOptions(s, 0, candidates);
  let best = s;
  let bestScore = -1;
  for (const c of candidates) {
    const score = fit(c.schema, data);
    if (score > bestScore) [best, bestScore] = [c.schema, score];
  }
  return best;
}

/** Value of `data` at `path`, or `undefined`. */
export function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let d = data;
  for (const seg of path) {
    if (!(isRecord(d) || Array.isArray(d))) return undefined;
    d = ownValue(d as Record<string, unknown>, String(seg));
  }
  return d;
}

/** "unknown field ..." with a suggestion when one fits. */
export function unknownKeyMessage(key: string, known: readonly string[], present: readonly string[], value?: unknown): { message: string; suggestion?: string } {
  const candidates = known.filter((k) => !present.includes(k));
  let suggestion = suggest(key, candidates);
  // A time pair: a clock string belongs in `name`, a number of seconds in `nameS`.
  if (suggestion !== undefined && typeof value === 'string' && suggestion.endsWith('S') && candidates.includes(suggestion.slice(0, -1))) suggestion = suggestion.slice(0, -1);
  else if (suggestion !== undefined && typeof value === 'number' && candidates.includes(`${suggestion}S`)) suggestion = `${suggestion}S`;
  if (suggestion === undefined) {
    const taken = suggest(key, present.filter((k) => k !== key && known.includes(k)));
    if (taken !== undefined) return { message: `unknown field ${JSON.stringify(key)}; did you mean ${JSON.stringify(taken)}? (it is given too)` };
    return { message: `unknown field ${JSON.stringify(key)} (known fields here: ${known.join(', ')})` };
  }
  const unit = suggestion.toLowerCase().startsWith(key.toLowerCase()) && suggestion.length > key.length;
  return {
    message: unit
      ? `unknown field ${JSON.stringify(key)}: scenario fields carry their unit in the name; did you mean ${JSON.stringify(suggestion)}?`
      : `unknown field ${JSON.stringify(key)}; did you mean ${JSON.stringify(suggestion)}?`,
    suggestion,
  };
}

/** What {@link issuesToProblems} needs to know about the file. */
export interface IssueContext {
  file: string;
  data: unknown;
  schema: Schema;
  locate(path: readonly PathSegment[], options?: { key?: boolean }): SourcePosition | undefined;
}

interface Flat {
  path: PathSegment[];
  message: string;
  key?: boolean;
  /** A missing field another problem already explains (the misspelt key suggesting it). */
  explains?: string;
}

function toSegments(path: readonly PropertyKey[]): PathSegment[] {
  return path.map((p) => (typeof p === 'number' ? p : String(p)));
}

/** Expand unions and unknown keys into flat located messages. */
function flatten(issues: readonly Issue[], prefix: PathSegment[], ctx: IssueContext, out: Flat[]): void {
  for (const issue of issues) {
    const path = [...prefix, ...toSegments(issue.path)];
    if (issue.code === 'unrecognized_keys') {
      const objectSchema = schemaAt(ctx.schema, path, ctx.data);
      const known = Object.keys(objectSchema === undefined ? {} : defOf(resolveUnion(objectSchema, valueAt(ctx.data, path))).shape ?? {});
      const present = Object.keys((valueAt(ctx.data, path) ?? {}) as object);
      for (const key of issue.keys) {
        const { message, suggestion } = unknownKeyMessage(key, known, present, valueAt(ctx.data, [...path, key]));
        out.push({ path: [...path, key], message, key: true, explains: suggestion === undefined ? undefined : formatPath([...path, suggestion]) });
      }
    } else if (issue.code === 'invalid_union') {
      const found = valueAt(ctx.data, path);
      const extra = issue as { note?: string; options?: unknown[] };
      if (extra.note === 'No matching discriminator' || issue.errors.length === 0) {
        const options = (extra.options ?? []).map((o) => JSON.stringify(o)).join(', ');
        out.push({ path, message: found === undefined ? `missing required field (expected one of ${options})` : `expected one of ${options}, found ${describeValue(found)}` });
        continue;
      }
      const union = schemaAt(ctx.schema, path, ctx.data);
      let choice = union === undefined ? -1 : bestOption(union, found);
      if (choice < 0 || choice >= issue.errors.length) {
        // Not an object choice: prefer a branch whose type matched, then the fewest issues.
        const typeMatched = issue.errors.map((errs) => !errs.some((e) => e.code === 'invalid_type' && e.path.length === 0));
        const ranked = issue.errors.map((errs, i) => ({ i, n: errs.length, ok: typeMatched[i] })).filter((r) => r.ok).sort((a, b) => a.n - b.n);
        if (ranked.length === 0) {
          const expected = [...new Set(issue.errors.flatMap((errs) => errs.filter((e) => e.code === 'invalid_type').map((e) => typeName((e as { expected: string }).expected))))];
          out.push({ path, message: `expected ${expected.join(' or ')}, found ${describeValue(found)}` });
          continue;
        }
        choice = ranked[0].i;
      }
      flatten(issue.errors[choice], path, ctx, out);
    } else {
      out.push({ path, message: issue.message });
    }
  }
}

/** Names of the time pairs (`departS` / `depart`, ...) of the format. */
const TIME_PAIRS = new Set(['depart', 'begin', 'end', 'start', 'time']);

/** Located problems of zod issues, every issue at once; a missing field explained by a misspelt key is reported once. */
export function issuesToProblems(issues: readonly Issue[], ctx: IssueContext): ScenarioProblem[] {
  const flat: Flat[] = [];
  flatten(issues, [], ctx, flat);
  const explained = new Set<string>();
  for (const f of flat) {
    if (f.explains === undefined) continue;
    explained.add(f.explains);
    // A time pair: the misspelt `departure` explains a missing `departS` too.
    const name = f.explains.slice(f.explains.lastIndexOf('.') + 1);
    const twin = name.endsWith('S') ? name.slice(0, -1) : `${name}S`;
    if (TIME_PAIRS.has(name.endsWith('S') ? twin : name)) explained.add(f.explains.slice(0, f.explains.length - name.length) + twin);
  }
  const problems: ScenarioProblem[] = [];
  const seen = new Set<string>();
  for (const f of flat) {
    const path = formatPath(f.path);
    if (explained.has(path) && (valueAt(ctx.data, f.path) === undefined) && f.explains === undefined) continue;
    const dedupe = `${path}\u0000${f.message}`;
    if (seen.has(dedupe)) continue;
    seen.add(dedupe);
    const at = ctx.locate(f.path, { key: f.key });
    problems.push({ file: ctx.file, ...(at ? { line: at.line, column: at.column } : {}), path, message: f.message });
  }
  return problems;
}
