/**
 * `runScenario(path, options)`: the scripted twin of `greenwave run` — load a
 * scenario file, apply the seed and replication overrides, build it, simulate
 * every replication in this thread, and return the results with the same
 * summary object `greenwave run --json` prints (and, when asked, write the same
 * output files). Located problems in the file reject with the same
 * `ScenarioError` the command reports with exit code 2.
 *
 * Replications run one after another here (the engine never starts threads);
 * for many replications on a worker pool use `runReplications` from
 * `greenwave/workers`, which gives the same numbers seed for seed.
 *
 * This module uses the report layer's summary and writers beside the scenario
 * layer (a sideways import: report never imports scenario).
 */
import { UsageError } from '../errors.js';
import { simulate, type SimulationResult } from '../sim/simulate.js';
import { summaryOf, writeOutputs, type Provenance } from '../report/outputs.js';
import { summariseMetrics, type MetricSummaries } from '../report/stats.js';
import { junctionsById, linksById, type JunctionRecord, type LinkRecord } from '../report/by-id.js';
import { runTimingRows } from '../report/timing.js';
import type { NetworkMetrics } from '../sim/metrics.js';
import type { GridlockReport } from '../sim/gridlock.js';
import { VERSION } from '../version.js';
import { equilibrate, type EquilibriumResult, type EquilibriumStop } from '../optimise/equilibrium/equilibrium.js';
import { directorySink } from '../report/outputs.js';
import { equilibriumSummary, writeConvergence, type EquilibriumSummary } from '../report/convergence.js';
import { buildScenario, type BuiltScenario } from './build.js';
import { loadScenario } from './load.js';

/** Options of {@link runScenario}; each mirrors an option of `greenwave run`. */
export interface RunScenarioOptions {
  /** Seed of the first replication, replacing the file's `simulation.seed` (`--seed`). */
  seed?: number;
  /** Number of replications, seeds seed, seed + 1, ... (`--replications`). */
  replications?: number;
  /**
   * Write the output files into this directory (`--out`); `true`: into the
   * scenario's `outputs.dir`. Default: write nothing (`--no-files`), unlike the
   * command, which writes by default.
   */
  out?: string | true;
  /** Stop between replications when aborted; the replications not run are listed in `notRun`. */
  signal?: AbortSignal;
  /** Called as the simulated clock advances: replication index (0-based), simulated time and end, s. */
  onProgress?: (replication: number, time: number, end: number) => void;
}

/** One replication: its seed and everything `simulate` returned. */
export interface ReplicationRun {
  seed: number;
  result: SimulationResult;
  /** With `routeChoice: equilibrium`: the iterations, the routes learnt and whether the gap threshold was met (`result` is the last iteration's). */
  equilibrium?: EquilibriumResult;
}

/** The summary `greenwave run --json` prints (without `outputs`): see the README, "--json output". */
export interface RunSummary {
  greenwave: string;
  scenario: string;
  scenarioFile: string;
  seed: number;
  network: { junctions: number; links: number; movements: number; drivingSide: string };
  endTime: number;
  totals: NetworkMetrics;
  gridlock: GridlockReport | null;
  replications: Array<{
    seed: number; totals: NetworkMetrics; gridlock: GridlockReport | null;
    /** With `routeChoice: equilibrium`: whether it converged, what stopped it (EquilibriumResult.stopped), after how many iterations, at which relative gap. */
    equilibrium?: { converged: boolean; stopped: EquilibriumStop; iterations: number; relativeGap: number };
  }>;
  /** With more than one replication: mean, sd and 95% confidence interval of every network metric. */
  confidence?: MetricSummaries;
  /** With `routeChoice: equilibrium`: the first replication's convergence (every iteration's gap, mean travel time, unfinished trips). */
  equilibrium?: EquilibriumSummary;
  /** When stopped early: the seeds not run. */
  incomplete?: { notRun: number[]; failed: Array<{ seed: number; message: string }> };
}

/** What {@link runScenario} resolves to. */
export interface ScenarioRun {
  /** The built scenario: network, compiled network, trips of the first replication, signals, options. */
  built: BuiltScenario;
  /** Every replication that ran, in seed order; the first is `result`. */
  replications: ReplicationRun[];
  /** The first replication's result (its index forms, by junction, link and trip index, are for hot loops). */
  result: SimulationResult;
  /** The first replication's junction results by junction id. */
  junctions: Map<string, JunctionRecord>;
  /** The first replication's link results by link id (trips: `tripsById(run.built.compiled, run.built.trips, run.result)`). */
  links: Map<string, LinkRecord>;
  /** The same object as `greenwave run --json` (without `outputs`). */
  summary: RunSummary;
  /** Paths written (empty unless `out` was given). */
  outputs: string[];
  /** Seeds not run because `signal` was aborted. */
  notRun: number[];
}

