/**
 * Time-dependent batch routing (engine/routing/time-dependent.ts):
 *  - on one interval of free-flow costs it must find routes as fast as the static
 *    router's (the reference, itself checked against graphology), on random grids
 *    with random turn bans (fast-check);
 *  - with costs that change over time it must pick the route that is fastest for
 *    each departure time (worked by hand below), and respect end links;
 *  - `traverse` times a route movement by movement, as the header defines;
 *  - goal direction (A* on least-time bounds) must give every trip the time plain
 *    Dijkstra gives on FIFO costs (A* with a consistent lower bound is exact:
 *    Hart, Nilsson & Raphael 1968), with end links and several targets per group,
 *    and settle fewer labels.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile, grid, type CompiledNetwork } from '../../engine/network/index.js';
import { RoadNetwork } from '../../engine/network/road-network.js';
import { createRouter, createTimeDependentRouter, freeFlowCosts, traverse, type IntervalCosts } from '../../engine/routing/index.js';
import { UsageError } from '../../engine/errors.js';

function trips(origin: number[], destination: number[], depart: number[], originLink?: number[], destinationLink?: number[]) {
  const n = origin.length;
  return {
    count: n,
    origin: Int32Array.from(origin),
    destination: Int32Array.from(destination),
    originLink: Int32Array.from(originLink ?? new Array<number>(n).fill(-1)),
    destinationLink: Int32Array.from(destinationLink ?? new Array<number>(n).fill(-1)),
    depart: Float64Array.from(depart),
  };
}

/** A copy of `source` without the movements `bans` picks (unreachable pairs may follow: they must be reported). */
function withBans(source: RoadNetwork, bans: number[]): RoadNetwork {
  const out = new RoadNetwork();
  for (const j of source.junctions()) out.addJunction({ id: j.id, x: j.x, y: j.y, control: j.control });
  for (const l of source.links()) out.addLink({ id: l.id, from: l.from, to: l.to, length: l.length, speed: l.speed, lanes: l.lanes });
  const movements = source.movements();
  const banned = new Set(bans.map((b) => b % movements.length));
  movements.forEach((mv, k) => { if (!banned.has(k)) out.addMovement({ from: mv.from, to: mv.to }); });
  return out;
}

/** A diamond: S -> A -> T (fast at free flow) and S -> B -> T (slower by 20 s). */
function diamond(): CompiledNetwork {
  const n = new RoadNetwork();
  n.addJunction({ id: 'S', x: 0, y: 0 });
  n.addJunction({ id: 'A', x: 100, y: 50 });
  n.addJunction({ id: 'B', x: 100, y: -50 });
  n.addJunction({ id: 'T', x: 200, y: 0 });
  n.addLink({ id: 'SA', from: 'S', to: 'A', length: 100, speed: 10 });
  n.addLink({ id: 'AT', from: 'A', to: 'T', length: 100, speed: 10 });
  n.addLink({ id: 'SB', from: 'S', to: 'B', length: 200, speed: 10 });
  n.addLink({ id: 'BT', from: 'B', to: 'T', length: 100, speed: 10 });
  n.addMovement({ from: 'SA', to: 'AT' });
  n.addMovement({ from: 'SB', to: 'BT' });
  return compile(n);
}

