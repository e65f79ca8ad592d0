/**
 * Router correctness against graphology-shortest-path's Dijkstra, the reference:
 *  - with every turn permitted (U-turns included) link-graph routing must equal
 *    node-graph Dijkstra on the same multigraph (cost = sum of link costs);
 *  - with turn restrictions it must equal Dijkstra on the line graph (one node per
 *    link, one edge per movement), built independently in graphology.
 * Random networks (fast-check) include unreachable pairs, zero-cost links and
 * parallel links. Every returned path is also checked link by link.
 */
import fc from 'fast-check';
import { MultiDirectedGraph } from 'graphology';
import { bidirectional as graphologyBidirectional, singleSource } from 'graphology-shortest-path/dijkstra.js';
import { describe, expect, it } from 'vitest';
import { compile, type CompiledNetwork } from '../../engine/network/index.js';
import { RoadNetwork } from '../../engine/network/road-network.js';
import { createRouter, type OneToOneAlgorithm, type Router } from '../../engine/routing/index.js';
import { UsageError } from '../../engine/errors.js';

interface RandomNet {
  junctions: number;
  links: Array<{ from: number; to: number; cost: number }>;
  coords: Array<[number, number]>;
  /** Per link, which other links' movements to drop (restricted variant). */
  dropMask: number[];
}

const randomNet = fc
  .integer({ min: 2, max: 14 })
  .chain((junctions) =>
    fc.record({
      junctions: fc.constant(junctions),
      coords: fc.array(fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 1000 })), { minLength: junctions, maxLength: junctions }),
      links: fc.array(
        fc.record({
          from: fc.integer({ min: 0, max: junctions - 1 }),
          to: fc.integer({ min: 0, max: junctions - 1 }),
          // Zero-cost links on purpose; integer costs keep sums exact.
          cost: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 50 })),
        }),
        { minLength: 0, maxLength: 45 },
      ),
      dropMask: fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 45, maxLength: 45 }),
    }),
  )
  .map((r): RandomNet => ({ ...r, links: r.links.filter((l) => l.from !== l.to) }));

function build(r: RandomNet, restricted: boolean): { net: CompiledNetwork; cost: Float64Array; network: RoadNetwork } {
  const network = new RoadNetwork();
  for (let j = 0; j < r.junctions; j++) network.addJunction({ id: `j${j}`, x: r.coords[j][0], y: r.coords[j][1] });
  r.links.forEach((l, i) => network.addLink({ id: `l${i}`, from: `j${l.from}`, to: `j${l.to}`, length: 100, speed: 10 }));
  r.links.forEach((a, i) => {
    r.links.forEach((b, k) => {
      if (a.to !== b.from) return;
      if (restricted && ((r.dropMask[i] >> (k % 16)) & 1) === 1) return;
      network.addMovement({ from: `l${i}`, to: `l${k}` });
    });
  });
  const net = compile(network);
  const cost = Float64Array.from(r.links, (l) => l.cost);
  // Coordinates are random and links are 100 m: the A* scale must come from the cost array, not lengths.
  return { net, cost, network };
}

/**
 * Every turn permitted (U-turns too) except at junctions whose bit is set in
 * `closed`: those get no movement at all, so traffic may start or end there but
 * never pass through (TNTP zones below the first through node).
 */
function buildClosed(r: RandomNet, closed: number): { net: CompiledNetwork; cost: Float64Array } {
  const network = new RoadNetwork();
  for (let j = 0; j < r.junctions; j++) network.addJunction({ id: `j${j}`, x: r.coords[j][0], y: r.coords[j][1] });
  r.links.forEach((l, i) => network.addLink({ id: `l${i}`, from: `j${l.from}`, to: `j${l.to}`, length: 100, speed: 10 }));
  r.links.forEach((a, i) => {
    if (((closed >> a.to) & 1) === 1) return;
    r.links.forEach((b, k) => {
      if (a.to === b.from) network.addMovement({ from: `l${i}`, to: `l${k}` });
    });
  });
  return { net: compile(network), cost: Float64Array.from(r.links, (l) => l.cost) };
}

