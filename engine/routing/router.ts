/**
 * `createRouter(net)`: shortest paths over a `CompiledNetwork`, built for hot loops.
 *
 * Search runs on the LINK graph: a label belongs to a link, and a search may only
 * step from link a to link b through a movement a -> b, so a route never uses a
 * turn the network does not permit. A route's cost is the sum of the costs of
 * every link on it, first and last included; a junction-to-junction route starts
 * on any link leaving the origin and ends on any link entering the destination.
 * Formally this is Dijkstra on the line graph with a super-source S (S -> l costs
 * cost[l] for the first links) and super-sink T (l -> T costs 0 for the last).
 *
 * One-to-one queries offer:
 *  - `astar`: A* with the heuristic h(l) = k * |end(l) - destination|, where
 *    k = min over links of cost[l] / straight-line length(l). Each link's cost is
 *    at least k times its straight-line span, so by the triangle inequality h
 *    never overestimates and is consistent (monotone), for ANY non-negative cost
 *    array, not only free-flow times.
 *  - `bidirectional`: Dijkstra from both ends, stopping when the two queue minima
 *    sum to at least the best meeting cost found (Pohl 1971; Goldberg & Harrelson 2005).
 *  - `dijkstra`: plain unidirectional Dijkstra stopping at the first target.
 * One-to-all trees and batch routing (trips grouped by origin, one early-exit
 * Dijkstra per origin) complete the API.
 *
 * All working arrays are allocated once per router and reset by epoch stamps,
 * never by `fill`; the queue is reused. A router is not re-entrant: use one per
 * thread of work (they are cheap).
 */
import { UsageError } from '../errors.js';
import type { CompiledNetwork } from '../network/compiled.js';
import { createQueue, type HeapKind, type MinQueue } from './heap.js';
import { createJunctionSearch, isUnrestricted } from './junction-search.js';

/** One-to-one search algorithm. */
export type OneToOneAlgorithm = 'astar' | 'bidirectional' | 'dijkstra';

/** Options of {@link createRouter}. */
export interface RouterOptions {
  /** Cost per link (any non-negative unit, usually seconds). Default: free-flow time. */
  cost?: Float64Array;
  /** Priority queue implementation. Default `typed`, the faster in `bench/routing`. */
  heap?: HeapKind;
  /** Default one-to-one algorithm. Default `astar`, the faster in `bench/routing`. */
  algorithm?: OneToOneAlgorithm;
  /**
   * `auto` (default): search junctions when the network permits every turn but
   * U-turns (exact there, about 4x less work; see junction-search.ts), links
   * otherwise. `links`: always the turn-aware link-level search.
   */
  search?: 'auto' | 'links';
}

/** A one-to-all shortest-path tree. Views on router memory: valid until the router's next query. */
export interface ShortestPathTree {
  /** Origin junction index. */
  readonly origin: number;
  /** Cost to reach each junction (Infinity if unreachable; 0 at the origin). */
  readonly junctionCost: Float64Array;
  /** Last link of the cheapest route to each junction (-1 at the origin and when unreachable). */
  readonly junctionLink: Int32Array;
}

/** Routes of a batch, in CSR form: trip i's links are `links[offsets[i] .. offsets[i+1])`. */
export interface BatchRoutes {
  readonly offsets: Int32Array;
  readonly links: Int32Array;
  /** Cost of each trip's route; Infinity (and no links) when its destination is unreachable. */
  readonly costs: Float64Array;
}

