/**
 * Turn costs in the router (`RouterOptions.turnCost`, by default the network's
 * `movementTimeOffset`): a route costs its links plus its turns, each movement's
 * cost being exit link + turn clamped at 0.
 *  - Two routes of equal length that differ only by a left turn versus a right
 *    turn: the router takes the one whose turn is cheaper, in every query kind.
 *  - Random networks with random turn costs (fast-check): every one-to-one
 *    algorithm equals Dijkstra on the line graph whose edge a -> b weighs
 *    max(0, cost[b] + turn[a -> b]), built independently in graphology.
 */
import fc from 'fast-check';
import { MultiDirectedGraph } from 'graphology';
import { singleSource } from 'graphology-shortest-path/dijkstra.js';
import { describe, expect, it } from 'vitest';
import { compile } from '../../engine/network/index.js';
import { RoadNetwork } from '../../engine/network/road-network.js';
import { createRouter, type OneToOneAlgorithm } from '../../engine/routing/index.js';
import { UsageError } from '../../engine/errors.js';

/**
 * O (0,0) -> A (100,0) -> D (100,100) turns left at A (driving east, then north);
 * O -> B (0,100) -> D turns right at B (north, then east). Both are 200 m at 10 m/s.
 */
function square(leftOffset: number, rightOffset: number): RoadNetwork {
  const network = new RoadNetwork();
  for (const [id, x, y] of [['O', 0, 0], ['A', 100, 0], ['B', 0, 100], ['D', 100, 100]] as const) network.addJunction({ id, x, y });
  for (const [id, from, to] of [['OA', 'O', 'A'], ['AD', 'A', 'D'], ['OB', 'O', 'B'], ['BD', 'B', 'D']] as const) network.addLink({ id, from, to, length: 100, speed: 10 });
  const left = network.addMovement({ from: 'OA', to: 'AD', timeOffset: leftOffset });
  const right = network.addMovement({ from: 'OB', to: 'BD', timeOffset: rightOffset });
  expect([left.turn, right.turn]).toEqual(['left', 'right']);
  return network;
}

const ALGORITHMS: OneToOneAlgorithm[] = ['astar', 'bidirectional', 'dijkstra'];

describe('turn costs: a left and a right turn on routes of equal length', () => {
  it('takes the right turn when the left crosses slower (SUMO: long, slow left internal lanes)', () => {
    const net = compile(square(4, -2));
    const router = createRouter(net);
    expect(router.turnCost).not.toBeNull();
    expect(router.searchLevel).toBe('links');
    const [o, d] = [net.junctionIndex('O'), net.junctionIndex('D')];
    const viaRight = [net.linkIndex('OB'), net.linkIndex('BD')];
    for (const algorithm of ALGORITHMS) {
      // 10 s + 10 s of links, -2 s for the right turn.
      expect(router.route(o, d, algorithm)).toBe(18);
      expect([...router.lastPath()]).toEqual(viaRight);
    }
    const tree = router.tree(o);
    expect(tree.junctionCost[d]).toBe(18);
    expect([...router.treePath(d)]).toEqual(viaRight);
    const batch = router.routeBatch(Int32Array.of(o), Int32Array.of(d));
    expect([...batch.links]).toEqual(viaRight);
    expect(batch.costs[0]).toBe(18);
  });

  it('takes the left turn when it is the cheaper one, and ignores turns when told to', () => {
    const net = compile(square(-3, 5));
    const [o, d] = [net.junctionIndex('O'), net.junctionIndex('D')];
    const router = createRouter(net);
    for (const algorithm of ALGORITHMS) {
      expect(router.route(o, d, algorithm)).toBe(17);
      expect([...router.lastPath()]).toEqual([net.linkIndex('OA'), net.linkIndex('AD')]);
    }
    const plain = createRouter(net, { turnCost: false });
    expect(plain.turnCost).toBeNull();
    expect(plain.route(o, d)).toBe(20);
  });

  it('has no turn costs on a network without offsets (junction-level search as before)', () => {
    const net = compile(square(0, 0));
    expect(net.hasTimeOffsets).toBe(false);
    const router = createRouter(net);
    expect(router.turnCost).toBeNull();
  });

  it('refuses a turn cost array of the wrong length or with a non-finite entry', () => {
    const net = compile(square(1, 0));
    expect(() => createRouter(net, { turnCost: new Float64Array(1) })).toThrow(UsageError);
    expect(() => createRouter(net, { turnCost: Float64Array.of(0, NaN) })).toThrow(/turnCost\[1\]/);
  });
});