/** Reference graph: nodes are junctions (unrestricted) or links plus S/T (restricted). */
function nodeGraph(r: RandomNet): MultiDirectedGraph {
  const g = new MultiDirectedGraph();
  for (let j = 0; j < r.junctions; j++) g.addNode(`j${j}`);
  r.links.forEach((l, i) => g.addEdgeWithKey(`l${i}`, `j${l.from}`, `j${l.to}`, { weight: l.cost }));
  return g;
}

function lineGraph(r: RandomNet, net: CompiledNetwork, origin: number, destination: number): MultiDirectedGraph {
  const g = new MultiDirectedGraph();
  g.addNode('S');
  g.addNode('T');
  r.links.forEach((_, i) => g.addNode(`l${i}`));
  r.links.forEach((l, i) => {
    if (l.from === origin) g.addEdge('S', `l${i}`, { weight: l.cost });
    if (l.to === destination) g.addEdge(`l${i}`, 'T', { weight: 0 });
    for (let e = net.movementOffsets[i]; e < net.movementOffsets[i + 1]; e++) {
      const k = net.movementTo[e];
      g.addEdge(`l${i}`, `l${k}`, { weight: r.links[k].cost });
    }
  });
  return g;
}

/** Cost of a node path in a multigraph: cheapest parallel edge between consecutive nodes. */
function pathCost(g: MultiDirectedGraph, path: string[]): number {
  if (path.length === 0) return Infinity;
  let sum = 0;
  for (let i = 0; i + 1 < path.length; i++) {
    let best = Infinity;
    g.forEachOutEdge(path[i], (_e, attrs, _s, target) => {
      if (target === path[i + 1] && attrs.weight < best) best = attrs.weight;
    });
    sum += best;
  }
  return sum;
}

/** A returned path must start at the origin, end at the destination, use only movements, and sum to the cost. */
function expectValidPath(router: Router, net: CompiledNetwork, cost: Float64Array, o: number, d: number, total: number): void {
  const path = router.lastPath();
  if (total === Infinity || o === d) {
    expect(path.length).toBe(0);
    return;
  }
  expect(path.length).toBeGreaterThan(0);
  expect(net.linkFrom[path[0]]).toBe(o);
  expect(net.linkTo[path[path.length - 1]]).toBe(d);
  let sum = 0;
  for (let i = 0; i < path.length; i++) {
    sum += cost[path[i]];
    if (i > 0) expect(net.movementBetween(path[i - 1], path[i])).toBeGreaterThanOrEqual(0);
  }
  expect(sum).toBe(total);
}

const ALGORITHMS: OneToOneAlgorithm[] = ['astar', 'bidirectional', 'dijkstra'];
const SEARCHES = ['auto', 'links'] as const;

