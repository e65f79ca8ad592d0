/**
 * Held-out demand for deterministic demand (perturb.ts) and the robust choice of
 * plan (robust.ts).
 *
 * - jitterDepartures: every departure moves by at most the jitter, never before
 *   the earliest original departure, reproducibly per seed and differently for
 *   another seed; routes are kept; uniform flows move as a whole.
 * - isDeterministicDemand: trips and uniform flows are; Poisson flows and OD
 *   matrices are not.
 * - rerankPlans (scored on a stub evaluator whose objective per candidate and
 *   run is a table): the score is mean paired gain + one standard error
 *   (module header of robust.ts), so a plan with the best training value and
 *   best mean but a gain that rests on one run loses to a steady one; failures
 *   rank first: a plan that left a trip unfinished on one fresh run loses to
 *   one that served every trip whatever its gain, and a gridlocked one to both;
 *   then starvation: an adaptive plan whose longest queue stall is more than
 *   twice Webster's (and 60 s longer) on a fresh run loses to one that serves
 *   every movement, whatever its gain, while a fixed-time plan with the same
 *   stalls is not called starved (starvation.ts).
 * - isStarved: both conditions, at their boundaries.
 */
import { describe, expect, it } from 'vitest';
import type { DemandSpec } from '../../engine/demand/index.js';
import { heldOutVariants, isDeterministicDemand, jitterDepartures } from '../../engine/optimise/perturb.js';
import { rerankPlans } from '../../engine/optimise/robust.js';
import { isStarved, STARVATION_FACTOR, STARVATION_MARGIN_S, starvedRuns } from '../../engine/optimise/starvation.js';
import type { BatchResult, EvaluationRequest, Evaluator } from '../../engine/optimise/evaluator.js';
import type { ScoredPlan } from '../../engine/optimise/optimise.js';
import type { NetworkMetrics } from '../../engine/sim/metrics.js';

const trips: DemandSpec = {
  trips: Array.from({ length: 200 }, (_, i) => ({ id: `t${i}`, depart: 100 + i * 5, route: ['a', 'b', `c${i % 3}`] })),
  flows: [{ id: 'f', from: 'x', to: 'y', rate: 0.1, begin: 300, end: 900 }],
};

describe('jitterDepartures', () => {
  it('moves every departure by at most the jitter, never before the earliest, keeping routes', () => {
    const j = jitterDepartures(trips, 7, 60);
    let moved = 0;
    j.trips!.forEach((t, i) => {
      const d = t.depart - trips.trips![i].depart;
      expect(Math.abs(d)).toBeLessThanOrEqual(60);
      expect(t.depart).toBeGreaterThanOrEqual(100);
      expect(t.route).toEqual(trips.trips![i].route);
      if (Math.abs(d) > 1) moved++;
    });
    expect(moved).toBeGreaterThan(150); // a uniform draw in ±60 s lands within 1 s of zero 1/60 of the time
    const f = j.flows![0];
    expect(f.end - f.begin).toBe(600);
    expect(Math.abs(f.begin - 300)).toBeLessThanOrEqual(60);
  });

  it('is reproducible per seed and differs between seeds (one variant per held-out seed)', () => {
    expect(jitterDepartures(trips, 7)).toEqual(jitterDepartures(trips, 7));
    const [a, b] = heldOutVariants(trips, [100001, 100002]);
    expect(a.demand.trips!.map((t) => t.depart)).not.toEqual(b.demand.trips!.map((t) => t.depart));
    expect(a.name).toContain('±60 s');
  });

  it('tells deterministic demand from demand with its own randomness', () => {
    expect(isDeterministicDemand(trips)).toBe(true);
    expect(isDeterministicDemand({ flows: [{ from: 'x', to: 'y', rate: 0.1, begin: 0, end: 10, arrivals: 'poisson' }] })).toBe(false);
    expect(isDeterministicDemand({ od: [{ zones: ['x', 'y'], trips: [[0, 1], [1, 0]], begin: 0, end: 10 }] } as DemandSpec)).toBe(false);
  });
});

