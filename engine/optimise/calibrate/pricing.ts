/**
 * Column generation for the route-flow estimator: which new (route, slot)
 * columns would lower the objective (`estimate.ts`), found by shortest-path
 * trees instead of enumerating routes (Nie, Zhang & Recker 2005).
 *
 * A column's reduced cost is lambda + sum over the counts it feeds of share x
 * dF/d(prediction). For every origin link and slot, one time-dependent Dijkstra
 * over LINKS (a step from link a to b only through a permitted movement a -> b;
 * a label is the time of entering the link, from `TravelTimes`) gives the fastest
 * route to every link; the reduced cost of each such route accumulates along the
 * tree, so one tree prices the fastest route to every destination at once.
 *
 * A second, count-guided tree per origin and slot finds alternatives among
 * near-fastest routes: each link's travel time is scaled by
 * exp(ln 3 x tanh(phi / G)) (phi its per-vehicle reduced cost contribution, G the
 * mean |phi| of the tree), so links whose counts are short of vehicles look up to
 * 3x faster and over-served ones up to 3x slower. A guided route is kept only if
 * its real travel time is within `detour` (default 25%) of the fastest route
 * between the same links: the calibrated demand uses routes a driver would take.
 * Exact pricing under such a bound is a resource-constrained shortest path
 * (NP-hard), so this is a heuristic; an unfound column costs fit, not
 * correctness.
 */
import type { CompiledNetwork } from '../../network/compiled.js';
import { TypedHeap } from '../../routing/heap.js';
import type { Assignment } from './assignment.js';
import type { TravelTimes } from './travel-times.js';

/** Distinct routes (link index sequences), numbered in order of first use. */
export class RouteTable {
  readonly routes: Int32Array[] = [];
  private readonly ids = new Map<string, number>();

  /** Id of `route`, adding it if new. */
  id(route: Int32Array): number {
    const key = route.join(',');
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.routes.length;
      this.ids.set(key, id);
      this.routes.push(route);
    }
    return id;
  }
}

/** A priced candidate: a route (link indices) and its reduced cost. */
export interface Candidate {
  route: Int32Array;
  reducedCost: number;
}

const SCALE = Math.log(3);

/** Link-level time-dependent shortest-path trees with reduced costs along them. One per thread of work. */
export class Pricer {
  private readonly enter: Float64Array;
  private readonly key: Float64Array;
  private readonly pred: Int32Array;
  private readonly seen: Int32Array;
  private readonly done: Int32Array;
  private readonly order: Int32Array;
  private readonly acc: Float64Array;
  private readonly phi: Float64Array;
  private readonly fastest: Float64Array;
  private readonly heap = new TypedHeap(1024);
  private epoch = 0;
  private settled = 0;

  constructor(private readonly net: CompiledNetwork, private readonly assignment: Assignment, private readonly travel: TravelTimes) {
    const m = net.linkCount;
    this.enter = new Float64Array(m);
    this.key = new Float64Array(m);
    this.pred = new Int32Array(m);
    this.seen = new Int32Array(m);
    this.done = new Int32Array(m);
    this.order = new Int32Array(m);
    this.acc = new Float64Array(m);
    this.phi = new Float64Array(m);
    this.fastest = new Float64Array(m);
  }

  /** Reduced-cost contribution of one vehicle of the slot entering `link` (from `from`, -1 at the origin) with offset `shift` s. */
  private contribution(link: number, from: number, lo: number, hi: number, gradient: Float64Array): number {
    const a = this.assignment;
    let sum = 0;
    const k = a.linkLocation[link];
    if (k >= 0) sum += a.windowDot(k, lo, hi, gradient);
    if (from >= 0) {
      const e = this.net.movementBetween(from, link);
      const km = e >= 0 ? a.movementLocation[e] : -1;
      if (km >= 0) sum += a.windowDot(km, lo, hi, gradient);
    }
    return sum;
  }

