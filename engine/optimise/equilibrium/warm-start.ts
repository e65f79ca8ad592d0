/**
 * Warm starts across networks: the routes one equilibrium learnt, carried onto
 * another network for the same trips (a what-if's variant starting from the
 * base's equilibrium, as a study of "after" starts from "before": drivers know
 * the roads they drove and adapt from there).
 *
 * Routes are matched by link id. A trip keeps its route only when every link
 * of it exists in the other network, every turn along it is permitted there,
 * and it still starts and ends where the trip does; any other trip gets an
 * empty route, which `equilibrate` fills with the free-flow fastest (so the
 * drivers of a closed road start from the free-flow routes around it).
 */
import type { CompiledNetwork } from '../../network/compiled.js';
import type { TripTable } from '../../demand/demand.js';
import type { RouteSet } from '../../demand/route-swap.js';

/** Routes carried onto another network: the routes (CSR, one per trip) and how many trips kept theirs. */
export interface CarriedRoutes {
  routes: RouteSet;
  /** Trips whose route was carried over; the others start on the free-flow fastest. */
  kept: number;
}

/**
 * `routes` (one per trip of `fromTrips`, on `from`) carried onto `to` for
 * `toTrips`, or undefined when the two trip tables are not the same trips (count,
 * ids or departure times differ): then no route can be matched to its trip.
 */
export function carryRoutes(from: CompiledNetwork, fromTrips: TripTable, routes: RouteSet, to: CompiledNetwork, toTrips: TripTable): CarriedRoutes | undefined {
  const count = toTrips.count;
  if (fromTrips.count !== count || routes.offsets.length !== count + 1) return undefined;
  for (let i = 0; i < count; i++) {
    if (fromTrips.ids[i] !== toTrips.ids[i] || fromTrips.depart[i] !== toTrips.depart[i]) return undefined;
  }
  // Link index on `from` -> link index on `to` (-1: no link of that id there).
  const linkMap = new Int32Array(from.linkCount);
  for (let l = 0; l < from.linkCount; l++) linkMap[l] = to.linkIndex(from.linkKey(l));
  const offsets = new Int32Array(count + 1);
  const links = new Int32Array(routes.links.length);
  let at = 0;
  let kept = 0;
  for (let i = 0; i < count; i++) {
    const a = routes.offsets[i];
    const b = routes.offsets[i + 1];
    let ok = b > a;
    for (let k = a; ok && k < b; k++) {
      const l = linkMap[routes.links[k]];
      if (l < 0 || (k > a && to.movementBetween(links[at + k - a - 1], l) < 0)) ok = false;
      else links[at + k - a] = l;
    }
    if (ok) {
      const first = links[at];
      const last = links[at + b - a - 1];
      const startsRight = toTrips.originLink[i] >= 0 ? first === toTrips.originLink[i] : to.linkFrom[first] === toTrips.origin[i];
      const endsRight = toTrips.destinationLink[i] >= 0 ? last === toTrips.destinationLink[i] : to.linkTo[last] === toTrips.destination[i];
      ok = startsRight && endsRight;
    }
    if (ok) {
      at += b - a;
      kept++;
    }
    offsets[i + 1] = at;
  }
  return { routes: { offsets, links: links.slice(0, at) }, kept };
}
