/**
 * `greenwave run` with `routeChoice: equilibrium` (or `--route-choice
 * equilibrium`): each replication iterates simulation and route choice
 * (engine/optimise/equilibrium) until the relative gap is under the threshold or
 * the iteration budget is spent. The first seed runs in this thread, one line
 * per iteration on stderr (gap, mean travel time, unfinished trips) unless
 * --quiet; with more seeds and more than one worker the others run at the same
 * time on a pool of `workers - 1` threads (each seed's equilibrium whole in one
 * thread: the same figures as in this thread), a line as each ends. Ctrl-C
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
import { simulate, type SimulationResult } from '../engine/sim/simulate.js';

const fmt = (value: number, digits = 1): string => (Number.isFinite(value) ? value.toFixed(digits) : '-');

/** One replication of an equilibrium run. */
export interface EquilibriumRun {
  seed: number;
  /** The trips with their learnt routes (the seeds run in this thread; those of the pool do not come back). */
  trips: TripTable | undefined;
  /** Whole for the seeds run in this thread; network totals (and end time, gridlock) for those of the pool. */
  result: SimulationResult;
  equilibrium: EquilibriumEnd;
}

/** The replications that finished, the seeds not run, those that failed, and whether Ctrl-C stopped them. */
export interface EquilibriumRuns {
  runs: EquilibriumRun[];
  notRun: number[];
  failed: Array<{ seed: number; message: string }>;
  interrupted: boolean;
  /** Threads that ran equilibria (this one and the pool's). */
  workers: number;
}

/**
 * Run every replication of `built` to equilibrium: the first seed (and, with
 * `workers` 1, every seed) in this thread, the others on a pool of `workers - 1`
 * threads meanwhile. Runs come back in seed order.
 */
export async function runEquilibria(built: BuiltScenario, quiet: boolean, signal: AbortSignal, recorders?: ReportRecorders, workers = 1): Promise<EquilibriumRuns> {
  const runs: EquilibriumRun[] = [];
  const notRun: number[] = [];
  const failed: EquilibriumRuns['failed'] = [];
  const poolSeeds = workers > 1 ? built.seeds.slice(1) : [];
  const pooled = poolSeeds.length > 0 ? onPool(built, poolSeeds, Math.min(workers - 1, poolSeeds.length), quiet, signal) : undefined;
  pooled?.catch(() => undefined); // awaited (and its error thrown) after this thread's seed; not an unhandled rejection meanwhile
  for (const [i, seed] of built.seeds.entries()) {
    if (i > 0 && pooled !== undefined) break;
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
  if (pooled !== undefined) {
    const done = await pooled;
    runs.push(...done.runs);
    notRun.push(...done.notRun);
    failed.push(...done.failed);
  }
  runs.sort((a, b) => built.seeds.indexOf(a.seed) - built.seeds.indexOf(b.seed));
  return { runs, notRun, failed, interrupted: signal.aborted, workers: 1 + (pooled === undefined ? 0 : Math.min(workers - 1, poolSeeds.length)) };
}

/** `seeds` to equilibrium on a pool of `threads` threads, a line on stderr as each ends (unless `quiet`). */
async function onPool(built: BuiltScenario, seeds: number[], threads: number, quiet: boolean, signal: AbortSignal): Promise<Pick<EquilibriumRuns, 'runs' | 'notRun' | 'failed'>> {
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
    process.stderr.write(`equilibrium seed ${o.seed} (on the pool): ${converged ? 'reached' : 'NOT reached'} after ${iterations.length} iterations, relative gap ${fmt(100 * last.gap, 2)}%, `
      + `mean travel time ${fmt(last.meanTravelTime)} s, arrived ${last.arrived}/${last.trips}, unfinished ${last.unfinished}${last.gridlock ? ' (GRIDLOCK)' : ''}\n`);
  };
  try {
    const batch = await evaluator.evaluate({ candidates: [scenarioPlan(built)], seeds }, { signal, onProgress });
    const runs: EquilibriumRun[] = batch.results.map((r) => ({
      seed: r.seed,
      trips: undefined,
      result: { network: r.metrics.network, endTime: r.metrics.endTime, ...(r.metrics.gridlock ? { gridlock: r.metrics.gridlock } : {}) } as SimulationResult,
      equilibrium: r.metrics.equilibrium as EquilibriumEnd,
    }));
    return {
      runs,
      notRun: batch.notRun.map((t) => t.seed),
      failed: batch.failures.map((f) => ({ seed: f.seed, message: `${f.error.name}: ${f.error.message}` })),
    };
  } finally {
    await evaluator.close();
  }
}
