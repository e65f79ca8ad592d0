/**
 * Starvation in the search (optimise.ts with `starvation: true`, the adaptive
 * kinds; rule in starvation.ts): on a stub evaluator where a one-gene setting
 * lowers the objective steadily but, above 0.5, stalls a queue 300 s where the
 * start plan stalls it 40 s, the search's best plan stays at or below 0.5
 * (starved candidates rank after clean ones and are told to the method as
 * failed), while without the check it runs to the starving end; the starved
 * runs are counted in the history and the elite keeps clean plans first. The
 * decomposed local search (local-search.ts) checks it as well: on a stub where
 * each signal's gene lowers its own region's delay but any gene above 0.5
 * stalls a queue, it stops every signal at 0.5 with the check and passes it
 * without.
 */
import { describe, expect, it } from 'vitest';
import { optimise } from '../../engine/optimise/optimise.js';
import { localSearch } from '../../engine/optimise/local-search.js';
import { corridorScenario } from '../fixtures/optimise-corridor.js';
import { CONTROL_CODE } from '../../engine/network/index.js';
import type { JunctionMetrics } from '../../engine/sim/metrics.js';
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

describe('local search: starvation of the adaptive kinds', () => {
  const { net } = corridorScenario();
  const signals = Array.from({ length: net.junctionCount }, (_, j) => j).filter((j) => net.junctionControl[j] === CONTROL_CODE.signal);
  /** One gene per signal; the plan carries the vector for the stub to read back. */
  const perSignal: PlanSpace = {
    kind: 'actuated',
    dimension: signals.length,
    names: signals.map((j) => `g[${net.junctionKey(j)}]`),
    plan: (x) => ({ programs: [], control: { kind: 'actuated' }, x: Array.from(x, (v) => Math.min(1, Math.max(0, v))) }) as unknown as CandidatePlan,
    encodePlan: (plan) => Float64Array.from((plan as unknown as { x?: number[] }).x ?? signals.map(() => 0)),
    junctionGenes: signals.map((j, i) => ({ junction: net.junctionKey(j), genes: [i] })),
  };
  /** Each signal's control delay 20 - 10 x_i s over 10 vehicles; the network's mean their mean; longest stall 300 s once any gene passes 0.5, else 40 s. */
  const perSignalStub: Evaluator = {
    concurrency: 1,
    async evaluate(request: EvaluationRequest): Promise<BatchResult> {
      const variants = request.variants ?? [0];
      const results = request.candidates.flatMap((candidate, c) => variants.flatMap((variant, vi) => request.seeds.map((seed, si) => {
        const x = (candidate as unknown as { x?: number[] }).x ?? signals.map(() => 0);
        const controlDelay = new Float64Array(net.junctionCount);
        const vehicles = new Float64Array(net.junctionCount);
        signals.forEach((j, i) => { controlDelay[j] = 20 - 10 * x[i]; vehicles[j] = 10; });
        const mean = signals.reduce((t, j) => t + controlDelay[j], 0) / signals.length;
        const network = { meanDelayAllTrips: mean, dueTrips: 100, unfinished: 0, arrived: 100, longestStall: x.some((v) => v > 0.5 + 1e-9) ? 300 : 40 } as unknown as NetworkMetrics;
        const task = (c * variants.length + vi) * request.seeds.length + si;
        const junctions = { controlDelay, vehicles } as unknown as JunctionMetrics;
        return { ok: true as const, task, candidate: c, variant, seed, metrics: { network, junctions, endTime: 3600 }, attempts: 1, elapsedMs: 0 };
      })));
      return { total: results.length, results, failures: [], notRun: [], aborted: false };
    },
    close: stub.close,
  };

  it('never accepts a candidate that starves runs the start plan serves', async () => {
    const common = { seeds: [1, 2], variants: [0], budget: 80, network: net, step: 0.2 };
    const startPlan = perSignal.plan(new Float64Array(signals.length));
    const free = await localSearch(perSignalStub, perSignal, startPlan, common);
    const checked = await localSearch(perSignalStub, perSignal, startPlan, { ...common, starvation: true });
    expect(free.best.x?.some((v) => v > 0.5)).toBe(true); // unchecked, a signal goes past the edge (lower delay)
    expect(checked.best.x?.every((v) => v <= 0.5 + 1e-9)).toBe(true);
    expect(checked.best.x?.every((v) => v >= 0.3)).toBe(true); // ... and every signal still improves up to it
    expect(checked.best.starvedRuns).toBeUndefined();
    expect(checked.history.some((h) => h.starvedRuns === 2)).toBe(true); // starving candidates were scored and counted
    expect(checked.elite[0].starvedRuns).toBeUndefined();
  });
});
