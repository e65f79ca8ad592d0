/**
 * Smoothed experienced costs for the route choice of a dynamic assignment, and
 * the re-routing of the travellers who move on them.
 *
 * Each iteration measures movement times from one simulation; with a handful of
 * vehicles per movement and 5-minute interval (behind a signal, each waits a
 * different share of the red), those means carry sampling noise, and the fastest
 * route on noisy costs is biased towards routes whose noise happened to be low.
 * Travellers therefore choose on the exponentially smoothed costs
 *     s_k = w c_k + (1 - w) s_(k-1),   s_1 = c_1,
 * the learning filter of day-to-day assignment models (Cantarella & Cascetta
 * 1995, "Dynamic processes and equilibrium in transportation networks: towards a
 * unifying theory", Transportation Science 29(4); SUMO's duaIterate.py offers the
 * like with --weight-memory). The equilibrium weighs the newest costs by
 * w_k = max(costSmoothing, its step): while the step is large the assignment
 * moves fast and old costs would mislead; as it shrinks the memory grows. Who
 * moves, and with what probability, is still
 * decided on the iteration's own costs, and the relative gap is measured on them
 * alone (equilibrium.ts): smoothing changes where movers go, not what is judged,
 * unless `gapCosts: 'smoothed'` judges all three on the smoothed costs.
 *
 * Only the movers are routed on the smoothed costs (one batch over their
 * origins and departure slots), and a mover stays on its route unless the
 * smoothed fastest route differs from it and is faster on the smoothed costs.
 */
import type { CompiledNetwork } from '../../network/compiled.js';
import type { TripTable } from '../../demand/demand.js';
import type { RouteSet } from '../../demand/route-swap.js';
import { traverse, type IntervalCosts, type TimeDependentRouter } from '../../routing/time-dependent.js';

/** `weight` x `next` + (1 - `weight`) x `previous`, cell by cell (new arrays); `next` itself when there is no previous or `weight` is 1. */
export function smoothCosts(previous: IntervalCosts | undefined, next: IntervalCosts, weight: number): IntervalCosts {
  if (previous === undefined || weight >= 1) return next;
  const blend = (a: Float64Array, b: Float64Array): Float64Array => {
    const out = new Float64Array(b.length);
    for (let x = 0; x < b.length; x++) out[x] = weight * b[x] + (1 - weight) * a[x];
    return out;
  };
  return { ...next, movement: blend(previous.movement, next.movement), arrival: blend(previous.arrival, next.arrival) };
}

/** What {@link retargetMovers} decided. */
export interface Retargeted {
  /** Every trip's route: movers on their smoothed fastest route, the others on `routes`. */
  routes: RouteSet;
  /** Movers that changed route. */
  switched: number;
}

/**
 * Route the trips marked in `moved` on `smoothed` (one `routeBatch` over them)
 * and move each to its fastest route there when that route differs from its
 * route in `routes` and is faster than it on `smoothed` by more than
 * `tolerance` s; the others keep `routes`.
 */
export function retargetMovers(
  net: CompiledNetwork, router: TimeDependentRouter, trips: TripTable, routes: RouteSet, moved: Uint8Array, smoothed: IntervalCosts, slotS: number, tolerance = 1e-6,
): Retargeted {
  const ids: number[] = [];
  for (let i = 0; i < moved.length; i++) if (moved[i] === 1) ids.push(i);
  const pick = (a: Int32Array): Int32Array => Int32Array.from(ids, (i) => a[i]);
  const sub = {
    count: ids.length,
    origin: pick(trips.origin),
    destination: pick(trips.destination),
    originLink: pick(trips.originLink),
    destinationLink: pick(trips.destinationLink),
    depart: Float64Array.from(ids, (i) => trips.depart[i]),
  };
  const best = router.routeBatch(sub, smoothed, slotS);
  const target = new Int32Array(moved.length).fill(-1); // index into `sub` of each accepted mover
  let switched = 0;
  for (let k = 0; k < ids.length; k++) {
    const i = ids[k];
    const b0 = best.offsets[k];
    const b1 = best.offsets[k + 1];
    if (b1 === b0) continue;
    const a0 = routes.offsets[i];
    const a1 = routes.offsets[i + 1];
    let same = a1 - a0 === b1 - b0;
    for (let q = 0; same && q < b1 - b0; q++) same = routes.links[a0 + q] === best.links[b0 + q];
    if (same) continue;
    if (!(best.costs[k] < traverse(net, smoothed, routes.links, a0, a1, trips.depart[i]) - tolerance)) continue;
    target[i] = k;
    switched++;
  }
  const count = moved.length;
  const offsets = new Int32Array(count + 1);
  for (let i = 0; i < count; i++) {
    const k = target[i];
    offsets[i + 1] = offsets[i] + (k >= 0 ? best.offsets[k + 1] - best.offsets[k] : routes.offsets[i + 1] - routes.offsets[i]);
  }
  const links = new Int32Array(offsets[count]);
  for (let i = 0; i < count; i++) {
    const k = target[i];
    if (k >= 0) links.set(best.links.subarray(best.offsets[k], best.offsets[k + 1]), offsets[i]);
    else links.set(routes.links.subarray(routes.offsets[i], routes.offsets[i + 1]), offsets[i]);
  }
  return { routes: { offsets, links }, switched };
}
