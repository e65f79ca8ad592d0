/**
 * Junction-level shortest paths: the router's fast path for networks that permit
 * every turn except U-turns (or every turn), at every junction that lets traffic
 * through at all.
 *
 * Why it is exact there: a cheapest junction-to-junction walk with non-negative
 * link costs can always be taken simple (no junction visited twice), and a simple
 * walk never makes a U-turn (that would revisit the junction it came from). If
 * every other turn is a movement, the cheapest simple walk is a legal route, and
 * no legal route is cheaper, so searching junctions (n labels) gives the same
 * costs as searching links (m ~ 4n labels on a grid) at a quarter of the work.
 * A junction with no movement at all (a zone centroid that traffic may not pass
 * through, as TNTP's nodes below the first through node) is reached and left
 * but never passed through: searches do not expand it unless it is where they
 * start. `isUnrestricted(net)` decides whether a network qualifies; the router
 * falls back to the link-level search otherwise, and always for link-to-link
 * queries, whose first and last turns the junction graph cannot see.
 *
 * Layout: the links leaving (entering) each junction are copied, in CSR order,
 * into parallel arrays of far junction and cost (`setCost` refreshes the costs),
 * so a relaxation reads two sequential arrays instead of chasing link indices.
 * One-to-one searches reset labels by epoch stamps; trees and batches, which
 * touch every junction anyway, reset by `fill` and skip stale heap entries by
 * comparing the popped key with the label (no stamps in the inner loop). The
 * predecessor of a junction is the link that reached it. Trees, batches and
 * forward (A*, Dijkstra) searches run on the bucket queue when the costs allow
 * (bucket-queue.ts; A* then corrects labels, see `forwardBuckets`), on the heap
 * otherwise; bidirectional searches always on the heaps.
 */
import type { CompiledNetwork } from '../network/compiled.js';
import { BucketQueue, bucketWidth } from './bucket-queue.js';
import type { MinQueue } from './heap.js';

const NONE = -1;

/**
 * Per junction, 1 when traffic may pass through it (it has at least one
 * movement), 0 when it may only be a trip's start or end.
 */
export function throughJunctions(net: CompiledNetwork): Uint8Array {
  const through = new Uint8Array(net.junctionCount);
  for (let a = 0; a < net.linkCount; a++) if (net.movementOffsets[a + 1] > net.movementOffsets[a]) through[net.linkTo[a]] = 1;
  return through;
}

/**
 * True when, at every junction that has movements, every movement that is not a
 * U-turn exists: the junction-level search is then exact (see the file header).
 */
export function isUnrestricted(net: CompiledNetwork): boolean {
  const { linkFrom, linkTo, junctionOutOffsets, junctionOutLinks, movementOffsets, movementTo } = net;
  const through = throughJunctions(net);
  for (let a = 0; a < net.linkCount; a++) {
    const j = linkTo[a];
    if (through[j] === 0) continue;
    const back = linkFrom[a];
    let expected = 0;
    for (let i = junctionOutOffsets[j]; i < junctionOutOffsets[j + 1]; i++) if (linkTo[junctionOutLinks[i]] !== back) expected++;
    let present = 0;
    for (let e = movementOffsets[a]; e < movementOffsets[a + 1]; e++) if (linkTo[movementTo[e]] !== back) present++;
    if (present !== expected) return false;
  }
  return true;
}

/** Junction-level searches over one network; state shared with nobody. */
export interface JunctionSearch {
  /** Labels settled by the last search. */
  readonly settled: number;
  /** Whether trees, batches and forward searches use the bucket queue under the current costs. */
  readonly buckets: boolean;
  /** Cost of the cheapest route to each junction found by the last tree/until search (valid where reached). */
  readonly cost: Float64Array;
  /** Last link of that route (-1 at the origin and where unreached). */
  readonly link: Int32Array;
  /** Copy link costs into the search layout; call whenever the cost array or its contents change. */
  setCost(cost: Float64Array): void;
  /** A* (scale > 0) or Dijkstra (scale 0) from `origin` to `destination`; returns the cost. */
  forward(origin: number, destination: number, scale: number): number;
  /** Bidirectional Dijkstra; returns the cost. */
  bidirectional(origin: number, destination: number): number;
  /** Links of the route found by the last forward/bidirectional search. */
  path(): Int32Array;
  /** Full Dijkstra from `origin`: afterwards `cost` is Infinity and `link` -1 wherever unreachable. */
  tree(origin: number): void;
  /**
   * Dijkstra from `origin` until every junction marked in `need` with `mark` is
   * settled; each one reached gets `need[j] = 0`, its cost in `cost[j]` and last
   * link in `link[j]`. Returns how many marked junctions were not reached.
   */
  until(origin: number, need: Int32Array, mark: number, remaining: number): number;
  /** Number of links on the route to junction `j` in the last tree/until search. */
  chainLength(j: number): number;
  /** Write the route to `j` (from the last tree/until search) into `out` at `at`, in driving order; returns the next free slot. */
  writeChain(j: number, out: Int32Array, at: number): number;
}