/** A router over one compiled network. */
export interface Router {
  readonly network: CompiledNetwork;
  /** The cost array in use. */
  readonly cost: Float64Array;
  /** Labels settled by the last query (a machine-independent measure of search effort). */
  readonly lastSettled: number;
  /** Whether junction-to-junction queries search junctions (`junctions`) or links (`links`). */
  readonly searchLevel: 'junctions' | 'links';
  /** Replace the cost array (length = link count, every entry finite and >= 0). */
  setCost(cost: Float64Array): void;
  /** Cost of the cheapest route from junction `origin` to junction `destination`; Infinity if none. */
  route(origin: number, destination: number, algorithm?: OneToOneAlgorithm): number;
  /** Cost of the cheapest route from link `originLink` to link `destinationLink`, both included; Infinity if none. */
  routeLinks(originLink: number, destinationLink: number, algorithm?: OneToOneAlgorithm): number;
  /** Cost of the cheapest route that starts on link `originLink` (included) and ends at junction `destination`; Infinity if none. */
  routeFromLink(originLink: number, destination: number, algorithm?: OneToOneAlgorithm): number;
  /** Cost of the cheapest route from junction `origin` that ends on link `destinationLink` (included); Infinity if none. */
  routeToLink(origin: number, destinationLink: number, algorithm?: OneToOneAlgorithm): number;
  /** Link indices of the route the last `route`/`routeLinks`/`routeFromLink`/`routeToLink` found (empty if none, or origin = destination). */
  lastPath(): Int32Array;
  /** Shortest-path tree from junction `origin` to every junction. */
  tree(origin: number): ShortestPathTree;
  /** Link indices of the route to `junction` in the last tree (empty if unreachable or the origin). */
  treePath(junction: number): Int32Array;
  /** Route many junction-to-junction trips; trips sharing an origin share one search. */
  routeBatch(origins: Int32Array, destinations: Int32Array): BatchRoutes;
}

const NONE = -1;

