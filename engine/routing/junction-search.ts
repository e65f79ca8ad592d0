/**
 * Junction-level shortest paths: the router's fast path for networks that permit
 * every turn except U-turns (or every turn).
 *
 * Why it is exact there: a cheapest junction-to-junction walk with non-negative
 * link costs can always be taken simple (no junction visited twice), and a simple
 * walk never makes a U-turn (that would revisit the junction it came from). If
 * every other turn is a movement, the cheapest simple walk is a legal route, and
 * no legal route is cheaper, so searching junctions (n labels) gives the same
 * costs as searching links (m ~ 4n labels on a grid) at a quarter of the work.
 * `isUnrestricted(net)` decides whether a network qualifies; the router falls
 * back to the link-level search otherwise, and always for link-to-link queries,
 * whose first and last turns the junction graph cannot see.
 *
 * Labels are reset by epoch stamps; the predecessor of a junction is the link
 * that reached it.
 */
import type { CompiledNetwork } from '../network/compiled.js';
import type { MinQueue } from './heap.js';

const NONE = -1;

/** True when every movement that is not a U-turn exists at every junction of `net`. */
export function isUnrestricted(net: CompiledNetwork): boolean {
  const { linkFrom, linkTo, junctionOutOffsets, junctionOutLinks, movementOffsets, movementTo } = net;
  for (let a = 0; a < net.linkCount; a++) {
    const j = linkTo[a];
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
  /** A* (scale > 0) or Dijkstra (scale 0) from `origin` to `destination`; returns the cost. */
  forward(origin: number, destination: number, scale: number): number;
  /** Bidirectional Dijkstra; returns the cost. */
  bidirectional(origin: number, destination: number): number;
  /** Links of the route found by the last forward/bidirectional search. */
  path(): Int32Array;
  /** Full Dijkstra from `origin`, writing costs and last links into the given arrays. */
  tree(origin: number, junctionCost: Float64Array, junctionLink: Int32Array): void;
  /**
   * Dijkstra from `origin` until every junction marked in `need` with `mark` is
   * settled; reached junctions get `need[j] = 0` and their last link in `junctionLink`.
   * Returns the cost array view (valid for junctions reached).
   */
  until(origin: number, need: Int32Array, mark: number, remaining: number, junctionLink: Int32Array): Float64Array;
  /** Number of links on the route to junction `j` in the last tree/until search. */
  chainLength(j: number): number;
  /** Write the route to `j` (from the last tree/until search) into `out` at `at`, in driving order; returns the next free slot. */
  writeChain(j: number, out: Int32Array, at: number): number;
}

/** Create the junction-level search for `net`, reading link costs through `cost()`. */
export function createJunctionSearch(net: CompiledNetwork, cost: () => Float64Array, heap: MinQueue, heapB: MinQueue): JunctionSearch {
  const n = net.junctionCount;
  const { linkFrom, linkTo, junctionOutOffsets, junctionOutLinks, junctionInOffsets, junctionInLinks, junctionX, junctionY } = net;
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

  /**
   * Dijkstra (scale = 0) or A* (scale > 0) from `origin`. Stops when `destination`
   * (>= 0) is settled, returning its cost; or once `remaining` junctions marked in
   * `need` with `mark` are reached (each gets `need[j] = 0` and its last link in
   * `junctionLink`); or when the queue runs dry. Returns Infinity otherwise.
   */
  function settle(origin: number, destination: number, scale: number, need: Int32Array | null, mark: number, remaining: number, junctionLink: Int32Array | null): number {
    next();
    const ep = epoch;
    const c = cost();
    const tx = destination >= 0 ? junctionX[destination] : 0;
    const ty = destination >= 0 ? junctionY[destination] : 0;
    end = NONE;
    bidirectionalPath = false;
    dist[origin] = 0; pred[origin] = NONE; seen[origin] = ep;
    heap.push(0, origin);
    while (heap.size > 0) {
      const u = heap.pop();
      if (done[u] === ep) continue;
      done[u] = ep;
      settled++;
      const d = dist[u];
      if (u === destination) {
        end = u;
        return d;
      }
      if (need !== null && need[u] === mark) {
        need[u] = 0;
        junctionLink![u] = pred[u];
        if (--remaining === 0) return Infinity;
      }
      for (let i = junctionOutOffsets[u], stop = junctionOutOffsets[u + 1]; i < stop; i++) {
        const l = junctionOutLinks[i];
        const v = linkTo[l];
        const nd = d + c[l];
        if (seen[v] !== ep || nd < dist[v]) {
          dist[v] = nd;
          pred[v] = l;
          seen[v] = ep;
          if (scale > 0) {
            const dx = junctionX[v] - tx;
            const dy = junctionY[v] - ty;
            heap.push(nd + scale * Math.sqrt(dx * dx + dy * dy), v);
          } else {
            heap.push(nd, v);
          }
        }
      }
    }
    return Infinity;
  }

  function forward(origin: number, destination: number, scale: number): number {
    return settle(origin, destination, scale, null, 0, 0, null);
  }

  function bidirectional(origin: number, destination: number): number {
    next();
    const ep = epoch;
    const c = cost();
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
        const d = dist[u];
        for (let i = junctionOutOffsets[u], stop = junctionOutOffsets[u + 1]; i < stop; i++) {
          const l = junctionOutLinks[i];
          const v = linkTo[l];
          const nd = d + c[l];
          if (seen[v] !== ep || nd < dist[v]) {
            dist[v] = nd;
            pred[v] = l;
            seen[v] = ep;
            heap.push(nd, v);
            if (seenB[v] === ep && nd + distB[v] < best) {
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
        const d = distB[u];
        for (let i = junctionInOffsets[u], stop = junctionInOffsets[u + 1]; i < stop; i++) {
          const l = junctionInLinks[i];
          const v = linkFrom[l];
          const nd = d + c[l];
          if (seenB[v] !== ep || nd < distB[v]) {
            distB[v] = nd;
            succ[v] = l;
            seenB[v] = ep;
            heapB.push(nd, v);
            if (seen[v] === ep && dist[v] + nd < best) {
              best = dist[v] + nd;
              end = v;
            }
          }
        }
      }
    }
    return best;
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

  function tree(origin: number, junctionCost: Float64Array, junctionLink: Int32Array): void {
    settle(origin, NONE, 0, null, 0, 0, null);
    const ep = epoch;
    for (let j = 0; j < n; j++) {
      if (done[j] === ep) {
        junctionCost[j] = dist[j];
        junctionLink[j] = pred[j];
      } else {
        junctionCost[j] = Infinity;
        junctionLink[j] = NONE;
      }
    }
  }

  function until(origin: number, need: Int32Array, mark: number, remaining: number, junctionLink: Int32Array): Float64Array {
    settle(origin, NONE, 0, need, mark, remaining, junctionLink);
    return dist;
  }

  return {
    get settled() { return settled; },
    forward,
    bidirectional,
    path,
    tree,
    until,
    chainLength,
    writeChain,
  };
}