describe('createRouter().route', () => {
  it('equals graphology dijkstra.bidirectional on random multigraphs with every turn permitted', () => {
    fc.assert(
      fc.property(randomNet, fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 1000 }), fc.constantFrom('typed' as const, 'fastpriorityqueue' as const), (r, a, b, heap) => {
        const { net, cost } = build(r, false);
        const o = a % r.junctions;
        const d = b % r.junctions;
        const expected = o === d ? 0 : pathCost(nodeGraph(r), graphologyBidirectional(nodeGraph(r), `j${o}`, `j${d}`, 'weight') ?? []);
        for (const search of SEARCHES) {
          const router = createRouter(net, { cost, heap, search });
          if (search === 'auto') expect(router.searchLevel).toBe('junctions'); // every turn is a movement here
          for (const algorithm of ALGORITHMS) {
            const got = router.route(o, d, algorithm);
            expect(got, `${search} ${algorithm} j${o} -> j${d}`).toBe(expected);
            expectValidPath(router, net, cost, o, d, got);
          }
        }
      }),
      { numRuns: 400, seed: 20261123 },
    );
  });

  it('equals graphology dijkstra on the line graph when turns are restricted', () => {
    fc.assert(
      fc.property(randomNet, fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 1000 }), (r, a, b) => {
        const { net, cost } = build(r, true);
        const o = a % r.junctions;
        const d = b % r.junctions;
        if (o === d) return;
        const g = lineGraph(r, net, o, d);
        const expected = pathCost(g, graphologyBidirectional(g, 'S', 'T', 'weight') ?? []);
        const router = createRouter(net, { cost });
        for (const algorithm of ALGORITHMS) {
          const got = router.route(o, d, algorithm);
          expect(got, `${algorithm} j${o} -> j${d}`).toBe(expected);
          expectValidPath(router, net, cost, o, d, got);
        }
      }),
      { numRuns: 400, seed: 7 },
    );
  });

  it('equals graphology when costs follow geometry, so the A* heuristic is tight', () => {
    // Cost = straight-line span (rounded up) + a non-negative extra: the heuristic scale is close to 1,
    // so a heuristic that overestimated would return a longer route and fail here.
    fc.assert(
      fc.property(randomNet, fc.nat(), fc.nat(), fc.boolean(), (r, a, b, restricted) => {
        const spans = r.links.map((l) => Math.hypot(r.coords[l.to][0] - r.coords[l.from][0], r.coords[l.to][1] - r.coords[l.from][1]));
        const geometric: RandomNet = { ...r, links: r.links.map((l, i) => ({ ...l, cost: Math.ceil(spans[i]) + (l.cost % 7) })) };
        const { net, cost } = build(geometric, restricted);
        const o = a % r.junctions;
        const d = b % r.junctions;
        if (o === d) return;
        const g = lineGraph(geometric, net, o, d);
        const expected = pathCost(g, graphologyBidirectional(g, 'S', 'T', 'weight') ?? []);
        for (const search of SEARCHES) {
          const router = createRouter(net, { cost, search });
          for (const algorithm of ALGORITHMS) {
            const got = router.route(o, d, algorithm);
            expect(got, `${router.searchLevel} ${algorithm} j${o} -> j${d}`).toBe(expected);
            expectValidPath(router, net, cost, o, d, got);
          }
        }
      }),
      { numRuns: 600, seed: 99 },
    );
  });

  it('passes through no junction without movements (a closed zone), as the line-graph reference', () => {
    fc.assert(
      fc.property(randomNet, fc.nat(), fc.nat(), fc.integer({ min: 0, max: 0x3fff }), (r, a, b, closed) => {
        const { net, cost } = buildClosed(r, closed);
        const o = a % r.junctions;
        const d = b % r.junctions;
        if (o === d) return;
        const g = lineGraph(r, net, o, d);
        const expected = pathCost(g, graphologyBidirectional(g, 'S', 'T', 'weight') ?? []);
        for (const search of SEARCHES) {
          const router = createRouter(net, { cost, search });
          if (search === 'auto') expect(router.searchLevel).toBe('junctions'); // closed junctions keep the junction-level search exact
          for (const algorithm of ALGORITHMS) {
            const got = router.route(o, d, algorithm);
            expect(got, `${router.searchLevel} ${algorithm} j${o} -> j${d} closed ${closed.toString(2)}`).toBe(expected);
            expectValidPath(router, net, cost, o, d, got);
          }
          const tree = router.tree(o);
          expect(tree.junctionCost[d]).toBe(expected);
          const batch = router.routeBatch(Int32Array.of(o, o), Int32Array.of(d, d));
          expect(Array.from(batch.costs)).toEqual([expected, expected]);
        }
      }),
      { numRuns: 400, seed: 31 },
    );
  });

  it('routes on the costs of the last setCost, not those it was created with', () => {
    fc.assert(
      fc.property(randomNet, fc.nat(), fc.nat(), fc.boolean(), (r, a, b, restricted) => {
        const { net, cost } = build(r, restricted);
        const o = a % r.junctions;
        const d = b % r.junctions;
        if (o === d) return;
        const reversed = Float64Array.from(cost, (c) => 50 - c); // a different, still non-negative, cost array
        const expected = (c: Float64Array): number => {
          const g = lineGraph({ ...r, links: r.links.map((l, i) => ({ ...l, cost: c[i] })) }, net, o, d);
          return pathCost(g, graphologyBidirectional(g, 'S', 'T', 'weight') ?? []);
        };
        for (const search of SEARCHES) {
          const router = createRouter(net, { cost, search });
          expect(router.route(o, d)).toBe(expected(cost));
          router.setCost(reversed);
          for (const algorithm of ALGORITHMS) expect(router.route(o, d, algorithm), `${router.searchLevel} ${algorithm}`).toBe(expected(reversed));
          expect(router.tree(o).junctionCost[d]).toBe(expected(reversed));
        }
      }),
      { numRuns: 200, seed: 37 },
    );
  });

  it('never uses a turn that is not a movement, even when it would be cheaper', () => {
    // a -> b -> c straight is forbidden; the only legal way is the long detour via d.
    const network = new RoadNetwork();
    for (const [id, x, y] of [['a', 0, 0], ['b', 100, 0], ['c', 200, 0], ['d', 100, 100]] as const) network.addJunction({ id, x, y });
    network.addLink({ id: 'ab', from: 'a', to: 'b', speed: 10 });
    network.addLink({ id: 'bc', from: 'b', to: 'c', speed: 10 });
    network.addLink({ id: 'bd', from: 'b', to: 'd', speed: 10 });
    network.addLink({ id: 'db', from: 'd', to: 'b', speed: 10 });
    network.addMovement({ from: 'ab', to: 'bd' });
    network.addMovement({ from: 'bd', to: 'db' });
    network.addMovement({ from: 'db', to: 'bc' });
    const net = compile(network);
    const router = createRouter(net);
    expect(router.searchLevel).toBe('links'); // a missing turn rules out the junction-level search
    for (const algorithm of ALGORITHMS) {
      expect(router.route(0, 2, algorithm)).toBeCloseTo(40, 9); // 4 links x 100 m at 10 m/s
      expect(Array.from(router.lastPath(), (l) => net.linkKey(l))).toEqual(['ab', 'bd', 'db', 'bc']);
    }
  });
});

