/**
 * The route-swapping step of the dynamic assignment (engine/demand/route-swap.ts):
 * who moves, with which probability, deterministically by seed; and the trip
 * table that carries routes into a simulation.
 */
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../engine/demand/random.js';
import { gapWeightedShares, swapRoutes, withRoutes, type RouteSet } from '../../engine/demand/route-swap.js';
import type { TripTable } from '../../engine/demand/demand.js';

const routes = (list: number[][]): RouteSet => {
  const offsets = new Int32Array(list.length + 1);
  list.forEach((r, i) => { offsets[i + 1] = offsets[i] + r.length; });
  return { offsets, links: Int32Array.from(list.flat()) };
};
const routeOf = (r: RouteSet, i: number) => Array.from(r.links.subarray(r.offsets[i], r.offsets[i + 1]));

describe('swapRoutes', () => {
  const current = routes([[1, 2], [3, 4], [5], [6, 7]]);
  const best = routes([[1, 9], [3, 4], [8], []]);
  const currentCost = Float64Array.from([100, 50, 40, 30]);
  const bestCost = Float64Array.from([80, 50, 40, Infinity]);

  it('moves every slower traveller with share 1 and none with share 0; equal, no-faster and routeless ones stay', () => {
    const all = swapRoutes(current, currentCost, best, bestCost, 1, createRandom(1));
    expect(all.candidates).toBe(1); // trip 1: same route; trip 2: not faster; trip 3: no best route
    expect(all.switched).toBe(1);
    expect([0, 1, 2, 3].map((i) => routeOf(all.routes, i))).toEqual([[1, 9], [3, 4], [5], [6, 7]]);
    const none = swapRoutes(current, currentCost, best, bestCost, 0, createRandom(1));
    expect(none.switched).toBe(0);
    expect([0, 1, 2, 3].map((i) => routeOf(none.routes, i))).toEqual([[1, 2], [3, 4], [5], [6, 7]]);
  });

  it('moves about share x candidates, the same ones for the same seed', () => {
    const n = 4000;
    const cur = routes(Array.from({ length: n }, () => [1, 2]));
    const bst = routes(Array.from({ length: n }, () => [1, 3]));
    const cc = new Float64Array(n).fill(100);
    const bc = new Float64Array(n).fill(90);
    const a = swapRoutes(cur, cc, bst, bc, 0.25, createRandom(7));
    const b = swapRoutes(cur, cc, bst, bc, 0.25, createRandom(7));
    expect(a.routes.links).toEqual(b.routes.links);
    // Binomial(4000, 0.25): sd 27.4; 5 sd either side.
    expect(Math.abs(a.switched - 1000)).toBeLessThan(137);
    const perTrip = swapRoutes(cur, cc, bst, bc, Float64Array.from({ length: n }, (_, i) => (i < n / 2 ? 1 : 0)), createRandom(7));
    expect(perTrip.switched).toBe(n / 2);
    expect(routeOf(perTrip.routes, 0)).toEqual([1, 3]);
    expect(routeOf(perTrip.routes, n - 1)).toEqual([1, 2]);
  });
});

describe('gapWeightedShares', () => {
  it('is step x min(1, relative excess / gap), 0 without excess', () => {
    const p = gapWeightedShares(Float64Array.from([100, 100, 100, 100]), Float64Array.from([98, 50, 100, Infinity]), 0.05, 0.2);
    expect(p[0]).toBeCloseTo(0.2 * (0.02 / 0.05), 12); // below-average excess: a smaller share (0.08)
    expect(p[1]).toBeCloseTo(0.2, 12); // 0.5 / 0.05 = 10: capped at the step
    expect(p[2]).toBe(0);
    expect(p[3]).toBe(0);
  });
});

describe('withRoutes', () => {
  it('gives each trip its route and end links, keeping the table\'s own route where none is given', () => {
    const trips: TripTable = {
      count: 2, ids: ['a', 'b'], depart: Float64Array.from([0, 1]), origin: Int32Array.from([0, 0]), destination: Int32Array.from([5, 5]),
      originLink: Int32Array.from([-1, 4]), destinationLink: Int32Array.from([-1, 6]), routeOffsets: Int32Array.from([0, 0, 2]), routeLinks: Int32Array.from([4, 6]),
    };
    const t = withRoutes(trips, routes([[1, 2, 3], []]));
    expect(Array.from(t.routeOffsets)).toEqual([0, 3, 5]);
    expect(Array.from(t.routeLinks)).toEqual([1, 2, 3, 4, 6]);
    expect(Array.from(t.originLink)).toEqual([1, 4]);
    expect(Array.from(t.destinationLink)).toEqual([3, 6]);
    expect(Array.from(trips.originLink)).toEqual([-1, 4]); // the original is untouched
  });
});
