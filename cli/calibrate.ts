/**
 * `greenwave calibrate <scenario> --counts FILE... -o calibrated.scenario.json`:
 * estimate the demand that reproduces traffic counts (engine/optimise/calibrate),
 * check the counts for consistency first, and report the fit the way transport
 * agencies ask for it (GEH, R², RMSE, worst locations).
 *
 * Files, beside the `-o` scenario (default `<outputs.dir>/calibrate/`):
 *  - calibrated.scenario.json: the scenario with the calibrated demand (each
 *    vehicle a trip with its route and departure time) and `simulation.seed` set
 *    to the calibration's seed, so `greenwave run` reproduces the scored run;
 *  - calibration.csv: location, begin, end, observed, simulated, geh (one row per
 *    count; a plain header row, no comment line);
 *  - calibration.json: the summary (also printed with --json), the consistency
 *    report of the counts and every iteration.
 * Files are written to temporary names and renamed once all are complete. Ctrl-C
 * stops within a second: the best finished iteration is written (marked
 * `interrupted`), or nothing if none finished; exit code 130.
 */
import { rename, rm, writeFile } from 'node:fs/promises';
import { ensureDirectory } from '../engine/text/atomic-file.js';
import { outputDirectory } from './outputs.js';
import path from 'node:path';
import { GreenwaveError, UsageError } from '../engine/errors.js';
import { buildScenario, type BuiltScenario } from '../engine/scenario/build.js';
import { loadScenario, type LoadedScenario } from '../engine/scenario/load.js';
import { resolveCounts, clockOf, type CountSet } from '../engine/demand/counts.js';
import type { TripSpec } from '../engine/demand/demand.js';
import { programToSpec } from '../engine/signals/program.js';
import type { CalibrationResult, SignalsFor } from '../engine/optimise/calibrate/calibrate.js';
import { TRIP_ENDS, type TripEndsPolicy } from '../engine/optimise/calibrate/trip-ends.js';
import type { FitSummary } from '../engine/optimise/calibrate/fit.js';
import { csvField, writeOutputs } from '../engine/report/outputs.js';
import { runTimingRows } from '../engine/report/timing.js';
import { simulate } from '../engine/sim/simulate.js';
import { interruptOnSigint } from './commands.js';
import { VERSION } from './version.js';
import { formatNumber } from '../engine/text/numbers.js';

/** Options of `greenwave calibrate`. */
export interface CalibrateCommandOptions {
  counts: string[];
  out?: string;
  seed?: number;
  tripEnds?: string;
  iterations?: number;
  /** false with --no-prior. */
  prior?: boolean;
  fleetPenalty?: number;
  priorWeight?: number;
  time?: number;
  /** Also run the calibrated scenario once, write its outputs and report.html (with the calibration section) beside the files. */
  report?: boolean;
  json?: boolean;
  quiet?: boolean;
  debug?: boolean;
}

const pct = (v: number): string => (Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : '-');
const num = (v: number, digits = 0): string => formatNumber(v, digits);

/** calibration.csv: one row per count, a plain header. */
export function calibrationCsv(result: CalibrationResult): string {
  const lines = ['location,begin,end,observed,simulated,geh'];
  for (const r of result.rows) lines.push([r.location, clockOf(r.begin), clockOf(r.end), r.observed, r.simulated, r.geh].map((v) => csvField(v)).join(','));
  return `${lines.join('\n')}\n`;
}

/** The scenario document with the calibrated demand, as JSON text (one trip per line). */
function calibratedScenario(built: BuiltScenario, file: string, outDir: string, trips: readonly TripSpec[], seed: number): string {
  const source = structuredClone(built.scenario.source) as unknown as Record<string, unknown>;
  const network = source.network as Record<string, unknown>;
  if (typeof network.file === 'string') network.file = path.relative(outDir, path.resolve(path.dirname(file), network.file));
  const simulation = { ...(source.simulation as object), seed };
  const doc = {
    ...source,
    name: `${built.scenario.name}-calibrated`,
    description: `${built.scenario.name} with demand calibrated to traffic counts by greenwave ${VERSION} (calibration.json beside this file)`,
    demand: { trips: '@TRIPS@' },
    simulation,
    outputs: { ...(source.outputs as object), dir: `${built.outputs.dir}-calibrated` },
  };
  const text = JSON.stringify(doc, null, 2);
  const rows = trips.map((t) => `      ${JSON.stringify({ id: t.id, departS: t.depart, ...(t.route ? { route: t.route } : { from: t.from, to: t.to, fromLink: t.fromLink, toLink: t.toLink }) })}`);
  return `${text.replace('"@TRIPS@"', rows.length === 0 ? '[]' : `[\n${rows.join(',\n')}\n    ]`)}\n`;
}

