/**
 * The route-swapping step of an iterative dynamic assignment, and the trip
 * table that carries its routes into a simulation.
 *
 * `swapRoutes` is the vehicle-based method of successive averages (MSA) used by
 * simulation-based dynamic traffic assignment (Sheffi 1985, ch. 12 for MSA;
 * Peeta & Mahmassani 1995 and Mahmassani 2001 for its use with a traffic
 * simulator): after iteration k, each traveller whose current route is slower
 * than the fastest one on the experienced costs moves to the fastest route with
 * probability `share` (1/(k+1) in MSA), so the route flows are the running
 * average of the all-or-nothing assignments and the step shrinks as the
 * iterations proceed. Which travellers move is drawn from a seeded stream: same
 * inputs, same seed, same routes.
 *
 * `gapWeightedShares` damps the step for travellers who would gain little: a
 * traveller moves with probability step x min(1, r_i / G), r_i = (c_i - c*_i) /
 * c_i its relative excess time and G the relative gap (the time-weighted mean of
 * r_i): at least average excess moves with the full step, less moves
 * proportionally less — the idea of gap-based path swapping (Lu, Mahmassani &
 * Zhou 2009, "Equivalent gap function-based reformulation and solution algorithm
 * for the dynamic user equilibrium problem", Transportation Research Part B
 * 43(3)) kept within MSA's step. Uncapped (up to probability 1) it converged
 * faster on a grid but oscillated on two parallel routes; capped it converges on
 * both (measured: README, "Route choice that reacts").
 */
import type { TripTable } from './demand.js';
import type { RandomStream } from './random.js';

/** Routes of every trip in CSR form: trip i drives `links[offsets[i] .. offsets[i+1])`. */
export interface RouteSet {
  readonly offsets: Int32Array;
  readonly links: Int32Array;
}

/** What {@link swapRoutes} decided. */
export interface SwapResult {
  routes: RouteSet;
  /** Trips that moved to the fastest route. */
  switched: number;
  /** Trips whose route was slower than the fastest (the candidates). */
  candidates: number;
  /** 1 for each trip that moved (`switched` of them), else 0. */
  moved: Uint8Array;
}

/**
 * Per-trip move probabilities step x min(1, r_i / gap) (see the module header):
 * `current`/`best` route times (s), `gap` the relative gap (floored at 1e-9),
 * `step` in [0, 1]. Trips with no excess (or no finite time) get 0.
 */
export function gapWeightedShares(current: Float64Array, best: Float64Array, gap: number, step: number): Float64Array {
  const p = new Float64Array(current.length);
  const g = gap > 1e-9 ? gap : 1e-9;
  for (let i = 0; i < p.length; i++) {
    const c = current[i];
    const b = best[i];
    if (c > 0 && c < Infinity && b < c) {
      const q = (step * (c - b)) / c / g;
      p[i] = q < step ? q : step;
    }
  }
  return p;
}

function sameRoute(a: RouteSet, i: number, b: RouteSet, j: number): boolean {
  const a0 = a.offsets[i];
  const len = a.offsets[i + 1] - a0;
  const b0 = b.offsets[j];
  if (b.offsets[j + 1] - b0 !== len) return false;
  for (let k = 0; k < len; k++) if (a.links[a0 + k] !== b.links[b0 + k]) return false;
  return true;
}

/**
 * Move each trip from `current` (cost `currentCost[i]`, s) to `best` (cost
 * `bestCost[i]`, s) with probability `share` (one for all, or `share[i]` per
 * trip) when the best route is faster by
 * more than `tolerance` s and differs; one draw of `random` per trip, in trip
 * order, whether or not it is a candidate. A trip with no best route (empty or
 * infinite cost) keeps its route.
 */
export function swapRoutes(
  current: RouteSet, currentCost: Float64Array, best: RouteSet, bestCost: Float64Array, share: number | Float64Array, random: RandomStream, tolerance = 1e-6,
): SwapResult {
  const count = currentCost.length;
  const take = new Uint8Array(count);
  let switched = 0;
  let candidates = 0;
  let size = 0;
  for (let i = 0; i < count; i++) {
    const u = random.next();
    const empty = best.offsets[i + 1] === best.offsets[i];
    if (!empty && bestCost[i] < currentCost[i] - tolerance && !sameRoute(current, i, best, i)) {
      candidates++;
      if (u < (typeof share === 'number' ? share : share[i])) { take[i] = 1; switched++; }
    }
    const from = take[i] === 1 ? best : current;
    size += from.offsets[i + 1] - from.offsets[i];
  }
  const offsets = new Int32Array(count + 1);
  const links = new Int32Array(size);
  for (let i = 0; i < count; i++) {
    const from = take[i] === 1 ? best : current;
    const a = from.offsets[i];
    const b = from.offsets[i + 1];
    links.set(from.links.subarray(a, b), offsets[i]);
    offsets[i + 1] = offsets[i] + (b - a);
  }
  return { routes: { offsets, links }, switched, candidates, moved: take };
}

/**
 * A copy of `trips` that drives `routes` (trips with an empty route keep the
 * table's own route, if any, or are routed at departure); first and last links
 * are set from the route, as the trip table requires of given routes. The other
 * columns are shared with `trips`.
 */
export function withRoutes(trips: TripTable, routes: RouteSet): TripTable {
  const count = trips.count;
  const originLink = Int32Array.from(trips.originLink);
  const destinationLink = Int32Array.from(trips.destinationLink);
  let size = 0;
  for (let i = 0; i < count; i++) {
    const own = routes.offsets[i + 1] - routes.offsets[i];
    size += own > 0 ? own : trips.routeOffsets[i + 1] - trips.routeOffsets[i];
  }
  const routeOffsets = new Int32Array(count + 1);
  const routeLinks = new Int32Array(size);
  for (let i = 0; i < count; i++) {
    let src = routes.links;
    let a = routes.offsets[i];
    let b = routes.offsets[i + 1];
    if (b === a) { src = trips.routeLinks; a = trips.routeOffsets[i]; b = trips.routeOffsets[i + 1]; }
    routeLinks.set(src.subarray(a, b), routeOffsets[i]);
    routeOffsets[i + 1] = routeOffsets[i] + (b - a);
    if (b > a) {
      originLink[i] = src[a];
      destinationLink[i] = src[b - 1];
    }
  }
  return { ...trips, originLink, destinationLink, routeOffsets, routeLinks };
}
