/**
 * Link-level shortest paths: the turn-aware search every network can use.
 *
 * A label belongs to a link, and a search may only step from link a to link b
 * through a movement a -> b, so a route never uses a turn the network does not
 * permit. A route's cost is the sum of the costs of every link on it, first and
 * last included; a junction-to-junction route starts on any link leaving the
 * origin and ends on any link entering the destination. Formally this is Dijkstra
 * on the line graph with a super-source S (S -> l costs cost[l] for the first
 * links) and super-sink T (l -> T costs 0 for the last).
 *
 * One-to-one searches: A* with the heuristic h(l) = k * |end(l) - destination|
 * (k from the router, see router.ts), plain Dijkstra, or bidirectional Dijkstra
 * stopping when the two queue minima sum to at least the best meeting cost found
 * (Pohl 1971; Goldberg & Harrelson 2005). Trees and batches settle links and
 * report, per junction, the cheapest link that reaches it.
 *
 * Turn costs (optional, per movement: SUMO junction crossings, see
 * `CompiledNetwork.movementTimeOffset`) are added to the exit link's cost of
 * each movement, the sum clamped at 0: a route's cost is then its links' costs
 * plus its turns'. Layout: each movement's cost (exit link plus turn) is copied
 * next to the movement (CSR order) by `setCost`, so a relaxation reads
 * sequential arrays. Labels are reset
 * by epoch stamps.
 */
import type { CompiledNetwork } from '../network/compiled.js';
import type { MinQueue } from './heap.js';
import type { OneToOneAlgorithm } from './types.js';

const NONE = -1;

/** Link-level searches over one network; state shared with nobody. */
export interface LinkSearch {
  /** Labels settled by the last search. */
  readonly settled: number;
  /** Per junction: cost of the cheapest route found by the last tree/until search (valid where reached). */
  readonly cost: Float64Array;
  /** Per junction: the last link of that route (-1 at the origin and where unreached). */
  readonly link: Int32Array;
  /** Copy link costs into the search layout; call whenever the cost array or its contents change. */
  setCost(cost: Float64Array): void;
  /**
   * One-to-one search. The origin is link `originLink` when >= 0, else junction
   * `origin`; the destination is link `destinationLink` when >= 0, else junction
   * `destination`. `scale` is the A* heuristic's (used by `astar` only). Returns the cost.
   */
  oneToOne(originLink: number, origin: number, destinationLink: number, destination: number, algorithm: OneToOneAlgorithm, scale: number): number;
  /** The route that is link `l` alone; returns its cost. */
  single(l: number): number;
  /** Links of the route found by the last `oneToOne`/`single` (empty if none). */
  path(): Int32Array;
  /** Full search from junction `origin`; afterwards `cost`/`link` hold every junction's (Infinity / -1 where unreachable). */
  tree(origin: number): void;
  /**
   * Search from junction `origin` until every junction marked in `need` with
   * `mark` is reached by a settled link; each one reached gets `need[j] = 0`, its
   * cost in `cost[j]` and last link in `link[j]`. Returns how many were not reached.
   */
  until(origin: number, need: Int32Array, mark: number, remaining: number): number;
  /** Number of links on the route to junction `j` in the last tree/until search. */
  chainLength(j: number): number;
  /** Write the route to junction `j` (last tree/until search) into `out` at `at`, in driving order; returns the next free slot. */
  writeChain(j: number, out: Int32Array, at: number): number;
}

/**
 * Create the link-level search for `net` over link costs `cost` (see `setCost`).
 * `turnCost` (one entry per movement, same unit as `cost`, may be negative):
 * added to the exit link's cost of each movement, the sum clamped at 0; null: none.
 */