  /**
   * Grow the tree from `origin` for slot [begin, end) (departure at its middle).
   * With `guided`, link costs are scaled by the count guide (see the header).
   */
  private grow(origin: number, begin: number, end: number, gradient: Float64Array, guided: boolean, guideScale: number): void {
    const { net, travel, heap } = this;
    const { movementOffsets, movementTo } = net;
    const epoch = ++this.epoch;
    const mid = (begin + end) / 2;
    heap.clear();
    this.settled = 0;
    this.enter[origin] = mid + travel.departDelay(origin, mid);
    this.key[origin] = this.enter[origin];
    this.pred[origin] = -1;
    this.seen[origin] = epoch;
    heap.push(this.key[origin], origin);
    while (heap.size > 0) {
      const a = heap.pop();
      if (this.done[a] === epoch || heap.poppedKey > this.key[a]) continue;
      this.done[a] = epoch;
      this.order[this.settled++] = a;
      const shift = this.enter[a] - mid;
      const p = this.pred[a];
      this.phi[a] = this.contribution(a, p, begin + shift, end + shift, gradient);
      this.acc[a] = (p >= 0 ? this.acc[p] : 0) + this.phi[a];
      const time = travel.time(a, this.enter[a]);
      const cost = guided ? time * Math.exp(SCALE * Math.tanh(this.phi[a] / guideScale)) : time;
      const leave = this.enter[a] + time;
      const nextKey = this.key[a] + cost;
      for (let e = movementOffsets[a], stop = movementOffsets[a + 1]; e < stop; e++) {
        const b = movementTo[e];
        if (this.done[b] === epoch) continue;
        if (this.seen[b] !== epoch || nextKey < this.key[b]) {
          this.seen[b] = epoch;
          this.key[b] = nextKey;
          this.enter[b] = leave;
          this.pred[b] = a;
          heap.push(nextKey, b);
        }
      }
    }
  }

  private routeTo(d: number): Int32Array {
    let n = 0;
    for (let l = d; l >= 0; l = this.pred[l]) n++;
    const route = new Int32Array(n);
    for (let l = d, i = n - 1; l >= 0; l = this.pred[l], i--) route[i] = l;
    return route;
  }

  /**
   * The most negative reduced-cost routes from `origin` in slot [begin, end):
   * up to `perTree` from the fastest-route tree and as many from the guided tree
   * (within `detour` of the fastest), to links with `isDestination[l]`, whose
   * reduced cost lambda + accumulated contribution is below `-tolerance`.
   */
  price(
    origin: number, begin: number, end: number, gradient: Float64Array, lambda: number,
    isDestination: Uint8Array, perTree: number, detour: number, tolerance: number,
  ): Candidate[] {
    const out: Candidate[] = [];
    const pick = (guided: boolean): void => {
      const best: Array<[number, number]> = [];
      for (let i = 0; i < this.settled; i++) {
        const d = this.order[i];
        if (!isDestination[d]) continue;
        const rc = lambda + this.acc[d];
        if (rc >= -tolerance) continue;
        if (guided && this.enter[d] - this.enter[origin] > (1 + detour) * this.fastest[d] + 1e-6) continue;
        if (best.length < perTree || rc < best[best.length - 1][1]) {
          best.push([d, rc]);
          best.sort((p, q) => p[1] - q[1]);
          if (best.length > perTree) best.pop();
        }
      }
      for (const [d, rc] of best) out.push({ route: this.routeTo(d), reducedCost: rc });
    };
    this.grow(origin, begin, end, gradient, false, 1);
    let scale = 0;
    let n = 0;
    for (let i = 0; i < this.settled; i++) {
      const a = this.order[i];
      this.fastest[a] = this.enter[a] - this.enter[origin];
      if (this.phi[a] !== 0) {
        scale += Math.abs(this.phi[a]);
        n++;
      }
    }
    pick(false);
    if (n === 0) return out;
    this.grow(origin, begin, end, gradient, true, scale / n);
    pick(true);
    return out;
  }
}
