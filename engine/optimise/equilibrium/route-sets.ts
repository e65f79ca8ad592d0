/**
 * Per-traveller route sets of Gawron's route choice (gawron.ts), and the step
 * that updates them between two simulations of the equilibrium.
 *
 * Every trip has at most `maxAlternatives` routes (SUMO's max-alternatives),
 * each an id in a shared {@link RoutePool} with a remembered cost (s) and a
 * choice probability, in fixed-width typed arrays: `route[i * max + j]`, so
 * 60,000 trips with 5 routes each take 60,000 x 5 x 20 bytes plus the distinct
 * routes once.
 *
 * One step, after a simulation with interval costs C (the order SUMO's
 * duarouter follows for each vehicle of duaIterate.py):
 *   1. the fastest route on C for the trip's departure (the equilibrium's batch
 *      routing) joins the set when new, with probability 1/n (n the new size)
 *      while the others' are scaled by (n - 1)/n;
 *   2. every route's cost is re-measured on C at the trip's departure and
 *      remembered (gawronCost: the route last driven takes the measurement);
 *   3. Gawron's pairwise probability update (gawronProbabilities);
 *   4. routes whose probability fell to 0 leave the set; when it holds more than
 *      `maxAlternatives`, the most probable stay (the order of the set is then
 *      by falling probability) and the probabilities are rescaled to sum 1;
 *   5. the route to drive next is drawn by the probabilities: u from the seeded
 *      stream, the first route whose cumulative probability reaches u (the last
 *      when rounding leaves u above the sum).
 * Trips outside the run, or with no route, keep what they have; every trip
 * takes one draw, in trip order, so the choice is deterministic by seed.
 */
import type { CompiledNetwork } from '../../network/compiled.js';
import type { RandomStream } from '../../demand/random.js';
import type { RouteSet } from '../../demand/route-swap.js';
import { traverse, type IntervalCosts } from '../../routing/time-dependent.js';
import type { BatchRoutes } from '../../routing/types.js';
import { gawronCost, gawronProbabilities, type GawronParameters } from './gawron.js';
import { RoutePool } from './route-pool.js';

/** What {@link RouteSets.step} decided. */
export interface GawronStep {
  /** The route each trip drives next (CSR). */
  routes: RouteSet;
  /** Trips whose next route differs from the one they drove. */
  switched: number;
  /** Trips whose fastest route was not yet in their set. */
  added: number;
  /** Mean routes per set over trips in the run with a route. */
  meanAlternatives: number;
}

/** Route sets of every trip (module header). */
export class RouteSets {
  readonly pool = new RoutePool();
  /** route[i * max + j]: id of trip i's j-th route, -1 past its set. */
  readonly route: Int32Array;
  /** Remembered cost of each route, s. */
  readonly cost: Float64Array;
  /** Choice probability of each route. */
  readonly prob: Float64Array;
  /** Routes in each trip's set. */
  readonly size: Uint8Array;
  /** Index in its set of the route each trip drives (last drew). */
  readonly used: Uint8Array;
  private readonly max: number;
  /** Routes in the pool after its last compaction. */
  private compacted = 0;
  // Scratch for one trip: up to max + 1 routes while a new one is added.
  private readonly sId: Int32Array;
  private readonly sCost: Float64Array;
  private readonly sProb: Float64Array;
  private readonly sOrder: Int32Array;

  /**
   * Each trip's set holds its route in `routes` alone, probability 1, cost
   * `costs[i]` (s); trips with an empty route get an empty set.
   */
  constructor(routes: RouteSet, costs: Float64Array, maxAlternatives: number) {
    const count = routes.offsets.length - 1;
    const max = maxAlternatives;
    this.max = max;
    this.route = new Int32Array(count * max).fill(-1);
    this.cost = new Float64Array(count * max);
    this.prob = new Float64Array(count * max);
    this.size = new Uint8Array(count);
    this.used = new Uint8Array(count);
    this.sId = new Int32Array(max + 1);
    this.sCost = new Float64Array(max + 1);
    this.sProb = new Float64Array(max + 1);
    this.sOrder = new Int32Array(max + 1);
    for (let i = 0; i < count; i++) {
      const a = routes.offsets[i];
      const b = routes.offsets[i + 1];
      if (b === a) continue;
      this.route[i * max] = this.pool.intern(routes.links, a, b);
      this.cost[i * max] = costs[i];
      this.prob[i * max] = 1;
      this.size[i] = 1;
    }
  }

