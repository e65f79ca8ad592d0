/**
 * What the `greenwave` commands do, apart from argument parsing (main.ts).
 * Each resolves to an exit code; a user mistake (any GreenwaveError) is printed
 * as its located message and gives 2, other failures propagate to main (1).
 */
import { SingleBar } from 'cli-progress';
import os from 'node:os';
import { GreenwaveError, UsageError } from '../engine/errors.js';
import { buildScenario, formatClock, loadScenario, type BuiltScenario } from '../engine/scenario/index.js';
import { scaleDemand } from '../engine/demand/index.js';
import { simulate, type SimulationResult, type NetworkMetrics } from '../engine/sim/index.js';
import { programToSpec } from '../engine/signals/index.js';
import type { TripTable } from '../engine/demand/index.js';
import {
  corridorRoute, reportRecorders, summariseMetrics, summaryOf, writeOutputs, writeRunReport, type MetricSummaries, type Provenance, type ReportRecorders,
} from '../engine/report/index.js';
import { VERSION } from './version.js';

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
  /** Factor on the whole demand (times the scenario's `demand.scale`). */
  demandScale?: number;
}

interface Run {
  seed: number;
  /** The trips of the run whose files are written (the first seed); others need not come back. */
  trips: TripTable | undefined;
  /** Whole for the first seed; network totals (and end time, gridlock) for the others on a pool. */
  result: SimulationResult;
}

