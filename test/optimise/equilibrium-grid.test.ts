/**
 * The convergence target of the equilibrium route choice (issue: "relative gap
 * under 1% on the bundled grid scenario with its demand doubled, within 30
 * iterations"), on scenarios/grid-4x4 at twice its demand.
 *
 * MET with the defaults: movement times over 15-minute intervals (as SUMO's
 * duaIterate.py aggregates), the gap on each iteration's own costs: under 1% at
 * iteration 10 (10-11 on three seeds). Over 5-minute intervals the gap stays near
 * 1.5% after 30 iterations, and under 1% only when judged on the smoothed
 * experienced costs (`gapCosts: 'smoothed'`, `costSmoothing: 0.2`: the costs the
 * travellers choose on; who moves and where, too), at iteration 13. What
 * separates them is sampling noise of the movement times, not the assignment:
 * measured on the costs of every second vehicle the same routes show about
 * twice the gap, and the cross-fitted gap (fastest routes chosen on one half of
 * the vehicles, judged on the other half: cross-fit.ts) finds nothing left to
 * gain (negative) at the end of either run, while it does find most of the gap
 * after 4 iterations, when the assignment is still far off. See the README,
 * "Route choice that reacts: equilibrium".
 */
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../engine/scenario/load.js';
import { buildScenario } from '../../engine/scenario/build.js';
import { scaleDemand } from '../../engine/demand/scale.js';
import { equilibrate, type EquilibriumOptions, type EquilibriumResult } from '../../engine/optimise/equilibrium/equilibrium.js';

const runs = new Map<string, EquilibriumResult>();
async function gridAtTwiceDemand(options: Partial<EquilibriumOptions> = {}): Promise<EquilibriumResult> {
  const key = JSON.stringify(options);
  const done = runs.get(key);
  if (done) return done;
  const loaded = await loadScenario('scenarios/grid-4x4/scenario.yaml');
  loaded.demand = scaleDemand(loaded.demand, 2);
  const built = buildScenario(loaded);
  const run = equilibrate(built.compiled, built.trips, built.signals, built.options, { maxIterations: 30, gap: 0.01, ...options });
  runs.set(key, run);
  return run;
}
/** 5-minute intervals: the default until 15-minute ones, and where the noise shows; run to the budget (no noise check) unless a test says otherwise. */
const five: Partial<EquilibriumOptions> = { intervalS: 300, noiseCheckEvery: 0 };
const smoothedGap: Partial<EquilibriumOptions> = { ...five, gapCosts: 'smoothed', costSmoothing: 0.2 };

