/**
 * Cycle groups from demand (`greenwave optimise --cycles corridors`): signals
 * along a corridor share a cycle, so their offsets can make a green wave;
 * signals that no platoon links run a cycle of their own.
 *
 * Two signals A and B are linked when the busiest hour's flow from A reaches B:
 * from each link leaving A, the path is followed downstream through junctions
 * without a signal, along the busiest movement at each (at most
 * CORRIDOR_REACH_S of free-flow travel), to the next signal B. The flow that
 * arrives is the smallest movement flow on that path (the platoon that stays
 * together from A to B). A and B are linked when that flow is at least
 * CORRIDOR_MIN_FLOW and at least CORRIDOR_SHARE of all the flow arriving at B,
 * i.e. when A's departures are a large part of what B serves, the case where
 * B's green timed to A's (the same cycle, an offset) pays. Groups are the
 * connected signals (two or more); the others get cycles of their own.
 */
import type { CompiledNetwork } from '../network/compiled.js';

/** A platoon must carry at least this share of the flow arriving at the downstream signal. */
export const CORRIDOR_SHARE = 0.4;
/** ... and at least this flow, veh/h. */
export const CORRIDOR_MIN_FLOW = 200;
/** Longest free-flow travel followed between two signals, s. */
export const CORRIDOR_REACH_S = 90;

/**
 * Cycle groups (junction ids, two or more per group, each sorted; groups sorted
 * by their first id) of the signalised junctions `signals` (indices) under the
 * movement flows `flows` (veh/h, index = movement id: `movementFlows`).
 */
export function corridorGroups(net: CompiledNetwork, signals: readonly number[], flows: ArrayLike<number>): string[][] {
  const isSignal = new Uint8Array(net.junctionCount);
  for (const j of signals) isSignal[j] = 1;
  const linkFlow = new Float64Array(net.linkCount);
  for (let l = 0; l < net.linkCount; l++) for (let e = net.movementOffsets[l]; e < net.movementOffsets[l + 1]; e++) linkFlow[l] += flows[e];
  const arrivals = new Float64Array(net.junctionCount);
  const out: number[][] = Array.from({ length: net.junctionCount }, () => []);
  for (let l = 0; l < net.linkCount; l++) {
    arrivals[net.linkTo[l]] += linkFlow[l];
    out[net.linkFrom[l]].push(l);
  }
  const parent = Int32Array.from({ length: net.junctionCount }, (_, j) => j);
  const find = (j: number): number => {
    while (parent[j] !== j) j = parent[j] = parent[parent[j]];
    return j;
  };
  for (const a of signals) {
    for (const first of out[a]) {
      let link = first;
      let carried = linkFlow[first];
      let travel = net.linkFreeFlowTime[first];
      const seen = new Set<number>([first]);
      // through junctions without a signal, along the busiest movement
      while (isSignal[net.linkTo[link]] === 0 && travel < CORRIDOR_REACH_S) {
        let best = -1;
        for (let e = net.movementOffsets[link]; e < net.movementOffsets[link + 1]; e++) if (best < 0 || flows[e] > flows[best]) best = e;
        if (best < 0 || !(flows[best] > 0) || seen.has(net.movementTo[best])) break;
        carried = Math.min(carried, flows[best]);
        link = net.movementTo[best];
        seen.add(link);
        travel += net.linkFreeFlowTime[link];
      }
      const b = net.linkTo[link];
      if (isSignal[b] === 0 || b === a) continue;
      if (carried >= CORRIDOR_MIN_FLOW && carried >= CORRIDOR_SHARE * arrivals[b]) parent[find(a)] = find(b);
    }
  }
  const groups = new Map<number, string[]>();
  for (const j of signals) {
    const root = find(j);
    const list = groups.get(root) ?? [];
    list.push(net.junctionKey(j));
    groups.set(root, list);
  }
  return [...groups.values()].filter((g) => g.length > 1).map((g) => g.sort()).sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
}
