/**
 * What `greenwave run` does, apart from argument parsing (main.ts); `validate`
 * and the loading both share are in validate.ts. Each resolves to an exit
 * code; a user mistake (any GreenwaveError) is printed as its located message
 * and gives 2, other failures propagate to main (1).
 *
 * A plain run loads only what it uses: the scenario loader, builder, kernel and
 * output writer. The progress bar, the worker pool, Redis and the HTML report
 * are imported when an option asks for them (a test checks which modules a
 * plain run loads).
 */
import os from 'node:os';
import { GreenwaveError, UsageError } from '../engine/errors.js';
import type { TripTable } from '../engine/demand/demand.js';
import { summaryOf, writeOutputs, type Provenance } from '../engine/report/outputs.js';
import { runTimingRows } from '../engine/report/timing.js';
import { summariseMetrics, type MetricSummaries } from '../engine/report/stats.js';
import { scaleDemand } from '../engine/demand/scale.js';
import type { BuiltScenario } from '../engine/scenario/build.js';
import { formatClock } from '../engine/scenario/clock.js';
import { OUTPUT_FILES } from '../engine/scenario/formats.js';
import { METADATA_FILE } from '../engine/report/metadata.js';
import type { NetworkMetrics } from '../engine/sim/metrics.js';
import { simulateSteps, type SimulationResult } from '../engine/sim/simulate.js';
import type { ReportRecorders } from '../engine/report/index.js';
import { peakRssMiB, Stopwatch } from './timing.js';
import { RECORDING_FILE_NAMES } from '../engine/report/recordings.js';
import { prepareOutputDir, type OutputDir, type PreparedOutputDir } from '../engine/report/output-dir.js';
import { VERSION } from './version.js';
import type { EquilibriumEnd } from '../engine/optimise/evaluator.js';
import { equilibriumEnding, equilibriumSummary, routeChoiceText, writeConvergence } from '../engine/report/convergence.js';
import { outputDirectory } from './outputs.js';
import { loadAndBuild, overrideRouteChoice, userError, type LoadCommandOptions } from './validate.js';
import { formatNumber } from '../engine/text/numbers.js';

/** A progress bar on stderr (cli-progress, loaded only when a bar is shown). */
async function progressBar(format: string): Promise<import('cli-progress').SingleBar> {
  const { SingleBar } = await import('cli-progress');
  return new SingleBar({ format, stream: process.stderr, hideCursor: true, clearOnComplete: true });
}

/** Options of `greenwave run`. */
export interface RunOptions {
  out?: string;
  seed?: number;
  replications?: number;
  json?: boolean;
  /** false with --no-files. */
  files?: boolean;
  quiet?: boolean;
  /** A line on stderr as each replication finishes (for logs: the bar needs a terminal). */
  progressLines?: boolean;
  debug?: boolean;
  /** Worker threads for replications. Default: the machine's available parallelism. */
  workers?: number;
  /** Record per-junction series and a corridor, and write report.html (all output files are written). */
  report?: boolean;
  /** Corridor of the report's time-space diagram, "FROM:TO" junction ids. */
  corridor?: string;
  /** Redis URL: run the replications on `greenwave worker` processes through BullMQ instead of local threads. */
  redis?: string;
  /** Job id on the queue (same id after a restart: finished replications are not run again). */
  jobId?: string;
  /** Largest scenario file read, MiB (--max-input). */
  maxInputMiB?: number;
  /** Memory the run may plan for, MiB (--max-memory). */
  maxMemoryMiB?: number;
  /** Write into a directory holding another scenario's run, or files no manifest accounts for (only the recorded files of that run are removed). */
  force?: boolean;
  /** Factor on the whole demand (times the scenario's `demand.scale`). */
  demandScale?: number;
  /** Route choice, over the scenario's `simulation.routeChoice`. */
  routeChoice?: 'departure' | 'equilibrium';
}

interface Run {
  seed: number;
  /** The trips of the run whose files are written (the first seed); others need not come back. */
  trips: TripTable | undefined;
  /** Whole for the first seed; network totals (and end time, gridlock) for the others on a pool. */
  result: SimulationResult;
}