/** Write `files` (path -> text) to temporary names in their directories, then rename them all. */
async function writeAtomically(files: ReadonlyMap<string, string>): Promise<void> {
  const temps: Array<[string, string]> = [];
  try {
    for (const [file, text] of files) {
      await ensureDirectory(path.dirname(file)); // not mkdir -p: it loops for ever on paths such as /proc/x
      const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
      await writeFile(temp, text, { flag: 'wx' }); // never through a file or link already there
      temps.push([temp, file]);
    }
  } catch (error) {
    await Promise.all(temps.map(([temp]) => rm(temp, { force: true })));
    throw error;
  }
  for (const [temp, file] of temps) await rename(temp, file);
}

/** Demand-dependent signals: with `signals.default: webster`, each demand gets the Webster plans `greenwave run` would compute for it. */
function signalsFor(loaded: LoadedScenario, built: BuiltScenario): SignalsFor | undefined {
  if (loaded.signals.default !== 'webster') return undefined;
  return (trips) => {
    const rebuilt = buildScenario({ ...loaded, demand: { trips: [...trips] } });
    return { programs: rebuilt.signals.programs.map((p) => programToSpec(rebuilt.compiled, p)), control: built.signals.control };
  };
}

function fitLines(label: string, s: FitSummary): string[] {
  return [
    `  ${label.padEnd(18)}GEH < 5 for ${pct(s.shareGehBelow5)} of ${num(s.counts)} interval counts (${pct(s.shareGehBelow5WithTraffic)} of the ${num(s.countsWithTraffic)} with traffic), ${pct(s.periodShareGehBelow5)} of ${num(s.locations)} whole-period totals`,
    `  ${''.padEnd(18)}flow criterion ${pct(s.shareFlowCriterion)}; R² ${num(s.r2, 3)} (slope ${num(s.slope, 2)}, intercept ${num(s.intercept, 1)}); RMSE ${num(s.rmse, 1)} veh per count (${num(s.percentRmse, 1)}%)`,
    `  ${''.padEnd(18)}vehicles: simulated ${num(s.totals.simulated)}, observed ${num(s.totals.observed)} (${pct(s.totals.ratio)})`,
  ];
}

function table(built: BuiltScenario, counts: CountSet, result: CalibrationResult, files: string[], seed: number, interrupted: boolean): string {
  const lines = [`greenwave ${VERSION} — ${built.scenario.name} calibrated to ${num(counts.rows.length)} counts at ${num(counts.locations.length)} locations, ${clockOf(counts.begin)}-${clockOf(counts.end)} (seed ${seed}, trip ends: ${result.tripEnds})`];
  const bestIteration = result.best >= 0 ? result.iterations[result.best] : undefined;
  lines.push(`  ${'iterations'.padEnd(18)}${result.iterations.filter((i) => i.iteration > 0).length} (${interrupted ? 'interrupted' : result.stopReason}); best: iteration ${bestIteration?.iteration ?? '-'}`);
  if (bestIteration) lines.push(`  ${'demand'.padEnd(18)}${num(result.trips.length)} trips${result.background > 0 ? ` (${num(result.background)} of them outside the counted period, kept from the scenario)` : ''}`);
  if (result.before) lines.push(...fitLines('before (scenario)', result.before));
  if (result.summary) {
    lines.push(...fitLines('calibrated', result.summary));
    lines.push(`  ${'target'.padEnd(18)}GEH < 5 for more than 85% of counts (DMRB / TAG M3.1): ${result.summary.shareGehBelow5 > 0.85 ? 'met' : 'NOT met'}`);
    const worst = result.summary.worst.slice(0, 5).map((w) => `${w.location} GEH ${num(w.geh, 1)} (${num(w.observed)} observed, ${num(w.simulated)} simulated)`);
    if (worst.length > 0) lines.push(`  ${'furthest off'.padEnd(18)}${worst.join('; ')}`);
  }
  const c = result.consistency;
  if (c.problems.length > 0) {
    lines.push('', `consistency of the counts: ${c.problems.length} problem${c.problems.length === 1 ? '' : 's'}`);
    for (const p of c.problems.slice(0, 10)) lines.push(`  ${p}`);
    if (c.problems.length > 10) lines.push(`  ... and ${c.problems.length - 10} more in calibration.json`);
  } else {
    lines.push('', `consistency of the counts: no contradictions (${c.junctions.length} fully counted junctions, ${c.turns.length} turn balances checked)`);
  }
  if (c.notes.length > 0) lines.push(`  ${c.notes.length} inner junction${c.notes.length === 1 ? '' : 's'} where, by the counts, trips start or end (calibration.json, consistency.notes)`);
  if (files.length > 0) lines.push('', 'outputs:', ...files.map((f) => `  ${f}`));
  return `${lines.join('\n')}\n`;
}