describe('createTimeDependentRouter', () => {
  it('routeBatch on free-flow costs matches the static router on random grids with turn bans', () => {
    fc.assert(fc.property(fc.integer({ min: 2, max: 5 }), fc.integer({ min: 2, max: 5 }), fc.array(fc.nat(), { minLength: 0, maxLength: 12 }), fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 0, max: 3000 })), { minLength: 1, maxLength: 30 }),
      (rows, cols, bans, pairs) => {
        const net = compile(withBans(grid(rows, cols, { spacing: 200, attachLength: 100 }), bans));
        const n = net.junctionCount;
        const t = trips(pairs.map((p) => p[0] % n), pairs.map((p) => p[1] % n), pairs.map((p) => p[2]));
        const td = createTimeDependentRouter(net).routeBatch(t, freeFlowCosts(net), 60);
        const ref = createRouter(net, { search: 'links' });
        for (let i = 0; i < t.count; i++) {
          const expected = ref.route(t.origin[i], t.destination[i]);
          expect(td.costs[i]).toBeCloseTo(expected, 6);
          const route = td.links.subarray(td.offsets[i], td.offsets[i + 1]);
          if (Number.isFinite(expected) && t.origin[i] !== t.destination[i]) {
            // A real route: starts at the origin, ends at the destination, every step a movement, timed as claimed.
            expect(net.linkFrom[route[0]]).toBe(t.origin[i]);
            expect(net.linkTo[route[route.length - 1]]).toBe(t.destination[i]);
            for (let k = 0; k + 1 < route.length; k++) expect(net.movementBetween(route[k], route[k + 1])).toBeGreaterThanOrEqual(0);
            expect(traverse(net, freeFlowCosts(net), route, 0, route.length, t.depart[i])).toBeCloseTo(td.costs[i], 6);
          } else {
            expect(route.length).toBe(0);
          }
        }
      }), { numRuns: 40 });
  });

  it('picks the fastest route for each departure time when costs change over time', () => {
    const net = diamond();
    const M = net.movementCount;
    const m = net.linkCount;
    // Two 100 s intervals. In interval 0 the movement SA>AT takes 100 s (a queue), in
    // interval 1 its free-flow 10 s. Via B: 20 s + 10 s = 30 s always.
    const movement = new Float64Array(2 * M);
    const arrival = new Float64Array(2 * m);
    for (let i = 0; i < 2; i++) {
      for (let x = 0; x < M; x++) movement[i * M + x] = net.linkFreeFlowTime[net.movementFrom[x]];
      for (let l = 0; l < m; l++) arrival[i * m + l] = net.linkFreeFlowTime[l];
    }
    movement[net.movementBetween(net.linkIndex('SA'), net.linkIndex('AT'))] = 100;
    const costs: IntervalCosts = { start: 0, width: 100, intervals: 2, movement, arrival };
    const S = net.junctionIndex('S');
    const T = net.junctionIndex('T');
    const r = createTimeDependentRouter(net).routeBatch(trips([S, S], [T, T], [50, 150]), costs, 10);
    const ids = (i: number) => Array.from(r.links.subarray(r.offsets[i], r.offsets[i + 1]), (l) => net.linkKey(l));
    expect(ids(0)).toEqual(['SB', 'BT']); // at 50 s: via A 100 + 10 = 110 s, via B 30 s
    expect(r.costs[0]).toBeCloseTo(30, 9);
    expect(ids(1)).toEqual(['SA', 'AT']); // at 150 s: via A 10 + 10 = 20 s
    expect(r.costs[1]).toBeCloseTo(20, 9);
    // A departure at 95 s enters SA in interval 0 (100 s) although AT is then entered in interval 2: still via B.
    const late = createTimeDependentRouter(net).routeBatch(trips([S], [T], [95]), costs, 10);
    expect(late.costs[0]).toBeCloseTo(30, 9);
  });

  it('keeps given end links, and reports unreachable and empty trips', () => {
    const net = diamond();
    const S = net.junctionIndex('S');
    const T = net.junctionIndex('T');
    const A = net.junctionIndex('A');
    const router = createTimeDependentRouter(net);
    const r = router.routeBatch(trips([S, S, T, S], [T, T, S, S], [0, 0, 0, 0], [net.linkIndex('SB'), -1, -1, -1], [-1, -1, -1, -1]), freeFlowCosts(net), 60);
    expect(Array.from(r.links.subarray(r.offsets[0], r.offsets[1]), (l) => net.linkKey(l))).toEqual(['SB', 'BT']);
    expect(r.costs[0]).toBeCloseTo(30, 9);
    expect(r.costs[1]).toBeCloseTo(20, 9);
    expect(r.costs[2]).toBe(Infinity); // no link leaves T
    expect(r.offsets[3] - r.offsets[2]).toBe(0);
    expect(r.costs[3]).toBe(0); // origin = destination
    const toLink = router.routeBatch(trips([S], [A], [0], [-1], [net.linkIndex('SA')]), freeFlowCosts(net), 60);
    expect(Array.from(toLink.links, (l) => net.linkKey(l))).toEqual(['SA']);
    expect(router.settled).toBeGreaterThan(0);
  });

  it('rejects costs of the wrong shape and negative times, naming them', () => {
    const net = diamond();
    const router = createTimeDependentRouter(net);
    const t = trips([0], [3], [0]);
    const good = freeFlowCosts(net);
    expect(() => router.routeBatch(t, { ...good, movement: new Float64Array(1) }, 60)).toThrow(UsageError);
    const negative = Float64Array.from(good.arrival);
    negative[0] = -1;
    expect(() => router.routeBatch(t, { ...good, arrival: negative }, 60)).toThrow(/costs.arrival of link "SA"/);
    expect(() => router.routeBatch(t, good, 0)).toThrow(/slotS/);
  });

  it('goal direction gives the times plain Dijkstra gives on FIFO costs, and settles fewer labels', () => {
    fc.assert(fc.property(fc.integer({ min: 2, max: 6 }), fc.integer({ min: 2, max: 6 }), fc.array(fc.nat(), { maxLength: 10 }), fc.integer({ min: 1, max: 4 }), fc.nat(),
      fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 0, max: 1200 }), fc.boolean()), { minLength: 1, maxLength: 40 }),
      (rows, cols, bans, intervals, seed, pairs) => {
        const net = compile(withBans(grid(rows, cols, { spacing: 200, attachLength: 100 }), bans));
        const n = net.junctionCount;
        const M = net.movementCount;
        const m = net.linkCount;
        // Costs that never fall from one interval to the next (so FIFO, where both searches are exact), above free flow by random factors.
        let state = seed + 1;
        const rnd = (): number => { state = (state * 1103515245 + 12345) % 2147483648; return state / 2147483648; };
        const movement = new Float64Array(intervals * M);
        const arrival = new Float64Array(intervals * m);
        for (let x = 0; x < M; x++) {
          let c = net.linkFreeFlowTime[net.movementFrom[x]] * (1 + 3 * rnd());
          for (let i = 0; i < intervals; i++) { movement[i * M + x] = c; c += 40 * rnd(); }
        }
        for (let l = 0; l < m; l++) {
          let c = net.linkFreeFlowTime[l] * (1 + 2 * rnd());
          for (let i = 0; i < intervals; i++) { arrival[i * m + l] = c; c += 30 * rnd(); }
        }
        const costs: IntervalCosts = { start: 0, width: 300, intervals, movement, arrival };
        // Some trips end on a given link (the last link entering their destination).
        const destinationLink = pairs.map((p) => {
          const d = p[1] % n;
          const into = net.junctionInOffsets[d + 1] - net.junctionInOffsets[d];
          return p[3] && into > 0 ? net.junctionInLinks[net.junctionInOffsets[d] + (p[0] % into)] : -1;
        });
        const t = trips(pairs.map((p) => p[0] % n), pairs.map((p) => p[1] % n), pairs.map((p) => p[2]), undefined, destinationLink);
        const goal = createTimeDependentRouter(net);
        const plain = createTimeDependentRouter(net, { goalDirected: false });
        for (const slot of [60, 1200]) { // one trip a search, and groups of up to 40 trips with many targets
          const a = goal.routeBatch(t, costs, slot);
          const b = plain.routeBatch(t, costs, slot);
          expect(goal.settled).toBeLessThanOrEqual(plain.settled);
          for (let i = 0; i < t.count; i++) {
            expect(a.costs[i]).toBeCloseTo(b.costs[i], 6);
            const route = a.links.subarray(a.offsets[i], a.offsets[i + 1]);
            if (Number.isFinite(a.costs[i]) && route.length > 0) {
              expect(traverse(net, costs, route, 0, route.length, t.depart[i])).toBeCloseTo(a.costs[i], 6);
              if (destinationLink[i] >= 0) expect(route[route.length - 1]).toBe(destinationLink[i]);
            }
          }
        }
      }), { numRuns: 60 });
  });

  it('goal direction settles far fewer labels for one far target on near-least times', () => {
    const net = compile(grid(12, 12, { spacing: 200 }));
    const costs = freeFlowCosts(net);
    const t = trips([net.junctionIndex('r0c0')], [net.junctionIndex('r0c11')], [0]);
    const goal = createTimeDependentRouter(net);
    const plain = createTimeDependentRouter(net, { goalDirected: false });
    expect(goal.routeBatch(t, costs, 60).costs[0]).toBeCloseTo(plain.routeBatch(t, costs, 60).costs[0], 9);
    // Along one edge of the grid: A* settles about the links of the straight corridor, Dijkstra a half-disc around the origin.
    expect(goal.settled * 4).toBeLessThan(plain.settled);
  });
});