/** What the replications produced; `notRun` seeds were cut short by Ctrl-C. */
interface Runs {
  runs: Run[];
  notRun: number[];
  failed: Array<{ seed: number; message: string }>;
  interrupted: boolean;
  workers: number;
}

/**
 * Stops long work on the first Ctrl-C (SIGINT) so what finished is still
 * reported and written; a second Ctrl-C exits at once (code 130).
 */
export function interruptOnSigint(doing = 'stopping'): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSigint = (): void => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write(`\ngreenwave: interrupted — ${doing}; press Ctrl-C again to quit at once\n`);
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', onSigint) };
}

/** Seeds as sorted ranges: `1-4, 7, 9-12`; `none` when empty. */
export function seedRanges(seeds: readonly number[]): string {
  const sorted = [...seeds].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(j > i ? `${sorted[i]}-${sorted[j]}` : String(sorted[i]));
    i = j + 1;
  }
  return parts.length > 0 ? parts.join(', ') : 'none';
}

/** The `--progress-lines` line of a finished replication. */
function finishedLine(done: number, total: number, seed: number, ok = true): void {
  process.stderr.write(`greenwave: replication ${done}/${total} ${ok ? 'finished' : 'failed'} (seed ${seed})\n`);
}

/** Simulated seconds between checks for Ctrl-C in an in-process run. */
const STEP_S = 1;
/** Wall time between yields to the event loop (where Ctrl-C is seen) in an in-process run, ms. */
const YIELD_MS = 50;

/**
 * Replications one after another in this thread (one replication, or --workers
 * 1). Each runs in steps of simulated time, yielding to the event loop every
 * 50 ms, so Ctrl-C stops even a single long replication at once; a replication
 * cut short is abandoned (its seed is listed as not run), never reported.
 */
async function simulateInProcess(built: BuiltScenario, showBar: boolean, lines: boolean, signal: AbortSignal, recorders?: ReportRecorders): Promise<Runs> {
  const runs: Run[] = [];
  const bar = showBar ? await progressBar('simulating {bar} {percentage}% | replication {replication} | {clock}') : undefined;
  bar?.start(100 * built.seeds.length, 0, { replication: `1/${built.seeds.length}`, clock: '' });
  const notRun: number[] = [];
  for (const [i, seed] of built.seeds.entries()) {
    if (i > 0) await new Promise<void>((resolve) => setImmediate(resolve)); // let Ctrl-C through between replications
    if (signal.aborted) {
      notRun.push(seed);
      continue;
    }
    const trips = i === 0 ? built.trips : built.tripsFor(seed);
    const start = built.options.start ?? 0;
    const steps = simulateSteps(built.compiled, trips, built.signals, {
      ...built.options,
      seed,
      ...(i === 0 && recorders ? { attach: recorders.attach } : {}),
      ...(bar ? {
        progress: (time: number, end: number) => bar.update(100 * i + Math.round((100 * (time - start)) / (end - start)), {
          replication: `${i + 1}/${built.seeds.length}`,
          clock: formatClock(Math.round(time)),
        }),
      } : {}),
    }, STEP_S);
    let yielded = performance.now();
    let next = steps.next();
    while (next.done !== true && !signal.aborted) {
      if (performance.now() - yielded >= YIELD_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        yielded = performance.now();
        if (signal.aborted) break;
      }
      next = steps.next();
    }
    if (next.done !== true) {
      notRun.push(seed);
      continue;
    }
    runs.push({ seed, trips, result: next.value });
    if (lines) finishedLine(runs.length, built.seeds.length, seed);
  }
  bar?.stop();
  return { runs, notRun, failed: [], interrupted: signal.aborted, workers: 1 };
}

/**
 * Replications in parallel on a Piscina pool of `workers` threads. The first
 * seed comes back whole (`detail: 'all'`: its files are written), the others as
 * network totals. Each replication is the same pure function of (scenario,
 * seed) as in-process, so the numbers do not depend on the worker count.
 */
