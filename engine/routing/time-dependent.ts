/**
 * Time-dependent shortest paths on interval link costs, batched by origin and
 * departure slot: the routing step of a dynamic traffic assignment.
 *
 * Costs are per MOVEMENT (turn), piecewise constant in time:
 * `IntervalCosts.movement[i * movementCount + x]` is the time (s) a vehicle
 * entering movement x's approach link during interval i takes to leave it
 * through x, and `arrival[i * linkCount + l]` the time to drive link l to its
 * end when l is the last link of the route (times before the first interval use
 * the first, after the last the last). Turns at one approach differ (a left turn
 * behind opposing traffic, a turn bay that spills over), so a link's mean time
 * would mislead route choice; movement times do not. A route's cost for a
 * departure at t is its traversal time: enter the first link at t, each next link
 * when leaving the previous one (`traverse`).
 *
 * The search is Dijkstra on LINKS whose label is the time of entering the link
 * (a step from link a to link b only through a permitted movement a -> b, so a
 * route never uses a forbidden turn), plus one sink label per destination
 * reached through `arrival`: the time-dependent Dijkstra of Cooke
 * & Halsey (1966) / Dreyfus (1969), exact when link costs are FIFO (entering
 * later never means leaving earlier). Interval costs are FIFO within an interval
 * and may violate it at an interval boundary (a slow interval followed by a fast
 * one); the search then returns a route that is fastest among those it labelled,
 * as SUMO's duarouter does on the same aggregated weights.
 *
 * Batch routing: trips are grouped by start (origin link when given, otherwise
 * origin junction) and departure slot of `slotS` seconds; each group gets ONE
 * search from the mean departure time of its trips that stops once every
 * destination its trips need is settled. Each trip's route is then re-timed at
 * its own departure (`costs` of the result), so a slot only approximates which
 * route is fastest, never the cost reported for it.
 */
import { UsageError } from '../errors.js';
import type { CompiledNetwork } from '../network/compiled.js';
import { TypedHeap } from './heap.js';
import type { BatchRoutes } from './types.js';

/** Movement and link travel times by entry-time interval (s). */
export interface IntervalCosts {
  /** Start of interval 0, s. */
  readonly start: number;
  /** Interval width, s (> 0). */
  readonly width: number;
  /** Number of intervals (>= 1). */
  readonly intervals: number;
  /** movement[i * movementCount + x]: time from entering x's approach link in interval i to leaving it through x, s (finite, >= 0). */
  readonly movement: Float64Array;
  /** arrival[i * linkCount + l]: time from entering link l in interval i to reaching its end (a route's last link), s (finite, >= 0). */
  readonly arrival: Float64Array;
}

/** Trips to route: junction indices, optional end links (-1: any), departure times (s). */
export interface TimedTrips {
  readonly count: number;
  readonly origin: Int32Array;
  readonly destination: Int32Array;
  /** First link of the route, or -1 for any link leaving `origin`. */
  readonly originLink: Int32Array;
  /** Last link of the route, or -1 for any link entering `destination`. */
  readonly destinationLink: Int32Array;
  readonly depart: Float64Array;
}

/** A time-dependent router over one network; keeps its working memory between calls. Not re-entrant. */
export interface TimeDependentRouter {
  /**
   * Fastest routes of `trips` on `costs`, one search per (start, departure slot of
   * `slotS` s). `costs[i]` is trip i's traversal time at its own departure (s);
   * Infinity and no links when unreachable, 0 and no links when origin = destination
   * with no end link given.
   */
  routeBatch(trips: TimedTrips, costs: IntervalCosts, slotS: number): BatchRoutes;
  /** Labels settled by the last `routeBatch` (a machine-independent measure of work). */
  readonly settled: number;
}

/**
 * Interval costs equal to free-flow times (a movement: its approach link's plus
 * the movement's time offset, clamped at 0, as the kernel drives it), as one
 * interval starting at `start`.
 */
export function freeFlowCosts(net: CompiledNetwork, start = 0): IntervalCosts {
  const movement = new Float64Array(net.movementCount);
  for (let x = 0; x < movement.length; x++) movement[x] = Math.max(0, net.linkFreeFlowTime[net.movementFrom[x]] + net.movementTimeOffset[x]);
  return { start, width: 1, intervals: 1, movement, arrival: Float64Array.from(net.linkFreeFlowTime) };
}

