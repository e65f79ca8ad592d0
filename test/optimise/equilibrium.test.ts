/**
 * Tests of `equilibrate` (engine/optimise/equilibrium): a closed-form dynamic
 * user equilibrium, determinism, warm starts, and the counting of unfinished trips.
 */
import { describe, expect, it } from 'vitest';
import type { CompiledNetwork } from '../../engine/network/compiled.js';
import { expandDemand } from '../../engine/demand/expand.js';
import { createRandom } from '../../engine/demand/random.js';
import { NO_LOSS_VEHICLE_MODEL } from '../../engine/sim/losses.js';
import { equilibrate } from '../../engine/optimise/equilibrium/equilibrium.js';
import { simulate } from '../../engine/sim/simulate.js';
import { withRoutes } from '../../engine/demand/route-swap.js';
import type { TripTable } from '../../engine/demand/demand.js';
import { UsageError } from '../../engine/errors.js';
import { twoRoutes } from '../fixtures/two-routes.js';
import { createInProcessEvaluator } from '../../engine/optimise/evaluator.js';

/** Every trip on `route` (link ids). */
function allOn(net: CompiledNetwork, trips: TripTable, route: string[]): TripTable {
  const ids = route.map((id) => net.linkIndex(id));
  const offsets = Int32Array.from({ length: trips.count + 1 }, (_, i) => ids.length * i);
  const links = new Int32Array(ids.length * trips.count);
  for (let i = 0; i < trips.count; i++) links.set(ids, ids.length * i);
  return withRoutes(trips, { offsets, links });
}

describe('equilibrate', () => {
  const net = twoRoutes();
  const q = 0.75; // veh/s
  const D = 1800; // s
  const trips = expandDemand(net, { flows: [{ from: 'O', to: 'E', rate: q, begin: 0, end: D, arrivals: 'uniform' }] }, createRandom(1));
  const sim = { end: 3600, seed: 1, vehicle: NO_LOSS_VEHICLE_MODEL };

  it('splits two parallel routes as the point-queue bottleneck equilibrium does (within 2%)', () => {
    // Closed form: the dynamic Wardrop condition (every used route has the least travel
    // time for its departure time) on two parallel routes, one behind a bottleneck of
    // capacity s that delays its users by the point queue's Q(t) / s (Vickrey 1969,
    // "Congestion theory and transport investment", AER 59(2); parallel routes: Mahmassani
    // & Herman 1984, Transportation Science 18(4)). With a constant demand q > s for D
    // seconds and route 2 longer by Delta at free flow, everyone takes route 1 until its
    // queue delay reaches Delta, at t* = Delta s / (q - s); afterwards route 1 takes s and
    // route 2 takes q - s, so route 2 carries (q - s)(D - t*) vehicles.
    // s is the bottleneck's capacity as the kernel realises it (one lane at 1,800 veh/h,
    // 0.5 veh/s nominal; the discharge itself is verified in sim-verification.test.ts),
    // measured here with every vehicle on route 1 — never from the equilibrium run.
    const entries: number[] = [];
    const ab = net.linkIndex('AB');
    simulate(net, allOn(net, trips, ['OA', 'AB', 'BD', 'DE']), {}, { ...sim, attach: (s) => s.observe({ enter: (_v, l, t) => { if (l === ab) entries.push(t); } }) });
    const s = entries.filter((t) => t >= 600 && t < 1800).length / 1200;
    expect(s).toBeGreaterThan(0.48); // the bottleneck is saturated and near its nominal 0.5 veh/s
    expect(s).toBeLessThan(0.5 + 1e-9);
    const delta = (800 + 800 - 500 - 500) / 10; // 60 s
    const tStar = (delta * s) / (q - s);
    const expectedRoute2 = (q - s) * (D - tStar);
    const eq = equilibrate(net, trips, {}, sim, { maxIterations: 60, gap: 0.005, intervalS: 60, slotS: 30 });
    expect(eq.result.network.unfinished).toBe(0);
    const route1 = eq.result.links.entered[ab];
    const route2 = eq.result.links.entered[net.linkIndex('AC')];
    expect(route1 + route2).toBe(trips.count);
    expect(Math.abs(route2 - expectedRoute2) / expectedRoute2).toBeLessThan(0.02);
    // Discrete vehicles and 60 s intervals leave a small gap (1.1% measured after 60 iterations).
    expect(eq.iterations.at(-1)!.gap).toBeLessThan(0.02);
    // Free-flow routing (iteration 1) put everyone on route 1; equilibrium is faster for all.
    expect(eq.iterations[0].meanTravelTime).toBeGreaterThan(eq.result.network.meanTravelTime);
  });

  it('is deterministic by seed, stops at the iteration budget, and reports every iteration', () => {
    const a = equilibrate(net, trips, {}, sim, { maxIterations: 4, gap: 0, intervalS: 60 });
    const b = equilibrate(net, trips, {}, sim, { maxIterations: 4, gap: 0, intervalS: 60 });
    expect(a.iterations.map((it) => it.gap)).toEqual(b.iterations.map((it) => it.gap));
    expect(a.routes.links).toEqual(b.routes.links);
    expect(a.iterations.map((it) => it.iteration)).toEqual([1, 2, 3, 4]);
    expect(a.converged).toBe(false);
    expect(a.iterations.at(-1)!.switched).toBe(0); // the last iteration's routes are the ones simulated
    expect(a.iterations[0].candidates).toBeGreaterThan(0);
  });

  it('warm-starts from earlier routes: a converged equilibrium restarted stops after one iteration', () => {
    const first = equilibrate(net, trips, {}, sim, { maxIterations: 60, gap: 0.02, intervalS: 60, slotS: 30 });
    expect(first.converged).toBe(true);
    const again = equilibrate(net, trips, {}, sim, { maxIterations: 60, gap: 0.02, intervalS: 60, slotS: 30, initialRoutes: first.routes });
    expect(again.iterations).toHaveLength(1);
    expect(again.iterations[0].gap).toBeCloseTo(first.iterations.at(-1)!.gap, 10);
  });

  it('counts unfinished trips in every iteration and in the gap', () => {
    // The run ends at 900 s, while vehicles are still queued: they are counted, not dropped.
    const short = { ...sim, end: 900 };
    const eq = equilibrate(net, trips, {}, short, { maxIterations: 2, gap: 0, intervalS: 60 });
    const it = eq.iterations[0];
    expect(it.unfinished).toBeGreaterThan(0);
    expect(it.arrived + it.unfinished + it.unroutable).toBe(it.trips);
    // The gap's total route time holds the unfinished trips too (their time so far at least):
    // more than the arrived trips' own travel times add up to.
    expect(it.routeTimeS).toBeGreaterThan(it.arrived * it.meanTravelTime);
    // CityFlow's figure counts every trip due before the end, unfinished ones up to the end.
    expect(it.meanTimeAllTrips).toBeGreaterThan(0);
  });

  it('rejects bad options with the option named', () => {
    expect(() => equilibrate(net, trips, {}, sim, { maxIterations: 0 })).toThrow(UsageError);
    expect(() => equilibrate(net, trips, {}, sim, { gap: 1 })).toThrow(/equilibrium.gap/);
    expect(() => equilibrate(net, trips, {}, sim, { noiseCheckEvery: -1 })).toThrow(/equilibrium.noiseCheckEvery/);
    expect(() => equilibrate(net, trips, {}, sim, { noiseCheckEvery: 2.5 })).toThrow(/equilibrium.noiseCheckEvery/);
    expect(() => equilibrate(net, trips, {}, sim, { swap: 'logit' as never })).toThrow(/equilibrium.swap/);
    expect(() => equilibrate(net, trips, {}, sim, { step: 'fixed' as never })).toThrow(/equilibrium.step/);
    expect(() => equilibrate(net, trips, {}, sim, { costSmoothing: 0 })).toThrow(/equilibrium.costSmoothing/);
    expect(() => equilibrate(net, trips, {}, sim, { costSmoothing: 1.5 })).toThrow(/equilibrium.costSmoothing/);
    expect(() => equilibrate(net, trips, {}, sim, { gapCosts: 'mean' as never })).toThrow(/equilibrium.gapCosts/);
  });

  it('judges on the smoothed costs when asked: the first iteration (nothing to smooth yet) is the newest-cost gap, later ones differ, and the newest is reported', () => {
    const newest = equilibrate(net, trips, {}, sim, { maxIterations: 4, gap: 0, intervalS: 60 });
    const smoothed = equilibrate(net, trips, {}, sim, { maxIterations: 4, gap: 0, intervalS: 60, gapCosts: 'smoothed', costSmoothing: 0.2 });
    expect(smoothed.iterations[0].gap).toBe(newest.iterations[0].gap);
    expect(smoothed.iterations[0].newestGap).toBe(smoothed.iterations[0].gap);
    expect(newest.iterations.every((it) => it.newestGap === it.gap)).toBe(true);
    expect(smoothed.iterations.slice(1).some((it) => it.newestGap !== it.gap)).toBe(true);
  });
});

