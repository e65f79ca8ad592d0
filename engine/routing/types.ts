/**
 * Shapes of the routing API: router options, the router itself, and what its
 * tree and batch queries return. The searches live in junction-search.ts and
 * link-search.ts, batch routing in batch.ts; `createRouter` (router.ts) ties them.
 */
import type { CompiledNetwork } from '../network/compiled.js';
import type { HeapKind } from './heap.js';

/** One-to-one search algorithm. */
export type OneToOneAlgorithm = 'astar' | 'bidirectional' | 'dijkstra';

/** Options of `createRouter`. */
export interface RouterOptions {
  /** Cost per link (any non-negative unit, usually seconds). Default: free-flow time. */
  cost?: Float64Array;
  /** Priority queue implementation where a heap is used. Default `typed`, the faster in `bench/routing`. */
  heap?: HeapKind;
  /**
   * Junction-level trees, batches and A* and Dijkstra one-to-one searches run on a
   * bucket queue when every link costs more than 0 and at most 64 times the
   * cheapest (see bucket-queue.ts), on the heap otherwise. Default true; false:
   * always the heap (to compare them).
   */
  buckets?: boolean;
  /** Default one-to-one algorithm. Default `astar`, the faster in `bench/routing`. */
  algorithm?: OneToOneAlgorithm;
  /**
   * `auto` (default): search junctions when the network permits every turn but
   * U-turns at every junction traffic may pass (exact there, about 4x less work;
   * see junction-search.ts), links otherwise. `links`: always the turn-aware
   * link-level search.
   */
  search?: 'auto' | 'links';
  /**
   * Cost of each turn (one entry per movement, same unit as `cost`, may be
   * negative), added to the exit link's cost of every movement, the sum clamped
   * at 0. Default: the network's `movementTimeOffset` (s) when any is non-zero
   * (SUMO imports: each turn's own junction crossing), so give costs in seconds
   * or pass `false` for none. With turn costs every search is link-level: the
   * junction graph cannot tell turns apart.
   */
  turnCost?: Float64Array | false;
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
  /** Per-movement turn costs in use (see `RouterOptions.turnCost`), or null when none. */
  readonly turnCost: Float64Array | null;
  /** Whether junction-to-junction queries search junctions (`junctions`) or links (`links`). */
  readonly searchLevel: 'junctions' | 'links';
  /** Queue of junction-level trees, batches and A* and Dijkstra searches under the current costs (`setCost` may change it); bidirectional and link-level searches always use the heap. */
  readonly queue: 'buckets' | 'heap';
  /**
   * Use `cost` (length = link count, every entry finite and >= 0) from now on. The
   * router copies it into its search layout: after changing the array's contents,
   * call `setCost` again.
   */
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