describe('createRouter().routeLinks', () => {
  it('counts both end links and equals the line-graph reference', () => {
    fc.assert(
      fc.property(randomNet, fc.nat(), fc.nat(), (r, a, b) => {
        if (r.links.length === 0) return;
        const { net, cost } = build(r, true);
        const ol = a % r.links.length;
        const dl = b % r.links.length;
        const g = lineGraph(r, net, -1, -1);
        g.addEdge('S', `l${ol}`, { weight: r.links[ol].cost });
        g.addEdge(`l${dl}`, 'T', { weight: 0 });
        const expected = pathCost(g, graphologyBidirectional(g, 'S', 'T', 'weight') ?? []);
        const router = createRouter(net, { cost });
        for (const algorithm of ALGORITHMS) {
          expect(router.routeLinks(ol, dl, algorithm), algorithm).toBe(expected);
          const path = router.lastPath();
          if (expected < Infinity) {
            expect(path[0]).toBe(ol);
            expect(path[path.length - 1]).toBe(dl);
          }
        }
      }),
      { numRuns: 300, seed: 11 },
    );
  });
});

describe('createRouter().routeFromLink', () => {
  it('equals the line-graph reference from a link (included) to a junction', () => {
    fc.assert(
      fc.property(randomNet, fc.nat(), fc.nat(), (r, a, b) => {
        if (r.links.length === 0) return;
        const { net, cost } = build(r, true);
        const ol = a % r.links.length;
        const d = b % r.junctions;
        const g = lineGraph(r, net, -1, d);
        g.addEdge('S', `l${ol}`, { weight: r.links[ol].cost });
        const expected = pathCost(g, graphologyBidirectional(g, 'S', 'T', 'weight') ?? []);
        const router = createRouter(net, { cost });
        for (const algorithm of ALGORITHMS) {
          expect(router.routeFromLink(ol, d, algorithm), algorithm).toBe(expected);
          const path = router.lastPath();
          if (expected < Infinity) {
            expect(path[0]).toBe(ol);
            expect(net.linkTo[path[path.length - 1]]).toBe(d);
            expect(path.reduce((sum, l) => sum + cost[l], 0)).toBe(expected);
          }
        }
      }),
      { numRuns: 300, seed: 13 },
    );
  });
});

describe('createRouter().routeToLink', () => {
  it('equals the line-graph reference from a junction to a link (included)', () => {
    fc.assert(
      fc.property(randomNet, fc.nat(), fc.nat(), (r, a, b) => {
        if (r.links.length === 0) return;
        const { net, cost } = build(r, true);
        const o = a % r.junctions;
        const dl = b % r.links.length;
        const g = lineGraph(r, net, o, -1);
        g.addEdge(`l${dl}`, 'T', { weight: 0 });
        const expected = pathCost(g, graphologyBidirectional(g, 'S', 'T', 'weight') ?? []);
        const router = createRouter(net, { cost });
        for (const algorithm of ALGORITHMS) {
          expect(router.routeToLink(o, dl, algorithm), algorithm).toBe(expected);
          const path = router.lastPath();
          if (expected < Infinity) {
            expect(net.linkFrom[path[0]]).toBe(o);
            expect(path[path.length - 1]).toBe(dl);
            expect(path.reduce((sum, l) => sum + cost[l], 0)).toBe(expected);
          }
        }
      }),
      { numRuns: 300, seed: 17 },
    );
  });
});

