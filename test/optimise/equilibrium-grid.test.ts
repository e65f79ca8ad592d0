/**
 * The convergence target of the equilibrium route choice (issue: "relative gap
 * under 1% on the bundled grid scenario with its demand doubled, within 30
 * iterations"), on scenarios/grid-4x4 at twice its demand.
 *
 * NOT MET with the default 5-minute measuring intervals: the gap falls from 65%
 * (free-flow routes, with gridlock) to about 1.6% after 30 iterations. What
 * remains is mostly sampling noise of the movement times, not the assignment:
 * measured on the costs of every second vehicle only, the same routes show
 * about twice the gap (the variance of a mean doubles with half the samples; an
 * assignment's shortfall would not grow), and with 10-minute intervals (twice
 * the vehicles per mean) the same method ends about a third lower (1.1%; under
 * 1% before the start-up lost time came into the kernel). See the README,
 * "Route choice that reacts: equilibrium". The target test states the target as
 * it is and is marked as an expected failure (`it.fails`): it turns red the day
 * the target is met, so the mark comes off then.
 */
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../engine/scenario/load.js';
import { buildScenario } from '../../engine/scenario/build.js';
import { scaleDemand } from '../../engine/demand/scale.js';
import { equilibrate, type EquilibriumOptions, type EquilibriumResult } from '../../engine/optimise/equilibrium/equilibrium.js';

const runs = new Map<number, EquilibriumResult>();
async function gridAtTwiceDemand(intervalS = 300): Promise<EquilibriumResult> {
  const done = runs.get(intervalS);
  if (done) return done;
  const loaded = await loadScenario('scenarios/grid-4x4/scenario.yaml');
  loaded.demand = scaleDemand(loaded.demand, 2);
  const built = buildScenario(loaded);
  const options: Partial<EquilibriumOptions> = { maxIterations: 30, gap: 0.01, intervalS };
  const run = equilibrate(built.compiled, built.trips, built.signals, built.options, options);
  runs.set(intervalS, run);
  return run;
}

describe('equilibrate on the bundled grid at twice its demand', () => {
  it.fails('reaches a relative gap under 1% within 30 iterations (target not met with 5-minute intervals: 1.3-1.5%)', async () => {
    const r = await gridAtTwiceDemand();
    expect(r.converged).toBe(true);
    expect(r.iterations.at(-1)!.gap).toBeLessThan(0.01);
  }, 600_000);

  it('clears the free-flow gridlock, finishes every trip, lowers the gap below 2%, and shows the rest is mostly sampling noise', async () => {
    const r = await gridAtTwiceDemand();
    const first = r.iterations[0];
    const last = r.iterations.at(-1)!;
    expect(first.unfinished).toBeGreaterThan(0); // everyone on the free-flow fastest route: queues to the end
    expect(last.unfinished).toBe(0);
    expect(last.arrived).toBe(last.trips);
    expect(last.gap).toBeLessThan(0.02);
    expect(last.gap).toBeLessThan(first.gap / 10);
    expect(last.meanTravelTime).toBeLessThan(first.meanTravelTime);
    // Half the samples per mean: the gap of the same routes grows well beyond it (about 2x).
    expect(r.converged).toBe(false);
    expect(last.halfSampleGap).toBeDefined();
    expect(last.halfSampleGap!).toBeGreaterThan(1.5 * last.gap);
    expect(r.iterations.slice(0, -1).every((it) => it.halfSampleGap === undefined)).toBe(true);
  }, 600_000);

  it('ends with a gap lower by at least a fifth when movement times are measured over 10-minute intervals (twice the samples per mean)', async () => {
    const five = (await gridAtTwiceDemand()).iterations.at(-1)!;
    const ten = (await gridAtTwiceDemand(600)).iterations.at(-1)!;
    expect(ten.unfinished).toBe(0);
    expect(ten.gap).toBeLessThan(0.8 * five.gap);
    expect(ten.gap).toBeLessThan(0.015);
  }, 600_000);
});
