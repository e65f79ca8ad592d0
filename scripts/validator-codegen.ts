/**
 * Compiles the zod scenario schema into plain JavaScript checks: the source of
 * `engine/scenario/validate.generated.ts`, the loader's fast path.
 *
 * Why: zod's per-element work (an issue context, a result object and a copy
 * per value) dominates loading a large scenario, and importing zod and building
 * the schema costs more start-up time than a whole small run. The compiled
 * checks answer only "valid or not" (then set defaults in place); when the
 * answer is no, the loader asks zod, whose issues make the messages, so the
 * messages are zod's by construction.
 *
 * The compiler reads zod's definitions (`_zod.def`) and refuses anything it
 * does not translate exactly (a transform, a non-strict object, a record with
 * keys other than plain text, a custom check not registered in `NAMED_CHECKS`), so a
 * schema change it cannot follow fails here instead of drifting. The
 * multi-field checks are not translated: both validators call the same
 * functions of `refinements.ts`.
 */
import type { z } from 'zod';
import { NAMED_CHECKS } from '../engine/scenario/schema.js';

interface CheckDef {
  check: string;
  format?: string;
  value?: number;
  inclusive?: boolean;
  minimum?: number;
  maximum?: number;
  length?: number;
  pattern?: RegExp;
}

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  keyType?: z.ZodType;
  valueType?: z.ZodType;
  items?: z.ZodType[];
  rest?: z.ZodType | null;
  innerType?: z.ZodType;
  defaultValue?: unknown;
  values?: unknown[];
  entries?: Record<string, unknown>;
  checks?: Array<{ _zod: { def: CheckDef } }>;
}