describe('createRouter().tree', () => {
  it('equals graphology dijkstra.singleSource costs for every junction', () => {
    fc.assert(
      fc.property(randomNet, fc.nat(), (r, a) => {
        const { net, cost } = build(r, false);
        const o = a % r.junctions;
        const g = nodeGraph(r);
        const paths = singleSource(g, `j${o}`, 'weight');
        for (const search of SEARCHES) {
          const router = createRouter(net, { cost, search });
          const tree = router.tree(o);
          for (let j = 0; j < r.junctions; j++) {
            const expected = paths[`j${j}`] ? pathCost(g, paths[`j${j}`]) : Infinity;
            expect(tree.junctionCost[j], `${router.searchLevel} j${o} -> j${j}`).toBe(expected);
            const path = router.treePath(j);
            expect(path.reduce((s, l) => s + cost[l], 0)).toBe(j === o || expected === Infinity ? 0 : expected);
            if (path.length > 0) {
              expect(net.linkFrom[path[0]]).toBe(o);
              expect(net.linkTo[path[path.length - 1]]).toBe(j);
            }
          }
        }
      }),
      { numRuns: 300, seed: 3 },
    );
  });
});

describe('createRouter().routeBatch', () => {
  it('gives every trip the same cost as a one-to-one query, in trip order', () => {
    fc.assert(
      fc.property(randomNet, fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 40 }), fc.boolean(), (r, pairs, restricted) => {
        const { net, cost } = build(r, restricted);
        const origins = Int32Array.from(pairs, ([a]) => a % r.junctions);
        const destinations = Int32Array.from(pairs, ([, b]) => b % r.junctions);
        const router = createRouter(net, { cost });
        const batch = router.routeBatch(origins, destinations);
        expect(batch.offsets.length).toBe(pairs.length + 1);
        for (let i = 0; i < pairs.length; i++) {
          const single = createRouter(net, { cost, search: 'links' }).route(origins[i], destinations[i], 'dijkstra');
          expect(batch.costs[i]).toBe(single);
          const links = batch.links.subarray(batch.offsets[i], batch.offsets[i + 1]);
          if (single === Infinity || origins[i] === destinations[i]) {
            expect(links.length).toBe(0);
          } else {
            expect(net.linkFrom[links[0]]).toBe(origins[i]);
            expect(net.linkTo[links[links.length - 1]]).toBe(destinations[i]);
            expect(links.reduce((s, l) => s + cost[l], 0)).toBe(single);
          }
        }
      }),
      { numRuns: 200, seed: 5 },
    );
  });
});

describe('createRouter argument checks', () => {
  const network = new RoadNetwork();
  network.addJunction({ id: 'a', x: 0, y: 0 });
  network.addJunction({ id: 'b', x: 10, y: 0 });
  network.addLink({ id: 'ab', from: 'a', to: 'b', speed: 5 });
  const net = compile(network);

  it('rejects a cost array of the wrong length or with negative or NaN entries', () => {
    expect(() => createRouter(net, { cost: new Float64Array(2) })).toThrow(UsageError);
    expect(() => createRouter(net, { cost: Float64Array.of(-1) })).toThrow(UsageError);
    expect(() => createRouter(net, { cost: Float64Array.of(NaN) })).toThrow(/cost\[0\] \(link "ab"\)/);
  });

  it('rejects junction indices out of range and unknown algorithms', () => {
    const router = createRouter(net);
    expect(() => router.route(0, 2)).toThrow(UsageError);
    expect(() => router.route(-1, 0)).toThrow(UsageError);
    expect(() => router.route(0, 1, 'bfs' as OneToOneAlgorithm)).toThrow(UsageError);
    expect(router.route(0, 1)).toBe(2);
    expect(router.route(1, 0)).toBe(Infinity);
  });
});
