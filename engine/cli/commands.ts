/**
 * What the `greenwave` commands do, apart from argument parsing (main.ts).
 * Each resolves to an exit code; a user mistake (any GreenwaveError) is printed
 * as its located message and gives 2, other failures propagate to main (1).
 */
import { SingleBar } from 'cli-progress';
import { GreenwaveError, UsageError } from '../errors.js';
import { buildScenario, formatClock, loadScenario, type BuiltScenario } from '../scenario/index.js';
import { simulate, type SimulationResult, type NetworkMetrics } from '../sim/index.js';
import type { TripTable } from '../demand/index.js';
import { summariseMetrics, summaryOf, writeOutputs, type MetricSummaries, type Provenance } from '../report/index.js';
import { VERSION } from './version.js';
import { reportRecorders, writeReport, type ReportRecorders } from './report.js';

/** Options of `greenwave run`. */
export interface RunOptions {
  out?: string;
  seed?: number;
  replications?: number;
  json?: boolean;
  /** false with --no-files. */
  files?: boolean;
  quiet?: boolean;
  debug?: boolean;
  /** Record per-junction series and a corridor, and write report.html (all output files are written). */
  report?: boolean;
  /** Corridor of the report's time-space diagram, "FROM:TO" junction ids. */
  corridor?: string;
}

interface Run {
  seed: number;
  trips: TripTable;
  result: SimulationResult;
}

function userError(error: unknown, debug: boolean): number {
  if (!(error instanceof GreenwaveError)) throw error;
  process.stderr.write(`greenwave: ${error.message}\n`);
  if (debug) process.stderr.write(`${error.stack}\n`);
  return 2;
}

function simulateAll(built: BuiltScenario, quiet: boolean, recorders?: ReportRecorders): Run[] {
  const showBar = !quiet && process.stderr.isTTY === true;
  const runs: Run[] = [];
  const bar = showBar
    ? new SingleBar({ format: 'simulating {bar} {percentage}% | replication {replication} | {clock}', stream: process.stderr, hideCursor: true, clearOnComplete: true })
    : undefined;
  bar?.start(100 * built.seeds.length, 0, { replication: `1/${built.seeds.length}`, clock: '' });
  built.seeds.forEach((seed, i) => {
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
  });
  bar?.stop();
  return runs;
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
    const loaded = await loadScenario(file);
    if (options.seed !== undefined) loaded.simulation.seed = options.seed;
    if (options.replications !== undefined) loaded.simulation.replications = options.replications;
    built = buildScenario(loaded);
    if (options.report) {
      const { start = 0, end = 0, interval } = built.options;
      recorders = reportRecorders(built.compiled, built.trips, { start, end, interval, corridor: options.corridor });
    }
  } catch (error) {
    return userError(error, debug);
  }
  const runs = simulateAll(built, options.quiet === true || options.json === true && process.stderr.isTTY !== true, recorders);
  const stats = runs.length > 1 ? summariseMetrics(runs.map((r) => r.result.network)) : undefined;
  const provenance: Provenance = { scenario: built.scenario.name, seed: runs[0].seed, version: VERSION };
  const summary = {
    ...summaryOf(built.compiled, runs[0].result, provenance),
    scenarioFile: file,
    replications: runs.map((r) => ({ seed: r.seed, totals: r.result.network, gridlock: r.result.gridlock ?? null })),
    ...(stats ? { confidence: stats } : {}),
  };
  let files: string[] = [];
  if (options.files !== false) {
    const dir = options.out ?? built.outputs.dir;
    try {
      files = await writeOutputs(dir, built.compiled, runs[0].trips, runs[0].result, provenance, recorders ? undefined : built.outputs.files, summary);
      if (recorders) {
        files.push(...await recorders.write(dir, provenance));
        files.push((await writeReport(dir)).path);
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
  else process.stdout.write(table(built, runs, stats, files));
  return 0;
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
