/**
 * Reading a TNTP node file (`*_node.tntp`): an optional header line (`node X Y ;`),
 * then rows `node x y ;` in whatever coordinate system the data set uses
 * (Chicago Sketch: Illinois State Plane feet; Sioux Falls: longitude and
 * latitude). import.ts decides the unit (see `coordinateUnit` there).
 */
import { dataRows, numberAt, type TntpText } from './text.js';

/** Node coordinates, in the file's unit, indexed by node number (NaN where the file has no row). */
export interface TntpNodes {
  x: Float64Array;
  y: Float64Array;
  /** 1-based line of each node's row (0 where absent). */
  line: Int32Array;
  /** Rows read. */
  count: number;
}

/** Parse a node file for nodes 1..`nodes`. Throws a located `InputError` for a malformed file. */
export function parseTntpNodes(src: TntpText, nodes: number): TntpNodes {
  const x = new Float64Array(nodes + 1).fill(NaN);
  const y = new Float64Array(nodes + 1).fill(NaN);
  const line = new Int32Array(nodes + 1);
  let count = 0;
  for (const { line: at, toks } of dataRows(src)) {
    if (toks.length < 3) throw src.error(at, toks[0].column, `expected a node row "node x y ;", found ${toks.length} value${toks.length === 1 ? '' : 's'}`);
    const node = numberAt(src, at, toks[0], 'node', `a node number from 1 to ${nodes}`, (v) => Number.isInteger(v) && v >= 1 && v <= nodes, '');
    if (line[node] !== 0) throw src.error(at, toks[0].column, `node ${node}: expected one row per node, found a second (the first is on line ${line[node]})`);
    x[node] = numberAt(src, at, toks[1], 'x', 'a finite number', () => true, `node ${node}: `);
    y[node] = numberAt(src, at, toks[2], 'y', 'a finite number', () => true, `node ${node}: `);
    line[node] = at;
    count++;
  }
  return { x, y, line, count };
}