function userError(error: unknown, debug: boolean): number {
  if (!(error instanceof GreenwaveError)) throw error;
  process.stderr.write(`greenwave: ${error.message}\n`);
  if (debug) process.stderr.write(`${error.stack}\n`);
  return 2;
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

/** Replications one after another in this thread (one replication, or --workers 1). */
/** The `--progress-lines` line of a finished replication. */
function finishedLine(done: number, total: number, seed: number, ok = true): void {
  process.stderr.write(`greenwave: replication ${done}/${total} ${ok ? 'finished' : 'failed'} (seed ${seed})\n`);
}

async function simulateInProcess(built: BuiltScenario, showBar: boolean, lines: boolean, signal: AbortSignal, recorders?: ReportRecorders): Promise<Runs> {
  const runs: Run[] = [];
  const bar = showBar
    ? new SingleBar({ format: 'simulating {bar} {percentage}% | replication {replication} | {clock}', stream: process.stderr, hideCursor: true, clearOnComplete: true })
    : undefined;
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
    const result = simulate(built.compiled, trips, built.signals, {
      ...built.options,
      seed,
      ...(i === 0 && recorders ? { attach: recorders.attach } : {}),
      ...(bar ? {
        progress: (time: number, end: number) => bar.update(100 * i + Math.round((100 * (time - start)) / (end - start)), {
          replication: `${i + 1}/${built.seeds.length}`,
          clock: formatClock(Math.round(time)),
        }),
      } : {}),
    });
    runs.push({ seed, trips, result });
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
  const bar = showBar
    ? new SingleBar({ format: 'simulating {bar} {value}/{total} replications | {workers} workers', stream: process.stderr, hideCursor: true, clearOnComplete: true })
    : undefined;
  bar?.start(seeds.length, 0, { workers });
  let done = 0;
  const onProgress = (e: { outcome: { seed: number; ok: boolean } }): void => {
    bar?.update(++done, { workers });
    if (lines) finishedLine(done, seeds.length, e.outcome.seed, e.outcome.ok);
  };
  const programs = built.signals.programs.map((p) => programToSpec(built.compiled, p));
  try {
    const [first, rest] = await Promise.all([
      evaluator.evaluate({ candidates: [programs], seeds: [seeds[0]], detail: 'all' }, { signal, onProgress }),
      seeds.length > 1
        ? evaluator.evaluate({ candidates: [programs], seeds: seeds.slice(1) }, { signal, onProgress })
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

const fmt = (value: number, digits = 1): string => (Number.isFinite(value) ? value.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '-');

function withInterval(field: keyof NetworkMetrics, first: NetworkMetrics, stats: MetricSummaries | undefined, digits = 1, scale = 1): string {
  if (!stats) return fmt(first[field] * scale, digits);
  const s = stats[field];
  return `${fmt(s.mean * scale, digits)} ± ${fmt(s.halfWidth * scale, digits)}`;
}

function table(built: BuiltScenario, runs: Run[], stats: MetricSummaries | undefined, files: string[]): string {
  const { compiled: net } = built;
  const first = runs[0].result;
  const n = first.network;
  const lines: string[] = [];
  const row = (label: string, value: string): void => { lines.push(`  ${label.padEnd(20)}${value}`); };
  const reps = runs.length > 1 ? `, ${runs.length} replications (mean ± 95% CI)` : '';
  lines.push(`greenwave ${VERSION} — ${built.scenario.name} (seed ${runs[0].seed}${reps})`);
  row('network', `${net.junctionCount} junctions, ${net.linkCount} links, driving side ${net.drivingSide}`);
  row('trips', `${withInterval('trips', n, stats, 0)} (arrived ${withInterval('arrived', n, stats, 0)}, unfinished ${withInterval('unfinished', n, stats, 0)})`);
  row('mean travel time', `${withInterval('meanTravelTime', n, stats)} s`);
  row('mean delay', `${withInterval('meanDelay', n, stats)} s`);
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
  if (first.gridlock) row('GRIDLOCK', `at ${fmt(first.gridlock.time, 0)} s, junctions ${first.gridlock.junctions.join(', ')}: ${first.gridlock.vehicles} vehicles stuck`);
  if (files.length > 0) {
    lines.push('', `outputs${runs.length > 1 ? ' (first replication; summary.json has every replication)' : ''}:`);
    for (const f of files) lines.push(`  ${f}`);
  }
  return `${lines.join('\n')}\n`;
}

/** `greenwave run <scenario>`. */
export async function runCommand(file: string, options: RunOptions): Promise<number> {
  const debug = options.debug === true;
  let built: BuiltScenario;
  let recorders: ReportRecorders | undefined;
  try {
    if (options.report && options.files === false) throw new UsageError('--report needs the output files: leave out --no-files');
    if (options.redis !== undefined && options.workers !== undefined) {
      throw new UsageError('--workers sets the threads of the local pool; with --redis, give each `greenwave worker` its --concurrency instead');
    }
    if (options.redis !== undefined && options.report) throw new UsageError('--report records the first replication in this process: leave out --redis');
    if (options.workers !== undefined && !(Number.isInteger(options.workers) && options.workers >= 1)) {
      throw new UsageError(`--workers must be an integer >= 1, got ${String(options.workers)}`);
    }
    const loaded = await loadScenario(file);
    if (options.demandScale !== undefined) {
      if (!(options.demandScale > 0 && options.demandScale <= 100)) throw new UsageError(`--demand-scale must be a factor > 0 and <= 100, got ${String(options.demandScale)}`);
      loaded.demand = scaleDemand(loaded.demand, options.demandScale);
    }
    if (options.seed !== undefined) loaded.simulation.seed = options.seed;
    if (options.replications !== undefined) loaded.simulation.replications = options.replications;
    built = buildScenario(loaded);
    if (options.report) {
      const { start = 0, end = 0, interval } = built.options;
      const corridor = options.corridor !== undefined ? corridorRoute(built.compiled, options.corridor, '--corridor') : undefined;
      recorders = reportRecorders(built.compiled, built.trips, { start, end, interval, corridor });
    }
  } catch (error) {
    return userError(error, debug);
  }
  const lines = options.progressLines === true;
  const showBar = options.quiet !== true && !lines && process.stderr.isTTY === true;
  // The report's recorders observe the first replication in this thread, so --report runs in-process.
  const workers = recorders ? 1 : Math.min(options.workers ?? os.availableParallelism(), built.seeds.length);
  const interrupt = interruptOnSigint();
  let outcome: Runs;
  try {
    outcome = options.redis !== undefined
      ? await simulateOnPool(built, workers, showBar, lines, interrupt.signal, { redis: options.redis, ...(options.jobId !== undefined ? { jobId: options.jobId } : {}) })
      : workers > 1
      ? await simulateOnPool(built, workers, showBar, lines, interrupt.signal)
      : await simulateInProcess(built, showBar, lines, interrupt.signal, recorders);
  } finally {
    interrupt.dispose();
  }
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
    }
    return interrupted ? 130 : 1;
  }
  const ordered = [firstRun, ...runs.filter((r) => r !== firstRun).sort((x, y) => x.seed - y.seed)];
  const stats = ordered.length > 1 ? summariseMetrics(ordered.map((r) => r.result.network)) : undefined;
  const provenance: Provenance = { scenario: built.scenario.name, seed: firstRun.seed, version: VERSION };
  const summary = {
    ...summaryOf(built.compiled, firstRun.result, provenance),
    scenarioFile: file,
    replications: ordered.map((r) => ({ seed: r.seed, totals: r.result.network, gridlock: r.result.gridlock ?? null })),
    ...(stats ? { confidence: stats } : {}),
    ...(interrupted || failed.length > 0 ? { incomplete: { notRun, failed } } : {}),
  };
  let files: string[] = [];
  if (options.files !== false) {
    const dir = options.out ?? built.outputs.dir;
    try {
      files = await writeOutputs(dir, built.compiled, firstRun.trips as TripTable, firstRun.result, provenance, recorders ? undefined : built.outputs.files, summary);
      if (recorders) {
        const trips = firstRun.trips as TripTable;
        files.push(...await writeRunReport(dir, { net: built.compiled, trips, result: firstRun.result, provenance, summary, recordings: recorders.recordings() }));
      }
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'ENOTDIR' || code === 'EEXIST' || code === 'EROFS') {
        process.stderr.write(`greenwave: cannot write outputs to ${dir}: ${(error as Error).message}\n`);
        return 2;
      }
      throw error;
    }
  }
  if (options.json) process.stdout.write(`${JSON.stringify({ ...summary, outputs: files }, null, 2)}\n`);
  else process.stdout.write(table(built, ordered, stats, files));
  if (interrupted) return 130;
  return failed.length > 0 ? 1 : 0;
}

/** `greenwave validate <scenario>`. */
export async function validateCommand(file: string): Promise<number> {
  try {
    const built = buildScenario(await loadScenario(file));
    const net = built.compiled;
    process.stdout.write(`${file}: ok — "${built.scenario.name}": ${net.junctionCount} junctions, ${net.linkCount} links, ${net.movementCount} movements, ${built.trips.count.toLocaleString('en')} trips (seed ${built.seeds[0]})\n`);
    return 0;
  } catch (error) {
    return userError(error, false);
  }
}