/** Create a router over `net`. Allocates its working memory once (about 60 bytes per link). */
export function createRouter(net: CompiledNetwork, options: RouterOptions = {}): Router {
  const n = net.junctionCount;
  const m = net.linkCount;
  const { linkFrom, linkTo, movementOffsets, movementTo, movementInOffsets, movementIn, movementFrom } = net;
  const { junctionOutOffsets, junctionOutLinks, junctionInOffsets, junctionInLinks, junctionX, junctionY } = net;
  const heapKind = options.heap ?? 'typed';
  if (heapKind !== 'typed' && heapKind !== 'fastpriorityqueue') throw new UsageError(`heap must be "typed" or "fastpriorityqueue", got ${String(heapKind)}`);
  const defaultAlgorithm = checkAlgorithm(options.algorithm ?? 'astar');
  const searchOption = options.search ?? 'auto';
  if (searchOption !== 'auto' && searchOption !== 'links') throw new UsageError(`search must be "auto" or "links", got ${String(searchOption)}`);

  // Forward labels.
  const dist = new Float64Array(m);
  const pred = new Int32Array(m);
  const seen = new Int32Array(m); // epoch at which dist/pred became valid
  const done = new Int32Array(m); // epoch at which the label was settled
  const target = new Int32Array(m); // epoch at which the link became a target (forward) / source (backward)
  // Backward labels (bidirectional).
  const distB = new Float64Array(m);
  const succ = new Int32Array(m);
  const seenB = new Int32Array(m);
  const doneB = new Int32Array(m);
  // Junction-level scratch for trees and batches.
  const junctionCost = new Float64Array(n);
  const junctionLink = new Int32Array(n);
  const need = new Int32Array(n);
  const heap: MinQueue = createQueue(heapKind, 1024);
  const heapB: MinQueue = createQueue(heapKind, 1024);
  let epoch = 0;
  let cost: Float64Array = net.linkFreeFlowTime;
  let heuristicScale = 0;
  let settled = 0;
  let lastEnd = NONE; // last link of the last one-to-one route (forward chain)
  let lastMeet = NONE; // meeting link of a bidirectional route (backward chain starts there)
  let lastKind: 'forward' | 'bidirectional' | 'junction' | 'empty' = 'empty';
  let treeOrigin = NONE;
  let treeByJunction = false;
  const junctionLevel = searchOption === 'auto' && isUnrestricted(net);
  const js = createJunctionSearch(net, () => cost, heap, heapB);
  let jsUsed = false;

  function checkAlgorithm(a: OneToOneAlgorithm): OneToOneAlgorithm {
    if (a !== 'astar' && a !== 'bidirectional' && a !== 'dijkstra') {
      throw new UsageError(`algorithm must be "astar", "bidirectional" or "dijkstra", got ${String(a)}`);
    }
    return a;
  }

  function setCost(next: Float64Array): void {
    if (!(next instanceof Float64Array) || next.length !== m) {
      throw new UsageError(`cost must be a Float64Array of length ${m} (one entry per link), got ${next instanceof Float64Array ? `length ${next.length}` : typeof next}`);
    }
    let scale = Infinity;
    for (let l = 0; l < m; l++) {
      const c = next[l];
      if (!(c >= 0) || c === Infinity) throw new UsageError(`cost[${l}] (link "${net.linkKey(l)}") must be finite and >= 0, got ${c}`);
      const a = linkFrom[l];
      const b = linkTo[l];
      const dx = junctionX[b] - junctionX[a];
      const dy = junctionY[b] - junctionY[a];
      const span = Math.sqrt(dx * dx + dy * dy);
      if (span > 0 && c / span < scale) scale = c / span;
    }
    heuristicScale = scale === Infinity ? 0 : scale;
    cost = next;
  }
  setCost(options.cost ?? net.linkFreeFlowTime);

  function nextEpoch(): void {
    if (epoch === 0x7ffffffe) {
      seen.fill(0); done.fill(0); target.fill(0); seenB.fill(0); doneB.fill(0); need.fill(0);
      epoch = 0;
    }
    epoch++;
    settled = 0;
    jsUsed = false;
    heap.clear();
    heapB.clear();
  }

  function checkJunction(j: number, what: string): void {
    if (!Number.isInteger(j) || j < 0 || j >= n) throw new UsageError(`${what} must be a junction index in 0..${n - 1}, got ${j}`);
  }
  function checkLink(l: number, what: string): void {
    if (!Number.isInteger(l) || l < 0 || l >= m) throw new UsageError(`${what} must be a link index in 0..${m - 1}, got ${l}`);
  }

  /** Label the links leaving junction `origin` as first links (S -> l costs cost[l]). */
  function seedOrigin(origin: number): void {
    for (let i = junctionOutOffsets[origin], end = junctionOutOffsets[origin + 1]; i < end; i++) {
      const l = junctionOutLinks[i];
      dist[l] = cost[l]; pred[l] = NONE; seen[l] = epoch;
    }
  }

  /**
   * Forward Dijkstra (scale = 0) or A* (scale > 0) over the queued labels. Stops at
   * the first settled target link (returns its cost), or once `remaining` junctions
   * marked in `need` are reached (each gets its last link in `junctionLink`), or
   * when the queue runs dry (a full tree). Returns Infinity unless a target was settled.
   */
  function settle(tx: number, ty: number, scale: number, remaining: number): number {
    const ep = epoch;
    const c = cost;
    const h = heap;
    while (h.size > 0) {
      const l = h.pop();
      if (done[l] === ep) continue;
      done[l] = ep;
      settled++;
      const d = dist[l];
      if (target[l] === ep) {
        lastEnd = l;
        return d;
      }
      if (remaining > 0) {
        const j = linkTo[l];
        if (need[j] === ep) {
          need[j] = 0;
          junctionLink[j] = l;
          if (--remaining === 0) return Infinity;
        }
      }
      for (let e = movementOffsets[l], end = movementOffsets[l + 1]; e < end; e++) {
        const next = movementTo[e];
        const nd = d + c[next];
        if (seen[next] !== ep || nd < dist[next]) {
          dist[next] = nd;
          pred[next] = l;
          seen[next] = ep;
          if (scale > 0) {
            const j = linkTo[next];
            const dx = junctionX[j] - tx;
            const dy = junctionY[j] - ty;
            h.push(nd + scale * Math.sqrt(dx * dx + dy * dy), next);
          } else {
            h.push(nd, next);
          }
        }
      }
    }
    return Infinity;
  }

  /** Queue every link seeded this epoch (seeds are few: the origin's out-links or one link). */
  function queueSeeds(first: number, last: number, list: Int32Array | null, tx: number, ty: number, scale: number): void {
    for (let i = first; i < last; i++) {
      const l = list === null ? i : list[i];
      let key = dist[l];
      if (scale > 0) {
        const j = linkTo[l];
        const dx = junctionX[j] - tx;
        const dy = junctionY[j] - ty;
        key += scale * Math.sqrt(dx * dx + dy * dy);
      }
      heap.push(key, l);
    }
  }

  /**
   * Bidirectional Dijkstra over queued forward and backward seeds. A backward label
   * distB[l] is the cost from the END of link l to T (l's own cost is counted by
   * the forward side). `best`/`meet` start from meetings found while seeding.
   */
  function bidirectional(bestSoFar: number, meetSoFar: number): number {
    const ep = epoch;
    const c = cost;
    let best = bestSoFar;
    let meet = meetSoFar;
    while (heap.size > 0 && heapB.size > 0) {
      if (heap.peekKey() + heapB.peekKey() >= best) break;
      if (heap.size <= heapB.size) {
        const l = heap.pop();
        if (done[l] === ep) continue;
        done[l] = ep;
        settled++;
        const d = dist[l];
        for (let e = movementOffsets[l], end = movementOffsets[l + 1]; e < end; e++) {
          const next = movementTo[e];
          const nd = d + c[next];
          if (seen[next] !== ep || nd < dist[next]) {
            dist[next] = nd;
            pred[next] = l;
            seen[next] = ep;
            heap.push(nd, next);
            if (seenB[next] === ep && nd + distB[next] < best) {
              best = nd + distB[next];
              meet = next;
            }
          }
        }
      } else {
        const l = heapB.pop();
        if (doneB[l] === ep) continue;
        doneB[l] = ep;
        settled++;
        const d = distB[l] + c[l]; // cost from the start of l to T
        for (let i = movementInOffsets[l], end = movementInOffsets[l + 1]; i < end; i++) {
          const prev = movementFrom[movementIn[i]];
          if (seenB[prev] !== ep || d < distB[prev]) {
            distB[prev] = d;
            succ[prev] = l;
            seenB[prev] = ep;
            heapB.push(d, prev);
            if (seen[prev] === ep && dist[prev] + d < best) {
              best = dist[prev] + d;
              meet = prev;
            }
          }
        }
      }
    }
    lastMeet = meet;
    return best;
  }

  /**
   * One-to-one search. The origin is link `originLink` when >= 0, else junction
   * `origin`; the destination is link `destinationLink` when >= 0, else junction
   * `destination`.
   */
  function oneToOne(originLink: number, origin: number, destinationLink: number, destination: number, algorithm: OneToOneAlgorithm): number {
    nextEpoch();
    lastKind = 'forward';
    lastEnd = NONE;
    lastMeet = NONE;
    const destJunction = destinationLink >= 0 ? linkTo[destinationLink] : destination;
    const tx = junctionX[destJunction];
    const ty = junctionY[destJunction];
    const scale = algorithm === 'astar' ? heuristicScale : 0;
    if (originLink >= 0) {
      dist[originLink] = cost[originLink]; pred[originLink] = NONE; seen[originLink] = epoch;
    } else {
      seedOrigin(origin);
    }
    if (destinationLink >= 0) {
      target[destinationLink] = epoch;
    } else {
      for (let i = junctionInOffsets[destination], end = junctionInOffsets[destination + 1]; i < end; i++) target[junctionInLinks[i]] = epoch;
    }
    if (algorithm !== 'bidirectional') {
      if (originLink >= 0) queueSeeds(originLink, originLink + 1, null, tx, ty, scale);
      else queueSeeds(junctionOutOffsets[origin], junctionOutOffsets[origin + 1], junctionOutLinks, tx, ty, scale);
      return settle(tx, ty, scale, 0);
    }
    lastKind = 'bidirectional';
    let best = Infinity;
    let meet = NONE;
    const seedB = (l: number): void => {
      distB[l] = 0; succ[l] = NONE; seenB[l] = epoch;
      heapB.push(0, l);
      if (seen[l] === epoch && dist[l] < best) { best = dist[l]; meet = l; }
    };
    if (originLink >= 0) heap.push(dist[originLink], originLink);
    else for (let i = junctionOutOffsets[origin], end = junctionOutOffsets[origin + 1]; i < end; i++) heap.push(dist[junctionOutLinks[i]], junctionOutLinks[i]);
    if (destinationLink >= 0) seedB(destinationLink);
    else for (let i = junctionInOffsets[destination], end = junctionInOffsets[destination + 1]; i < end; i++) seedB(junctionInLinks[i]);
    return bidirectional(best, meet);
  }

  function route(origin: number, destination: number, algorithm: OneToOneAlgorithm = defaultAlgorithm): number {
    checkJunction(origin, 'origin');
    checkJunction(destination, 'destination');
    checkAlgorithm(algorithm);
    if (origin === destination) {
      nextEpoch();
      lastKind = 'empty';
      return 0;
    }
    if (junctionLevel) {
      nextEpoch();
      jsUsed = true;
      lastKind = 'junction';
      return algorithm === 'bidirectional' ? js.bidirectional(origin, destination) : js.forward(origin, destination, algorithm === 'astar' ? heuristicScale : 0);
    }
    return oneToOne(NONE, origin, NONE, destination, algorithm);
  }

  function routeLinks(originLink: number, destinationLink: number, algorithm: OneToOneAlgorithm = defaultAlgorithm): number {
    checkLink(originLink, 'originLink');
    checkLink(destinationLink, 'destinationLink');
    checkAlgorithm(algorithm);
    if (originLink === destinationLink) {
      nextEpoch();
      lastKind = 'forward';
      dist[originLink] = cost[originLink]; pred[originLink] = NONE; seen[originLink] = epoch;
      lastEnd = originLink;
      return cost[originLink];
    }
    return oneToOne(originLink, NONE, destinationLink, NONE, algorithm);
  }

  function routeFromLink(originLink: number, destination: number, algorithm: OneToOneAlgorithm = defaultAlgorithm): number {
    checkLink(originLink, 'originLink');
    checkJunction(destination, 'destination');
    checkAlgorithm(algorithm);
    if (linkTo[originLink] === destination) {
      nextEpoch();
      lastKind = 'forward';
      dist[originLink] = cost[originLink]; pred[originLink] = NONE; seen[originLink] = epoch;
      lastEnd = originLink;
      return cost[originLink];
    }
    return oneToOne(originLink, NONE, NONE, destination, algorithm);
  }

  function routeToLink(origin: number, destinationLink: number, algorithm: OneToOneAlgorithm = defaultAlgorithm): number {
    checkJunction(origin, 'origin');
    checkLink(destinationLink, 'destinationLink');
    checkAlgorithm(algorithm);
    return oneToOne(NONE, origin, destinationLink, NONE, algorithm);
  }

  /** Length of the forward chain ending at `l`. */
  function chainLength(l: number): number {
    let count = 0;
    for (let x = l; x !== NONE; x = pred[x]) count++;
    return count;
  }

  /** Write the forward chain ending at `l` into `out` from `at`, in driving order; returns the next free slot. */
  function writeChain(l: number, out: Int32Array, at: number): number {
    const count = chainLength(l);
    let i = at + count - 1;
    for (let x = l; x !== NONE; x = pred[x]) out[i--] = x;
    return at + count;
  }

  function lastPath(): Int32Array {
    if (lastKind === 'empty') return new Int32Array(0);
    if (lastKind === 'junction') return js.path();
    if (lastKind === 'forward') {
      if (lastEnd === NONE) return new Int32Array(0);
      const out = new Int32Array(chainLength(lastEnd));
      writeChain(lastEnd, out, 0);
      return out;
    }
    if (lastMeet === NONE) return new Int32Array(0);
    let tail = 0;
    for (let x = succ[lastMeet]; x !== NONE; x = succ[x]) tail++;
    const head = chainLength(lastMeet);
    const out = new Int32Array(head + tail);
    let at = writeChain(lastMeet, out, 0);
    for (let x = succ[lastMeet]; x !== NONE; x = succ[x]) out[at++] = x;
    return out;
  }

  const treeView: ShortestPathTree = { origin: NONE, junctionCost, junctionLink };

  function tree(origin: number): ShortestPathTree {
    checkJunction(origin, 'origin');
    nextEpoch();
    lastKind = 'empty';
    treeOrigin = origin;
    (treeView as { origin: number }).origin = origin;
    treeByJunction = junctionLevel;
    if (junctionLevel) {
      jsUsed = true;
      js.tree(origin, junctionCost, junctionLink);
      return treeView;
    }
    seedOrigin(origin);
    queueSeeds(junctionOutOffsets[origin], junctionOutOffsets[origin + 1], junctionOutLinks, 0, 0, 0);
    settle(0, 0, 0, 0);
    junctionCost.fill(Infinity);
    junctionLink.fill(NONE);
    const ep = epoch;
    for (let l = 0; l < m; l++) {
      if (done[l] !== ep) continue;
      const j = linkTo[l];
      if (dist[l] < junctionCost[j]) {
        junctionCost[j] = dist[l];
        junctionLink[j] = l;
      }
    }
    junctionCost[origin] = 0;
    junctionLink[origin] = NONE;
    treeOrigin = origin;
    (treeView as { origin: number }).origin = origin;
    return treeView;
  }

  function treePath(junction: number): Int32Array {
    checkJunction(junction, 'junction');
    if (treeOrigin === NONE) throw new UsageError('treePath() needs a tree: call tree(origin) first');
    const l = junctionLink[junction];
    if (l === NONE) return new Int32Array(0);
    if (treeByJunction) {
      const out = new Int32Array(js.chainLength(junction));
      js.writeChain(junction, out, 0);
      return out;
    }
    const out = new Int32Array(chainLength(l));
    writeChain(l, out, 0);
    return out;
  }

  function routeBatch(origins: Int32Array, destinations: Int32Array): BatchRoutes {
    const trips = origins.length;
    if (destinations.length !== trips) throw new UsageError(`origins and destinations must have the same length, got ${trips} and ${destinations.length}`);
    for (let i = 0; i < trips; i++) {
      checkJunction(origins[i], `origins[${i}]`);
      checkJunction(destinations[i], `destinations[${i}]`);
    }
    // Group trips by origin (counting sort keeps trip order within a group).
    const start = new Int32Array(n + 1);
    for (let i = 0; i < trips; i++) start[origins[i] + 1]++;
    for (let j = 0; j < n; j++) start[j + 1] += start[j];
    const order = new Int32Array(trips);
    const cursor = start.slice(0, n);
    for (let i = 0; i < trips; i++) order[cursor[origins[i]]++] = i;

    const costs = new Float64Array(trips);
    const ends = new Int32Array(trips); // last link per trip, NONE for empty routes
    const counts = new Int32Array(trips);
    // Pass 1: one early-exit Dijkstra per origin; record each trip's last link and route length.
    // Paths are copied out before the next search overwrites pred, so store them group by group.
    const chunks: Int32Array[] = [];
    const chunkTrips: number[] = [];
    for (let o = 0; o < n; o++) {
      const g0 = start[o];
      const g1 = start[o + 1];
      if (g0 === g1) continue;
      nextEpoch();
      const ep = epoch;
      let remaining = 0;
      for (let g = g0; g < g1; g++) {
        const d = destinations[order[g]];
        if (d !== o && need[d] !== ep) { need[d] = ep; remaining++; junctionLink[d] = NONE; }
      }
      let jd: Float64Array | null = null;
      if (junctionLevel) {
        jsUsed = true;
        if (remaining > 0) jd = js.until(o, need, ep, remaining, junctionLink);
      } else if (remaining > 0) {
        seedOrigin(o);
        queueSeeds(junctionOutOffsets[o], junctionOutOffsets[o + 1], junctionOutLinks, 0, 0, 0);
        settle(0, 0, 0, remaining);
      }
      let total = 0;
      for (let g = g0; g < g1; g++) {
        const trip = order[g];
        const d = destinations[trip];
        if (d === o) { costs[trip] = 0; ends[trip] = NONE; counts[trip] = 0; continue; }
        const last = need[d] === ep ? NONE : junctionLink[d];
        ends[trip] = last;
        if (last === NONE) { costs[trip] = Infinity; counts[trip] = 0; continue; }
        costs[trip] = jd !== null ? jd[d] : dist[last];
        counts[trip] = jd !== null ? js.chainLength(d) : chainLength(last);
        total += counts[trip];
      }
      const chunk = new Int32Array(total);
      let at = 0;
      for (let g = g0; g < g1; g++) {
        const trip = order[g];
        if (ends[trip] === NONE) continue;
        at = jd !== null ? js.writeChain(destinations[trip], chunk, at) : writeChain(ends[trip], chunk, at);
      }
      chunks.push(chunk);
      chunkTrips.push(o);
    }
    // Pass 2: lay the routes out in trip order.
    const offsets = new Int32Array(trips + 1);
    for (let i = 0; i < trips; i++) offsets[i + 1] = offsets[i] + counts[i];
    const links = new Int32Array(offsets[trips]);
    for (let ci = 0; ci < chunks.length; ci++) {
      const o = chunkTrips[ci];
      const chunk = chunks[ci];
      let at = 0;
      for (let g = start[o]; g < start[o + 1]; g++) {
        const trip = order[g];
        const len = counts[trip];
        links.set(chunk.subarray(at, at + len), offsets[trip]);
        at += len;
      }
    }
    lastKind = 'empty';
    return { offsets, links, costs };
  }

  return {
    network: net,
    get cost() { return cost; },
    get lastSettled() { return jsUsed ? js.settled : settled; },
    searchLevel: junctionLevel ? 'junctions' : 'links',
    setCost,
    route,
    routeLinks,
    routeFromLink,
    routeToLink,
    lastPath,
    tree,
    treePath,
    routeBatch,
  };
}
