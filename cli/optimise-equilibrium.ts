/**
 * `greenwave optimise --route-choice equilibrium` (or a scenario with
 * `simulation.routeChoice: equilibrium`): after the search, judge Webster's plan
 * and the optimised plan (with `--equilibrium-top n`, the n best plans of the
 * re-ranking, the written one first) again with drivers who have learnt their
 * routes under each (engine/optimise/equilibrium), say how the gain changes,
 * and which plan is best with drivers at equilibrium.
 *
 * The search itself scores plans with routes fixed at departure (an equilibrium
 * per candidate would cost 10-30 simulations each). The check runs both plans
 * on the first held-out seed, first with routes at departure, then to
 * equilibrium; every other plan's equilibrium warm-starts from Webster's
 * routes (drivers start from today's habits, then adapt to the new timings).
 * Unfinished trips are reported beside every figure.
 */
import type { BuiltScenario } from '../engine/scenario/build.js';
import type { Candidate } from '../engine/optimise/evaluator.js';
import { candidatePlan } from '../engine/optimise/evaluator.js';
import { equilibrateSteps, type EquilibriumResult, type EquilibriumStop } from '../engine/optimise/equilibrium/equilibrium.js';
import { iterationFigures } from '../engine/report/convergence.js';
import type { NetworkMetrics } from '../engine/sim/metrics.js';
import { simulate } from '../engine/sim/simulate.js';
import type { SignalSetup } from '../engine/signals/control.js';

/** One plan's figures with routes at departure and at equilibrium. */
export interface PlanUnderEquilibrium {
  name: string;
  departure: NetworkMetrics;
  equilibrium: NetworkMetrics;
  converged: boolean;
  /** What ended the equilibrium: `gap`, `noise` (the remaining gap is sampling noise) or `budget`. */
  stopped: EquilibriumStop;
  iterations: number;
  relativeGap: number;
}

/** What the check found: each plan (Webster's first, then the optimised plan), and Webster minus optimised mean delay over all trips (s) both ways. */
export interface EquilibriumGain {
  seed: number;
  plans: PlanUnderEquilibrium[];
  /** Of the plans after Webster's, the one with the least mean delay over all trips at equilibrium (the first on ties). */
  bestAtEquilibrium: string;
  /** Mean delay gain of the optimised plan over Webster's with routes at departure, s (all trips due, unfinished ones counted to the end: `meanDelayAllTrips`). */
  gainDeparture: number;
  /** The same with drivers at equilibrium under each plan, s. */
  gainEquilibrium: number;
  /** Set when Ctrl-C stopped the check. */
  aborted?: boolean;
}

function setupOf(candidate: Candidate): SignalSetup {
  const plan = candidatePlan(candidate);
  return { programs: [...plan.programs], ...(plan.control ? { control: plan.control } : {}) };
}

/**
 * Run the check for `webster` and `candidates` (the optimised plan first, named
 * as it should be printed) on `seed` (see the module header); `log` reports progress.
 */
export async function equilibriumGain(
  built: BuiltScenario, webster: Candidate, candidates: ReadonlyArray<{ name: string; candidate: Candidate }>, seed: number, log: (line: string) => void, signal: AbortSignal,
): Promise<EquilibriumGain> {
  const trips = built.tripsFor(seed);
  const options = { ...built.options, seed };
  const plans: PlanUnderEquilibrium[] = [];
  let warm: EquilibriumResult | undefined;
  for (const { name, candidate } of [{ name: 'webster', candidate: webster }, ...candidates]) {
    const setup = setupOf(candidate);
    const departure = simulate(built.compiled, trips, setup, options).network;
    const steps = equilibrateSteps(built.compiled, trips, setup, options, { ...built.equilibrium, ...(warm ? { initialRoutes: warm.routes } : {}) });
    let next = steps.next();
    while (next.done !== true) {
      const it = next.value;
      log(`  equilibrium under the ${name} plan, iteration ${it.iteration}: relative gap ${(100 * it.gap).toFixed(2)}%${iterationFigures(it)}, mean travel time ${it.meanTravelTime.toFixed(1)} s, unfinished ${it.unfinished}`);
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (signal.aborted) return { seed, plans, bestAtEquilibrium: '', gainDeparture: NaN, gainEquilibrium: NaN, aborted: true };
      next = steps.next();
    }
    const eq = next.value;
    warm ??= eq;
    plans.push({ name, departure, equilibrium: eq.result.network, converged: eq.converged, stopped: eq.stopped, iterations: eq.iterations.length, relativeGap: eq.iterations.at(-1)?.gap ?? NaN });
  }
  const [w, o, ...others] = plans;
  // All-trips means: a plan that strands trips must not look better for it.
  const best = [o, ...others].reduce((a, b) => (b.equilibrium.meanDelayAllTrips < a.equilibrium.meanDelayAllTrips ? b : a));
  return {
    seed, plans, bestAtEquilibrium: best.name,
    gainDeparture: w.departure.meanDelayAllTrips - o.departure.meanDelayAllTrips, gainEquilibrium: w.equilibrium.meanDelayAllTrips - o.equilibrium.meanDelayAllTrips,
  };
}

/** The lines the command prints of the check. */
export function equilibriumGainLines(g: EquilibriumGain): string[] {
  const f = (v: number): string => (Number.isFinite(v) ? v.toFixed(1) : '-');
  const lines = [`with drivers at equilibrium (seed ${g.seed}; mean delay over all trips due, unfinished ones counted to the end, s; unfinished trips):`];
  for (const p of g.plans) {
    lines.push(`  ${p.name.padEnd(10)} routes at departure ${f(p.departure.meanDelayAllTrips)} (${p.departure.unfinished} unfinished)   at equilibrium ${f(p.equilibrium.meanDelayAllTrips)} (${p.equilibrium.unfinished} unfinished; gap ${(100 * p.relativeGap).toFixed(2)}% after ${p.iterations} iterations${p.converged ? '' : p.stopped === 'noise' ? ', NOT converged: what remains is sampling noise' : ', NOT converged'})`);
  }
  const change = g.gainEquilibrium - g.gainDeparture;
  lines.push(`  gain of the optimised plan over Webster: ${f(g.gainDeparture)} s with routes at departure, ${f(g.gainEquilibrium)} s at equilibrium (${change >= 0 ? '+' : ''}${f(change)} s)`);
  if (g.plans.length > 2) {
    const [, written] = g.plans;
    lines.push(g.bestAtEquilibrium === written.name
      ? `  with drivers at equilibrium the written plan stays the best of the ${g.plans.length - 1} judged`
      : `  with drivers at equilibrium "${g.bestAtEquilibrium}" beats the written plan (mean delay ${f(g.plans.find((p) => p.name === g.bestAtEquilibrium)!.equilibrium.meanDelayAllTrips)} s against ${f(written.equilibrium.meanDelayAllTrips)} s): the search ranked plans with routes fixed at departure`);
  }
  return lines;
}
