/**
 * Movement flows: how many vehicles per hour each movement (turn) carries, from
 * the routes of a trip table. The input of Webster's method (webster.ts) and of
 * the turn ratios max-pressure control uses (max-pressure.ts).
 *
 * Like SUMO's tools/tlsCycleAdaptation.py, a trip counts in a window by its
 * departure time (not by when it reaches each junction) and adds one vehicle to
 * every movement its route uses; trips with an explicit route use it, the others
 * are routed on free-flow link times with the same router the kernel uses at
 * departure (before any travel-time refresh), so the counts are the kernel's
 * first-hour routes. Without a window the busiest hour of departures is used
 * (the classic peak-hour design volume); SUMO uses [begin, begin + 3600) with
 * begin default 0. Passenger-car equivalents are not applied: the kernel has one
 * vehicle type.
 */
import { UsageError } from '../errors.js';
import type { CompiledNetwork } from '../network/compiled.js';
import type { TripTable } from '../demand/demand.js';
import { createRouter } from '../routing/router.js';

/** A time window of departures, s. */
export interface FlowWindow {
  /** First departure counted, s. */
  begin: number;
  /** Departures strictly before this are counted, s (> begin). */
  end: number;
}

/** Length of the design hour, s. */
const HOUR = 3600;

/**
 * The hour [begin, begin + 3600) holding the most departures of `trips` (the
 * earliest such hour on ties); its `begin` is a departure time. An empty table
 * gives [0, 3600).
 */
export function busiestHour(trips: TripTable): FlowWindow {
  const { depart, count } = trips;
  if (count === 0) return { begin: 0, end: HOUR };
  // Departures are sorted: a two-pointer sweep over window starts at each departure.
  let best = 0;
  let bestBegin = depart[0];
  for (let i = 0, j = 0; i < count; i++) {
    while (j < count && depart[j] < depart[i] + HOUR) j++;
    if (j - i > best) {
      best = j - i;
      bestBegin = depart[i];
    }
  }
  return { begin: bestBegin, end: bestBegin + HOUR };
}

/**
 * Flow of every movement of `net` in veh/h (index = movement id): the trips
 * departing in `window` (default: {@link busiestHour}) that use the movement,
 * divided by the window length in hours. Trips without a route are routed on
 * free-flow times; unroutable trips are skipped. Throws `UsageError` for a bad
 * window.
 */
export function movementFlows(net: CompiledNetwork, trips: TripTable, window?: FlowWindow): Float64Array {
  const w = window ?? busiestHour(trips);
  if (!Number.isFinite(w.begin) || !Number.isFinite(w.end) || !(w.end > w.begin)) {
    throw new UsageError(`movementFlows: window must have finite begin < end, got [${w.begin}, ${w.end})`);
  }
  const counts = new Float64Array(net.movementCount);
  const { depart, routeOffsets, routeLinks, origin, destination, originLink, destinationLink } = trips;
  const add = (links: Int32Array, from: number, to: number): void => {
    for (let i = from; i + 1 < to; i++) {
      const e = net.movementBetween(links[i], links[i + 1]);
      if (e >= 0) counts[e]++;
    }
  };
  let router: ReturnType<typeof createRouter> | undefined;
  // Trips of one origin-destination (and end links) share a route: route each key once.
  const cache = new Map<string, Int32Array | null>();
  for (let v = 0; v < trips.count; v++) {
    const t = depart[v];
    if (t < w.begin || t >= w.end) continue;
    const r0 = routeOffsets[v];
    const r1 = routeOffsets[v + 1];
    if (r1 > r0) {
      add(routeLinks, r0, r1);
      continue;
    }
    const ol = originLink[v];
    const dl = destinationLink[v];
    const key = `${origin[v]},${destination[v]},${ol},${dl}`;
    let path = cache.get(key);
    if (path === undefined) {
      router ??= createRouter(net);
      let cost: number;
      if (ol >= 0 && dl >= 0) cost = router.routeLinks(ol, dl);
      else if (ol >= 0) cost = router.routeFromLink(ol, destination[v]);
      else if (dl >= 0) cost = router.routeToLink(origin[v], dl);
      else cost = router.route(origin[v], destination[v]);
      path = cost === Infinity ? null : router.lastPath().slice();
      cache.set(key, path);
    }
    if (path !== null) add(path, 0, path.length);
  }
  const scale = HOUR / (w.end - w.begin);
  for (let e = 0; e < counts.length; e++) counts[e] *= scale;
  return counts;
}

/**
 * Turn ratios from movement flows: for every movement, its flow divided by the
 * total flow of the movements leaving the same approach link (0 where that total
 * is 0). Index = movement id.
 */
export function movementTurnRatios(net: CompiledNetwork, flows: ArrayLike<number>): Float64Array {
  if (flows.length !== net.movementCount) throw new UsageError(`movementTurnRatios: flows must have one entry per movement (${net.movementCount}), got ${flows.length}`);
  const ratios = new Float64Array(net.movementCount);
  for (let l = 0; l < net.linkCount; l++) {
    const first = net.movementOffsets[l];
    const last = net.movementOffsets[l + 1];
    let total = 0;
    for (let e = first; e < last; e++) total += flows[e] > 0 ? flows[e] : 0;
    if (total > 0) for (let e = first; e < last; e++) ratios[e] = flows[e] > 0 ? flows[e] / total : 0;
  }
  return ratios;
}