export function createLinkSearch(net: CompiledNetwork, cost: Float64Array, heap: MinQueue, heapB: MinQueue, turnCost: Float64Array | null = null): LinkSearch {
  const n = net.junctionCount;
  const m = net.linkCount;
  const k = net.movementCount;
  const { linkTo, movementOffsets, movementTo, movementInOffsets, movementIn, movementFrom } = net;
  const { junctionOutOffsets, junctionOutLinks, junctionInOffsets, junctionInLinks, junctionX, junctionY } = net;
  const linkCost = new Float64Array(m);
  const moveCost = new Float64Array(k); // cost of the exit link of each movement (plus its turn cost)
  // Backward search: per entry of movementIn, the approach link and the movement's cost.
  const inFrom = new Int32Array(k);
  const inCost = new Float64Array(k);
  for (let i = 0; i < k; i++) inFrom[i] = movementFrom[movementIn[i]];

  const dist = new Float64Array(m);
  const pred = new Int32Array(m);
  const seen = new Int32Array(m); // epoch at which dist/pred became valid
  const done = new Int32Array(m); // epoch at which the label was settled
  const target = new Int32Array(m); // epoch at which the link became a target
  const distB = new Float64Array(m);
  const succ = new Int32Array(m);
  const seenB = new Int32Array(m);
  const doneB = new Int32Array(m);
  const junctionCost = new Float64Array(n);
  const junctionLink = new Int32Array(n);
  let epoch = 0;
  let settled = 0;
  let lastEnd = NONE; // last link of the forward chain of the last one-to-one route
  let lastMeet = NONE; // meeting link of a bidirectional route
  let lastBidirectional = false;

  function setCost(c: Float64Array): void {
    linkCost.set(c);
    if (turnCost === null) {
      for (let e = 0; e < k; e++) moveCost[e] = c[movementTo[e]];
    } else {
      for (let e = 0; e < k; e++) {
        const x = c[movementTo[e]] + turnCost[e];
        moveCost[e] = x > 0 ? x : 0;
      }
    }
    for (let i = 0; i < k; i++) inCost[i] = moveCost[movementIn[i]];
  }
  setCost(cost);

  function next(): void {
    if (epoch === 0x7ffffffe) {
      seen.fill(0); done.fill(0); target.fill(0); seenB.fill(0); doneB.fill(0);
      epoch = 0;
    }
    epoch++;
    settled = 0;
    lastEnd = NONE;
    lastMeet = NONE;
    lastBidirectional = false;
    heap.clear();
    heapB.clear();
  }

  /** Label link `l` as a first link (S -> l costs cost[l]) and queue it. */
  function seed(l: number, tx: number, ty: number, scale: number): void {
    const d = linkCost[l];
    dist[l] = d; pred[l] = NONE; seen[l] = epoch;
    let key = d;
    if (scale > 0) {
      const j = linkTo[l];
      const dx = junctionX[j] - tx;
      const dy = junctionY[j] - ty;
      key += scale * Math.sqrt(dx * dx + dy * dy);
    }
    heap.push(key, l);
  }

  /** Label and queue every link leaving junction `origin`. */
  function seedJunction(origin: number, tx: number, ty: number, scale: number): void {
    // Label all first, then queue (as the router always has: keeps pop order, and so tie-breaks, stable).
    for (let i = junctionOutOffsets[origin], end = junctionOutOffsets[origin + 1]; i < end; i++) {
      const l = junctionOutLinks[i];
      dist[l] = linkCost[l]; pred[l] = NONE; seen[l] = epoch;
    }
    for (let i = junctionOutOffsets[origin], end = junctionOutOffsets[origin + 1]; i < end; i++) seed(junctionOutLinks[i], tx, ty, scale);
  }

  /**
   * Forward Dijkstra (scale = 0) or A* (scale > 0) over the queued labels. Stops at
   * the first settled target link (returns its cost), or once `remaining` junctions
   * marked in `need` are reached (each gets its last link in `junctionLink`), or
   * when the queue runs dry. Returns Infinity unless a target was settled.
   */
  function settle(tx: number, ty: number, scale: number, need: Int32Array | null, mark: number, remaining: number): number {
    const ep = epoch;
    const h = heap;
    let count = 0;
    while (h.size > 0) {
      const l = h.pop();
      if (done[l] === ep) continue;
      done[l] = ep;
      count++;
      const d = dist[l];
      if (target[l] === ep) {
        lastEnd = l;
        settled = count;
        return d;
      }
      if (need !== null) {
        const j = linkTo[l];
        if (need[j] === mark) {
          need[j] = 0;
          junctionLink[j] = l;
          junctionCost[j] = d;
          if (--remaining === 0) break;
        }
      }
      for (let e = movementOffsets[l], end = movementOffsets[l + 1]; e < end; e++) {
        const next = movementTo[e];
        const nd = d + moveCost[e];
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
    settled = count;
    return need !== null ? remaining : Infinity;
  }

  /**
   * Bidirectional Dijkstra over queued forward and backward seeds. A backward label
   * distB[l] is the cost from the END of link l to T (l's own cost is counted by
   * the forward side).
   */
  function bidirectional(bestSoFar: number, meetSoFar: number): number {
    const ep = epoch;
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
          const nd = d + moveCost[e];
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
        const dl = distB[l];
        for (let i = movementInOffsets[l], end = movementInOffsets[l + 1]; i < end; i++) {
          const prev = inFrom[i];
          const d = dl + inCost[i]; // cost from the end of prev, through this movement, to T
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

  function oneToOne(originLink: number, origin: number, destinationLink: number, destination: number, algorithm: OneToOneAlgorithm, heuristicScale: number): number {
    next();
    const ep = epoch;
    const destJunction = destinationLink >= 0 ? linkTo[destinationLink] : destination;
    const tx = junctionX[destJunction];
    const ty = junctionY[destJunction];
    const scale = algorithm === 'astar' ? heuristicScale : 0;
    if (algorithm !== 'bidirectional') {
      if (destinationLink >= 0) target[destinationLink] = ep;
      else for (let i = junctionInOffsets[destination], end = junctionInOffsets[destination + 1]; i < end; i++) target[junctionInLinks[i]] = ep;
      if (originLink >= 0) seed(originLink, tx, ty, scale);
      else seedJunction(origin, tx, ty, scale);
      return settle(tx, ty, scale, null, 0, 0);
    }
    lastBidirectional = true;
    if (originLink >= 0) seed(originLink, 0, 0, 0);
    else seedJunction(origin, 0, 0, 0);
    let best = Infinity;
    let meet = NONE;
    const seedB = (l: number): void => {
      distB[l] = 0; succ[l] = NONE; seenB[l] = ep;
      heapB.push(0, l);
      if (seen[l] === ep && dist[l] < best) { best = dist[l]; meet = l; }
    };
    if (destinationLink >= 0) seedB(destinationLink);
    else for (let i = junctionInOffsets[destination], end = junctionInOffsets[destination + 1]; i < end; i++) seedB(junctionInLinks[i]);
    return bidirectional(best, meet);
  }

  function single(l: number): number {
    next();
    dist[l] = linkCost[l]; pred[l] = NONE; seen[l] = epoch;
    lastEnd = l;
    return linkCost[l];
  }

  /** Length of the forward chain ending at link `l`. */
  function linkChainLength(l: number): number {
    let count = 0;
    for (let x = l; x !== NONE; x = pred[x]) count++;
    return count;
  }

  /** Write the forward chain ending at link `l` into `out` from `at`, in driving order; returns the next free slot. */
  function writeLinkChain(l: number, out: Int32Array, at: number): number {
    const count = linkChainLength(l);
    let i = at + count - 1;
    for (let x = l; x !== NONE; x = pred[x]) out[i--] = x;
    return at + count;
  }

  function path(): Int32Array {
    if (!lastBidirectional) {
      if (lastEnd === NONE) return new Int32Array(0);
      const out = new Int32Array(linkChainLength(lastEnd));
      writeLinkChain(lastEnd, out, 0);
      return out;
    }
    if (lastMeet === NONE) return new Int32Array(0);
    let tail = 0;
    for (let x = succ[lastMeet]; x !== NONE; x = succ[x]) tail++;
    const out = new Int32Array(linkChainLength(lastMeet) + tail);
    let at = writeLinkChain(lastMeet, out, 0);
    for (let x = succ[lastMeet]; x !== NONE; x = succ[x]) out[at++] = x;
    return out;
  }

  function tree(origin: number): void {
    next();
    seedJunction(origin, 0, 0, 0);
    settle(0, 0, 0, null, 0, 0);
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
  }

  function until(origin: number, need: Int32Array, mark: number, remaining: number): number {
    next();
    seedJunction(origin, 0, 0, 0);
    return settle(0, 0, 0, need, mark, remaining);
  }

  function chainLength(j: number): number {
    const l = junctionLink[j];
    return l === NONE ? 0 : linkChainLength(l);
  }

  function writeChain(j: number, out: Int32Array, at: number): number {
    const l = junctionLink[j];
    return l === NONE ? at : writeLinkChain(l, out, at);
  }

  return {
    get settled() { return settled; },
    cost: junctionCost,
    link: junctionLink,
    setCost,
    oneToOne,
    single,
    path,
    tree,
    until,
    chainLength,
    writeChain,
  };
}
