/**
 * SUMO's per-edge output (`edgeData`) as greenwave's links: what `verify-sumo
 * --links` compares link by link.
 *
 * A link of a SUMO import is the SUMO edge together with the internal lanes that
 * cross the junction at its end (network.ts extends each link across it), so
 * SUMO's figures for a link are its edge's plus those of the internal edges its
 * connections run through: `edgeData` with `withInternal="true"`, every internal
 * edge added to the edge its connection comes from (following internal
 * junctions, where one crossing is two internal lanes). Vehicles are the edge's
 * `entered + departed` (those inserted on it count, as greenwave's `entered`);
 * time lost is SUMO's `timeLoss` summed over the intervals: the time a vehicle
 * spent on the edge beyond what it would have needed at its desired speed.
 */
import { escapeXml, readXml } from '../xml.js';
import type { SumoConnection } from './net-file.js';

/** SUMO's totals for one edge over a run. */
export interface SumoEdgeTotals {
  /** Vehicles that entered it or were inserted on it (internal edges: entered). */
  vehicles: number;
  /** Time lost on it, s, summed over vehicles. */
  timeLoss: number;
}

/** The id greenwave's `edgeData` definition carries. */
export const EDGE_DATA_ID = 'greenwave-links';

/** An additional file that has SUMO write `edgeData` of every edge, internal ones included, to `output` (one interval: the run). */
export function edgeDataAdditional(output: string): string {
  return `<additional>\n    <edgeData id="${EDGE_DATA_ID}" file="${escapeXml(output)}" withInternal="true" excludeEmpty="true"/>\n</additional>\n`;
}

/** Read an `edgeData` output: totals per edge id, summed over its intervals. Rejects with `InputError` (file and line). */
export async function readEdgeData(file: string): Promise<Map<string, SumoEdgeTotals>> {
  const totals = new Map<string, SumoEdgeTotals>();
  await readXml(file, {
    open(e) {
      if (e.name !== 'edge' || e.parents[e.parents.length - 1] !== 'interval') return;
      const id = e.attributes.id;
      if (id === undefined) return;
      const n = (name: string): number => {
        const v = Number(e.attributes[name] ?? 0);
        return Number.isFinite(v) ? v : 0;
      };
      const t = totals.get(id) ?? { vehicles: 0, timeLoss: 0 };
      t.vehicles += n('entered') + n('departed');
      t.timeLoss += n('timeLoss');
      totals.set(id, t);
    },
  });
  return totals;
}

/** Internal edge id -> the normal edge whose connections run through it (a lane id without its `_<index>`). */
export function internalApproaches(net: { connections: ReadonlyArray<Pick<SumoConnection, 'from' | 'via'>>; internalNext: ReadonlyMap<string, string> }): Map<string, string> {
  const edgeOf = (lane: string): string => lane.slice(0, lane.lastIndexOf('_'));
  const out = new Map<string, string>();
  for (const c of net.connections) {
    for (let lane = c.via, guard = 0; lane !== undefined && guard < 16; lane = net.internalNext.get(lane), guard++) out.set(edgeOf(lane), c.from);
  }
  return out;
}

/** Per normal edge: its own totals plus those of the internal edges after it (`approaches`: {@link internalApproaches}). */
export function linkTotals(edges: ReadonlyMap<string, SumoEdgeTotals>, approaches: ReadonlyMap<string, string>): Map<string, SumoEdgeTotals> {
  const out = new Map<string, SumoEdgeTotals>();
  for (const [id, t] of edges) {
    if (id.startsWith(':')) continue;
    out.set(id, { vehicles: t.vehicles, timeLoss: t.timeLoss });
  }
  for (const [id, t] of edges) {
    if (!id.startsWith(':')) continue;
    const from = approaches.get(id);
    if (from === undefined) continue; // a crossing or walking area: no vehicle link
    const link = out.get(from) ?? { vehicles: 0, timeLoss: 0 };
    link.timeLoss += t.timeLoss;
    out.set(from, link);
  }
  return out;
}
