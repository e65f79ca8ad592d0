/**
 * The first batch of a search: the start plan at a spread of common cycle
 * lengths, each with its own offsets and with progression offsets. Local search
 * methods (compass, CMA-ES) improve a plan in its neighbourhood, but moving from
 * uncoordinated offsets (Webster's are all zero) to a green wave needs many
 * genes to change together; a progression pattern puts that within reach of the
 * first batch, as signal-timing practice does (TRANSYT and Synchro start offset
 * optimisation from progression offsets too).
 *
 * Progression offsets: phase 0 of junction j starts t_j mod C after phase 0 of a
 * reference junction, where t_j is the free-flow travel time from the reference
 * (the signal with the smallest x + y, a corner of the network) along the
 * fastest route. A platoon leaving the reference on green then meets green
 * downstream, in the direction away from the reference.
 */
import type { CompiledNetwork } from '../network/compiled.js';
import { createRouter } from '../routing/router.js';
import type { SignalProgramSpec } from '../signals/program.js';
import type { SearchSpace } from './space.js';

/** Cycle lengths tried, as fractions of the space's cycle range. */
const CYCLE_STEPS = [0, 0.15, 0.3, 0.5, 0.75];

/** Free-flow travel time (s) from the reference signal to each signal of `space`, in space order. */
export function progressionTimes(net: CompiledNetwork, space: SearchSpace): Float64Array {
  const ids = space.junctions.map((g) => net.junctionIndex(g.junction));
  let root = ids[0];
  for (const j of ids) if (net.junctionX[j] + net.junctionY[j] < net.junctionX[root] + net.junctionY[root]) root = j;
  const tree = createRouter(net).tree(root);
  return Float64Array.from(ids, (j) => (Number.isFinite(tree.junctionCost[j]) ? tree.junctionCost[j] : 0));
}

/**
 * Vectors of the first batch: `start` (encoded) with each group's cycle moved
 * to a spread of values, with the start's offsets and with progression offsets.
 */
export function initialDesign(net: CompiledNetwork, space: SearchSpace, start: readonly SignalProgramSpec[]): Float64Array[] {
  const x0 = space.encode(start);
  const times = progressionTimes(net, space);
  const out: Float64Array[] = [];
  for (const step of CYCLE_STEPS) {
    for (const progression of [false, true]) {
      const x = Float64Array.from(x0);
      for (const g of space.groups) x[g.gene] = step;
      if (progression) {
        space.junctions.forEach((genes, i) => {
          if (genes.offset < 0) return;
          const group = space.groups[genes.group];
          const cycle = Math.round(group.minCycle + step * (group.maxCycle - group.minCycle));
          x[genes.offset] = (times[i] % cycle) / cycle;
        });
      }
      if (!out.some((y) => y.every((v, k) => v === x[k]))) out.push(x); // without offset genes the two variants coincide
    }
  }
  return out;
}
