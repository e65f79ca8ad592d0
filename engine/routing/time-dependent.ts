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
 * Goal direction (A*, Hart, Nilsson & Raphael 1968): a group whose trips end at
 * a few junctions (`GOAL_TARGETS` at most) is searched in order of entry time
 * plus a lower bound of the time still to go, h(a) = w(a) + G(to(a)), where
 * w(a) is the least time any interval gives for leaving link a (through any of
 * its movements, or arriving at its end) and G(j) the least sum of w over links
 * from junction j to the target (a reverse Dijkstra on junctions, once per
 * target and batch). For a movement a -> b, w(a) <= its time and
 * G(to(a)) <= w(b) + G(to(b)), so h is consistent: labels settle final, as in
 * Dijkstra, and the routes and their times are the same up to ties between
 * equally fast routes, while far fewer labels settle when the times are near
 * their least (the search leaves the corridor towards the target only as far as
 * congestion makes it pay). Groups with more targets search without it.
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

/** Options of {@link createTimeDependentRouter}. */
export interface TimeDependentRouterOptions {
  /** Search groups with at most a few targets by A* on least-time bounds (module header). Default true; false: plain Dijkstra (same routes up to ties between equally fast ones). */
  goalDirected?: boolean;
}

/** Most distinct target junctions of a group searched with goal direction (the bound is a minimum over them, taken at every label). */
const GOAL_TARGETS = 4;
/** Most lower-bound entries (8 bytes each) kept per batch; past it the cache is emptied and bounds are recomputed as needed. */
const GOAL_CACHE_ENTRIES = 1 << 22;

