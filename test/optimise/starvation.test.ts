/**
 * Starvation in the search (optimise.ts with `starvation: true`, the adaptive
 * kinds; rule in starvation.ts): on a stub evaluator where a one-gene setting
 * lowers the objective steadily but, above 0.5, stalls a queue 300 s where the
 * start plan stalls it 40 s, the search's best plan stays at or below 0.5
 * (starved candidates rank after clean ones and are told to the method as
 * failed), while without the check it runs to the starving end; the starved
 * runs are counted in the history and the elite keeps clean plans first.
 */
import { describe, expect, it } from 'vitest';
import { optimise } from '../../engine/optimise/optimise.js';
import type { BatchResult, CandidatePlan, EvaluationRequest, Evaluator } from '../../engine/optimise/evaluator.js';
import type { PlanSpace } from '../../engine/optimise/space.js';
import type { NetworkMetrics } from '../../engine/sim/metrics.js';

/** One gene x in [0, 1] as a max-pressure decision interval of 1 + 10x s (the stub reads it back). */
const space: PlanSpace = {
  kind: 'max-pressure',
  dimension: 1,
  names: ['x'],
  plan: (x) => ({ programs: [], control: { kind: 'max-pressure', interval: 1 + 10 * Math.min(1, Math.max(0, x[0])) } }),
  encodePlan: (plan) => Float64Array.of(plan.control?.kind === 'max-pressure' ? ((plan.control.interval ?? 1) - 1) / 10 : 0),
};

/** Objective 50 - 20x s on every run; longest stall 40 s up to x = 0.5, 300 s above. */
const stub: Evaluator = {
  concurrency: 1,
  async evaluate(request: EvaluationRequest): Promise<BatchResult> {
    const variants = request.variants ?? [0];
    const results = request.candidates.flatMap((candidate, c) => variants.flatMap((variant, vi) => request.seeds.map((seed, si) => {
      const plan = candidate as CandidatePlan;
      const x = plan.control?.kind === 'max-pressure' ? ((plan.control.interval ?? 1) - 1) / 10 : 0;
      const network = { meanDelayAllTrips: 50 - 20 * x, dueTrips: 100, unfinished: 0, arrived: 100, longestStall: x > 0.5 + 1e-9 ? 300 : 40 } as unknown as NetworkMetrics;
      const task = (c * variants.length + vi) * request.seeds.length + si;
      return { ok: true as const, task, candidate: c, variant, seed, metrics: { network, endTime: 3600 }, attempts: 1, elapsedMs: 0 };
    })));
    return { total: results.length, results, failures: [], notRun: [], aborted: false };
  },
  async close() {
    return { completed: 0, failed: 0, cancelled: 0, retries: 0 } as unknown as Awaited<ReturnType<Evaluator['close']>>;
  },
};

const start: CandidatePlan = { programs: [], control: { kind: 'max-pressure', interval: 1 } };

describe('optimise: starvation of the adaptive kinds', () => {
  it('keeps the best plan among settings that serve every movement', async () => {
    const common = { seeds: [1, 2], variants: [0], budget: 60, method: 'compass' as const, initial: [Float64Array.of(0.2)] };
    const free = await optimise(stub, space, start, common);
    const checked = await optimise(stub, space, start, { ...common, starvation: true });
    const xOf = (r: typeof free): number => r.best.x?.[0] ?? 0;
    expect(xOf(free)).toBeGreaterThan(0.5); // unchecked, the search takes the starving settings (lower objective)
    expect(free.best.starvedRuns).toBeUndefined();
    expect(xOf(checked)).toBeLessThanOrEqual(0.5 + 1e-9);
    expect(xOf(checked)).toBeGreaterThan(0.3); // ... and still improves up to the edge
    expect(checked.best.value).toBeLessThan(free.start.value);
    // starved candidates were scored and counted, both runs each
    expect(checked.history.some((h) => h.starvedRuns === 2)).toBe(true);
    expect(checked.history.every((h) => h.starvedRuns === undefined || h.starvedRuns === 2)).toBe(true);
    // the elite (the re-ranking's input) lists clean plans before starved ones
    const firstStarved = checked.elite.findIndex((p) => (p.starvedRuns ?? 0) > 0);
    const lastClean = checked.elite.map((p) => (p.starvedRuns ?? 0) === 0).lastIndexOf(true);
    if (firstStarved >= 0) expect(firstStarved).toBeGreaterThan(lastClean);
    expect(checked.elite[0].starvedRuns).toBeUndefined();
  });
});
