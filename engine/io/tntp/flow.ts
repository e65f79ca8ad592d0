/**
 * Reading a TNTP link-flow solution (`*_flow.tntp`): a header line
 * (`From To Volume Cost`), then rows `from to volume cost` — the published
 * (user-equilibrium) flow of every link of the network file, in veh per the
 * trip table's period. Used to compare a simulation's link volumes with the
 * static assignment's (bench/city.ts).
 */
import { dataRows, numberAt, readTntp } from './text.js';

/** Link flows of a solution file, in file order. */
export interface TntpFlows {
  from: Int32Array;
  to: Int32Array;
  volume: Float64Array;
  cost: Float64Array;
}

/** Read a flow file. Rejects with a located `InputError` for a malformed file. */
export async function readTntpFlows(file: string): Promise<TntpFlows> {
  const src = await readTntp(file, 'flow');
  const rows: number[][] = [];
  for (const { line: at, toks } of dataRows(src)) {
    if (toks.length < 3) throw src.error(at, toks[0].column, `expected a flow row "from to volume [cost]", found ${toks.length} value${toks.length === 1 ? '' : 's'}`);
    const node = (k: number, field: string): number => numberAt(src, at, toks[k], field, 'a node number >= 1', (v) => Number.isInteger(v) && v >= 1, '');
    rows.push([
      node(0, 'from'),
      node(1, 'to'),
      numberAt(src, at, toks[2], 'volume', 'a number >= 0', (v) => v >= 0, ''),
      toks.length > 3 ? numberAt(src, at, toks[3], 'cost', 'a number', () => true, '') : NaN,
    ]);
  }
  const n = rows.length;
  const out: TntpFlows = { from: new Int32Array(n), to: new Int32Array(n), volume: new Float64Array(n), cost: new Float64Array(n) };
  rows.forEach((r, i) => { out.from[i] = r[0]; out.to[i] = r[1]; out.volume[i] = r[2]; out.cost[i] = r[3]; });
  return out;
}
