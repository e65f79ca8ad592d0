/**
 * Reading a TNTP network file (`*_net.tntp`) into plain columns, in the file's
 * own units. Nothing here builds a greenwave network (import.ts does).
 *
 * Metadata: `<NUMBER OF ZONES>` (required: zones are nodes 1..Z),
 * `<NUMBER OF NODES>`, `<FIRST THRU NODE>` (nodes below it are zones traffic may
 * not pass through; default 1), `<NUMBER OF LINKS>` (checked against the rows),
 * `<ORIGINAL HEADER>` (read for unit hints such as "length (miles)").
 * Rows: `init_node term_node capacity length free_flow_time b power speed toll
 * link_type ;` — the first five are required, the rest default to "not given"
 * (b and power NaN, speed/toll/type 0) with one warning.
 */
import type { ImportWarning } from '../types.js';
import { numberAt, tokens, type TntpText } from './text.js';

/** Length units a TNTP file may use. */
export type TntpLengthUnit = 'mi' | 'km' | 'm' | 'ft';
/** Time units a TNTP file may use for free-flow times. */
export type TntpTimeUnit = 'min' | 'h' | 's';

/** The links of a TNTP network file, one entry per row, in file order. */
export interface TntpNetwork {
  zones: number;
  /** Largest node number (the `<NUMBER OF NODES>` when given). */
  nodes: number;
  firstThruNode: number;
  from: Int32Array;
  to: Int32Array;
  /** veh/h. */
  capacity: Float64Array;
  /** In the file's length unit. */
  length: Float64Array;
  /** In the file's time unit. */
  freeFlowTime: Float64Array;
  /** BPR parameters (NaN when the file has no such column). */
  b: Float64Array;
  power: Float64Array;
  /** Speed limit in the file's unit (0 when not given). */
  speed: Float64Array;
  toll: Float64Array;
  type: Float64Array;
  /** 1-based line of each row. */
  line: Int32Array;
  /** Units stated in `<ORIGINAL HEADER>`, when it states them. */
  statedLengthUnit?: TntpLengthUnit;
  statedTimeUnit?: TntpTimeUnit;
}

/** Units named in a header such as "length (miles)  fftt(min)". */
function unitsOf(header: string): { length?: TntpLengthUnit; time?: TntpTimeUnit } {
  const h = header.toLowerCase();
  const out: { length?: TntpLengthUnit; time?: TntpTimeUnit } = {};
  const len = /length\s*\(([^)]*)\)/.exec(h)?.[1]?.trim();
  if (len !== undefined) {
    if (/^(mi|mile|miles)$/.test(len)) out.length = 'mi';
    else if (/^(km|kilometers?|kilometres?)$/.test(len)) out.length = 'km';
    else if (/^(ft|feet|foot)$/.test(len)) out.length = 'ft';
    else if (/^(m|meters?|metres?)$/.test(len)) out.length = 'm';
  }
  const time = /(?:fftt|free\s*flow\s*time)\s*\(([^)]*)\)/.exec(h)?.[1]?.trim();
  if (time !== undefined) {
    if (/^(min|mins|minutes?)$/.test(time)) out.time = 'min';
    else if (/^(h|hr|hrs|hours?)$/.test(time)) out.time = 'h';
    else if (/^(s|sec|secs|seconds?)$/.test(time)) out.time = 's';
  }
  return out;
}

