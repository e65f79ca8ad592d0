/**
 * `greenwave optimise --route-choice equilibrium` (or a scenario with
 * `simulation.routeChoice: equilibrium`): after the search, judge Webster's plan
 * and the optimised plan again with drivers who have learnt their routes under
 * each (engine/optimise/equilibrium), and say how the gain changes.
 *
 * The search itself scores plans with routes fixed at departure (an equilibrium
 * per candidate would cost 10-30 simulations each). The check runs both plans
 * on the first held-out seed, first with routes at departure, then to
 * equilibrium; the optimised plan's equilibrium warm-starts from Webster's
 * routes (drivers start from today's habits, then adapt to the new timings).
 * Unfinished trips are reported beside every figure.
 */
import type { BuiltScenario } from '../engine/scenario/build.js';
import type { Candidate } from '../engine/optimise/evaluator.js';
import { candidatePlan } from '../engine/optimise/evaluator.js';
import { equilibrateSteps, type EquilibriumResult, type EquilibriumStop } from '../engine/optimise/equilibrium/equilibrium.js';
import { noiseFigures } from '../engine/report/convergence.js';
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

/** What the check found: each plan, and Webster minus optimised mean delay over all trips (s) both ways. */
export interface EquilibriumGain {
  seed: number;
  plans: PlanUnderEquilibrium[];
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

/** Run the check for `webster` and `optimised` on `seed` (see the module header); `log` reports progress. */
export async function equilibriumGain(
  built: BuiltScenario, webster: Candidate, optimised: Candidate, seed: number, log: (line: string) => void, signal: AbortSignal,
): Promise<EquilibriumGain> {
  const trips = built.tripsFor(seed);
  const options = { ...built.options, seed };
  const plans: PlanUnderEquilibrium[] = [];
  let warm: EquilibriumResult | undefined;
  for (const [name, candidate] of [['webster', webster], ['optimised', optimised]] as const) {
    const setup = setupOf(candidate);
    const departure = simulate(built.compiled, trips, setup, options).network;
    const steps = equilibrateSteps(built.compiled, trips, setup, options, { ...built.equilibrium, ...(warm ? { initialRoutes: warm.routes } : {}) });
    let next = steps.next();
    while (next.done !== true) {
      const it = next.value;
      log(`  equilibrium under the ${name} plan, iteration ${it.iteration}: relative gap ${(100 * it.gap).toFixed(2)}%${noiseFigures(it)}, mean travel time ${it.meanTravelTime.toFixed(1)} s, unfinished ${it.unfinished}`);
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (signal.aborted) return { seed, plans, gainDeparture: NaN, gainEquilibrium: NaN, aborted: true };
      next = steps.next();
    }
    const eq = next.value;
    warm ??= eq;
    plans.push({ name, departure, equilibrium: eq.result.network, converged: eq.converged, stopped: eq.stopped, iterations: eq.iterations.length, relativeGap: eq.iterations.at(-1)?.gap ?? NaN });
  }
  const [w, o] = plans;
  // All-trips means: a plan that strands trips must not look better for it.
  return { seed, plans, gainDeparture: w.departure.meanDelayAllTrips - o.departure.meanDelayAllTrips, gainEquilibrium: w.equilibrium.meanDelayAllTrips - o.equilibrium.meanDelayAllTrips };
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
  return lines;
}