  /** The route each trip drives (CSR, a fresh copy). */
  chosen(): RouteSet {
    const count = this.size.length;
    const { pool, route, size, used, max } = this;
    const offsets = new Int32Array(count + 1);
    for (let i = 0; i < count; i++) offsets[i + 1] = offsets[i] + (size[i] > 0 ? pool.length(route[i * max + used[i]]) : 0);
    const links = new Int32Array(offsets[count]);
    for (let i = 0; i < count; i++) {
      if (size[i] === 0) continue;
      const id = route[i * max + used[i]];
      links.set(pool.links.subarray(pool.offsets[id], pool.offsets[id + 1]), offsets[i]);
    }
    return { offsets, links };
  }

  /**
   * One Gawron step (module header) on `costs`, the fastest routes `best` on
   * them, for trips with `inRun[i] = 1` departing at `depart[i]` (s).
   */
  step(net: CompiledNetwork, costs: IntervalCosts, best: BatchRoutes, depart: Float64Array, inRun: Uint8Array, params: GawronParameters, random: RandomStream): GawronStep {
    const count = this.size.length;
    const { route, cost, prob, size, used, max, sId, sCost, sProb, sOrder } = this;
    const pool = this.pool;
    let switched = 0;
    let added = 0;
    let routesInSets = 0;
    let sets = 0;
    for (let i = 0; i < count; i++) {
      const u = random.next();
      const n0 = size[i];
      const b0 = best.offsets[i];
      const b1 = best.offsets[i + 1];
      if (inRun[i] === 0 || n0 === 0 || b1 === b0) continue;
      const base = i * max;
      const drove = route[base + used[i]];
      for (let j = 0; j < n0; j++) {
        sId[j] = route[base + j];
        sCost[j] = cost[base + j];
        sProb[j] = prob[base + j];
      }
      // 1. The fastest route joins the set when new.
      const bestId = pool.intern(best.links, b0, b1);
      let n = n0;
      let fresh = -1;
      for (let j = 0; j < n0 && fresh < 0; j++) if (sId[j] === bestId) fresh = -2;
      if (fresh === -1) {
        fresh = n++;
        sId[fresh] = bestId;
        const scale = (n - 1) / n;
        for (let j = 0; j < fresh; j++) sProb[j] *= scale;
        sProb[fresh] = 1 / n;
        added++;
      }
      // 2. Costs re-measured and remembered.
      for (let j = 0; j < n; j++) {
        const id = sId[j];
        const measured = traverse(net, costs, pool.links, pool.offsets[id], pool.offsets[id + 1], depart[i]);
        sCost[j] = j === fresh ? measured : gawronCost(sCost[j], measured, params.beta, j === used[i]);
      }
      // 3. Gawron's update; 4. routes at probability 0 leave, the most probable `max` stay.
      gawronProbabilities(sCost, sProb, n, params.a);
      let kept = 0;
      for (let j = 0; j < n; j++) if (sProb[j] !== 0) sOrder[kept++] = j;
      if (kept === 0) { sOrder[0] = fresh >= 0 ? fresh : used[i]; sProb[sOrder[0]] = 1; kept = 1; }
      if (kept > max) {
        // Stable sort by falling probability (insertion sort: at most max + 1 entries).
        for (let x = 1; x < kept; x++) {
          const v = sOrder[x];
          let y = x - 1;
          while (y >= 0 && sProb[sOrder[y]] < sProb[v]) { sOrder[y + 1] = sOrder[y]; y--; }
          sOrder[y + 1] = v;
        }
        kept = max;
        let sum = 0;
        for (let x = 0; x < kept; x++) sum += sProb[sOrder[x]];
        for (let x = 0; x < kept; x++) sProb[sOrder[x]] /= sum;
      }
      // 5. Draw the next route.
      let pick = kept - 1;
      let left = u;
      for (let x = 0; x < kept - 1; x++) {
        left -= sProb[sOrder[x]];
        if (left <= 0) { pick = x; break; }
      }
      for (let x = 0; x < kept; x++) {
        const j = sOrder[x];
        route[base + x] = sId[j];
        cost[base + x] = sCost[j];
        prob[base + x] = sProb[j];
      }
      for (let x = kept; x < max; x++) route[base + x] = -1;
      size[i] = kept;
      used[i] = pick;
      if (route[base + pick] !== drove) switched++;
      routesInSets += kept;
      sets++;
    }
    // Routes no set holds any more leave the pool once it has doubled since the last compaction.
    if (pool.size > 2 * this.compacted + 4096) this.compacted = pool.compact(route);
    return { routes: this.chosen(), switched, added, meanAlternatives: sets > 0 ? routesInSets / sets : 0 };
  }
}
