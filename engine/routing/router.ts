/**
 * `createRouter(net)`: shortest paths over a `CompiledNetwork`, built for hot loops.
 *
 * The router picks and drives two searches:
 *  - junction-level (junction-search.ts), exact when the network permits every
 *    turn but U-turns wherever traffic may pass: about 4x less work;
 *  - link-level (link-search.ts), turn-aware, for every other network and for
 *    link-to-link queries.
 * A route's cost is the sum of the costs of every link on it, first and last
 * included, plus the cost of every turn it takes when the router has turn
 * costs (`RouterOptions.turnCost`; by default a network's movement time
 * offsets, which SUMO imports set from each turn's crossing): then every
 * search is link-level, since junction labels cannot tell turns apart.
 *
 * One-to-one queries offer:
 *  - `astar`: A* with the heuristic h = k * straight-line distance to the
 *    destination, where k = min over links of cost[l] / straight-line length(l).
 *    Each link's cost is at least k times its straight-line span, so by the
 *    triangle inequality h never overestimates and is consistent (monotone), for
 *    ANY non-negative cost array, not only free-flow times.
 *  - `bidirectional`: Dijkstra from both ends, stopping when the two queue minima
 *    sum to at least the best meeting cost found (Pohl 1971; Goldberg & Harrelson 2005).
 *  - `dijkstra`: plain unidirectional Dijkstra stopping at the first target.
 * One-to-all trees and batch routing (batch.ts: trips grouped by origin, one
 * early-exit search per origin) complete the API.
 *
 * Queue: junction-level trees, batches and A* and Dijkstra searches use the bucket
 * queue (bucket-queue.ts) wherever every link costs more than 0 and at most
 * `MAX_COST_SPAN` times the cheapest, the heap elsewhere; which of two equal-cost
 * routes comes back follows from the queue's order (deterministic either way).
 * All working arrays are allocated once per router and reset by epoch stamps or,
 * for full trees, by `fill`; the queues are reused. A router is not re-entrant:
 * use one per thread of work (they are cheap).
 */
import { UsageError } from '../errors.js';
import type { CompiledNetwork } from '../network/compiled.js';
import { createBatchRouter, type TreeSearch } from './batch.js';
import { createQueue, type MinQueue } from './heap.js';
import { createJunctionSearch, isUnrestricted, type JunctionSearch } from './junction-search.js';
import { createLinkSearch } from './link-search.js';
import type { BatchRoutes, OneToOneAlgorithm, Router, RouterOptions, ShortestPathTree } from './types.js';

export type { BatchRoutes, OneToOneAlgorithm, Router, RouterOptions, ShortestPathTree } from './types.js';

const NONE = -1;

function checkAlgorithm(a: OneToOneAlgorithm): OneToOneAlgorithm {
  if (a !== 'astar' && a !== 'bidirectional' && a !== 'dijkstra') {
    throw new UsageError(`algorithm must be "astar", "bidirectional" or "dijkstra", got ${String(a)}`);
  }
  return a;
}

/**
 * Create a router over `net`. Allocates its working memory once: about 100
 * bytes per link for the link-level search, plus 24 bytes per link and 76 per
 * junction for the junction-level one when the network qualifies.
 */