/** A stub evaluator: candidate c on run r (the position of its seed in `table`'s runs) has mean delay `table[c][r]`. */
/** `gridlocked[c]`/`stranded[c]`: fresh-run indices on which candidate c gridlocked / left trips unfinished. */
/** `stalls[c][r]`: candidate c's longest queue stall on run r, s (default 30). */
function tableEvaluator(table: number[][], seeds: number[], gridlocked: number[][] = [], stranded: number[][] = [], stalls: number[][] = []): Evaluator {
  return {
    concurrency: 1,
    async evaluate(request: EvaluationRequest): Promise<BatchResult> {
      const results = request.candidates.flatMap((_, c) => request.seeds.map((seed) => {
        const r = seeds.indexOf(seed);
        const jammed = gridlocked[c]?.includes(r) ?? false;
        const unfinished = jammed || (stranded[c]?.includes(r) ?? false) ? 20 : 0;
        const network = { meanDelay: table[c][r], meanTravelTime: table[c][r] + 60, meanDelayAllTrips: table[c][r], meanTravelTimeAllTrips: table[c][r] + 60, dueTrips: 100, arrived: 100 - unfinished, unfinished, vehicleHours: 1, longestStall: stalls[c]?.[r] ?? 30 } as unknown as NetworkMetrics;
        const gridlock = jammed ? { gridlock: { time: 1000, junctions: ['j'], vehicles: 20 } } : {};
        return { ok: true as const, task: c, candidate: c, variant: request.variants?.[0] ?? 0, seed, metrics: { network, endTime: 3600, ...gridlock } as never, attempts: 1, elapsedMs: 0 };
      }));
      return { total: results.length, results, failures: [], notRun: [], aborted: false };
    },
    async close() {
      return { completed: 0, failed: 0, cancelled: 0, retries: 0 } as unknown as Awaited<ReturnType<Evaluator['close']>>;
    },
  };
}

const plan = (value: number): ScoredPlan => ({ programs: [], value, x: [value] });

describe('rerankPlans', () => {
  it('ranks by mean paired gain + 1 standard error: a gain resting on one run loses to a steady one', async () => {
    const seeds = [1, 2, 3, 4];
    // Reference (Webster) 40 s on every run; "lucky" gains 12 s on one run only (mean gain -3), "steady" gains 2.5 s on each.
    const table = [[40, 40, 40, 40], [28, 40, 40, 40], [37.5, 37.5, 37.5, 37.5]];
    const result = await rerankPlans(tableEvaluator(table, seeds), [{ label: 'lucky', plan: plan(20) }, { label: 'steady', plan: plan(25) }], [], {
      pairs: seeds.map((s) => [s, 0] as const), objective: 'delay', penalty: 900,
    });
    const lucky = result.ranked.find((e) => e.label === 'lucky')!;
    const steady = result.ranked.find((e) => e.label === 'steady')!;
    expect(lucky.gain).toBeCloseTo(-3, 12);
    expect(lucky.gainSe).toBeCloseTo(3, 12); // sd of (-12, 0, 0, 0) = 6, / sqrt(4)
    expect(lucky.score).toBeCloseTo(0, 12);
    expect(steady.gain).toBeCloseTo(-2.5, 12);
    expect(steady.score).toBeCloseTo(-2.5, 12);
    expect(result.ranked.map((e) => e.label)).toEqual(['steady', 'lucky']);
    expect(result.chosen).toBe(1);
    expect(result.reference).toBe(40);
    expect(lucky.fresh - lucky.training).toBeCloseTo(17, 12); // what training overstated
  });

  it('ranks gridlock first, then runs with unfinished trips, whatever the gains', async () => {
    const seeds = [1, 2, 3];
    // Reference 40 s; "jam" gains 30 s a run but gridlocks on run 2; "leaky" gains 20 s but strands trips on run 0;
    // "clean" gains only 1 s, finishing every trip.
    const table = [[40, 40, 40], [10, 10, 10], [20, 20, 20], [39, 39, 39]];
    const labels = [{ label: 'jam', plan: plan(10) }, { label: 'leaky', plan: plan(20) }, { label: 'clean', plan: plan(39) }];
    const result = await rerankPlans(tableEvaluator(table, seeds, [[], [2]], [[], [], [0]]), labels, [], {
      pairs: seeds.map((s) => [s, 0] as const), objective: 'delay', penalty: 0,
    });
    expect(result.ranked.map((e) => [e.label, e.gridlockedRuns, e.strandedRuns])).toEqual([['clean', 0, 0], ['leaky', 0, 1], ['jam', 1, 1]]);
    expect(result.chosen).toBe(2);
  });
});

