/**
 * Routes that no signal plan can change, computed once per expanded demand and
 * reused by every candidate evaluated on it.
 *
 * A trip without a given route is routed when it departs, on the link costs of
 * that moment (sim/rerouting.ts): the free-flow times until the first refresh
 * at `start + routingInterval`, experienced times after it. So the route of a
 * trip departing before the first refresh (every trip, with
 * `routingInterval: Infinity`) is the same under every plan; giving it in the
 * trip table, routed exactly as the kernel would (the same router calls on the
 * same costs), changes nothing in the run but the work. Trips the router finds
 * no route for, and trips from a junction to itself, are left to the kernel,
 * which reports them unroutable as before. `originLink` and `destinationLink`
 * are left as they were: a vehicle re-routing en route still heads for its
 * destination junction, not for the last link of its first route.
 */
import type { CompiledNetwork } from '../network/compiled.js';
import type { TripTable } from '../demand/demand.js';
import { departureRouter } from '../sim/rerouting.js';
import { DEFAULT_SIM_OPTIONS, type SimOptions } from '../sim/options.js';

/**
 * `trips` with the routes of the trips departing in [start, start +
 * routingInterval) filled in (those without a given route), on free-flow
 * times with the run's turn costs (`minorPenalty`: `departureRouter`). `trips` itself is not changed; the result shares its other columns.
 */
export function withFixedRoutes(net: CompiledNetwork, trips: TripTable, options: Partial<Pick<SimOptions, 'start' | 'end' | 'routingInterval' | 'minorPenalty'>> = {}): TripTable {
  const start = options.start ?? DEFAULT_SIM_OPTIONS.start;
  const end = options.end ?? DEFAULT_SIM_OPTIONS.end;
  const until = Math.min(end, start + (options.routingInterval ?? DEFAULT_SIM_OPTIONS.routingInterval));
  const { count, depart, originLink, destinationLink, origin, destination, routeOffsets, routeLinks } = trips;
  const router = departureRouter(net, Float64Array.from(net.linkFreeFlowTime), options.minorPenalty ?? DEFAULT_SIM_OPTIONS.minorPenalty);
  const offsets = new Int32Array(count + 1);
  const parts: Int32Array[] = [];
  let total = 0;
  let added = 0;
  for (let v = 0; v < count; v++) {
    const a = routeOffsets[v];
    const b = routeOffsets[v + 1];
    let route: Int32Array | undefined;
    if (b > a) {
      route = routeLinks.subarray(a, b);
    } else if (depart[v] >= start && depart[v] < until) {
      const ol = originLink[v];
      const dl = destinationLink[v];
      let cost: number;
      if (ol >= 0 && dl >= 0) cost = router.routeLinks(ol, dl);
      else if (ol >= 0) cost = router.routeFromLink(ol, destination[v]);
      else if (dl >= 0) cost = router.routeToLink(origin[v], dl);
      else cost = router.route(origin[v], destination[v]);
      if (cost !== Infinity && !(ol < 0 && dl < 0 && origin[v] === destination[v])) {
        route = Int32Array.from(router.lastPath());
        added++;
      }
    }
    if (route !== undefined && route.length > 0) {
      parts.push(route);
      total += route.length;
    }
    offsets[v + 1] = total;
  }
  if (added === 0) return trips;
  const links = new Int32Array(total);
  let at = 0;
  for (const part of parts) {
    links.set(part, at);
    at += part.length;
  }
  return { ...trips, routeOffsets: offsets, routeLinks: links };
}