export function createRouter(net: CompiledNetwork, options: RouterOptions = {}): Router {
  const n = net.junctionCount;
  const m = net.linkCount;
  const { linkFrom, linkTo, junctionX, junctionY } = net;
  const heapKind = options.heap ?? 'typed';
  if (heapKind !== 'typed' && heapKind !== 'fastpriorityqueue') throw new UsageError(`heap must be "typed" or "fastpriorityqueue", got ${String(heapKind)}`);
  const defaultAlgorithm = checkAlgorithm(options.algorithm ?? 'astar');
  if (options.buckets !== undefined && typeof options.buckets !== 'boolean') throw new UsageError(`buckets must be true or false, got ${String(options.buckets)}`);
  const searchOption = options.search ?? 'auto';
  if (searchOption !== 'auto' && searchOption !== 'links') throw new UsageError(`search must be "auto" or "links", got ${String(searchOption)}`);

  const turnCost = checkTurnCost(options.turnCost);
  let cost: Float64Array = checkCost(options.cost ?? net.linkFreeFlowTime);
  let heuristicScale = scaleOf(cost);
  const heap: MinQueue = createQueue(heapKind, 1024);
  const heapB: MinQueue = createQueue(heapKind, 1024);
  const links = createLinkSearch(net, cost, heap, heapB, turnCost);
  const junctionLevel = searchOption === 'auto' && turnCost === null && isUnrestricted(net);
  const junctions: JunctionSearch | null = junctionLevel ? createJunctionSearch(net, cost, heap, heapB, options.buckets ?? true) : null;
  const batch = createBatchRouter(n);
  /** The search whose result `lastPath`/`lastSettled` report. */
  let last: 'junctions' | 'links' | 'empty' = 'empty';
  /** The search that built the last tree, or null before any. */
  let treeSearch: TreeSearch | null = null;

  function checkCost(next: Float64Array): Float64Array {
    if (!(next instanceof Float64Array) || next.length !== m) {
      throw new UsageError(`cost must be a Float64Array of length ${m} (one entry per link), got ${next instanceof Float64Array ? `length ${next.length}` : typeof next}`);
    }
    for (let l = 0; l < m; l++) {
      const c = next[l];
      if (!(c >= 0) || c === Infinity) throw new UsageError(`cost[${l}] (link "${net.linkKey(l)}") must be finite and >= 0, got ${c}`);
    }
    return next;
  }

  function checkTurnCost(given: Float64Array | false | undefined): Float64Array | null {
    if (given === false) return null;
    if (given === undefined) return net.hasTimeOffsets ? net.movementTimeOffset : null;
    if (!(given instanceof Float64Array) || given.length !== net.movementCount) {
      throw new UsageError(`turnCost must be false or a Float64Array of length ${net.movementCount} (one entry per movement), got ${given instanceof Float64Array ? `length ${given.length}` : typeof given}`);
    }
    for (let e = 0; e < given.length; e++) {
      if (!Number.isFinite(given[e])) throw new UsageError(`turnCost[${e}] must be finite, got ${given[e]}`);
    }
    return given;
  }

  /**
   * The A* heuristic's k: min over links of (the least it costs to enter and
   * drive the link: its cost, or through a turn its cost plus the turn's,
   * clamped at 0) / straight-line span; 0 if no link has a span.
   */
  function scaleOf(c: Float64Array): number {
    let scale = Infinity;
    for (let l = 0; l < m; l++) {
      const a = linkFrom[l];
      const b = linkTo[l];
      const dx = junctionX[b] - junctionX[a];
      const dy = junctionY[b] - junctionY[a];
      const span = Math.sqrt(dx * dx + dy * dy);
      let least = c[l];
      if (turnCost !== null) {
        for (let i = net.movementInOffsets[l], end = net.movementInOffsets[l + 1]; i < end; i++) {
          const x = c[l] + turnCost[net.movementIn[i]];
          if (x < least) least = x > 0 ? x : 0;
        }
      }
      if (span > 0 && least / span < scale) scale = least / span;
    }
    return scale === Infinity ? 0 : scale;
  }

  function setCost(next: Float64Array): void {
    cost = checkCost(next);
    heuristicScale = scaleOf(cost);
    links.setCost(cost);
    junctions?.setCost(cost);
  }

  function checkJunction(j: number, what: string): void {
    if (!Number.isInteger(j) || j < 0 || j >= n) throw new UsageError(`${what} must be a junction index in 0..${n - 1}, got ${j}`);
  }
  function checkLink(l: number, what: string): void {
    if (!Number.isInteger(l) || l < 0 || l >= m) throw new UsageError(`${what} must be a link index in 0..${m - 1}, got ${l}`);
  }

  function route(origin: number, destination: number, algorithm: OneToOneAlgorithm = defaultAlgorithm): number {
    checkJunction(origin, 'origin');
    checkJunction(destination, 'destination');
    checkAlgorithm(algorithm);
    if (origin === destination) {
      last = 'empty';
      return 0;
    }
    if (junctions !== null) {
      last = 'junctions';
      return algorithm === 'bidirectional' ? junctions.bidirectional(origin, destination) : junctions.forward(origin, destination, algorithm === 'astar' ? heuristicScale : 0);
    }
    last = 'links';
    return links.oneToOne(NONE, origin, NONE, destination, algorithm, heuristicScale);
  }

  function routeLinks(originLink: number, destinationLink: number, algorithm: OneToOneAlgorithm = defaultAlgorithm): number {
    checkLink(originLink, 'originLink');
    checkLink(destinationLink, 'destinationLink');
    checkAlgorithm(algorithm);
    last = 'links';
    if (originLink === destinationLink) return links.single(originLink);
    return links.oneToOne(originLink, NONE, destinationLink, NONE, algorithm, heuristicScale);
  }

  function routeFromLink(originLink: number, destination: number, algorithm: OneToOneAlgorithm = defaultAlgorithm): number {
    checkLink(originLink, 'originLink');
    checkJunction(destination, 'destination');
    checkAlgorithm(algorithm);
    last = 'links';
    if (linkTo[originLink] === destination) return links.single(originLink);
    return links.oneToOne(originLink, NONE, NONE, destination, algorithm, heuristicScale);
  }

  function routeToLink(origin: number, destinationLink: number, algorithm: OneToOneAlgorithm = defaultAlgorithm): number {
    checkJunction(origin, 'origin');
    checkLink(destinationLink, 'destinationLink');
    checkAlgorithm(algorithm);
    last = 'links';
    return links.oneToOne(NONE, origin, destinationLink, NONE, algorithm, heuristicScale);
  }

  function lastPath(): Int32Array {
    if (last === 'junctions') return junctions!.path();
    if (last === 'links') return links.path();
    return new Int32Array(0);
  }

  const treeView = { origin: NONE, junctionCost: links.cost, junctionLink: links.link };

  function tree(origin: number): ShortestPathTree {
    checkJunction(origin, 'origin');
    const search = junctions ?? links;
    search.tree(origin);
    last = junctions !== null ? 'junctions' : 'links';
    treeSearch = search;
    treeView.origin = origin;
    treeView.junctionCost = search.cost;
    treeView.junctionLink = search.link;
    return treeView;
  }

  function treePath(junction: number): Int32Array {
    checkJunction(junction, 'junction');
    if (treeSearch === null) throw new UsageError('treePath() needs a tree: call tree(origin) first');
    const out = new Int32Array(treeSearch.chainLength(junction));
    treeSearch.writeChain(junction, out, 0);
    return out;
  }

  function routeBatch(origins: Int32Array, destinations: Int32Array): BatchRoutes {
    const trips = origins.length;
    if (destinations.length !== trips) throw new UsageError(`origins and destinations must have the same length, got ${trips} and ${destinations.length}`);
    for (let i = 0; i < trips; i++) {
      // Messages are built only for a bad entry (a template per trip would cost more than routing).
      const o = origins[i];
      const d = destinations[i];
      if (!(o >= 0 && o < n && Number.isInteger(o))) checkJunction(o, `origins[${i}]`);
      if (!(d >= 0 && d < n && Number.isInteger(d))) checkJunction(d, `destinations[${i}]`);
    }
    const search = junctions ?? links;
    last = junctions !== null ? 'junctions' : 'links';
    treeSearch = null;
    return batch(search, origins, destinations);
  }

  return {
    network: net,
    get cost() { return cost; },
    turnCost,
    get lastSettled() { return last === 'junctions' ? junctions!.settled : last === 'links' ? links.settled : 0; },
    searchLevel: junctionLevel ? 'junctions' : 'links',
    get queue() { return junctions?.buckets === true ? 'buckets' : 'heap'; },
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