async function simulateOnPool(
  built: BuiltScenario, workers: number, showBar: boolean, lines: boolean, signal: AbortSignal, queue?: { redis: string; jobId?: string },
): Promise<Runs> {
  const { evaluatorFor } = await import('../workers/distributed/select.js');
  const { seeds } = built;
  const { seed: _seed, ...options } = built.options;
  void _seed;
  const evaluator = await evaluatorFor(
    { network: built.compiled, variants: [{ demand: built.scenario.demand, options }] },
    queue
      ? { redis: queue.redis, ...(queue.jobId !== undefined ? { jobId: queue.jobId } : {}), log: (line: string) => process.stderr.write(`${line}\n`) }
      : { workers },
  );
  const bar = showBar ? await progressBar('simulating {bar} {value}/{total} replications | {workers} workers') : undefined;
  bar?.start(seeds.length, 0, { workers });
  let done = 0;
  const onProgress = (e: { outcome: { seed: number; ok: boolean } }): void => {
    bar?.update(++done, { workers });
    if (lines) finishedLine(done, seeds.length, e.outcome.seed, e.outcome.ok);
  };
  // the programs under the scenario's own control (actuated, max-pressure), as in-process runs them
  const plan = (await import('./scenario-plan.js')).scenarioPlan(built);
  try {
    const [first, rest] = await Promise.all([
      evaluator.evaluate({ candidates: [plan], seeds: [seeds[0]], detail: 'all' }, { signal, onProgress }),
      seeds.length > 1
        ? evaluator.evaluate({ candidates: [plan], seeds: seeds.slice(1) }, { signal, onProgress })
        : Promise.resolve(undefined),
    ]);
    bar?.stop();
    const runs: Run[] = [];
    const results = [...first.results, ...(rest?.results ?? [])];
    for (const r of results) {
      const result = r.metrics.result ?? {
        network: r.metrics.network, endTime: r.metrics.endTime, ...(r.metrics.gridlock ? { gridlock: r.metrics.gridlock } : {}),
      } as SimulationResult;
      runs.push({ seed: r.seed, trips: r.seed === seeds[0] ? built.trips : undefined, result });
    }
    const failures = [...first.failures, ...(rest?.failures ?? [])];
    return {
      runs,
      notRun: [...first.notRun, ...(rest?.notRun ?? [])].map((t) => t.seed),
      failed: failures.map((f) => ({ seed: f.seed, message: `${f.error.name}: ${f.error.message}` })),
      interrupted: signal.aborted,
      workers,
    };
  } finally {
    bar?.stop();
    await evaluator.close();
  }
}

const fmt = (value: number, digits = 1): string => formatNumber(value, digits);

function withInterval(field: keyof NetworkMetrics, first: NetworkMetrics, stats: MetricSummaries | undefined, digits = 1, scale = 1): string {
  if (!stats) return fmt(first[field] * scale, digits);
  const s = stats[field];
  return `${fmt(s.mean * scale, digits)} ± ${fmt(s.halfWidth * scale, digits)}`;
}