describe('starvation', () => {
  it('needs a stall over twice the reference and more than 60 s longer', () => {
    expect(STARVATION_FACTOR).toBe(2);
    expect(STARVATION_MARGIN_S).toBe(60);
    expect(isStarved(121, 60)).toBe(true);
    expect(isStarved(120, 60)).toBe(false); // twice, not more
    expect(isStarved(100, 30)).toBe(true);
    expect(isStarved(90, 30)).toBe(false); // over twice, but only 60 s longer
    expect(isStarved(805, 50)).toBe(true); // Paris seed 100009: tuned max-pressure vs Webster
    expect(starvedRuns([121, 50, 805, NaN], [60, 60, 50, 10])).toBe(2);
  });

  it('ranks an adaptive plan that starves a movement below one that does not, whatever the gains; fixed time is never starved', async () => {
    const seeds = [1, 2, 3];
    // Reference 40 s with stalls of 50 s. "greedy" (max-pressure) gains 10 s a run but stalls a queue 150 s on run 1;
    // "fair" (max-pressure) gains 5 s with stalls of 60 s; "long cycle" (fixed time) gains 2 s with stalls of 150 s.
    const table = [[40, 40, 40], [30, 30, 30], [35, 35, 35], [38, 38, 38]];
    const stalls = [[50, 50, 50], [60, 150, 60], [60, 60, 60], [150, 150, 150]];
    const mp = (value: number): ScoredPlan => ({ programs: [], control: { kind: 'max-pressure' }, value, x: [value] });
    const labels = [{ label: 'greedy', plan: mp(30) }, { label: 'fair', plan: mp(35) }, { label: 'long cycle', plan: plan(38) }];
    const result = await rerankPlans(tableEvaluator(table, seeds, [], [], stalls), labels, [], {
      pairs: seeds.map((s) => [s, 0] as const), objective: 'delay', penalty: 0,
    });
    expect(result.ranked.map((e) => [e.label, e.starvedRuns])).toEqual([['fair', 0], ['long cycle', 0], ['greedy', 1]]);
    expect(result.chosen).toBe(1);
  });

  it('judges an adaptive plan against its kind\'s default when given one, not the reference', async () => {
    const seeds = [1, 2, 3];
    // Reference (Webster) stalls 40 s; the default max-pressure plan stalls 110 s (starved next to Webster, but it is the
    // kind's own default); "tuned" stalls 120 s: close to its default, so not starved; "greedy" stalls 300 s on run 0.
    const table = [[40, 40, 40], [30, 30, 30], [28, 28, 28], [20, 20, 20]];
    const stalls = [[40, 40, 40], [110, 110, 110], [120, 120, 120], [300, 120, 120]];
    const mp = (value: number, x: number[] | null): ScoredPlan => ({ programs: [], control: { kind: 'max-pressure' }, value, x });
    const inputs = [{ label: 'default', plan: mp(30, null) }, { label: 'tuned', plan: mp(28, [0.3]) }, { label: 'greedy', plan: mp(20, [0.9]) }];
    const against = (reference?: number) => rerankPlans(tableEvaluator(table, seeds, [], [], stalls),
      inputs.map((i) => (reference === undefined ? i : { ...i, starvationReference: reference })), [], { pairs: seeds.map((s) => [s, 0] as const), objective: 'delay', penalty: 0 });
    const own = await against(0);
    expect(own.ranked.map((e) => [e.label, e.starvedRuns])).toEqual([['tuned', 0], ['default', 0], ['greedy', 1]]);
    const webster = await against(undefined);
    // against Webster every plan, the default too, is starved on every run, so starvation no longer tells them apart
    expect(webster.ranked.map((e) => [e.label, e.starvedRuns])).toEqual([['greedy', 3], ['tuned', 3], ['default', 3]]);
  });
});
