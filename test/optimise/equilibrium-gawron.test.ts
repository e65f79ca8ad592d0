/**
 * Tests of Gawron's route choice (engine/optimise/equilibrium: gawron.ts,
 * route-sets.ts, route-pool.ts and `equilibrate` with `method: 'gawron'`):
 * the probability update against values computed by hand from Gawron (1998),
 * "An iterative algorithm to determine the dynamic user equilibrium in a
 * traffic simulation model", Int. J. Modern Physics C 9(3), eq. 4.2-4.3, as
 * SUMO's documentation ("Demand/Dynamic User Assignment") describes its use;
 * one route-set step worked by hand; the route pool; determinism by seed.
 */
import { describe, expect, it } from 'vitest';
import { expandDemand } from '../../engine/demand/expand.js';
import { createRandom, type RandomStream } from '../../engine/demand/random.js';
import { NO_LOSS_VEHICLE_MODEL } from '../../engine/sim/losses.js';
import type { IntervalCosts } from '../../engine/routing/time-dependent.js';
import { equilibrate } from '../../engine/optimise/equilibrium/equilibrium.js';
import { DUAITERATE_GAWRON, gawronCost, gawronProbabilities } from '../../engine/optimise/equilibrium/gawron.js';
import { RouteSets } from '../../engine/optimise/equilibrium/route-sets.js';
import { RoutePool } from '../../engine/optimise/equilibrium/route-pool.js';
import { LinkTimeRecorder } from '../../engine/optimise/equilibrium/link-times.js';
import { twoRoutes } from '../fixtures/two-routes.js';

/** A stream that returns `values` in turn (the draws of a route choice). */
function draws(...values: number[]): RandomStream {
  let k = 0;
  return { next: () => values[k++ % values.length] } as unknown as RandomStream;
}

describe('gawronProbabilities (Gawron 1998, eq. 4.2-4.3)', () => {
  it('moves probability towards the cheaper of two routes by the hand-computed amount', () => {
    // c_r = 100 s, c_s = 150 s, p = 0.5 / 0.5, a = 0.5:
    //   delta = (150 - 100) / (150 + 100) = 0.2;  g = exp(0.5 x 0.2 / (1 - 0.04)) = exp(0.1041667) = 1.1097854
    //   p_r' = p_r (p_r + p_s) g / (p_r g + p_s) = 0.5 x 1 x 1.1097854 / (0.5 x 1.1097854 + 0.5) = 0.5260181
    const cost = Float64Array.of(100, 150);
    const prob = Float64Array.of(0.5, 0.5);
    gawronProbabilities(cost, prob, 2, 0.5);
    expect(prob[0]).toBeCloseTo(0.5260181, 6);
    expect(prob[1]).toBeCloseTo(0.4739819, 6);
  });

  it('works from unequal probabilities and a dearer first route (hand-computed)', () => {
    // c_r = 200 s, c_s = 100 s, p_r = 0.2, p_s = 0.8, a = 0.5:
    //   delta = (100 - 200) / 300 = -1/3;  g = exp(0.5 x (-1/3) / (1 - 1/9)) = exp(-0.1875) = 0.8290291
    //   p_r' = 0.2 x 1 x 0.8290291 / (0.2 x 0.8290291 + 0.8) = 0.1658058 / 0.9658058 = 0.1716761
    const cost = Float64Array.of(200, 100);
    const prob = Float64Array.of(0.2, 0.8);
    gawronProbabilities(cost, prob, 2, 0.5);
    expect(prob[0]).toBeCloseTo(0.1716761, 6);
    expect(prob[1]).toBeCloseTo(0.8283238, 6);
  });

  it('leaves equal costs and a = 0 alone, keeps the sum over three routes, and favours the cheapest', () => {
    const same = Float64Array.of(0.3, 0.7);
    gawronProbabilities(Float64Array.of(120, 120), same, 2, 0.5);
    expect(Array.from(same)).toEqual([0.3, 0.7]);
    const blind = Float64Array.of(0.3, 0.7);
    gawronProbabilities(Float64Array.of(100, 300), blind, 2, 0);
    expect(blind[0]).toBeCloseTo(0.3, 12);
    const three = Float64Array.of(0.2, 0.3, 0.5);
    gawronProbabilities(Float64Array.of(90, 100, 140), three, 3, 0.5);
    expect(three[0] + three[1] + three[2]).toBeCloseTo(1, 12);
    expect(three[0]).toBeGreaterThan(0.2);
    expect(three[2]).toBeLessThan(0.5);
  });

  it('remembers a route\'s cost: the driven route takes the measurement, the others beta x new + (1 - beta) x old', () => {
    expect(gawronCost(200, 100, 0.9, true)).toBe(100);
    expect(gawronCost(200, 100, 0.9, false)).toBeCloseTo(110, 12); // 0.9 x 100 + 0.1 x 200
    expect(DUAITERATE_GAWRON).toEqual({ beta: 0.9, a: 0.5 }); // duaIterate.py's gawron.beta and gawron.a
  });
});