/** Parse a network file. Throws a located `InputError` for a malformed file. */
export function parseTntpNetwork(src: TntpText, warnings: ImportWarning[]): TntpNetwork {
  const zones = src.metaInteger('NUMBER OF ZONES', 0);
  if (zones === undefined) throw src.error(1, undefined, 'expected a <NUMBER OF ZONES> line in the metadata block: a TNTP network file names its zones (nodes 1..Z)');
  const declaredNodes = src.metaInteger('NUMBER OF NODES', 1);
  const firstThruNode = src.metaInteger('FIRST THRU NODE', 1) ?? 1;
  const declaredLinks = src.metaInteger('NUMBER OF LINKS', 0);
  if (declaredNodes !== undefined && zones > declaredNodes) {
    throw src.error(src.metadata.get('NUMBER OF ZONES')!.line, undefined, `<NUMBER OF ZONES> ${zones} exceeds <NUMBER OF NODES> ${declaredNodes}: zones are nodes 1..Z`);
  }
  const header = src.metadata.get('ORIGINAL HEADER')?.value ?? '';
  const units = unitsOf(header);

  const rows: Array<{ line: number; values: number[] }> = [];
  let short = 0;
  let shortLine = 0;
  for (let i = src.bodyStart; i < src.lines.length; i++) {
    const raw = src.lines[i];
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('~')) continue;
    const line = i + 1;
    if (trimmed.startsWith('<')) throw src.error(line, raw.indexOf('<') + 1, `expected a link row, found metadata ${JSON.stringify(trimmed)} after <END OF METADATA>`);
    const semi = raw.indexOf(';');
    const toks = tokens(semi < 0 ? raw : raw.slice(0, semi));
    if (toks.length < 5) {
      throw src.error(line, toks[0]?.column ?? 1, `expected a link row "init_node term_node capacity length free_flow_time [b power speed toll link_type] ;", found ${toks.length} value${toks.length === 1 ? '' : 's'}`);
    }
    if (toks.length > 10) throw src.error(line, toks[10].column, `expected at most 10 values in a link row, found ${toks.length}`);
    if (toks.length < 10 && short++ === 0) shortLine = line;
    const maxNode = declaredNodes ?? Number.MAX_SAFE_INTEGER;
    const node = (k: number, field: string): number =>
      numberAt(src, line, toks[k], field, `a node number from 1 to ${declaredNodes ?? 'the node count'}`, (x) => Number.isInteger(x) && x >= 1 && x <= maxNode, 'link: ');
    const a = node(0, 'init_node');
    const b = node(1, 'term_node');
    const ctx = `link ${a}-${b}: `;
    if (a === b) throw src.error(line, toks[1].column, `${ctx}term_node: expected a node other than init_node, found ${b} for both`);
    const nonNegative = (x: number): boolean => x >= 0;
    const values = [
      a, b,
      numberAt(src, line, toks[2], 'capacity', 'a number > 0 (veh/h)', (x) => x > 0, ctx),
      numberAt(src, line, toks[3], 'length', 'a number >= 0', nonNegative, ctx),
      numberAt(src, line, toks[4], 'free_flow_time', 'a number >= 0', nonNegative, ctx),
      toks.length > 5 ? numberAt(src, line, toks[5], 'b', 'a number >= 0', nonNegative, ctx) : NaN,
      toks.length > 6 ? numberAt(src, line, toks[6], 'power', 'a number >= 0', nonNegative, ctx) : NaN,
      toks.length > 7 ? numberAt(src, line, toks[7], 'speed', 'a number >= 0', nonNegative, ctx) : 0,
      toks.length > 8 ? numberAt(src, line, toks[8], 'toll', 'a number >= 0', nonNegative, ctx) : 0,
      toks.length > 9 ? numberAt(src, line, toks[9], 'link_type', 'a number', () => true, ctx) : 0,
    ];
    rows.push({ line, values });
  }
  if (rows.length === 0) throw src.error(src.lines.length, undefined, 'expected link rows after the metadata block, found none');
  if (declaredLinks !== undefined && declaredLinks !== rows.length) {
    throw src.error(src.metadata.get('NUMBER OF LINKS')!.line, undefined, `<NUMBER OF LINKS> is ${declaredLinks}, but the file has ${rows.length} link rows`);
  }
  if (short > 0) {
    warnings.push({ where: src.where(shortLine), message: `${short} link row${short === 1 ? ' has' : 's have'} fewer than 10 values: missing b/power are unknown, missing speed, toll and link_type read as 0` });
  }

  const m = rows.length;
  const net: TntpNetwork = {
    zones,
    nodes: declaredNodes ?? 0,
    firstThruNode,
    from: new Int32Array(m), to: new Int32Array(m),
    capacity: new Float64Array(m), length: new Float64Array(m), freeFlowTime: new Float64Array(m),
    b: new Float64Array(m), power: new Float64Array(m), speed: new Float64Array(m), toll: new Float64Array(m), type: new Float64Array(m),
    line: new Int32Array(m),
    ...(units.length === undefined ? {} : { statedLengthUnit: units.length }),
    ...(units.time === undefined ? {} : { statedTimeUnit: units.time }),
  };
  let maxNode = 0;
  rows.forEach((r, i) => {
    const v = r.values;
    net.from[i] = v[0]; net.to[i] = v[1]; net.capacity[i] = v[2]; net.length[i] = v[3]; net.freeFlowTime[i] = v[4];
    net.b[i] = v[5]; net.power[i] = v[6]; net.speed[i] = v[7]; net.toll[i] = v[8]; net.type[i] = v[9];
    net.line[i] = r.line;
    maxNode = Math.max(maxNode, v[0], v[1]);
  });
  if (net.nodes === 0) net.nodes = Math.max(maxNode, zones);
  return net;
}
