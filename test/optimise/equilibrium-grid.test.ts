/**
 * The convergence target of the equilibrium route choice (issue: "relative gap
 * under 1% on the bundled grid scenario with its demand doubled, within 30
 * iterations"), on scenarios/grid-4x4 at twice its demand.
 *
 * NOT MET by this release: the gap falls from 65% (free-flow routes, with
 * gridlock) to 1.8% after 30 iterations (1.7% at best) and keeps creeping down;
 * see the README, "Route choice that reacts: equilibrium". The test states the
 * target as it is and is marked as an expected failure (`it.fails`): it turns red
 * the day the target is met, so the mark comes off then. The figures that do
 * hold are asserted in the second test.
 */
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../engine/scenario/load.js';
import { buildScenario } from '../../engine/scenario/build.js';
import { scaleDemand } from '../../engine/demand/scale.js';
import { equilibrate, type EquilibriumResult } from '../../engine/optimise/equilibrium/equilibrium.js';

let run: EquilibriumResult | undefined;
async function gridAtTwiceDemand(): Promise<EquilibriumResult> {
  if (run) return run;
  const loaded = await loadScenario('scenarios/grid-4x4/scenario.yaml');
  loaded.demand = scaleDemand(loaded.demand, 2);
  const built = buildScenario(loaded);
  run = equilibrate(built.compiled, built.trips, built.signals, built.options, { maxIterations: 30, gap: 0.01 });
  return run;
}

describe('equilibrate on the bundled grid at twice its demand', () => {
  it.fails('reaches a relative gap under 1% within 30 iterations (target not met yet: 1.8%)', async () => {
    const r = await gridAtTwiceDemand();
    expect(r.converged).toBe(true);
    expect(r.iterations.at(-1)!.gap).toBeLessThan(0.01);
  }, 600_000);

  it('clears the free-flow gridlock, finishes every trip, and lowers the gap below 2.5%', async () => {
    const r = await gridAtTwiceDemand();
    const first = r.iterations[0];
    const last = r.iterations.at(-1)!;
    expect(first.unfinished).toBeGreaterThan(0); // everyone on the free-flow fastest route: queues to the end
    expect(last.unfinished).toBe(0);
    expect(last.arrived).toBe(last.trips);
    expect(last.gap).toBeLessThan(0.025);
    expect(last.gap).toBeLessThan(first.gap / 10);
    expect(last.meanTravelTime).toBeLessThan(first.meanTravelTime);
  }, 600_000);
});