/** Check `costs` against `net` (sizes, finite non-negative times); throws UsageError naming the problem. */
export function checkIntervalCosts(net: CompiledNetwork, costs: IntervalCosts): void {
  const { start, width, intervals, movement, arrival } = costs;
  if (!Number.isFinite(start)) throw new UsageError(`costs.start must be finite, got ${start}`);
  if (!(width > 0 && Number.isFinite(width))) throw new UsageError(`costs.width must be a positive finite number of seconds, got ${width}`);
  if (!(Number.isInteger(intervals) && intervals >= 1)) throw new UsageError(`costs.intervals must be an integer >= 1, got ${intervals}`);
  const check = (name: string, a: Float64Array, per: number, key: (k: number) => string): void => {
    if (!(a instanceof Float64Array) || a.length !== intervals * per) {
      throw new UsageError(`costs.${name} must be a Float64Array of ${intervals} intervals x ${per} = ${intervals * per} entries, got ${a instanceof Float64Array ? a.length : typeof a}`);
    }
    for (let k = 0; k < a.length; k++) {
      const c = a[k];
      if (!(c >= 0) || c === Infinity) throw new UsageError(`costs.${name} of ${key(k % per)} in interval ${Math.floor(k / per)} must be finite and >= 0, got ${c}`);
    }
  };
  check('movement', movement, net.movementCount, (x) => `movement "${net.linkKey(net.movementFrom[x])}>${net.linkKey(net.movementTo[x])}"`);
  check('arrival', arrival, net.linkCount, (l) => `link "${net.linkKey(l)}"`);
}

/** Interval of time `t` (clamped to the intervals). */
function intervalOf(costs: IntervalCosts, t: number): number {
  const i = Math.floor((t - costs.start) / costs.width);
  return i < 0 ? 0 : i >= costs.intervals ? costs.intervals - 1 : i;
}

/**
 * Traversal time (s) of the route `links[from .. to)` on `net` for a departure
 * at `depart` s on `costs`: through the movement between each pair of
 * consecutive links, then to the end of the last. Infinity if two consecutive
 * links have no movement between them.
 */
export function traverse(net: CompiledNetwork, costs: IntervalCosts, links: Int32Array, from: number, to: number, depart: number): number {
  if (to <= from) return 0;
  const M = net.movementCount;
  let t = depart;
  for (let k = from; k < to - 1; k++) {
    const x = net.movementBetween(links[k], links[k + 1]);
    if (x < 0) return Infinity;
    t += costs.movement[intervalOf(costs, t) * M + x];
  }
  t += costs.arrival[intervalOf(costs, t) * net.linkCount + links[to - 1]];
  return t - depart;
}

