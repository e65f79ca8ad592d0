/**
 * Batch routing: many junction-to-junction trips at once, in CSR form.
 *
 * Trips are grouped by origin (a counting sort, which keeps trip order within a
 * group); each origin gets ONE search that stops once every destination its trips
 * need is settled. Within a group, the route to each distinct destination is
 * walked and written once, into a scratch block; the trips that share it copy it.
 * An OD table with many trips per cell (1.26 M trips over 150 k cells on Chicago
 * Sketch) then costs one chain walk per cell, not per trip, and the scratch
 * memory is bounded by the distinct routes, not by the trips.
 */
import type { BatchRoutes } from './types.js';

const NONE = -1;

/** What batch routing needs of a search (both the junction- and the link-level search provide it). */
export interface TreeSearch {
  /** Per junction: cost found by the last `until` (valid where reached). */
  readonly cost: Float64Array;
  /**
   * Search from `origin` until every junction marked in `need` with `mark` is
   * settled; each one reached gets `need[j] = 0`. Returns how many were not reached.
   */
  until(origin: number, need: Int32Array, mark: number, remaining: number): number;
  /** Number of links on the route to junction `j` in the last search. */
  chainLength(j: number): number;
  /** Write the route to `j` into `out` at `at`, in driving order; returns the next free slot. */
  writeChain(j: number, out: Int32Array, at: number): number;
}

/** Batch routing over `junctionCount` junctions; keeps its scratch memory between calls. */
export function createBatchRouter(junctionCount: number): (search: TreeSearch, origins: Int32Array, destinations: Int32Array) => BatchRoutes {
  const n = junctionCount;
  const need = new Int32Array(n); // mark of the current origin where a destination is wanted
  const chainAt = new Int32Array(n); // start of the route to j in `chains` (valid while need[j] === -mark)
  const chainLen = new Int32Array(n); // its number of links
  let chains = new Int32Array(1024);
  let mark = 0;

  return function routeBatch(search: TreeSearch, origins: Int32Array, destinations: Int32Array): BatchRoutes {
    const trips = origins.length;
    // Group trips by origin (counting sort keeps trip order within a group).
    const start = new Int32Array(n + 1);
    for (let i = 0; i < trips; i++) start[origins[i] + 1]++;
    for (let j = 0; j < n; j++) start[j + 1] += start[j];
    const order = new Int32Array(trips);
    const cursor = start.slice(0, n);
    for (let i = 0; i < trips; i++) order[cursor[origins[i]]++] = i;

    const costs = new Float64Array(trips);
    const offsets = new Int32Array(trips + 1);
    const from = new Int32Array(trips); // start of each trip's route in `chains`
    let used = 0;
    // Pass 1: one early-exit search per origin; each distinct route written once into `chains`.
    for (let o = 0; o < n; o++) {
      const g0 = start[o];
      const g1 = start[o + 1];
      if (g0 === g1) continue;
      const m = nextMark();
      let remaining = 0;
      for (let g = g0; g < g1; g++) {
        const d = destinations[order[g]];
        if (d !== o && need[d] !== m) { need[d] = m; remaining++; }
      }
      if (remaining > 0) search.until(o, need, m, remaining);
      const cost = search.cost;
      for (let g = g0; g < g1; g++) {
        const trip = order[g];
        const d = destinations[trip];
        if (d === o) continue; // cost 0, no links
        if (need[d] === m) { costs[trip] = Infinity; continue; } // not reached: unreachable
        if (need[d] !== -m) {
          need[d] = -m;
          const len = search.chainLength(d);
          if (used + len > chains.length) {
            const grown = new Int32Array(Math.max(used + len, chains.length * 2));
            grown.set(chains.subarray(0, used));
            chains = grown;
          }
          chainAt[d] = used;
          chainLen[d] = len;
          used = search.writeChain(d, chains, used);
        }
        costs[trip] = cost[d];
        from[trip] = chainAt[d];
        offsets[trip + 1] = chainLen[d];
      }
    }
    for (let i = 0; i < trips; i++) offsets[i + 1] += offsets[i];
    // Pass 2: lay the routes out in trip order.
    const links = new Int32Array(offsets[trips]);
    for (let i = 0; i < trips; i++) {
      const to = offsets[i];
      const len = offsets[i + 1] - to;
      const f = from[i];
      for (let x = 0; x < len; x++) links[to + x] = chains[f + x];
    }
    return { offsets, links, costs };
  };

  /** A fresh positive mark (-mark then means "route already measured/written" for this group). */
  function nextMark(): number {
    if (mark === 0x3ffffffe) {
      need.fill(0);
      mark = 0;
    }
    return ++mark;
  }
}
