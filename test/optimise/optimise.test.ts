/**
 * The optimiser: the vector <-> plan mapping, the two search methods on
 * functions with a known minimum, the objective's penalty for unfinished trips,
 * demand variants, the optimisation loop (never worse than its start, common
 * random numbers) and checkpoint/resume (a resumed run follows exactly the path
 * of an uninterrupted one).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { corridorScenario, basePrograms } from '../fixtures/optimise-corridor.js';
import { createInProcessEvaluator, type EvaluationScenario } from '../../engine/optimise/index.js';
import { apportion, completePrograms, createSearchSpace } from '../../engine/optimise/space.js';
import { createCmaEs, createCompass, type SearchMethod } from '../../engine/optimise/search.js';
import { optimise, runObjective } from '../../engine/optimise/optimise.js';
import { isBetterScore } from '../../engine/optimise/score.js';
import { parseCheckpoint } from '../../engine/optimise/checkpoint.js';
import { scaleDemand } from '../../engine/demand/scale.js';
import { expandDemand, createRandom } from '../../engine/demand/index.js';
import type { NetworkMetrics } from '../../engine/sim/metrics.js';

const dir = mkdtempSync(join(tmpdir(), 'greenwave-optimise-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('apportion (largest remainder)', () => {
  it('splits a whole total exactly and proportionally', () => {
    expect(apportion(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(apportion(7, [0, 1])).toEqual([0, 7]);
    expect(apportion(100, [0.2, 0.3, 0.5])).toEqual([20, 30, 50]);
    const parts = apportion(37, [0.13, 0.61, 0.26]);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(37);
    parts.forEach((p, i) => expect(Math.abs(p - (37 * [0.13, 0.61, 0.26][i]))).toBeLessThan(1));
  });
});

describe('search space', () => {
  const { net } = corridorScenario();
  const base = completePrograms(net, []);

  it('has one cycle gene per group, a split per phase and an offset per junction', () => {
    const shared = createSearchSpace(net, base);
    expect(shared.groups.length).toBe(1);
    expect(shared.dimension).toBe(1 + base.reduce((s, p) => s + p.phases.length + 1, 0));
    const per = createSearchSpace(net, base, { cycles: 'per-junction', offsets: false });
    expect(per.groups.length).toBe(base.length);
    expect(per.dimension).toBe(base.length + base.reduce((s, p) => s + p.phases.length, 0));
  });

  it('decodes every vector to a feasible plan: min greens kept, whole seconds, one cycle per group', () => {
    const space = createSearchSpace(net, base, { minCycle: 40, maxCycle: 100 });
    const random = createRandom(3);
    for (let trial = 0; trial < 200; trial++) {
      const x = Array.from({ length: space.dimension }, () => random.next() * 1.4 - 0.2); // outside the box too
      const plans = space.decode(x);
      const cycles = new Set<number>();
      plans.forEach((p, i) => {
        let cycle = 0;
        p.phases.forEach((ph, k) => {
          expect(ph.duration).toBeGreaterThanOrEqual(base[i].phases[k].minGreen);
          expect(Number.isInteger(ph.duration)).toBe(true);
          cycle += ph.duration + (ph.yellow ?? 0) + (ph.allRed ?? 0);
        });
        expect(cycle).toBeGreaterThanOrEqual(40);
        expect(cycle).toBeLessThanOrEqual(100);
        expect(p.offset).toBeGreaterThanOrEqual(0);
        expect(p.offset).toBeLessThan(cycle);
        cycles.add(cycle);
      });
      expect(cycles.size).toBe(1);
    }
  });

  it('encode is the inverse of decode on expressible plans', () => {
    const space = createSearchSpace(net, base);
    const random = createRandom(5);
    for (let trial = 0; trial < 50; trial++) {
      const plans = space.decode(Array.from({ length: space.dimension }, () => random.next()));
      expect(space.decode(space.encode(plans))).toEqual(plans);
    }
  });

  it('createSearchSpace without minCycle reaches down to the feasible floor, so a short-cycle start plan (Webster at 20 s) is expressed exactly', () => {
    const space = createSearchSpace(net, base);
    const floor = Math.max(...base.map((p) => p.phases.reduce((s, ph) => s + ph.yellow + ph.allRed + ph.minGreen, 0)));
    expect(space.groups[0].minCycle).toBe(floor);
    // a plan at the floor cycle (every phase at its minimum green), as Webster's clamp gives on light demand
    const short = createSearchSpace(net, base, { minCycle: floor, maxCycle: floor }).decode(new Array<number>(space.dimension).fill(0.5));
    const cycle = short[0].phases.reduce((s, ph) => s + ph.duration + (ph.yellow ?? 0) + (ph.allRed ?? 0), 0);
    expect(cycle).toBe(floor);
    expect(cycle).toBeLessThan(30); // the former default lower bound, which clamped such plans up to 30 s
    expect(space.decode(space.encode(short))).toEqual(short);
  });

  it('rejects an empty space and bad cycle bounds', () => {
    expect(() => createSearchSpace(net, [])).toThrow(/no signalised junction/);
    expect(() => createSearchSpace(net, base, { minCycle: 90, maxCycle: 60 })).toThrow(/minCycle <= maxCycle/);
  });
});

/** Run an ask/tell method on f until `evaluations` are spent; return the best value. */
function minimise(method: SearchMethod, f: (x: Float64Array) => number, evaluations: number): number {
  let best = Infinity;
  for (let used = 0; used < evaluations && !method.converged;) {
    const xs = method.ask();
    const values = xs.map(f);
    used += xs.length;
    best = Math.min(best, ...values);
    method.tell(xs, values);
  }
  return best;
}