describe('equilibrate on the bundled grid at twice its demand', () => {
  it('with the defaults (15-minute movement times, the gap on each iteration\'s own costs) reaches a relative gap under 1% within 30 iterations, every trip arriving', async () => {
    const r = await gridAtTwiceDemand();
    const first = r.iterations[0];
    const last = r.iterations.at(-1)!;
    expect(r.converged).toBe(true);
    expect(r.stopped).toBe('gap');
    expect(last.gap).toBeLessThan(0.01);
    expect(last.newestGap).toBe(last.gap);
    expect(r.iterations.length).toBeLessThanOrEqual(30);
    // Not reached by luck at the start: the free-flow routes are far off (their gap tens of times larger).
    expect(first.gap).toBeGreaterThan(10 * last.gap);
    expect(last.unfinished).toBe(0);
    expect(last.arrived).toBe(last.trips);
    expect(last.meanTravelTime).toBeLessThan(first.meanTravelTime);
  }, 600_000);

  it('reaches a relative gap under 1% within 30 iterations, judged on the smoothed costs travellers choose on, with nothing detectable left to gain', async () => {
    const r = await gridAtTwiceDemand(smoothedGap);
    const last = r.iterations.at(-1)!;
    expect(r.converged).toBe(true);
    expect(last.gap).toBeLessThan(0.01);
    expect(r.iterations.length).toBeLessThanOrEqual(30);
    expect(last.unfinished).toBe(0);
    expect(last.arrived).toBe(last.trips);
    // On the iteration's own costs the same routes show more (noise: the minimum over noisy routes is biased low).
    expect(last.newestGap).toBeGreaterThan(last.gap);
    // The same run stopped by the budget at that iteration: identical (deterministic), and the split-sample checks
    // say the rest of the newest-cost gap is noise: the cross-fitted gap (what an assignment could still remove) is nil.
    const again = await gridAtTwiceDemand({ ...smoothedGap, gap: 0, maxIterations: r.iterations.length, noiseCheckEvery: 0 });
    expect(again.iterations.map((it) => it.gap)).toEqual(r.iterations.map((it) => it.gap));
    const end = again.iterations.at(-1)!;
    // A gap made of sampling noise grows with the noise's standard deviation: by sqrt(2) on half the sample.
    // Measured: over 1.5 x before yellow runners (sim/yellow.ts), 1.49 x with them.
    expect(end.halfSampleGap!).toBeGreaterThan(1.4 * end.newestGap);
    expect(end.crossFitGap!).toBeLessThan(0.25 * end.gap);
  }, 600_000);

  it('finds most of the gap with the cross-fitted gap while the assignment is still far off (4 iterations)', async () => {
    const early = (await gridAtTwiceDemand({ ...five, maxIterations: 4 })).iterations.at(-1)!;
    // Still far off: 6.2% (the end of 30 iterations: 1.7%); 9.1% before a queue held by its full exit stopped
    // counting as a foe of the permissive turns (sim/movements.ts), above 10% before those turns had junction storage.
    expect(early.gap).toBeGreaterThan(0.05);
    // The cross-fitted gap sees the bulk of it, not nothing (measured: 3.0% of 6.2%; routes chosen and judged on
    // the same samples would see it all, noise included; a cross-fit that found nothing would be about 0).
    expect(early.crossFitGap!).toBeGreaterThan(0.4 * early.gap);
    expect(early.crossFitGap!).toBeLessThanOrEqual(early.halfSampleGap!);
  }, 600_000);

  it('over 5-minute intervals on the newest costs: from the free-flow routes\' queues, finishes every trip, lowers the gap below 2%, and shows the rest is sampling noise', async () => {
    const r = await gridAtTwiceDemand(five);
    const first = r.iterations[0];
    const last = r.iterations.at(-1)!;
    // Everyone on the free-flow fastest route: long queues, 239.8 s mean travel time against 163.8 s after 30 iterations.
    // (Before permissive turns had junction storage, sim/junction-storage.ts, those routes gridlocked: 3,795 trips unfinished.)
    expect(first.meanTravelTime).toBeGreaterThan(1.3 * last.meanTravelTime);
    expect(last.unfinished).toBe(0);
    expect(last.arrived).toBe(last.trips);
    expect(last.gap).toBeLessThan(0.02);
    expect(last.gap).toBeLessThan(first.gap / 10);
    expect(last.meanTravelTime).toBeLessThan(first.meanTravelTime);
    // Half the samples per mean: the gap of the same routes grows well beyond it (about 2x).
    expect(r.converged).toBe(false);
    expect(last.halfSampleGap).toBeDefined();
    expect(last.halfSampleGap!).toBeGreaterThan(1.5 * last.gap);
    // Routes chosen on half the samples and judged on the other half gain nothing: no shortfall of the assignment is detectable.
    expect(last.crossFitGap!).toBeLessThan(0.25 * last.gap);
    expect(last.newestGap).toBe(last.gap);
    expect(r.iterations.slice(0, -1).every((it) => it.halfSampleGap === undefined)).toBe(true);
  }, 600_000);

  it('over 5-minute intervals with the noise check (the default, every 5 iterations) stops once the cross-fitted gap finds nothing left to gain, unless the gap is about to converge, where the budget would run on', async () => {
    const checked = await gridAtTwiceDemand({ intervalS: 300 });
    const budget = await gridAtTwiceDemand(five);
    const k = checked.iterations.length;
    const end = checked.iterations.at(-1)!;
    expect(checked.stopped).toBe('noise');
    expect(checked.converged).toBe(false);
    expect(k % 5).toBe(0);
    expect(k).toBeLessThan(30); // measured: 20 (25 while the check waited for the gap to stop falling)
    expect(end.gap).toBeGreaterThanOrEqual(0.01); // not converged: the gap is reported as it is
    /** The gap of iteration `it` falling 5 more iterations at its latest pace: under 1%, the check leaves the run to converge. */
    const projected = (it: { iteration: number; gap: number }): number => it.gap - 5 * (checked.iterations[it.iteration - 2].gap - it.gap);
    expect(projected(end)).toBeGreaterThanOrEqual(0.01);
    expect(end.crossFitGap!).toBeLessThan(-0.01); // below -relativeGap: moving drivers onto the routes the noisy times point to would lose more than the tolerance
    expect(end.halfSampleGap).toBeUndefined(); // the check measures the cross-fitted gap only
    // Every 5th iteration whose gap was not about to converge measured the cross-fitted gap (none was rejected, none
    // converged), and those that did not stop the run found more than -relativeGap (measured: at 5, 10 and 15 the gap
    // fell fast enough to be left alone, 3.98%, 1.91% and 1.40% after 6.16%, 2.35% and 1.50%); no other iteration measured one.
    for (const it of checked.iterations.slice(0, -1)) {
      expect(it.rejected).toBeUndefined();
      if (it.iteration % 5 !== 0 || projected(it) < 0.01) expect(it.crossFitGap).toBeUndefined();
      else expect(it.crossFitGap!).toBeGreaterThanOrEqual(-0.01);
    }
    // The check only measures: up to where it stopped, the run is the one the budget ends (same gaps), which then runs 30 iterations.
    expect(budget.iterations.slice(0, k).map((it) => it.gap)).toEqual(checked.iterations.map((it) => it.gap));
    expect(budget.stopped).toBe('budget');
    expect(budget.iterations).toHaveLength(30);
  }, 600_000);

  it('ends with a gap lower by at least a fifth when movement times are measured over 10-minute instead of 5-minute intervals (twice the samples per mean)', async () => {
    const fiveMin = (await gridAtTwiceDemand(five)).iterations.at(-1)!;
    const tenMin = (await gridAtTwiceDemand({ intervalS: 600, noiseCheckEvery: 0 })).iterations.at(-1)!;
    expect(tenMin.unfinished).toBe(0);
    expect(tenMin.gap).toBeLessThan(0.8 * fiveMin.gap);
    expect(tenMin.gap).toBeLessThan(0.015);
  }, 600_000);
});