/** Create a time-dependent router over `net` (about 60 bytes per link and 30 per junction of working memory, plus up to 32 MB of goal bounds). */
export function createTimeDependentRouter(net: CompiledNetwork, options: TimeDependentRouterOptions = {}): TimeDependentRouter {
  const goalDirected = options.goalDirected ?? true;
  const n = net.junctionCount;
  const m = net.linkCount;
  const M = net.movementCount;
  const { linkTo, linkFrom, movementOffsets, movementTo, junctionOutOffsets, junctionOutLinks, junctionInOffsets, junctionInLinks } = net;
  // Labels: links [0, m), junction sinks [m, m + n), link sinks [m + n, 2m + n). A label is a time, s.
  const size = 2 * m + n;
  const label = new Float64Array(size);
  const pred = new Int32Array(size); // the link before (a link sink's and a junction sink's: the last link)
  const state = new Int32Array(size); // 2e: labelled in search e, 2e + 1: settled in search e
  const needJunction = new Int32Array(n); // mark: a trip of the group ends at this junction (any last link)
  const needLink = new Int32Array(m); // mark: a trip of the group ends on this link
  const heap = new TypedHeap(1024);
  const h = new Float64Array(size); // lower bound of the time still to go, set when a label is first seen
  // Goal direction: w[a] the least time of leaving link a, bounds[slot * n + j] = G(j) of the target in that slot.
  const w = new Float64Array(m);
  const slotOf = new Int32Array(n).fill(-1);
  const slotCapacity = Math.max(GOAL_TARGETS, Math.min(n, Math.floor(GOAL_CACHE_ENTRIES / Math.max(1, n))));
  let bounds = new Float64Array(0);
  let slotsUsed = 0;
  const boundHeap = new TypedHeap(64);
  const targets = new Int32Array(GOAL_TARGETS);
  const targetRows = new Int32Array(GOAL_TARGETS);
  let targetCount = 0;
  let epoch = 0;
  let mark = 0;
  let settledTotal = 0;
  let scratch = new Int32Array(64);

  /** w of `costs`: for each link the least time over intervals of leaving it through any movement or arriving at its end. */
  function leastLeaveTimes(costs: IntervalCosts): void {
    const { intervals, movement, arrival } = costs;
    for (let a = 0; a < m; a++) {
      let least = Infinity;
      for (let i = 0; i < intervals; i++) {
        const row = i * M;
        const arrive = arrival[i * m + a];
        if (arrive < least) least = arrive;
        for (let x = movementOffsets[a], end = movementOffsets[a + 1]; x < end; x++) if (movement[row + x] < least) least = movement[row + x];
      }
      w[a] = least;
    }
    slotOf.fill(-1);
    slotsUsed = 0;
  }

  /** Row (offset into `bounds`) of target junction d's G, computed by a reverse Dijkstra on junctions when not cached. */
  function boundRow(d: number): number {
    if (slotOf[d] >= 0) return slotOf[d] * n;
    if (bounds.length < (slotsUsed + 1) * n) {
      const grown = new Float64Array(Math.min(slotCapacity, Math.max(8, 2 * (slotsUsed + 1))) * n);
      grown.set(bounds.subarray(0, slotsUsed * n));
      bounds = grown;
    }
    const slot = slotsUsed++;
    slotOf[d] = slot;
    const row = slot * n;
    const g = bounds.subarray(row, row + n);
    g.fill(Infinity);
    g[d] = 0;
    boundHeap.clear();
    boundHeap.push(0, d);
    while (boundHeap.size > 0) {
      const k = boundHeap.pop();
      const gk = boundHeap.poppedKey;
      if (gk > g[k]) continue;
      for (let q = junctionInOffsets[k], end = junctionInOffsets[k + 1]; q < end; q++) {
        const b = junctionInLinks[q];
        const j = linkFrom[b];
        const t = gk + w[b];
        if (t < g[j]) { g[j] = t; boundHeap.push(t, j); }
      }
    }
    return row;
  }

  /** Lower bound of the time still to go from entering link a (the least over the group's targets; 0 without goal direction). */
  function boundOf(a: number): number {
    if (targetCount === 0) return 0;
    const j = linkTo[a];
    if (targetCount === 1) return w[a] + bounds[targetRows[0] + j];
    let least = bounds[targetRows[0] + j];
    for (let k = 1; k < targetCount; k++) { const b = bounds[targetRows[k] + j]; if (b < least) least = b; }
    return w[a] + least;
  }

  /**
   * One search from `startLink` (>= 0) or junction `origin`, departing at `t0`,
   * until `remaining` marked sinks are settled; ordered by entry time plus
   * `boundOf` (A*) when the group has targets set.
   */
  function search(costs: IntervalCosts, startLink: number, origin: number, t0: number, remaining: number): void {
    if (epoch === 0x3ffffffe) { state.fill(0); epoch = 0; }
    const e = ++epoch;
    const seen = 2 * e;
    const settled = seen + 1;
    const { start, width, intervals, movement, arrival } = costs;
    const last = intervals - 1;
    heap.clear();
    const relax = (id: number, t: number, from: number): void => {
      const st = state[id];
      if (st === settled) return;
      if (st !== seen) {
        const bound = id < m ? boundOf(id) : 0;
        if (bound === Infinity) return; // no target is reachable through it
        state[id] = seen;
        h[id] = bound;
      } else if (t >= label[id]) return;
      label[id] = t;
      pred[id] = from;
      heap.push(t + h[id], id);
    };
    if (startLink >= 0) relax(startLink, t0, -1);
    else for (let k = junctionOutOffsets[origin], end = junctionOutOffsets[origin + 1]; k < end; k++) relax(junctionOutLinks[k], t0, -1);
    while (heap.size > 0 && remaining > 0) {
      const a = heap.pop();
      if (state[a] === settled || heap.poppedKey > label[a] + h[a]) continue;
      const key = label[a];
      state[a] = settled;
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
    if (goalDirected) leastLeaveTimes(costs);
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
      targetCount = 0;
      if (goalDirected && remaining <= GOAL_TARGETS) {
        for (let g = g0; g < g1; g++) {
          const i = order[g];
          const dl = destinationLink[i];
          const d = dl >= 0 ? linkTo[dl] : destination[i];
          if (dl < 0 && startLink < 0 && d === from) continue;
          let known = false;
          for (let k = 0; k < targetCount; k++) if (targets[k] === d) known = true;
          if (!known) targets[targetCount++] = d;
        }
        let uncached = 0;
        for (let k = 0; k < targetCount; k++) if (slotOf[targets[k]] < 0) uncached++;
        if (slotsUsed + uncached > slotCapacity) { slotOf.fill(-1); slotsUsed = 0; } // full: start again (rows of this group stay valid)
        for (let k = 0; k < targetCount; k++) targetRows[k] = boundRow(targets[k]);
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
        if (state[sink] !== 2 * e + 1) { tripCost[i] = Infinity; parts[i] = empty; continue; } // unreachable
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
