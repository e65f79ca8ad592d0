/**
 * `greenwave run` with `routeChoice: equilibrium` (or `--route-choice
 * equilibrium`): each replication iterates simulation and route choice in this
 * thread (engine/optimise/equilibrium) until the relative gap is under the
 * threshold or the iteration budget is spent. One line per iteration on stderr
 * (gap, mean travel time, unfinished trips) unless --quiet; Ctrl-C stops between
 * iterations, and a replication cut short is not reported. With --report the
 * recorders observe one more simulation of the learnt routes (same routes and
 * seed as the last iteration, so the same figures).
 *
 * Loaded only when a run asks for equilibrium, so a plain run never loads it.
 */
import type { TripTable } from '../engine/demand/demand.js';
import { equilibrateSteps, type EquilibriumResult } from '../engine/optimise/equilibrium/equilibrium.js';
import type { ReportRecorders } from '../engine/report/index.js';
import type { BuiltScenario } from '../engine/scenario/build.js';
import { simulate, type SimulationResult } from '../engine/sim/simulate.js';

const fmt = (value: number, digits = 1): string => (Number.isFinite(value) ? value.toFixed(digits) : '-');

/** One replication of an equilibrium run. */
export interface EquilibriumRun {
  seed: number;
  trips: TripTable;
  result: SimulationResult;
  equilibrium: EquilibriumResult;
}

/** The replications that finished, the seeds not run, and whether Ctrl-C stopped them. */
export interface EquilibriumRuns {
  runs: EquilibriumRun[];
  notRun: number[];
  interrupted: boolean;
}

/** Run every replication of `built` to equilibrium, one after another in this thread. */
export async function runEquilibria(built: BuiltScenario, quiet: boolean, signal: AbortSignal, recorders?: ReportRecorders): Promise<EquilibriumRuns> {
  const runs: EquilibriumRun[] = [];
  const notRun: number[] = [];
  for (const [i, seed] of built.seeds.entries()) {
    await new Promise<void>((resolve) => setImmediate(resolve)); // let Ctrl-C through
    if (signal.aborted) {
      notRun.push(seed);
      continue;
    }
    const trips = i === 0 ? built.trips : built.tripsFor(seed);
    const steps = equilibrateSteps(built.compiled, trips, built.signals, { ...built.options, seed }, built.equilibrium);
    let next = steps.next();
    while (next.done !== true) {
      const it = next.value;
      if (!quiet) {
        process.stderr.write(`equilibrium seed ${seed} iteration ${it.iteration}: relative gap ${fmt(100 * it.gap, 2)}%, mean travel time ${fmt(it.meanTravelTime)} s, `
          + `arrived ${it.arrived}/${it.trips}, unfinished ${it.unfinished}${it.gridlock ? ' (GRIDLOCK)' : ''}, moved ${it.switched}\n`);
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (signal.aborted) break;
      next = steps.next();
    }
    if (next.done !== true) {
      notRun.push(seed);
      continue;
    }
    const equilibrium = next.value;
    let result = equilibrium.result;
    if (i === 0 && recorders) result = simulate(built.compiled, equilibrium.trips, built.signals, { ...built.options, seed, attach: recorders.attach });
    runs.push({ seed, trips: equilibrium.trips, result, equilibrium });
  }
  return { runs, notRun, interrupted: signal.aborted };
}