const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** Compile `root` into the source of a module exporting `validateScenario`. */
export function compileValidator(root: z.ZodType, sourceName: string): string {
  const constants: string[] = [];
  const functions: string[] = [];
  const names = new Map<z.ZodType, string>();
  const constantNames = new Map<string, string>();

  /** Name of a module-level constant with value `value` (declared once per distinct value). */
  const constant = (prefix: string, value: string): string => {
    let name = constantNames.get(value);
    if (name === undefined) {
      name = `${prefix}${constantNames.size}`;
      constantNames.set(value, name);
      constants.push(`const ${name} = ${value};`);
    }
    return name;
  };
  const keySet = (keys: string[]): string => constant('keys', `new Set<string>(${JSON.stringify(keys)})`);

  const literal = (value: unknown): string => {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null) return JSON.stringify(value);
    throw new Error(`validator-codegen: unsupported literal ${String(value)}`);
  };

  /** Custom checks of `def` as statements on `target` (after its structure passed). */
  const refinements = (def: Def, target: string): string[] => {
    const out: string[] = [];
    for (const check of def.checks ?? []) {
      const cd = check._zod.def;
      if (cd.check !== 'custom') continue;
      const named = NAMED_CHECKS.get(check);
      if (named === undefined) throw new Error('validator-codegen: a custom check that is not in NAMED_CHECKS (attach it with refine() in schema.ts)');
      const args = named.name === 'timePairs' ? JSON.stringify(named.args) : '';
      const name = constant('refinement', `REFINEMENTS.${named.name}(${args})`);
      out.push(`state.failed = false; ${name}(${target}, sink); if (state.failed) return false;`);
    }
    return out;
  };

  const scalarChecks = (def: Def, v: string): string[] => {
    const parts: string[] = [];
    for (const check of def.checks ?? []) {
      const c = check._zod.def;
      switch (c.check) {
        case 'number_format':
          if (c.format !== 'safeint') throw new Error(`validator-codegen: number format ${String(c.format)}`);
          parts.push(`Number.isSafeInteger(${v})`);
          break;
        case 'greater_than':
          parts.push(`${v} ${c.inclusive ? '>=' : '>'} ${literal(c.value)}`);
          break;
        case 'less_than':
          parts.push(`${v} ${c.inclusive ? '<=' : '<'} ${literal(c.value)}`);
          break;
        case 'min_length':
          parts.push(`${v}.length >= ${literal(c.minimum)}`);
          break;
        case 'max_length':
          parts.push(`${v}.length <= ${literal(c.maximum)}`);
          break;
        case 'length_equals':
          parts.push(`${v}.length === ${literal(c.length)}`);
          break;
        case 'string_format': {
          if (c.format !== 'regex' || !(c.pattern instanceof RegExp) || c.pattern.global || c.pattern.sticky) {
            throw new Error(`validator-codegen: string format ${String(c.format)}`);
          }
          const name = constant('pattern', c.pattern.toString());
          parts.push(`${name}.test(${v})`);
          break;
        }
        case 'custom':
          throw new Error('validator-codegen: a custom check on a value that is not an object');
        default:
          throw new Error(`validator-codegen: unsupported check ${c.check}`);
      }
    }
    return parts;
  };

  /** A boolean expression: `v` (a plain identifier) is valid for `schema`. */
  const expr = (schema: z.ZodType, v: string): string => {
    const def = defOf(schema);
    switch (def.type) {
      case 'number':
        return [`typeof ${v} === 'number'`, `Number.isFinite(${v})`, ...scalarChecks(def, v)].join(' && ');
      case 'string':
        return [`typeof ${v} === 'string'`, ...scalarChecks(def, v), `countColons(${v})`].join(' && ');
      case 'boolean':
        return `typeof ${v} === 'boolean'`;
      case 'literal':
        return `(${(def.values ?? []).map((x) => `${v} === ${literal(x)}`).join(' || ')})`;
      case 'enum':
        return `(${Object.values(def.entries ?? {}).map((x) => `${v} === ${literal(x)}`).join(' || ')})`;
      case 'unknown':
        return `countAll(${v})`;
      case 'object':
      case 'array':
      case 'union':
      case 'record':
      case 'tuple':
        return `${fn(schema)}(${v})`;
      default:
        throw new Error(`validator-codegen: unsupported schema type ${def.type}`);
    }
  };

  /** Name of the function checking `schema` (an object, array or union), compiled once. */
  const fn = (schema: z.ZodType): string => {
    const known = names.get(schema);
    if (known !== undefined) return known;
    const name = `check${names.size}`;
    names.set(schema, name);
    const def = defOf(schema);
    const body: string[] = [];
    if (def.type === 'object') {
      if (def.catchall === undefined || defOf(def.catchall).type !== 'never') throw new Error('validator-codegen: only strict objects (z.strictObject) are supported');
      const shape = def.shape ?? {};
      const keys = Object.keys(shape);
      for (const key of keys) if (key in Object.prototype) throw new Error(`validator-codegen: field ${key} shadows Object.prototype`);
      body.push(`const o = strict(x, ${keySet(keys)});`, `if (o === undefined) return false;`, `let v: unknown;`);
      for (const key of keys) {
        let field = shape[key];
        let fd = defOf(field);
        const at = `o[${JSON.stringify(key)}]`;
        if (fd.type === 'default') {
          const fallback = typeof fd.defaultValue === 'function' ? (fd.defaultValue as () => unknown)() : fd.defaultValue;
          field = fd.innerType!;
          body.push(`v = ${at}; if (v === undefined) state.defaults.push(o, ${JSON.stringify(key)}, ${literal(fallback)}); else if (!(${expr(field, 'v')})) return false;`);
          continue;
        }
        let optional = false;
        if (fd.type === 'optional') {
          optional = true;
          field = fd.innerType!;
          fd = defOf(field);
        }
        body.push(`v = ${at}; if (${optional ? 'v !== undefined && ' : ''}!(${expr(field, 'v')})) return false;`);
      }
      body.push(...refinements(def, 'o'));
    } else if (def.type === 'array') {
      body.push(`if (!Array.isArray(x)) return false;`);
      for (const part of scalarChecks(def, 'x')) body.push(`if (!(${part})) return false;`);
      body.push(`for (let i = 0; i < x.length; i++) {`, `  const v: unknown = x[i]; if (!(${expr(def.element!, 'v')})) return false;`, `}`);
    } else if (def.type === 'record') {
      // zod checks every own key but __proto__, which it drops without a word: so do we, once the scenario is valid.
      const keyDef = defOf(def.keyType!);
      if (keyDef.type !== 'string' || (keyDef.checks ?? []).length > 0) throw new Error('validator-codegen: only records with plain string keys are supported');
      body.push(
        `if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;`,
        `const o = x as Record<string, unknown>;`,
        `for (const k in o) {`,
        `  const v: unknown = o[k]; state.members++; countColons(k);`,
        `  if (k === '__proto__') { countAll(v); state.drops.push(o, k); } else if (!(${expr(def.valueType!, 'v')})) return false;`,
        `}`,
      );
    } else if (def.type === 'tuple') {
      if (def.rest) throw new Error('validator-codegen: tuples with a rest element are not supported');
      const items = def.items ?? [];
      body.push(`if (!Array.isArray(x) || x.length !== ${items.length}) return false;`, `let v: unknown;`);
      items.forEach((item, i) => {
        if (defOf(item).type === 'optional') throw new Error('validator-codegen: optional tuple items are not supported');
        body.push(`v = x[${i}]; if (!(${expr(item, 'v')})) return false;`);
      });
    } else if (def.type === 'union') {
      if ((def.checks ?? []).length > 0) throw new Error('validator-codegen: checks on a union');
      // A branch that fails leaves nothing behind: its counts, defaults and drops are undone.
      body.push(`const { members, colons } = state;`, `const defaults = state.defaults.length;`, `const drops = state.drops.length;`);
      for (const option of def.options ?? []) {
        body.push(`if (${expr(option, 'x')}) return true;`, `state.members = members; state.colons = colons; state.defaults.length = defaults; state.drops.length = drops;`);
      }
      body.push(`return false;`);
    } else {
      throw new Error(`validator-codegen: unsupported schema type ${def.type}`);
    }
    if (body[body.length - 1] !== 'return false;') body.push('return true;');
    functions.push(`function ${name}(x: unknown): boolean {\n${body.map((line) => `  ${line}`).join('\n')}\n}`);
    return name;
  };

  const top = fn(root);
  return `/**
 * GENERATED by scripts/generate-schema.ts from ${sourceName}: do not edit.
 *
 * The scenario schema compiled into plain checks (see scripts/validator-codegen.ts):
 * {@link validateScenario} says whether data is a valid scenario without zod,
 * and when it is, sets the schema's defaults in it (data that is not valid is
 * left as it was, for zod to describe). When it says no, the loader asks the
 * zod schema, whose issues make the located messages.
 */
import { REFINEMENTS } from './refinements.js';
import { countAll, countColons, runCheck, sink, state, strict, type FastVerdict } from './validate-runtime.js';

${constants.join('\n')}

${functions.join('\n\n')}

/**
 * Whether \`data\` (plain JSON-like data) is a valid scenario; when it is, the
 * schema's defaults are now set in it (otherwise it is unchanged), and the
 * counts say how many key-value pairs and colons inside text values it holds
 * (the JSON reader compares them with the text to find a key given twice).
 */
export function validateScenario(data: unknown): FastVerdict {
  return runCheck(${top}, data);
}
`;
}