/** Create a time-dependent router over `net` (about 50 bytes per link and 30 per junction of working memory). */
export function createTimeDependentRouter(net: CompiledNetwork): TimeDependentRouter {
  const n = net.junctionCount;
  const m = net.linkCount;
  const M = net.movementCount;
  const { linkTo, movementOffsets, movementTo, junctionOutOffsets, junctionOutLinks } = net;
  // Labels: links [0, m), junction sinks [m, m + n), link sinks [m + n, 2m + n). A label is a time, s.
  const size = 2 * m + n;
  const label = new Float64Array(size);
  const pred = new Int32Array(size); // the link before (a link sink's and a junction sink's: the last link)
  const seen = new Int32Array(size);
  const done = new Int32Array(size);
  const needJunction = new Int32Array(n); // mark: a trip of the group ends at this junction (any last link)
  const needLink = new Int32Array(m); // mark: a trip of the group ends on this link
  const heap = new TypedHeap(1024);
  let epoch = 0;
  let mark = 0;
  let settledTotal = 0;
  let scratch = new Int32Array(64);

  /** One search from `startLink` (>= 0) or junction `origin`, departing at `t0`, until `remaining` marked sinks are settled. */
  function search(costs: IntervalCosts, startLink: number, origin: number, t0: number, remaining: number): void {
    const e = ++epoch;
    const { start, width, intervals, movement, arrival } = costs;
    const last = intervals - 1;
    heap.clear();
    const relax = (id: number, t: number, from: number): void => {
      if (done[id] === e) return;
      if (seen[id] !== e || t < label[id]) {
        seen[id] = e;
        label[id] = t;
        pred[id] = from;
        heap.push(t, id);
      }
    };
    if (startLink >= 0) relax(startLink, t0, -1);
    else for (let k = junctionOutOffsets[origin], end = junctionOutOffsets[origin + 1]; k < end; k++) relax(junctionOutLinks[k], t0, -1);
    while (heap.size > 0 && remaining > 0) {
      const a = heap.pop();
      const key = heap.poppedKey;
      if (done[a] === e || key > label[a]) continue;
      done[a] = e;
      settledTotal++;
      if (a >= m) { remaining--; continue; } // a sink: that destination's fastest arrival is final
      let i = Math.floor((key - start) / width);
      i = i < 0 ? 0 : i > last ? last : i;
      const j = linkTo[a];
      if (needJunction[j] === mark || needLink[a] === mark) {
        const t = key + arrival[i * m + a];
        if (needJunction[j] === mark) relax(m + j, t, a);
        if (needLink[a] === mark) relax(m + n + a, t, a);
      }
      const row = i * M;
      for (let x = movementOffsets[a], end = movementOffsets[a + 1]; x < end; x++) relax(movementTo[x], key + movement[row + x], a);
    }
  }

  /** Links from the search's start to sink `id` (settled in the last search), into `scratch`; returns the count. */
  function chainTo(id: number): number {
    let len = 0;
    for (let x = pred[id]; x >= 0; x = pred[x]) len++;
    if (len > scratch.length) scratch = new Int32Array(Math.max(len, scratch.length * 2));
    let k = len;
    for (let x = pred[id]; x >= 0; x = pred[x]) scratch[--k] = x;
    return len;
  }

  function routeBatch(trips: TimedTrips, costs: IntervalCosts, slotS: number): BatchRoutes {
    if (!(slotS > 0 && Number.isFinite(slotS))) throw new UsageError(`slotS must be a positive finite number of seconds, got ${slotS}`);
    checkIntervalCosts(net, costs);
    const count = trips.count;
    const { origin, destination, originLink, destinationLink, depart } = trips;
    settledTotal = 0;
    // Group key: start (junction o -> o, link l -> n + l) and departure slot; sort trips by it.
    let t0 = Infinity;
    for (let i = 0; i < count; i++) if (depart[i] < t0) t0 = depart[i];
    const keys = new Float64Array(count);
    const starts = n + m;
    for (let i = 0; i < count; i++) {
      const s = originLink[i] >= 0 ? n + originLink[i] : origin[i];
      keys[i] = Math.floor((depart[i] - t0) / slotS) * starts + s;
    }
    const order = Array.from({ length: count }, (_, i) => i).sort((a, b) => keys[a] - keys[b] || a - b);

    const tripCost = new Float64Array(count);
    const lengths = new Int32Array(count);
    const parts: Int32Array[] = new Array<Int32Array>(count);
    const empty = new Int32Array(0);
    for (let g0 = 0; g0 < count;) {
      let g1 = g0 + 1;
      while (g1 < count && keys[order[g1]] === keys[order[g0]]) g1++;
      const first = order[g0];
      const startLink = originLink[first];
      const from = origin[first];
      const m0 = nextMark();
      let remaining = 0;
      let departSum = 0;
      for (let g = g0; g < g1; g++) {
        const i = order[g];
        departSum += depart[i];
        const dl = destinationLink[i];
        if (dl >= 0) {
          if (needLink[dl] !== m0) { needLink[dl] = m0; remaining++; }
        } else if (!(startLink < 0 && destination[i] === from)) {
          const d = destination[i];
          if (needJunction[d] !== m0) { needJunction[d] = m0; remaining++; }
        }
      }
      if (remaining > 0) search(costs, startLink, from, departSum / (g1 - g0), remaining);
      const e = epoch;
      let lastSink = -1;
      let lastRoute = empty;
      for (let g = g0; g < g1; g++) {
        const i = order[g];
        const dl = destinationLink[i];
        if (dl < 0 && startLink < 0 && destination[i] === from) { tripCost[i] = 0; parts[i] = empty; continue; } // no links
        const sink = dl >= 0 ? m + n + dl : m + destination[i];
        if (done[sink] !== e) { tripCost[i] = Infinity; parts[i] = empty; continue; } // unreachable
        if (sink !== lastSink) {
          const len = chainTo(sink);
          lastRoute = scratch.slice(0, len);
          lastSink = sink;
        }
        parts[i] = lastRoute;
        lengths[i] = lastRoute.length;
        tripCost[i] = traverse(net, costs, lastRoute, 0, lastRoute.length, depart[i]);
      }
      g0 = g1;
    }
    const offsets = new Int32Array(count + 1);
    for (let i = 0; i < count; i++) offsets[i + 1] = offsets[i] + lengths[i];
    const links = new Int32Array(offsets[count]);
    for (let i = 0; i < count; i++) links.set(parts[i], offsets[i]);
    return { offsets, links, costs: tripCost };
  }

  function nextMark(): number {
    if (mark === 0x3ffffffe) {
      needJunction.fill(0);
      needLink.fill(0);
      mark = 0;
    }
    return ++mark;
  }

  return {
    routeBatch,
    get settled() { return settledTotal; },
  };
}