interface RandomNet {
  junctions: number;
  coords: Array<[number, number]>;
  links: Array<{ from: number; to: number; cost: number }>;
  turns: number[];
}

const randomNet = fc
  .integer({ min: 2, max: 10 })
  .chain((junctions) => fc.record({
    junctions: fc.constant(junctions),
    coords: fc.array(fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 1000 })), { minLength: junctions, maxLength: junctions }),
    links: fc.array(fc.record({
      from: fc.integer({ min: 0, max: junctions - 1 }),
      to: fc.integer({ min: 0, max: junctions - 1 }),
      cost: fc.integer({ min: 0, max: 40 }),
    }), { minLength: 0, maxLength: 30 }),
    // Integer turn costs, negative ones too (the sum is clamped at 0): sums stay exact.
    turns: fc.array(fc.integer({ min: -30, max: 30 }), { minLength: 900, maxLength: 900 }),
  }))
  .map((r): RandomNet => ({ ...r, links: r.links.filter((l) => l.from !== l.to) }));

describe('turn costs: random networks against line-graph Dijkstra', () => {
  it('every algorithm equals Dijkstra on the line graph weighted max(0, exit cost + turn cost)', () => {
    fc.assert(fc.property(randomNet, (r) => {
      const network = new RoadNetwork();
      for (let j = 0; j < r.junctions; j++) network.addJunction({ id: `j${j}`, x: r.coords[j][0], y: r.coords[j][1] });
      r.links.forEach((l, i) => network.addLink({ id: `l${i}`, from: `j${l.from}`, to: `j${l.to}`, length: 100, speed: 10 }));
      r.links.forEach((a, i) => r.links.forEach((b, k) => { if (a.to === b.from) network.addMovement({ from: `l${i}`, to: `l${k}` }); }));
      const net = compile(network);
      const cost = Float64Array.from(r.links, (l) => l.cost);
      const turn = Float64Array.from({ length: net.movementCount }, (_, e) => r.turns[e % r.turns.length]);
      const router = createRouter(net, { cost, turnCost: turn });
      for (let o = 0; o < r.junctions; o++) {
        const g = new MultiDirectedGraph();
        g.addNode('S');
        r.links.forEach((_, i) => g.addNode(`l${i}`));
        r.links.forEach((l, i) => {
          if (l.from === o) g.addEdge('S', `l${i}`, { weight: l.cost });
          for (let e = net.movementOffsets[i]; e < net.movementOffsets[i + 1]; e++) {
            g.addEdge(`l${i}`, `l${net.movementTo[e]}`, { weight: Math.max(0, cost[net.movementTo[e]] + turn[e]) });
          }
        });
        const paths = singleSource(g, 'S');
        const weightOf = (a: string, b: string): number => {
          let best = Infinity;
          g.forEachOutEdge(a, (_e, attrs, _s, target) => { if (target === b && attrs.weight < best) best = attrs.weight; });
          return best;
        };
        const reach = new Float64Array(r.junctions).fill(Infinity);
        r.links.forEach((l, i) => {
          const p = paths[`l${i}`];
          if (p === undefined) return;
          let c = 0;
          for (let s = 0; s + 1 < p.length; s++) c += weightOf(p[s], p[s + 1]);
          if (c < reach[l.to]) reach[l.to] = c;
        });
        for (let d = 0; d < r.junctions; d++) {
          if (d === o) continue;
          for (const algorithm of ALGORITHMS) {
            const got = router.route(o, d, algorithm);
            expect(got).toBe(reach[d]);
            if (got === Infinity) continue;
            // The path found costs what was reported: links, plus turns clamped with their exit link.
            const path = router.lastPath();
            let sum = cost[path[0]];
            for (let s = 1; s < path.length; s++) {
              const e = net.movementBetween(path[s - 1], path[s]);
              expect(e).toBeGreaterThanOrEqual(0);
              sum += Math.max(0, cost[path[s]] + turn[e]);
            }
            expect(sum).toBe(got);
          }
        }
      }
    }), { numRuns: 150 });
  });
});