/**
 * The calibrated scenario run once as `greenwave run` would (its outputs beside the
 * calibration files), then report.html over the directory: the run's sections plus
 * the calibration's scatter and map.
 */
async function reportFiles(loaded: LoadedScenario, trips: readonly TripSpec[], seed: number, outDir: string): Promise<string[]> {
  const built = buildScenario({ ...loaded, demand: { trips: [...trips] }, simulation: { ...loaded.simulation, seed } });
  const result = simulate(built.compiled, built.trips, built.signals, built.options);
  const provenance = { scenario: `${built.scenario.name}-calibrated`, seed, version: VERSION };
  const written = await writeOutputs(outDir, built.compiled, built.trips, result, provenance, undefined, undefined, undefined, undefined, runTimingRows(built.compiled, 'current', built.signals, built.scenario.signals.safety));
  const { writeReport } = await import('../engine/report/html/write.js');
  return [...written, (await writeReport(outDir)).path];
}

function fail(error: unknown, debug: boolean): number {
  if (!(error instanceof GreenwaveError)) throw error;
  process.stderr.write(`greenwave: ${error.message}\n`);
  if (debug) process.stderr.write(`${error.stack}\n`);
  return 2;
}

/** `greenwave calibrate <scenario>`; resolves to the exit code. */
export async function calibrateCommand(file: string, options: CalibrateCommandOptions): Promise<number> {
  const debug = options.debug === true;
  let loaded: LoadedScenario;
  let built: BuiltScenario;
  let counts: CountSet;
  let tripEnds: TripEndsPolicy;
  let readCounts: typeof import('../engine/io/counts/index.js').readCounts;
  try {
    tripEnds = (options.tripEnds ?? 'auto') as TripEndsPolicy;
    if (!(TRIP_ENDS as readonly string[]).includes(tripEnds)) throw new UsageError(`--trip-ends must be one of ${TRIP_ENDS.join(', ')}, got "${options.tripEnds}"`);
    if (!options.counts || options.counts.length === 0) throw new UsageError('--counts: give at least one counts file (.csv or SUMO .xml)');
    // Loaded here, not with the command line: other commands need no XML parser or estimator.
    ({ readCounts } = await import('../engine/io/counts/index.js'));
    loaded = await loadScenario(file);
    if (options.seed !== undefined) loaded.simulation.seed = options.seed;
    built = buildScenario(loaded);
    counts = resolveCounts(built.compiled, await readCounts(options.counts));
    if (counts.rows.length === 0) throw new UsageError(`--counts: ${options.counts.join(', ')} hold no counts`);
  } catch (error) {
    return fail(error, debug);
  }
  const seed = built.seeds[0];
  const out = options.out ?? path.join(await outputDirectory(file, built.outputs.dir, undefined, 'calibrate'), 'calibrated.scenario.json');
  const outDir = path.dirname(out);
  const log = (text: string): void => {
    if (options.quiet !== true) process.stderr.write(`${text}\n`);
  };
  if ((built.options.rerouteShare ?? 0) > 0) log(`greenwave: note: simulation.rerouteShare is ${built.options.rerouteShare}; vehicles that re-route leave the routes the calibration assigned them`);
  const prior = options.prior === false ? undefined : built.scenario.demand;
  const interrupt = interruptOnSigint('stopping the calibration');
  let result: CalibrationResult;
  try {
    log(`greenwave ${VERSION} — calibrating ${built.scenario.name} to ${counts.rows.length} counts at ${counts.locations.length} locations (seed ${seed})`);
    const { interval: _interval, ...simOptions } = built.options;
    void _interval;
    const { calibrate } = await import('../engine/optimise/calibrate/calibrate.js');
    result = await calibrate(built.compiled, counts, signalsFor(loaded, built) ?? built.signals, simOptions, prior, {
      seed,
      tripEnds,
      ...(options.iterations !== undefined ? { iterations: options.iterations } : {}),
      ...(options.fleetPenalty !== undefined ? { fleetPenalty: options.fleetPenalty } : {}),
      ...(options.priorWeight !== undefined ? { priorWeight: options.priorWeight } : {}),
      ...(options.time !== undefined ? { timeLimitS: options.time * 60 } : {}),
      signal: interrupt.signal,
      onProgress: (p) => {
        if (p.phase === 'prior') log('  simulating the scenario\'s own demand (the prior) ...');
        if (p.phase === 'estimate') log(`  iteration ${p.iteration}/${p.iterations}: estimating route flows (${num(p.columns)} route x slot columns so far) ...`);
        if (p.phase === 'simulated' && p.fit && p.trips !== undefined) {
          log(`  iteration ${p.iteration}/${p.iterations}: ${num(p.trips)} trips simulated: GEH < 5 for ${pct(p.fit.shareGehBelow5)} of counts, ${pct(p.fit.periodShareGehBelow5)} of totals; vehicles ${num(p.fit.totals.simulated)} / ${num(p.fit.totals.observed)} observed (${num(p.elapsedS, 1)} s)`);
        }
      },
    });
  } catch (error) {
    return fail(error, debug);
  } finally {
    interrupt.dispose();
  }
  const interrupted = result.stopReason === 'interrupted';
  if (result.best < 0) {
    process.stderr.write(`greenwave: interrupted before a calibrated demand was simulated; nothing written\n`);
    return 130;
  }
  const files = [out, path.join(outDir, 'calibration.csv'), path.join(outDir, 'calibration.json')];
  const summary = {
    greenwave: VERSION,
    scenario: built.scenario.name,
    scenarioFile: file,
    counts: options.counts,
    seed,
    tripEnds: result.tripEnds,
    stopReason: result.stopReason,
    interrupted,
    countsBegin: counts.begin,
    countsEnd: counts.end,
    slots: result.slots,
    trips: result.trips.length,
    background: result.background,
    bestIteration: result.iterations[result.best].iteration,
    fit: result.summary,
    before: result.before ?? null,
    consistency: result.consistency,
    iterations: result.iterations,
  };
  try {
    await writeAtomically(new Map([
      [files[0], calibratedScenario(built, file, outDir, result.trips, seed)],
      [files[1], calibrationCsv(result)],
      [files[2], `${JSON.stringify(summary, null, 2)}\n`],
    ]));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'ENOTDIR' || code === 'EEXIST' || code === 'EROFS' || code === 'EISDIR') {
      process.stderr.write(`greenwave: cannot write to ${outDir}: ${(error as Error).message}\n`);
      return 2;
    }
    throw error;
  }
  if (options.report && !interrupted) files.push(...await reportFiles(loaded, result.trips, seed, outDir));
  if (options.json) process.stdout.write(`${JSON.stringify({ ...summary, outputs: files }, null, 2)}\n`);
  else process.stdout.write(table(built, counts, result, files, seed, interrupted));
  if (interrupted) {
    process.stderr.write('greenwave: interrupted; the best finished iteration is written\n');
    return 130;
  }
  return 0;
}