describe('RouteSets.step', () => {
  const net = twoRoutes();
  const L = (id: string): number => net.linkIndex(id);
  const short = Int32Array.of(L('OA'), L('AB'), L('BD'), L('DE'));
  const long = Int32Array.of(L('OA'), L('AC'), L('CD'), L('DE'));
  // One interval of costs: OA 100 s whichever turn, the short branch 30 s a link, the long branch 10 s a link, DE 10 s.
  // Short route 100 + 30 + 30 + 10 = 170 s; long route 100 + 10 + 10 + 10 = 130 s.
  const movement = new Float64Array(net.movementCount);
  const arrival = new Float64Array(net.linkCount).fill(10);
  const move = (from: string, to: string, s: number): void => { movement[net.movementBetween(L(from), L(to))] = s; };
  move('OA', 'AB', 100); move('OA', 'AC', 100); move('AB', 'BD', 30); move('BD', 'DE', 30); move('AC', 'CD', 10); move('CD', 'DE', 10);
  const costs: IntervalCosts = { start: 0, width: 3600, intervals: 1, movement, arrival };
  const best = { offsets: Int32Array.of(0, 4), links: long, costs: Float64Array.of(130) };
  const one = { offsets: Int32Array.of(0, 4), links: short };

  it('adds the new fastest route at 1/n, takes the driven route\'s measurement and updates by Gawron (worked by hand)', () => {
    const sets = new RouteSets(one, Float64Array.of(120), 5);
    // The long route joins: p = 1/2 each; costs: short (driven) 170 s, long (new) 130 s.
    // delta = (130 - 170) / 300 = -2/15; g = exp(0.5 x (-2/15) / (1 - 4/225)) = exp(-0.0678733) = 0.9343788;
    // p_short = 0.5 x 0.9343788 / (0.5 x 0.9343788 + 0.5) = 0.4830382, p_long = 0.5169618.
    // Draw 0.48: 0.48 - 0.4830382 <= 0, the first route (short).
    const step = sets.step(net, costs, best, Float64Array.of(0), Uint8Array.of(1), DUAITERATE_GAWRON, draws(0.48));
    expect(step.added).toBe(1);
    expect(sets.size[0]).toBe(2);
    expect(Array.from(sets.cost.subarray(0, 2))).toEqual([170, 130]);
    expect(sets.prob[0]).toBeCloseTo(0.4830382, 6);
    expect(sets.prob[1]).toBeCloseTo(0.5169618, 6);
    expect(Array.from(step.routes.links)).toEqual(Array.from(short));
    expect(step.switched).toBe(0);
    // Next step on the same costs, draw 0.49: the long route is known (no addition); short was driven: 170 s;
    // long not driven: 0.9 x 130 + 0.1 x 130 = 130 s. The update moves on from 0.4830382: p_short falls, the draw takes long.
    const next = sets.step(net, costs, best, Float64Array.of(0), Uint8Array.of(1), DUAITERATE_GAWRON, draws(0.49));
    expect(next.added).toBe(0);
    const g = Math.exp((0.5 * (-40 / 300)) / (1 - (40 / 300) ** 2));
    const p0 = 0.4830382;
    expect(sets.prob[0]).toBeCloseTo((p0 * g) / (p0 * g + (1 - p0)), 6);
    expect(sets.prob[0]).toBeLessThan(0.49);
    expect(Array.from(next.routes.links)).toEqual(Array.from(long));
    expect(next.switched).toBe(1);
  });

  it('keeps the most probable routes when the set overflows, rescaled to sum 1', () => {
    const sets = new RouteSets(one, Float64Array.of(120), 1);
    const step = sets.step(net, costs, best, Float64Array.of(0), Uint8Array.of(1), DUAITERATE_GAWRON, draws(0.99));
    expect(sets.size[0]).toBe(1);
    expect(sets.prob[0]).toBe(1);
    expect(Array.from(step.routes.links)).toEqual(Array.from(long)); // the long route was the more probable
  });

  it('leaves trips outside the run alone, but still draws for them (the stream stays aligned)', () => {
    const sets = new RouteSets(one, Float64Array.of(120), 5);
    let taken = 0;
    const counting = { next: () => { taken++; return 0.5; } } as unknown as RandomStream;
    const step = sets.step(net, costs, best, Float64Array.of(0), Uint8Array.of(0), DUAITERATE_GAWRON, counting);
    expect(taken).toBe(1);
    expect(sets.size[0]).toBe(1);
    expect(step.added).toBe(0);
    expect(Array.from(step.routes.links)).toEqual(Array.from(short));
  });
});