/** Create the junction-level search for `net` over link costs `cost` (see `setCost`). */
export function createJunctionSearch(net: CompiledNetwork, cost: Float64Array, heap: MinQueue, heapB: MinQueue, useBuckets = true): JunctionSearch {
  const n = net.junctionCount;
  const m = net.linkCount;
  const { linkFrom, linkTo, junctionOutOffsets, junctionOutLinks, junctionInOffsets, junctionInLinks, junctionX, junctionY } = net;
  const through = throughJunctions(net);
  // Links by upstream junction: far (downstream) junction and cost, in CSR order.
  const outTo = new Int32Array(m);
  const outCost = new Float64Array(m);
  // Links by downstream junction: far (upstream) junction and cost.
  const inFrom = new Int32Array(m);
  const inCost = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    outTo[i] = linkTo[junctionOutLinks[i]];
    inFrom[i] = linkFrom[junctionInLinks[i]];
  }
  const dist = new Float64Array(n);
  const pred = new Int32Array(n); // link that reached the junction
  const seen = new Int32Array(n);
  const done = new Int32Array(n);
  const distB = new Float64Array(n);
  const succ = new Int32Array(n); // link that leaves the junction towards the destination
  const seenB = new Int32Array(n);
  const doneB = new Int32Array(n);
  let epoch = 0;
  let settled = 0;
  let end = NONE; // destination (forward) or meeting junction (bidirectional)
  let bidirectionalPath = false;
  const buckets = new BucketQueue(n);
  let width = 0; // bucket width; 0: use the heap
  const keyOf = new Float64Array(n); // A* on buckets: the key a junction was queued with

  function setCost(c: Float64Array): void {
    let min = Infinity;
    let max = 0;
    for (let i = 0; i < m; i++) {
      const x = c[junctionOutLinks[i]];
      outCost[i] = x;
      inCost[i] = c[junctionInLinks[i]];
      if (x < min) min = x;
      if (x > max) max = x;
    }
    width = useBuckets ? bucketWidth(min, max) : 0;
    // A* keys rise by at most twice a link's cost per step (cost plus heuristic change), trees' by one.
    if (width > 0) buckets.configure(width, 2 * max + width);
  }
  setCost(cost);

  function next(): void {
    if (epoch === 0x7ffffffe) {
      seen.fill(0); done.fill(0); seenB.fill(0); doneB.fill(0);
      epoch = 0;
    }
    epoch++;
    settled = 0;
    heap.clear();
    heapB.clear();
  }

  /** A* (scale > 0) or Dijkstra (scale = 0) from `origin` until `destination` is settled. */
  function forward(origin: number, destination: number, scale: number): number {
    if (width > 0) return forwardBuckets(origin, destination, scale);
    next();
    const ep = epoch;
    const h = heap;
    const tx = junctionX[destination];
    const ty = junctionY[destination];
    end = NONE;
    bidirectionalPath = false;
    dist[origin] = 0; pred[origin] = NONE; seen[origin] = ep;
    h.push(0, origin);
    while (h.size > 0) {
      const u = h.pop();
      if (done[u] === ep) continue;
      done[u] = ep;
      settled++;
      const d = dist[u];
      if (u === destination) {
        end = u;
        return d;
      }
      if (through[u] === 0 && u !== origin) continue;
      for (let i = junctionOutOffsets[u], stop = junctionOutOffsets[u + 1]; i < stop; i++) {
        const v = outTo[i];
        const nd = d + outCost[i];
        if (seen[v] !== ep || nd < dist[v]) {
          dist[v] = nd;
          pred[v] = junctionOutLinks[i];
          seen[v] = ep;
          if (scale > 0) {
            const dx = junctionX[v] - tx;
            const dy = junctionY[v] - ty;
            h.push(nd + scale * Math.sqrt(dx * dx + dy * dy), v);
          } else {
            h.push(nd, v);
          }
        }
      }
    }
    return Infinity;
  }

  /**
   * `forward` on the bucket queue. With a heuristic, the reduced cost of a link
   * (cost - h(from) + h(to)) can be near 0, so a label popped from the lowest
   * bucket is not always final: the search corrects labels (a junction whose
   * label drops is queued again and expanded again) and stops once the lowest
   * bucket starts at or above the best cost found to the destination. That is
   * exact: the first junction of a cheaper route not yet expanded at its final
   * label would be queued with a key (label + heuristic, a lower bound of that
   * route's cost, the heuristic being consistent) below it. About 13% more
   * expansions than the heap's A* on the 200x200 benchmark grid, each much cheaper.
   */
  function forwardBuckets(origin: number, destination: number, scale: number): number {
    next();
    const ep = epoch;
    const q = buckets;
    const tx = junctionX[destination];
    const ty = junctionY[destination];
    end = NONE;
    bidirectionalPath = false;
    q.clear();
    dist[origin] = 0; pred[origin] = NONE; seen[origin] = ep;
    const dx0 = junctionX[origin] - tx;
    const dy0 = junctionY[origin] - ty;
    keyOf[origin] = scale * Math.sqrt(dx0 * dx0 + dy0 * dy0);
    q.set(origin, keyOf[origin]);
    let best = Infinity;
    let count = 0;
    while (q.size > 0) {
      const u = q.pop();
      const ku = keyOf[u];
      if (ku >= best) {
        if (q.floorKey() >= best) break;
        continue;
      }
      count++;
      const d = dist[u];
      if (u === destination) {
        best = d;
        end = u;
        continue;
      }
      if (through[u] === 0 && u !== origin) continue;
      for (let i = junctionOutOffsets[u], stop = junctionOutOffsets[u + 1]; i < stop; i++) {
        const v = outTo[i];
        const nd = d + outCost[i];
        if (seen[v] !== ep || nd < dist[v]) {
          dist[v] = nd;
          pred[v] = junctionOutLinks[i];
          seen[v] = ep;
          let key = nd;
          if (scale > 0) {
            const dx = junctionX[v] - tx;
            const dy = junctionY[v] - ty;
            key += scale * Math.sqrt(dx * dx + dy * dy);
          }
          if (key < best) {
            keyOf[v] = key;
            q.set(v, key);
          }
        }
      }
    }
    settled = count;
    return best;
  }

  function bidirectional(origin: number, destination: number): number {
    next();
    const ep = epoch;
    end = NONE;
    bidirectionalPath = true;
    dist[origin] = 0; pred[origin] = NONE; seen[origin] = ep;
    distB[destination] = 0; succ[destination] = NONE; seenB[destination] = ep;
    heap.push(0, origin);
    heapB.push(0, destination);
    let best = Infinity;
    while (heap.size > 0 && heapB.size > 0) {
      if (heap.peekKey() + heapB.peekKey() >= best) break;
      if (heap.size <= heapB.size) {
        const u = heap.pop();
        if (done[u] === ep) continue;
        done[u] = ep;
        settled++;
        if (through[u] === 0 && u !== origin) continue;
        const d = dist[u];
        for (let i = junctionOutOffsets[u], stop = junctionOutOffsets[u + 1]; i < stop; i++) {
          const v = outTo[i];
          const nd = d + outCost[i];
          if (seen[v] !== ep || nd < dist[v]) {
            dist[v] = nd;
            pred[v] = junctionOutLinks[i];
            seen[v] = ep;
            heap.push(nd, v);
            if (seenB[v] === ep && nd + distB[v] < best && (through[v] === 1 || v === destination)) {
              best = nd + distB[v];
              end = v;
            }
          }
        }
      } else {
        const u = heapB.pop();
        if (doneB[u] === ep) continue;
        doneB[u] = ep;
        settled++;
        if (through[u] === 0 && u !== destination) continue;
        const d = distB[u];
        for (let i = junctionInOffsets[u], stop = junctionInOffsets[u + 1]; i < stop; i++) {
          const v = inFrom[i];
          const nd = d + inCost[i];
          if (seenB[v] !== ep || nd < distB[v]) {
            distB[v] = nd;
            succ[v] = junctionInLinks[i];
            seenB[v] = ep;
            heapB.push(nd, v);
            if (seen[v] === ep && dist[v] + nd < best && (through[v] === 1 || v === origin)) {
              best = dist[v] + nd;
              end = v;
            }
          }
        }
      }
    }
    return best;
  }

  /**
   * Dijkstra from `origin` over fill-reset labels: until every junction marked in
   * `need` with `mark` is settled (need !== null), or to the end (a full tree).
   * Queue: buckets when the link costs allow (see bucket-queue.ts), else the heap,
   * where a popped key above the junction's label is a stale duplicate.
   */
  function settleAll(origin: number, need: Int32Array | null, mark: number, remaining: number): number {
    next();
    end = NONE;
    dist.fill(Infinity);
    pred.fill(NONE);
    dist[origin] = 0;
    settled = width > 0 ? settleBuckets(origin, need, mark, remaining) : settleHeap(origin, need, mark, remaining);
    return remaining - reached;
  }

  // settleBuckets and settleHeap are one loop written twice on purpose: one loop
  // over both queues behind the MinQueue shape (the bucket queue keeping each
  // junction's key for `poppedKey`) made trees 1.19-1.22x faster than the heap
  // instead of 1.36x (old against new, interleaved in one process).

  /** Marked junctions the last settleBuckets/settleHeap reached. */
  let reached = 0;

  function settleBuckets(origin: number, need: Int32Array | null, mark: number, remaining: number): number {
    const q = buckets;
    q.clear();
    q.set(origin, 0);
    let count = 0;
    let found = 0;
    while (q.size > 0) {
      const u = q.pop();
      const d = dist[u];
      count++;
      if (need !== null && need[u] === mark) {
        need[u] = 0;
        if (++found === remaining) break;
      }
      if (through[u] === 0 && u !== origin) continue;
      for (let i = junctionOutOffsets[u], stop = junctionOutOffsets[u + 1]; i < stop; i++) {
        const v = outTo[i];
        const nd = d + outCost[i];
        if (nd < dist[v]) {
          dist[v] = nd;
          pred[v] = junctionOutLinks[i];
          q.set(v, nd);
        }
      }
    }
    reached = found;
    return count;
  }

  function settleHeap(origin: number, need: Int32Array | null, mark: number, remaining: number): number {
    const h = heap;
    h.push(0, origin);
    let count = 0;
    let found = 0;
    while (h.size > 0) {
      const u = h.pop();
      const d = h.poppedKey;
      if (d > dist[u]) continue;
      count++;
      if (need !== null && need[u] === mark) {
        need[u] = 0;
        if (++found === remaining) break;
      }
      if (through[u] === 0 && u !== origin) continue;
      for (let i = junctionOutOffsets[u], stop = junctionOutOffsets[u + 1]; i < stop; i++) {
        const v = outTo[i];
        const nd = d + outCost[i];
        if (nd < dist[v]) {
          dist[v] = nd;
          pred[v] = junctionOutLinks[i];
          h.push(nd, v);
        }
      }
    }
    reached = found;
    return count;
  }

  function tree(origin: number): void {
    settleAll(origin, null, 0, 0);
  }

  function until(origin: number, need: Int32Array, mark: number, remaining: number): number {
    return settleAll(origin, need, mark, remaining);
  }

  function chainLength(j: number): number {
    let count = 0;
    for (let v = j; pred[v] !== NONE; v = linkFrom[pred[v]]) count++;
    return count;
  }

  function writeChain(j: number, out: Int32Array, at: number): number {
    const count = chainLength(j);
    let i = at + count - 1;
    for (let v = j; pred[v] !== NONE; v = linkFrom[pred[v]]) out[i--] = pred[v];
    return at + count;
  }

  function path(): Int32Array {
    if (end === NONE) return new Int32Array(0);
    const head = chainLength(end);
    let tail = 0;
    if (bidirectionalPath) for (let v = end; succ[v] !== NONE; v = linkTo[succ[v]]) tail++;
    const out = new Int32Array(head + tail);
    let at = writeChain(end, out, 0);
    if (bidirectionalPath) for (let v = end; succ[v] !== NONE; v = linkTo[succ[v]]) out[at++] = succ[v];
    return out;
  }

  return {
    get settled() { return settled; },
    get buckets() { return width > 0; },
    cost: dist,
    link: pred,
    setCost,
    forward,
    bidirectional,
    path,
    tree,
    until,
    chainLength,
    writeChain,
  };
}