function table(built: BuiltScenario, runs: Run[], stats: MetricSummaries | undefined, files: string[], equilibrium?: EquilibriumEnd): string {
  const { compiled: net } = built;
  const first = runs[0].result;
  const n = first.network;
  const lines: string[] = [];
  const row = (label: string, value: string): void => { lines.push(`  ${label.padEnd(20)}${value}`); };
  const reps = runs.length > 1 ? `, ${runs.length} replications (mean ± 95% CI)` : '';
  lines.push(`greenwave ${VERSION} — ${built.scenario.name} (seed ${runs[0].seed}${reps})`);
  row('network', `${net.junctionCount} junctions, ${net.linkCount} links, driving side ${net.drivingSide}`);
  // Gridlock and unfinished trips first: every mean below is read beside them.
  const gridlocked = runs.filter((r) => r.result.gridlock !== undefined);
  if (first.gridlock) row('GRIDLOCK', `at ${formatClock(Math.round(first.gridlock.time))}, junctions ${first.gridlock.junctions.join(', ')}: ${first.gridlock.vehicles} vehicles stuck`);
  if (runs.length > 1) row('gridlocked runs', `${gridlocked.length} of ${runs.length}${gridlocked.length > 0 ? ` (seeds ${gridlocked.map((r) => r.seed).join(', ')})` : ''}`);
  row('trips', `${withInterval('trips', n, stats, 0)} (arrived ${withInterval('arrived', n, stats, 0)}, unfinished ${withInterval('unfinished', n, stats, 0)})`);
  row('mean travel time', `${withInterval('meanTravelTimeAllTrips', n, stats)} s all trips (unfinished counted to the end), ${withInterval('meanTravelTime', n, stats)} s finished only`);
  row('mean delay', `${withInterval('meanDelayAllTrips', n, stats)} s all trips, ${withInterval('meanDelay', n, stats)} s finished only`);
  row('mean stops', withInterval('meanStops', n, stats, 2));
  row('mean waiting', `${withInterval('meanWaitingTime', n, stats)} s`);
  row('vehicle-km', withInterval('vehicleKm', n, stats, 0));
  row('vehicle-hours', withInterval('vehicleHours', n, stats, 1));
  row('mean speed', `${withInterval('meanSpeed', n, stats, 1, 3.6)} km/h`);
  const los = new Map<string, number>();
  for (const grade of first.junctions.levelOfService) if (grade !== '') los.set(grade, (los.get(grade) ?? 0) + 1);
  if (los.size > 0) row('junction LOS', [...los].sort().map(([g, c]) => `${g} ${c}`).join(', '));
  const worst = Array.from(first.junctions.controlDelay, (d, j) => [j, d] as const).filter(([, d]) => Number.isFinite(d)).sort((a, b) => b[1] - a[1]).slice(0, 3);
  if (worst.length > 0) row('worst junctions', worst.map(([j, d]) => `${net.junctionKey(j)} ${fmt(d)} s (${first.junctions.levelOfService[j]})`).join(', '));
  if (equilibrium) {
    const last = equilibrium.iterations[equilibrium.iterations.length - 1];
    const how = routeChoiceText(equilibrium.settings);
    row('route choice', `equilibrium (${how}) ${equilibrium.converged ? 'reached' : 'NOT reached'}: relative gap ${fmt(100 * last.gap, 2)}% after ${equilibrium.iterations.length} iterations${equilibriumEnding(equilibrium)}`);
  }
  if (files.length > 0) {
    lines.push('', `outputs${runs.length > 1 ? ' (first replication; summary.json has every replication)' : ''}:`);
    for (const f of files) lines.push(`  ${f}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Seconds the kernel spent routing, when its result reports them. */
function routingSeconds(result: SimulationResult): number | null {
  const reported = (result as { routingS?: unknown }).routingS;
  return typeof reported === 'number' ? reported : null;
}

/** `greenwave run <scenario>`. */
export async function runCommand(file: string, options: RunOptions): Promise<number> {
  const stopwatch = new Stopwatch();
  const debug = options.debug === true;
  let built: BuiltScenario;
  let recorders: ReportRecorders | undefined;
  let prepared: PreparedOutputDir | undefined;
  try {
    if (options.report && options.files === false) throw new UsageError('--report needs the output files: leave out --no-files');
    if (options.redis !== undefined && options.workers !== undefined) {
      throw new UsageError('--workers sets the threads of the local pool; with --redis, give each `greenwave worker` its --concurrency instead');
    }
    if (options.redis !== undefined && options.report) throw new UsageError('--report records the first replication in this process: leave out --redis');
    if (options.redis !== undefined) {
      // A bad URL is a usage error before anything else is loaded.
      const { parseRedisUrl } = await import('../workers/distributed/connection.js');
      parseRedisUrl(options.redis);
    }
    if (options.workers !== undefined && !(Number.isInteger(options.workers) && options.workers >= 1)) {
      throw new UsageError(`--workers must be an integer >= 1, got ${String(options.workers)}`);
    }
    const { demandScale } = options;
    if (demandScale !== undefined && !(demandScale > 0 && demandScale <= 100)) throw new UsageError(`--demand-scale must be a factor > 0 and <= 100, got ${String(demandScale)}`);
    built = await loadAndBuild(file, options, stopwatch, (loaded) => {
      if (demandScale !== undefined) loaded.demand = scaleDemand(loaded.demand, demandScale);
      if (options.seed !== undefined) loaded.simulation.seed = options.seed;
      if (options.replications !== undefined) loaded.simulation.replications = options.replications;
      overrideRouteChoice(loaded, options.routeChoice);
    });
    if (built.routeChoice === 'equilibrium' && options.redis !== undefined) {
      throw new UsageError('route choice equilibrium iterates simulations in this process: leave out --redis');
    }
    if (options.report) {
      const { corridorRoute, reportRecorders } = await import('../engine/report/index.js');
      const { start = 0, end = 0, interval } = built.options;
      const corridor = options.corridor !== undefined ? corridorRoute(built.compiled, options.corridor, '--corridor') : undefined;
      recorders = reportRecorders(built.compiled, built.trips, { start, end, interval, corridor });
    }
    if (options.files !== false) {
      // Checked before the simulation, so a mistake about the directory shows at once, not after the run.
      const dir = await outputDirectory(file, built.outputs.dir, options.out);
      const names = [...(recorders ? OUTPUT_FILES : built.outputs.files), METADATA_FILE, ...(recorders ? [...RECORDING_FILE_NAMES, 'report.html'] : [])];
      if (built.routeChoice === 'equilibrium' && !names.includes('convergence.csv')) names.push('convergence.csv');
      prepared = await prepareOutputDir(dir, { kind: 'run', scenario: built.scenario.name, scenarioFile: file, seed: built.seeds[0], version: VERSION }, { names, force: options.force === true });
    }
    stopwatch.lap('buildS');
  } catch (error) {
    return userError(error, debug);
  }
  const lines = options.progressLines === true;
  const showBar = options.quiet !== true && !lines && process.stderr.isTTY === true;
  // The report's recorders observe the first replication in this thread, so --report runs in-process.
  const workers = recorders ? 1 : Math.min(options.workers ?? os.availableParallelism(), built.seeds.length);
  const interrupt = interruptOnSigint();
  let outcome: Runs;
  let equilibria: Map<number, EquilibriumEnd> | undefined;
  try {
    if (built.routeChoice === 'equilibrium') {
      // The first seed's iterations run in this thread, the other seeds' on a pool of workers - 1 threads (see run-equilibrium.ts).
      const { runEquilibria } = await import('./run-equilibrium.js');
      const eq = await runEquilibria(built, options.quiet === true, interrupt.signal, recorders, workers);
      equilibria = new Map(eq.runs.map((r) => [r.seed, r.equilibrium]));
      if (lines) eq.runs.forEach((r, i) => finishedLine(i + 1, built.seeds.length, r.seed));
      outcome = { runs: eq.runs, notRun: eq.notRun, failed: eq.failed, interrupted: eq.interrupted, workers: eq.workers };
    } else outcome = options.redis !== undefined
      ? await simulateOnPool(built, workers, showBar, lines, interrupt.signal, { redis: options.redis, ...(options.jobId !== undefined ? { jobId: options.jobId } : {}) })
      : workers > 1
      ? await simulateOnPool(built, workers, showBar, lines, interrupt.signal)
      : await simulateInProcess(built, showBar, lines, interrupt.signal, recorders);
  } finally {
    interrupt.dispose();
  }
  stopwatch.lap('simulateS');
  const { runs, notRun, failed, interrupted } = outcome;
  for (const f of failed) process.stderr.write(`greenwave: replication with seed ${f.seed} failed: ${f.message}\n`);
  if (interrupted) {
    process.stderr.write(`greenwave: interrupted: ${runs.length} of ${built.seeds.length} replications finished (seeds ${seedRanges(runs.map((r) => r.seed))}); not run: ${seedRanges(notRun)}\n`);
  }
  const firstRun = runs.find((r) => r.seed === built.seeds[0] && r.trips !== undefined);
  if (runs.length === 0 || firstRun === undefined) {
    if (runs.length > 0) {
      const stats = summariseMetrics(runs.map((r) => r.result.network));
      process.stderr.write(`greenwave: the first replication (seed ${built.seeds[0]}) did not finish, so no files are written; mean delay over ${runs.length} finished: ${fmt(stats.meanDelay.mean)} s\n`);
    } else if (interrupted) {
      process.stderr.write('greenwave: no replication finished, so nothing is reported and no files are written\n');
    }
    return interrupted ? 130 : 1;
  }
  const routed = runs.map((r) => routingSeconds(r.result));
  stopwatch.set('routeS', routed.every((x) => x !== null) ? routed.reduce<number>((sum, x) => sum + (x ?? 0), 0) : null);
  const ordered = [firstRun, ...runs.filter((r) => r !== firstRun).sort((x, y) => x.seed - y.seed)];
  const stats = ordered.length > 1 ? summariseMetrics(ordered.map((r) => r.result.network)) : undefined;
  const provenance: Provenance = { scenario: built.scenario.name, seed: firstRun.seed, version: VERSION };
  const firstEquilibrium = equilibria?.get(firstRun.seed);
  const summary: Record<string, unknown> = {
    ...summaryOf(built.compiled, firstRun.result, provenance),
    scenarioFile: file,
    replications: ordered.map((r) => {
      const eq = equilibria?.get(r.seed);
      return {
        seed: r.seed, totals: r.result.network, gridlock: r.result.gridlock ?? null,
        ...(eq ? { equilibrium: { converged: eq.converged, stopped: eq.stopped, iterations: eq.iterations.length, relativeGap: eq.iterations.at(-1)?.gap ?? NaN } } : {}),
      };
    }),
    ...(stats ? { confidence: stats } : {}),
    ...(firstEquilibrium ? { equilibrium: equilibriumSummary(firstEquilibrium) } : {}),
    ...(interrupted || failed.length > 0 ? { incomplete: { notRun, failed } } : {}),
  };
  let files: string[] = [];
  if (prepared !== undefined) {
    const { dir } = prepared;
    let out: OutputDir | undefined;
    // Every file but summary.json first, so that summary.json can say how long they took.
    const wanted: readonly string[] = recorders ? OUTPUT_FILES : built.outputs.files;
    try {
      out = await prepared.open();
      const extra = [...(wanted.includes('summary.json') ? ['summary.json'] : []), ...(recorders ? [...RECORDING_FILE_NAMES.filter((f) => f !== 'corridor.json' || options.corridor !== undefined), 'report.html'] : [])];
      // timing.csv: the plan the run ran (the scenario's programs, else Webster's or the default plan), as a timing sheet.
      const timing = runTimingRows(built.compiled, 'current', built.signals, built.scenario.signals.safety);
      const others = await writeOutputs(dir, built.compiled, firstRun.trips as TripTable, firstRun.result, provenance, wanted.filter((f) => f !== 'summary.json'), undefined, out, extra, timing);
      // An equilibrium run always records its convergence, whatever outputs.files lists.
      if (firstEquilibrium) others.push(await writeConvergence(out, provenance, firstEquilibrium.iterations));
      stopwatch.lap('writeS');
      Object.assign(summary, { timing: stopwatch.timing, peakRssMiB: peakRssMiB() });
      if (recorders) {
        // The page is rendered from the summary in memory, timing included, as `greenwave report` reads it back.
        const { writeRunReport } = await import('../engine/report/index.js');
        const trips = firstRun.trips as TripTable;
        others.push(...await writeRunReport(dir, { net: built.compiled, trips, result: firstRun.result, provenance, summary, recordings: recorders.recordings(), timing }, {}, out));
      }
      const written = wanted.includes('summary.json') ? await writeOutputs(dir, built.compiled, firstRun.trips as TripTable, firstRun.result, provenance, ['summary.json'], summary, out) : [];
      files = [...written, ...others];
      await out.commit(interrupted || failed.length > 0 ? 'interrupted' : 'complete');
    } catch (error) {
      await out?.abort();
      if (!(error instanceof GreenwaveError)) throw error;
      process.stderr.write(`greenwave: cannot write the outputs, so none are left in ${dir}: ${error.message}\n`);
      return 2;
    }
  } else {
    stopwatch.set('writeS', 0);
    Object.assign(summary, { timing: stopwatch.timing, peakRssMiB: peakRssMiB() });
  }
  if (options.json) process.stdout.write(`${JSON.stringify({ ...summary, outputs: files }, null, 2)}\n`);
  else process.stdout.write(table(built, ordered, stats, files, firstEquilibrium));
  if (interrupted) return 130;
  return failed.length > 0 ? 1 : 0;
}