/**
 * Run the scenario file at `path` as `greenwave run` does (see the module
 * header). Rejects with `ScenarioError` (located problems in the file),
 * `UsageError` (bad options) or the engine's errors.
 */
export async function runScenario(path: string, options: RunScenarioOptions = {}): Promise<ScenarioRun> {
  if (options.seed !== undefined && !(Number.isInteger(options.seed) && options.seed >= 0)) throw new UsageError(`runScenario: options.seed must be an integer >= 0, got ${String(options.seed)}`);
  if (options.replications !== undefined && !(Number.isInteger(options.replications) && options.replications >= 1)) {
    throw new UsageError(`runScenario: options.replications must be an integer >= 1, got ${String(options.replications)}`);
  }
  const loaded = await loadScenario(path);
  if (options.seed !== undefined) loaded.simulation.seed = options.seed;
  if (options.replications !== undefined) loaded.simulation.replications = options.replications;
  const built = buildScenario(loaded);
  const replications: ReplicationRun[] = [];
  const notRun: number[] = [];
  const start = built.options.start ?? 0;
  for (const [i, seed] of built.seeds.entries()) {
    if (options.signal?.aborted === true) {
      notRun.push(seed);
      continue;
    }
    const trips = i === 0 ? built.trips : built.tripsFor(seed);
    const onProgress = options.onProgress;
    const simOptions = {
      ...built.options,
      seed,
      ...(onProgress ? { progress: (time: number, end: number) => onProgress(i, time - start, end - start) } : {}),
    };
    if (built.routeChoice === 'equilibrium') {
      const equilibrium = equilibrate(built.compiled, trips, built.signals, simOptions, built.equilibrium);
      replications.push({ seed, result: equilibrium.result, equilibrium });
    } else {
      replications.push({ seed, result: simulate(built.compiled, trips, built.signals, simOptions) });
    }
    if (i + 1 < built.seeds.length) await new Promise<void>((resolve) => setImmediate(resolve)); // let an abort through
  }
  if (replications.length === 0) throw new UsageError('runScenario: aborted before the first replication ran');
  const first = replications[0];
  const provenance: Provenance = { scenario: built.scenario.name, seed: first.seed, version: VERSION };
  const stats = replications.length > 1 ? summariseMetrics(replications.map((r) => r.result.network)) : undefined;
  const summary = {
    ...summaryOf(built.compiled, first.result, provenance),
    scenarioFile: path,
    replications: replications.map((r) => ({
      seed: r.seed, totals: r.result.network, gridlock: r.result.gridlock ?? null,
      ...(r.equilibrium ? { equilibrium: { converged: r.equilibrium.converged, stopped: r.equilibrium.stopped, iterations: r.equilibrium.iterations.length, relativeGap: r.equilibrium.iterations.at(-1)?.gap ?? NaN } } : {}),
    })),
    ...(stats ? { confidence: stats } : {}),
    ...(first.equilibrium ? { equilibrium: equilibriumSummary(first.equilibrium) } : {}),
    ...(notRun.length > 0 ? { incomplete: { notRun, failed: [] } } : {}),
  } as RunSummary;
  let outputs: string[] = [];
  if (options.out !== undefined) {
    const dir = options.out === true ? built.outputs.dir : options.out;
    const trips = first.equilibrium?.trips ?? built.trips;
    const timing = runTimingRows(built.compiled, 'current', built.signals, built.scenario.signals.safety);
    outputs = await writeOutputs(dir, built.compiled, trips, first.result, provenance, built.outputs.files, summary as unknown as Record<string, unknown>, undefined, undefined, timing);
    // An equilibrium run always records its convergence, whatever outputs.files lists.
    if (first.equilibrium) outputs.push(await writeConvergence(directorySink(dir), provenance, first.equilibrium.iterations));
  }
  return {
    built, replications, result: first.result, junctions: junctionsById(built.compiled, first.result), links: linksById(built.compiled, first.result), summary, outputs, notRun,
  };
}
