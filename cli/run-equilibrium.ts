/**
 * `greenwave run` with `routeChoice: equilibrium` (or `--route-choice
 * equilibrium`): each replication iterates simulation and route choice
 * (engine/optimise/equilibrium) until the relative gap is under the threshold or
 * the iteration budget is spent. With one worker (or one seed) the seeds run
 * one after another in this thread, one line per iteration on stderr (gap, mean
 * travel time, unfinished trips) unless --quiet; with more, every seed runs on a
 * pool of that many threads (each seed's equilibrium whole in one thread: the
 * same figures as in this thread), a line as each ends. Ctrl-C
 * stops between iterations, and a replication cut short is not reported. With
 * --report the recorders observe one more simulation of the learnt routes (same
 * routes and seed as the last iteration, so the same figures).
 *
 * Loaded only when a run asks for equilibrium, so a plain run never loads it.
 */
import type { TripTable } from '../engine/demand/demand.js';
import { equilibrateSteps } from '../engine/optimise/equilibrium/equilibrium.js';
import type { EquilibriumEnd, EvaluationResult } from '../engine/optimise/evaluator.js';
import type { ReportRecorders } from '../engine/report/index.js';
import type { BuiltScenario } from '../engine/scenario/build.js';
import { equilibriumEnding, iterationFigures } from '../engine/report/convergence.js';
import { simulate, type SimulationResult } from '../engine/sim/simulate.js';

const fmt = (value: number, digits = 1): string => (Number.isFinite(value) ? value.toFixed(digits) : '-');

/** One replication of an equilibrium run. */
export interface EquilibriumRun {
  seed: number;
  /**
   * The trips: with their learnt routes for the seeds run in this thread; the
   * first seed's as built for one run on the pool (the routes stay there; ids,
   * departures and ends, what the output files read, are the same); none for
   * the pool's other seeds.
   */
  trips: TripTable | undefined;
  /** Whole for the first seed and the seeds run in this thread; network totals (and end time, gridlock) for the pool's others. */
  result: SimulationResult;
  equilibrium: EquilibriumEnd;
}

/** The replications that finished, the seeds not run, those that failed, and whether Ctrl-C stopped them. */
export interface EquilibriumRuns {
  runs: EquilibriumRun[];
  notRun: number[];
  failed: Array<{ seed: number; message: string }>;
  interrupted: boolean;
  /** Threads that ran equilibria. */
  workers: number;
}

/**
 * Run every replication of `built` to equilibrium: one after another in this
 * thread with `workers` 1, a single seed or `recorders` (they observe the first
 * seed here); otherwise all on a pool of `workers` threads (at most one per
 * seed). Runs come back in seed order.
 */
export async function runEquilibria(built: BuiltScenario, quiet: boolean, signal: AbortSignal, recorders?: ReportRecorders, workers = 1): Promise<EquilibriumRuns> {
  const threads = Math.min(workers, built.seeds.length);
  if (threads > 1 && recorders === undefined) return { ...await onPool(built, threads, quiet, signal), interrupted: signal.aborted, workers: threads };
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
        process.stderr.write(`equilibrium seed ${seed} iteration ${it.iteration}: relative gap ${fmt(100 * it.gap, 2)}%${iterationFigures(it)}, mean travel time ${fmt(it.meanTravelTime)} s, `
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
  return { runs, notRun, failed: [], interrupted: signal.aborted, workers: 1 };
}

/**
 * Every seed of `built` to equilibrium on a pool of `threads` threads (the first
 * seed's whole result comes back, the others' network totals), a line on stderr
 * as each ends (unless `quiet`).
 */
async function onPool(built: BuiltScenario, threads: number, quiet: boolean, signal: AbortSignal): Promise<Pick<EquilibriumRuns, 'runs' | 'notRun' | 'failed'>> {
  const { createPoolEvaluator } = await import('../workers/index.js');
  const { scenarioPlan } = await import('./scenario-plan.js');
  const { seed: _seed, ...options } = built.options;
  void _seed;
  const evaluator = createPoolEvaluator({ network: built.compiled, variants: [{ demand: built.scenario.demand, options: { ...options, equilibrium: built.equilibrium } }] }, { threads });
  const onProgress = (e: { outcome: EvaluationResult | { ok: false; seed: number } }): void => {
    if (quiet) return;
    const o = e.outcome;
    if (!o.ok || o.metrics.equilibrium === undefined) return;
    const { converged, iterations } = o.metrics.equilibrium;
    const last = iterations[iterations.length - 1];
    process.stderr.write(`equilibrium seed ${o.seed}: ${converged ? 'reached' : 'NOT reached'} after ${iterations.length} iterations, relative gap ${fmt(100 * last.gap, 2)}%${equilibriumEnding(o.metrics.equilibrium)}, `
      + `mean travel time ${fmt(last.meanTravelTime)} s, arrived ${last.arrived}/${last.trips}, unfinished ${last.unfinished}${last.gridlock ? ' (GRIDLOCK)' : ''}\n`);
  };
  const [first, ...others] = built.seeds;
  const plan = scenarioPlan(built);
  try {
    // The first seed with its whole result (the output files are written from it), the others with their totals: at once.
    const batches = await Promise.all([
      evaluator.evaluate({ candidates: [plan], seeds: [first], detail: 'all' }, { signal, onProgress }),
      evaluator.evaluate({ candidates: [plan], seeds: others }, { signal, onProgress }),
    ]);
    const runs: EquilibriumRun[] = batches.flatMap((b) => b.results).map((r) => ({
      seed: r.seed,
      trips: r.seed === first ? built.trips : undefined,
      result: r.metrics.result ?? { network: r.metrics.network, endTime: r.metrics.endTime, ...(r.metrics.gridlock ? { gridlock: r.metrics.gridlock } : {}) } as SimulationResult,
      equilibrium: r.metrics.equilibrium as EquilibriumEnd,
    }));
    runs.sort((a, b) => built.seeds.indexOf(a.seed) - built.seeds.indexOf(b.seed));
    return {
      runs,
      notRun: batches.flatMap((b) => b.notRun).map((t) => t.seed),
      failed: batches.flatMap((b) => b.failures).map((f) => ({ seed: f.seed, message: `${f.error.name}: ${f.error.message}` })),
    };
  } finally {
    await evaluator.close();
  }
}
