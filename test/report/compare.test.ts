/**
 * comparePlans under gridlock: a plan whose finished-only mean delay looks lower
 * but that gridlocked on 3 of 10 held-out seeds (the case a planner met on a
 * three-signal corridor) must be shown with its gridlocked seeds, its unfinished
 * trips and its all-trips means, and judged worse than a plan that never
 * gridlocked, never "inconclusive" or "better". The runs come from a scripted
 * evaluator so the figures are exact; the metrics themselves are checked against
 * the kernel in test/sim/metrics.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { compile, RoadNetwork } from '../../engine/network/index.js';
import type { BatchResult, EvaluationRequest, Evaluator } from '../../engine/optimise/evaluator.js';
import type { NetworkMetrics } from '../../engine/sim/metrics.js';
import { comparePlans, judge, pairedDifference, versusBestBaseline, type ComparisonRow } from '../../engine/report/compare.js';
import { summarise } from '../../engine/report/stats.js';

const network = new RoadNetwork();
network.addJunction({ id: 'w', x: 0, y: 0 });
network.addJunction({ id: 'x', x: 200, y: 0, control: 'signal' });
network.addJunction({ id: 'e', x: 400, y: 0 });
network.addLink({ id: 'wx', from: 'w', to: 'x', speed: 10 });
network.addLink({ id: 'xe', from: 'x', to: 'e', speed: 10 });
network.addDefaultMovements();
const net = compile(network);
const X = net.junctionIndex('x');

function metrics(seed: number, plan: number): { network: NetworkMetrics; gridlocked: boolean } {
  // plan 0 ("steady"): every trip finishes, delay 40 s (+ seed noise).
  // plan 1 ("fragile"): gridlocks on seeds 2, 5, 8; its finished trips have only 30 s of delay,
  // but 400 of 1,000 trips are stranded on those seeds (counted to the end: 1,500 s each).
  const noise = (seed % 3) - 1;
  const gridlocked = plan === 1 && seed % 3 === 2;
  const unfinished = gridlocked ? 400 : 0;
  const finishedDelay = plan === 0 ? 40 + noise : 30 + noise;
  const allDelay = (finishedDelay * (1000 - unfinished) + 1500 * unfinished) / 1000;
  return {
    gridlocked,
    network: {
      trips: 1000, inserted: 1000, arrived: 1000 - unfinished, unfinished, unroutable: 0, vehicleKm: 400, vehicleHours: 20, meanSpeed: 5,
      meanTravelTime: 40 + finishedDelay, meanDelay: finishedDelay, meanWaitingTime: finishedDelay, meanStops: 1, meanDepartDelay: 0,
      meanTravelTimeAllTrips: 40 + allDelay, meanDelayAllTrips: allDelay, dueTrips: 1000, longestStall: gridlocked ? 600 : 60,
    },
  };
}

const scripted: Evaluator = {
  concurrency: 1,
  async evaluate(request: EvaluationRequest): Promise<BatchResult> {
    const results: BatchResult['results'] = [];
    request.candidates.forEach((_, candidate) => {
      request.seeds.forEach((seed, s) => {
        const m = metrics(seed, candidate);
        const blocked = new Uint8Array(net.junctionCount);
        if (m.gridlocked) blocked[X] = 1;
        results.push({
          ok: true, task: candidate * request.seeds.length + s, candidate, variant: 0, seed, attempts: 1, elapsedMs: 0,
          metrics: {
            network: m.network,
            endTime: m.gridlocked ? 900 : 1800,
            ...(m.gridlocked ? { gridlock: { time: 900, junctions: ['x'], vehicles: 400 } } : {}),
            junctions: {
              vehicles: Int32Array.from([0, 600, 0]), controlDelay: Float64Array.from([NaN, 20, NaN]), levelOfService: ['', 'B', ''],
              stuck: new Int32Array(3), blocked,
            },
          },
        });
      });
    });
    return { total: results.length, results, failures: [], notRun: [], aborted: false };
  },
  async close() {
    return { completed: 0, failed: 0, cancelled: 0, retried: 0 };
  },
};

const seeds = Array.from({ length: 10 }, (_, i) => i);

describe('comparePlans', () => {
  it('shows the seeds a plan gridlocked on and its unfinished trips, and never calls it better than one that did not gridlock', async () => {
    const c = await comparePlans(scripted, net, [{ name: 'steady', candidate: [] }, { name: 'fragile', candidate: [] }], { scenario: 't', seeds, reference: 'steady' });
    const [steady, fragile] = c.rows;
    expect(steady.gridlockedSeeds).toEqual([]);
    expect(fragile.gridlockedSeeds).toEqual([2, 5, 8]);
    expect(fragile.metrics.unfinished.mean).toBeCloseTo(120, 9); // 3 x 400 / 10
    // The finished-only mean flatters the fragile plan (30 s against 40 s) ...
    expect(fragile.metrics.meanDelay.mean).toBeLessThan(steady.metrics.meanDelay.mean);
    // ... the all-trips mean does not: (7 x 30 + 3 x 618) / 10 plus the seed noise
    expect(fragile.metrics.meanDelayAllTrips.mean).toBeGreaterThan(steady.metrics.meanDelayAllTrips.mean);
    expect(fragile.verdict).toBe('worse');
    expect(fragile.verdictReason).toContain('gridlocked on 3 of 10 seeds (steady: 0)');
    expect(steady.verdict).toBe('reference');
    // the blocked junction is LOS F although the vehicles that passed it had 20 s of delay (LOS B)
    expect(fragile.junctions.find((j) => j.id === 'x')).toMatchObject({ los: 'F', blockedSeeds: 3 });
    expect(steady.junctions.find((j) => j.id === 'x')).toMatchObject({ los: 'B', blockedSeeds: 0 });
  });

  it('with the gridlocking plan as reference, the plan that never gridlocked is better', async () => {
    const c = await comparePlans(scripted, net, [{ name: 'steady', candidate: [] }, { name: 'fragile', candidate: [] }], { scenario: 't', seeds, reference: 'fragile' });
    expect(c.rows[0].verdict).toBe('better');
  });
});

describe('judge', () => {
  const d = (mean: number, halfWidth: number) => ({ n: 10, mean, sd: 1, halfWidth, lower: mean - halfWidth, upper: mean + halfWidth, level: 0.95 });
  const diff = (mean: number, halfWidth: number) => ({ objective: d(mean, halfWidth) }) as never;
  it('ranks gridlocked seeds before the objective, then reads the paired interval', () => {
    const ref = { plan: 'webster', gridlockedSeeds: [] };
    // a large improvement of the mean does not make a gridlocking plan better
    expect(judge({ gridlockedSeeds: [4], difference: diff(-100, 5) }, ref, 10).verdict).toBe('worse');
    expect(judge({ gridlockedSeeds: [], difference: diff(-10, 5) }, ref, 10).verdict).toBe('better');
    expect(judge({ gridlockedSeeds: [], difference: diff(10, 5) }, ref, 10).verdict).toBe('worse');
    expect(judge({ gridlockedSeeds: [], difference: diff(-3, 5) }, ref, 10).verdict).toBe('inconclusive');
  });
});

describe('versusBestBaseline (paired-t interval of per-seed differences: Law, Simulation Modeling and Analysis, 5th ed., §10.2.1)', () => {
  // Two plans whose separate 95% intervals overlap widely (a common seed effect of ±10 s)
  // but whose per-seed difference is a steady -2 s: only the pairing shows the difference.
  const seedEffect = [10, -8, 3, -5, 7, -10, 0, 6, -3, 1];
  const row = (plan: string, offset: number, gridlockedSeeds: number[] = []): ComparisonRow => {
    const values = seedEffect.map((e, i) => 60 + offset + e + (i % 2 === 0 ? 0.3 : -0.3));
    const s = summarise(values, 0.95);
    const metrics = Object.fromEntries(['unfinished', 'objective', 'meanDelayAllTrips', 'meanTravelTimeAllTrips', 'meanDelay', 'meanTravelTime', 'meanStops', 'vehicleHours'].map((k) => [k, s])) as ComparisonRow['metrics'];
    return { plan, gridlockedSeeds, verdict: 'reference', verdictReason: '', metrics, difference: null, junctions: [], failures: [], objectiveBySeed: values };
  };
  const comparison = (rows: ComparisonRow[]) => ({ rows, heldOutSeeds: seedEffect.map((_, i) => 100 + i), level: 0.95 });

  it('pairs by seed: a steady 2 s gain is "better" although the two intervals overlap', () => {
    const actuated = row('actuated', 0);
    const optimised = row('optimised', -2);
    expect(optimised.metrics.objective.upper).toBeGreaterThan(actuated.metrics.objective.lower); // separate intervals overlap
    const d = pairedDifference(optimised, actuated, 0.95);
    expect(d.mean).toBeCloseTo(-2, 9);
    expect(d.halfWidth).toBeCloseTo(0, 9); // the same difference on every seed
    const v = versusBestBaseline(comparison([row('webster', 30), actuated, row('max-pressure', 5), optimised]), 'optimised', ['webster', 'actuated', 'max-pressure']);
    expect(v).toMatchObject({ plan: 'optimised', baseline: 'actuated', verdict: 'better' });
  });

  it('chooses the baseline with the fewest gridlocked seeds before the lowest mean, and calls a tie inconclusive', () => {
    const rows = [row('actuated', 0, [3]), row('max-pressure', 1), row('optimised', 1)];
    // actuated has the lower mean but gridlocked once: max-pressure is the best baseline, and the plan only ties it
    const v = versusBestBaseline(comparison(rows), 'optimised', ['actuated', 'max-pressure']);
    expect(v?.baseline).toBe('max-pressure');
    expect(v?.verdict).toBe('inconclusive');
  });

  it('leaves out seeds where either run failed, and is undefined without baselines', () => {
    const a = row('a', 0);
    const b = { ...row('b', 1), objectiveBySeed: row('b', 1).objectiveBySeed.map((v, i) => (i < 3 ? null : v)) };
    expect(pairedDifference(b, a, 0.95).n).toBe(7);
    expect(versusBestBaseline(comparison([a]), 'a', ['x'])).toBeUndefined();
  });
});