describe('evaluators with equilibrium in the variant options', () => {
  it('run each task to the equilibrium equilibrate finds (same seed, same demand), and say how it ended', async () => {
    const net = twoRoutes();
    const demand = { flows: [{ from: 'O', to: 'E', rate: 0.75, begin: 0, end: 1800, arrivals: 'uniform' as const }] };
    const options = { end: 3600, vehicle: NO_LOSS_VEHICLE_MODEL };
    const settings = { maxIterations: 6, gap: 0 };
    const evaluator = createInProcessEvaluator({ network: net, variants: [{ demand, options: { ...options, equilibrium: settings } }] });
    const batch = await evaluator.evaluate({ candidates: [[]], seeds: [1, 2] });
    await evaluator.close();
    expect(batch.results).toHaveLength(2);
    for (const r of batch.results) {
      const direct = equilibrate(net, expandDemand(net, demand, createRandom(r.seed).fork('demand')), {}, { ...options, seed: r.seed }, settings);
      expect(r.metrics.network).toEqual(direct.result.network);
      expect(r.metrics.equilibrium?.iterations.map((it) => it.gap)).toEqual(direct.iterations.map((it) => it.gap));
      expect(r.metrics.equilibrium?.converged).toBe(false);
      expect(r.metrics.equilibrium?.settings.intervalS).toBe(900);
    }
    // and not the single simulation on the free-flow routes: everyone on the short route queues far longer
    const once = createInProcessEvaluator({ network: net, variants: [{ demand, options }] });
    const plain = await once.evaluate({ candidates: [[]], seeds: [1] });
    await once.close();
    expect(plain.results[0].metrics.equilibrium).toBeUndefined();
    expect(batch.results[0].metrics.network.meanTravelTime).toBeLessThan(plain.results[0].metrics.network.meanTravelTime);
  });
});
