/**
 * Time-dependent shortest paths on interval link costs, batched by origin and
 * departure slot: the routing step of a dynamic traffic assignment.
 *
 * Costs are piecewise constant in time: `IntervalCosts.time[i * linkCount + l]`
 * is the time (s) a vehicle ENTERING link l during interval i takes to leave it
 * (times before the first interval use the first, after the last the last). A
 * route's cost for a departure at t is its traversal time: enter the first link
 * at t, each next link when leaving the previous one (`traverse`).
 *
 * The search is Dijkstra on LINKS whose label is the time of leaving the link
 * (a step from link a to link b only through a permitted movement a -> b, so a
 * route never uses a forbidden turn), i.e. the time-dependent Dijkstra of Cooke
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

/** Link travel times by entry-time interval (s). */
export interface IntervalCosts {
  /** Start of interval 0, s. */
  readonly start: number;
  /** Interval width, s (> 0). */
  readonly width: number;
  /** Number of intervals (>= 1). */
  readonly intervals: number;
  /** time[i * linkCount + l]: time to traverse link l when entering it in interval i, s (finite, >= 0). */
  readonly time: Float64Array;
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

/** Interval costs equal to the free-flow time of every link, as one interval starting at `start`. */
export function freeFlowCosts(net: CompiledNetwork, start = 0): IntervalCosts {
  return { start, width: 1, intervals: 1, time: Float64Array.from(net.linkFreeFlowTime) };
}

/** Check `costs` against `net` (sizes, finite non-negative times); throws UsageError naming the problem. */
export function checkIntervalCosts(net: CompiledNetwork, costs: IntervalCosts): void {
  const { start, width, intervals, time } = costs;
  if (!Number.isFinite(start)) throw new UsageError(`costs.start must be finite, got ${start}`);
  if (!(width > 0 && Number.isFinite(width))) throw new UsageError(`costs.width must be a positive finite number of seconds, got ${width}`);
  if (!(Number.isInteger(intervals) && intervals >= 1)) throw new UsageError(`costs.intervals must be an integer >= 1, got ${intervals}`);
  if (!(time instanceof Float64Array) || time.length !== intervals * net.linkCount) {
    throw new UsageError(`costs.time must be a Float64Array of intervals x links = ${intervals * net.linkCount} entries, got ${time instanceof Float64Array ? time.length : typeof time}`);
  }
  for (let k = 0; k < time.length; k++) {
    const c = time[k];
    if (!(c >= 0) || c === Infinity) throw new UsageError(`costs.time of link "${net.linkKey(k % net.linkCount)}" in interval ${Math.floor(k / net.linkCount)} must be finite and >= 0, got ${c}`);
  }
}

/** Time to traverse link `l` when entering it at `t`, s. */
export function linkTime(costs: IntervalCosts, linkCount: number, l: number, t: number): number {
  let i = Math.floor((t - costs.start) / costs.width);
  if (i < 0) i = 0;
  else if (i >= costs.intervals) i = costs.intervals - 1;
  return costs.time[i * linkCount + l];
}

/** Traversal time (s) of `links[from .. to)` for a departure at `depart` s on `costs`. */
export function traverse(costs: IntervalCosts, linkCount: number, links: Int32Array, from: number, to: number, depart: number): number {
  let t = depart;
  for (let k = from; k < to; k++) t += linkTime(costs, linkCount, links[k], t);
  return t - depart;
}

/** Create a time-dependent router over `net` (about 40 bytes per link and 8 per junction of working memory). */
export function createTimeDependentRouter(net: CompiledNetwork): TimeDependentRouter {
  const n = net.junctionCount;
  const m = net.linkCount;
  const { linkTo, movementOffsets, movementTo, junctionOutOffsets, junctionOutLinks } = net;
  const label = new Float64Array(m); // time of leaving the link
  const pred = new Int32Array(m);
  const seen = new Int32Array(m);
  const done = new Int32Array(m);
  const needJunction = new Int32Array(n); // mark: a trip of the group ends at this junction (any last link)
  const reachedBy = new Int32Array(n); // first settled link into the junction (valid once needJunction === -mark)
  const needLink = new Int32Array(m); // mark: a trip of the group ends on this link
  const heap = new TypedHeap(1024);
  let epoch = 0;
  let mark = 0;
  let settledTotal = 0;
  let scratch = new Int32Array(64);

  /** One search from `startLink` (>= 0) or junction `origin`, departing at `t0`, until `remaining` marked targets are settled. */
  function search(costs: IntervalCosts, startLink: number, origin: number, t0: number, remaining: number): void {
    const e = ++epoch;
    const { start, width, intervals, time } = costs;
    const last = intervals - 1;
    heap.clear();
    const seed = (l: number): void => {
      let i = Math.floor((t0 - start) / width);
      i = i < 0 ? 0 : i > last ? last : i;
      const t = t0 + time[i * m + l];
      if (seen[l] !== e || t < label[l]) {
        seen[l] = e;
        label[l] = t;
        pred[l] = -1;
        heap.push(t, l);
      }
    };
    if (startLink >= 0) seed(startLink);
    else for (let k = junctionOutOffsets[origin], end = junctionOutOffsets[origin + 1]; k < end; k++) seed(junctionOutLinks[k]);
    while (heap.size > 0 && remaining > 0) {
      const a = heap.pop();
      const key = heap.poppedKey;
      if (done[a] === e || key > label[a]) continue;
      done[a] = e;
      settledTotal++;
      const j = linkTo[a];
      if (needJunction[j] === mark) { needJunction[j] = -mark; reachedBy[j] = a; remaining--; }
      if (needLink[a] === mark) { needLink[a] = -mark; remaining--; }
      let i = Math.floor((key - start) / width);
      i = i < 0 ? 0 : i > last ? last : i;
      const row = i * m;
      for (let x = movementOffsets[a], end = movementOffsets[a + 1]; x < end; x++) {
        const b = movementTo[x];
        if (done[b] === e) continue;
        const t = key + time[row + b];
        if (seen[b] !== e || t < label[b]) {
          seen[b] = e;
          label[b] = t;
          pred[b] = a;
          heap.push(t, b);
        }
      }
    }
  }

  /** Links from the search's start to `l` (settled in the last search), into `scratch`; returns the count. */
  function chainTo(l: number): number {
    let len = 0;
    for (let x = l; x >= 0; x = pred[x]) len++;
    if (len > scratch.length) scratch = new Int32Array(Math.max(len, scratch.length * 2));
    let k = len;
    for (let x = l; x >= 0; x = pred[x]) scratch[--k] = x;
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
      for (let g = g0; g < g1; g++) {
        const i = order[g];
        const dl = destinationLink[i];
        let end: number;
        if (dl >= 0) end = needLink[dl] === -m0 ? dl : -2;
        else if (startLink < 0 && destination[i] === from) end = -1; // origin = destination: no links
        else end = needJunction[destination[i]] === -m0 ? reachedBy[destination[i]] : -2;
        if (end === -2) { tripCost[i] = Infinity; parts[i] = empty; continue; }
        if (end === -1) { tripCost[i] = 0; parts[i] = empty; continue; }
        const len = chainTo(end);
        parts[i] = scratch.slice(0, len);
        lengths[i] = len;
        tripCost[i] = traverse(costs, m, scratch, 0, len, depart[i]);
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