describe('search methods (minimum known)', () => {
  const target = Float64Array.from({ length: 12 }, (_, i) => 0.1 + (0.8 * i) / 11);
  // ill-conditioned ellipsoid with minimum 0 at `target` (Hansen's f_elli, scaled to the box)
  const ellipsoid = (x: Float64Array): number => x.reduce((s, v, i) => s + 10 ** ((3 * i) / 11) * (v - target[i]) ** 2, 0);

  it('separable CMA-ES finds the minimum of an ill-conditioned ellipsoid from a far start', () => {
    const start = new Float64Array(12).fill(0.9);
    const f0 = ellipsoid(start);
    const best = minimise(createCmaEs(start, { seed: 2 }), ellipsoid, 3000);
    expect(best).toBeLessThan(1e-4 * f0);
  });

  it('compass search finds it too, more slowly', () => {
    const start = new Float64Array(12).fill(0.9);
    const f0 = ellipsoid(start);
    const best = minimise(createCompass(start, { block: 4 }), ellipsoid, 3000);
    expect(best).toBeLessThan(1e-3 * f0);
  });

  it('a resumed CMA-ES draws exactly what an uninterrupted one would', () => {
    const start = new Float64Array(12).fill(0.5);
    const a = createCmaEs(start, { seed: 9 });
    const b = createCmaEs(start, { seed: 9 });
    for (let g = 0; g < 3; g++) {
      for (const m of [a, b]) {
        const xs = m.ask();
        m.tell(xs, xs.map(ellipsoid));
      }
    }
    const resumed = createCmaEs(start, { seed: 9 }, JSON.parse(JSON.stringify(b.state())) as never);
    expect(resumed.ask()).toEqual(a.ask());
  });
});

describe('objective', () => {
  const m = (over: Partial<NetworkMetrics>): NetworkMetrics => ({
    trips: 100, inserted: 100, arrived: 100, unfinished: 0, unroutable: 0, vehicleKm: 100, vehicleHours: 10, meanSpeed: 10,
    meanTravelTime: 200, meanDelay: 50, meanWaitingTime: 40, meanStops: 1, meanDepartDelay: 0,
    meanTravelTimeAllTrips: 210, meanDelayAllTrips: 60, dueTrips: 100, longestStall: 60, ...over,
  });

  it('is the all-trips mean (unfinished trips counted to the end of the run), never the finished-only mean', () => {
    expect(runObjective(m({}), 'delay')).toBe(60);
    expect(runObjective(m({}), 'travelTime')).toBe(210);
    // vehicle-hours of the due trips from planned departure to arrival or end: 100 x 210 s
    expect(runObjective(m({}), 'vehicleHours')).toBeCloseTo((100 * 210) / 3600, 12);
    // stranding trips lowers the finished-only mean but cannot lower the objective
    expect(runObjective(m({ arrived: 80, unfinished: 20, meanDelay: 10, meanDelayAllTrips: 400 }), 'delay')).toBe(400);
  });

  it('adds an optional extra charge per unfinished trip', () => {
    // 20 unfinished of 100 due at 900 s each: + 180 s on the mean
    expect(runObjective(m({ arrived: 80, unfinished: 20 }), 'delay', 900)).toBe(60 + 180);
    expect(runObjective(m({ unfinished: 36 }), 'vehicleHours', 100)).toBeCloseTo((100 * 210) / 3600 + 1, 12);
  });
});