describe('LinkTimeRecorder.costs by link', () => {
  it('gives every sampled turn of a link the link\'s mean (SUMO\'s edge times), each turn its own with by movement', () => {
    const net = twoRoutes();
    const trips = expandDemand(net, { flows: [{ from: 'O', to: 'E', rate: 0.01, begin: 0, end: 200, arrivals: 'uniform' }] }, createRandom(1));
    const rec = new LinkTimeRecorder(net, trips, 0, 600, 1);
    const oa = net.linkIndex('OA');
    const toB = net.movementBetween(oa, net.linkIndex('AB'));
    const toC = net.movementBetween(oa, net.linkIndex('AC'));
    rec.enter(0, oa, 0); rec.leave(0, oa, toB, 130); // 130 s through the turn to B
    rec.enter(1, oa, 10); rec.leave(1, oa, toC, 160); // 150 s through the turn to C
    const byMovement = rec.costs();
    expect([byMovement.movement[toB], byMovement.movement[toC]]).toEqual([130, 150]);
    const byLink = rec.costs('link');
    expect([byLink.movement[toB], byLink.movement[toC]]).toEqual([140, 140]); // (130 + 150) / 2, no turn offsets here
  });
});

describe('RoutePool', () => {
  it('interns equal link sequences once and keeps ids through compaction', () => {
    const pool = new RoutePool();
    const a = pool.intern(Int32Array.of(9, 1, 2, 3, 9), 1, 4);
    const b = pool.intern(Int32Array.of(1, 2, 3), 0, 3);
    const c = pool.intern(Int32Array.of(1, 2), 0, 2);
    const d = pool.intern(Int32Array.of(70000, 2), 0, 2);
    expect(b).toBe(a);
    expect(new Set([a, c, d]).size).toBe(3);
    expect(pool.size).toBe(3);
    for (let k = 0; k < 3000; k++) pool.intern(Int32Array.of(k + 10, k + 11, k + 12), 0, 3); // past the initial capacity
    expect(pool.size).toBe(3003);
    const ids = Int32Array.of(d, -1, d, a);
    expect(pool.compact(ids)).toBe(2);
    expect(ids[1]).toBe(-1);
    expect(ids[0]).toBe(ids[2]);
    expect(Array.from(pool.links.subarray(pool.offsets[ids[0]], pool.offsets[ids[0] + 1]))).toEqual([70000, 2]);
    expect(Array.from(pool.links.subarray(pool.offsets[ids[3]], pool.offsets[ids[3] + 1]))).toEqual([1, 2, 3]);
    expect(pool.intern(Int32Array.of(1, 2, 3), 0, 3)).toBe(ids[3]);
  });
});

describe('equilibrate with method gawron', () => {
  const net = twoRoutes();
  const trips = expandDemand(net, { flows: [{ from: 'O', to: 'E', rate: 0.75, begin: 0, end: 1800, arrivals: 'uniform' }] }, createRandom(1));
  const sim = { end: 3600, seed: 1, vehicle: NO_LOSS_VEHICLE_MODEL };

  it('is deterministic by seed, uses both routes once the bottleneck queues, and lowers the travel time', () => {
    const opts = { method: 'gawron' as const, maxIterations: 8, gap: 0, intervalS: 60, slotS: 30 };
    const a = equilibrate(net, trips, {}, sim, opts);
    const b = equilibrate(net, trips, {}, sim, opts);
    expect(a.iterations.map((it) => it.gap)).toEqual(b.iterations.map((it) => it.gap));
    expect(a.routes.links).toEqual(b.routes.links);
    const other = equilibrate(net, trips, {}, { ...sim, seed: 2 }, opts);
    expect(other.routes.links).not.toEqual(a.routes.links); // the draws follow the seed
    expect(a.iterations[0].switched).toBeGreaterThan(0);
    expect(a.iterations.at(-1)!.switched).toBe(0);
    expect(a.iterations.slice(0, -1).every((it) => it.meanAlternatives! >= 1 && it.meanAlternatives! <= 2)).toBe(true);
    expect(a.result.links.entered[net.linkIndex('AC')]).toBeGreaterThan(0);
    expect(a.result.network.meanTravelTime).toBeLessThan(a.iterations[0].meanTravelTime);
  });

  it('refuses options of the swap method and bad Gawron parameters, named', () => {
    expect(() => equilibrate(net, trips, {}, sim, { method: 'gawron', gapCosts: 'smoothed' })).toThrow(/equilibrium.gapCosts applies to method "swap"/);
    expect(() => equilibrate(net, trips, {}, sim, { method: 'logit' as never })).toThrow(/equilibrium.method/);
    expect(() => equilibrate(net, trips, {}, sim, { method: 'gawron', gawronBeta: 0 })).toThrow(/equilibrium.gawronBeta/);
    expect(() => equilibrate(net, trips, {}, sim, { method: 'gawron', gawronA: -1 })).toThrow(/equilibrium.gawronA/);
    expect(() => equilibrate(net, trips, {}, sim, { method: 'gawron', maxAlternatives: 0 })).toThrow(/equilibrium.maxAlternatives/);
    expect(() => equilibrate(net, trips, {}, sim, { costsBy: 'edge' as never })).toThrow(/equilibrium.costsBy/);
  });
});