describe('isBetterScore', () => {
  it('never ranks a plan that gridlocked on a run above one that did not, whatever the means', () => {
    expect(isBetterScore({ value: 10, gridlockedRuns: 1 }, { value: 500 })).toBe(false);
    expect(isBetterScore({ value: 500 }, { value: 10, gridlockedRuns: 1 })).toBe(true);
    expect(isBetterScore({ value: 10 }, { value: 20 })).toBe(true);
    expect(isBetterScore({ value: 10, gridlockedRuns: 2 }, { value: 20, gridlockedRuns: 2 })).toBe(true);
  });
});

describe('demand variants', () => {
  it('scales flows and OD rates, and thins or copies explicit trips by a fixed hash', () => {
    const spec = {
      flows: [{ from: 'a', to: 'b', rate: 0.5, begin: 0, end: 100 }],
      od: [{ zones: ['a', 'b'], trips: [[0, 10], [20, 0]], begin: 0, end: 100 }],
      trips: Array.from({ length: 1000 }, (_, i) => ({ id: `t${i}`, from: 'a', to: 'b', depart: i })),
    };
    const up = scaleDemand(spec, 1.1);
    expect(up.flows![0].rate).toBeCloseTo(0.55);
    expect(up.od![0].trips).toEqual([[0, 11], [22, 0]]);
    expect(up.trips!.length).toBeGreaterThan(1060);
    expect(up.trips!.length).toBeLessThan(1140);
    expect(new Set(up.trips!.map((t) => t.id)).size).toBe(up.trips!.length);
    const down = scaleDemand(spec, 0.9);
    const lower = scaleDemand(spec, 0.8);
    expect(down.trips!.length).toBeGreaterThan(860);
    expect(down.trips!.length).toBeLessThan(940);
    const kept = new Set(down.trips!.map((t) => t.id));
    expect(lower.trips!.every((t) => kept.has(t.id!))).toBe(true); // nested: x0.8 keeps a subset of x0.9
    expect(scaleDemand(spec, 0.9)).toEqual(down);
    expect(() => scaleDemand(spec, 0)).toThrow(/positive/);
  });

  it('expands to proportionally more vehicles', () => {
    const { net, scenario } = corridorScenario();
    const demand = scenario.variants[0].demand as Parameters<typeof expandDemand>[1];
    const n1 = expandDemand(net, demand, createRandom(1).fork('demand')).count;
    const n2 = expandDemand(net, scaleDemand(demand, 1.5), createRandom(1).fork('demand')).count;
    expect(n2 / n1).toBeGreaterThan(1.3);
    expect(n2 / n1).toBeLessThan(1.7);
  });
});

describe('optimise()', () => {
  it('improves a poor start plan, is never worse than the start, and resumes exactly from its checkpoint', async () => {
    const { net, scenario } = corridorScenario();
    const base = completePrograms(net, []);
    const space = createSearchSpace(net, base, { minCycle: 40, maxCycle: 90 });
    // a poor start: long cycle, equal splits, offsets 0 — the side street waits, the arterial has no wave
    const start = basePrograms(net);
    const options = { seeds: [1, 2], variants: [0], budget: 40, method: 'cmaes' as const, searchSeed: 4, batch: 8, fingerprint: 'test' };

    const evaluator = createInProcessEvaluator(scenario);
    const full = await optimise(evaluator, space, start, { ...options, checkpoint: join(dir, 'full.json') });
    expect(full.stopReason).toBe('budget');
    expect(full.evaluations).toBe(40); // the start, 4 batches of 8, and the fifth cut to the 7 the budget leaves
    expect(full.best.value).toBeLessThan(0.95 * full.start.value);
    for (const row of full.history) expect(row.best).toBeLessThanOrEqual(full.start.value);

    // stop after the second batch, as Ctrl-C would
    const stop = new AbortController();
    const part = await optimise(evaluator, space, start, {
      ...options, checkpoint: join(dir, 'part.json'), signal: stop.signal,
      onProgress: (p) => { if (p.batches >= 3) stop.abort(); },
    });
    expect(part.stopReason).toBe('interrupted');
    const checkpoint = parseCheckpoint(readFileSync(join(dir, 'part.json'), 'utf8'), 'part.json');
    expect(checkpoint.evaluations).toBe(17);
    const resumed = await optimise(evaluator, space, start, { ...options, checkpoint: join(dir, 'part.json'), resume: checkpoint });
    expect(resumed.evaluations).toBe(full.evaluations);
    expect(resumed.history.map((h) => h.objective)).toEqual(full.history.map((h) => h.objective));
    expect(resumed.best).toEqual(full.best);

    await expect(optimise(evaluator, space, start, { ...options, resume: { ...checkpoint, fingerprint: 'other' } })).rejects.toThrow(/another scenario or other options/);
    await evaluator.close();
  });
});
