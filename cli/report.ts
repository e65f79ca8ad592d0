/**
 * The report side of the CLI: `greenwave report <dir>` renders an outputs
 * directory as one self-contained HTML file, and `run --report` records what
 * the report needs beyond the run's usual files (per-junction series, link
 * peak flows, corridor trajectories) and then writes the report beside them.
 * The recorders are attached only when a report is asked for, so plain runs
 * do not pay for them.
 *
 * `greenwave report` renders one run only: the directory's manifest must say its
 * run finished and every file must be the one it recorded (or, for outputs
 * without a manifest, every file must name the same scenario and seed); the
 * junctions asked for must exist; an existing page is replaced only with
 * --force (or when it is the report.html the directory's run recorded).
 */
import { lstat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { CompiledNetwork } from '../engine/network/compiled.js';
import type { TripTable } from '../engine/demand/demand.js';
import type { Simulation } from '../engine/sim/simulation.js';
import { CorridorTrace, JunctionSeries, corridorPlan, defaultCorridor, type CorridorPlan } from '../engine/sim/junction-series.js';
import { createRouter } from '../engine/routing/router.js';
import { GreenwaveError, OutputError, UsageError } from '../engine/errors.js';
import type { OutputSink, Provenance } from '../engine/report/outputs.js';
import { writeRecordings } from '../engine/report/html/recordings.js';
import { renderReport, renderReportHtml, type ReportOptions } from '../engine/report/html/render.js';
import { REPORT_INPUT_FILES, loadReportData, type ReportData } from '../engine/report/html/data.js';
import { checkRunFiles, readManifest, recordInManifest, parseProvenanceLine, type FileProvenance } from '../engine/report/output-dir.js';
import { ensureDirectory, shownPath, writeFileAtomic } from '../engine/text/atomic-file.js';

/** Options of {@link reportRecorders}. */
export interface RecorderOptions {
  /** Run window and time-series interval, s. */
  start: number;
  end: number;
  interval?: number;
  /** Corridor as "FROM:TO" junction ids (default: the route of the busiest origin-destination pair). */
  corridor?: string;
}

/** Recorders for one run: attach them with `simulate(..., { attach })`, write their files after it. */
export interface ReportRecorders {
  attach: (sim: Simulation) => void;
  write: (dir: string, provenance: Provenance, sink?: OutputSink) => Promise<string[]>;
}

function resolveCorridor(net: CompiledNetwork, trips: TripTable, spec: string | undefined): CorridorPlan | undefined {
  let path: Int32Array;
  if (spec === undefined) {
    path = defaultCorridor(net, trips);
    if (path.length === 0) return undefined;
  } else {
    const parts = spec.split(':');
    if (parts.length !== 2 || parts[0] === '' || parts[1] === '') throw new UsageError(`--corridor: expected FROM:TO (two junction ids), got "${spec}"`);
    const [from, to] = parts.map((id) => {
      const j = net.junctionIndex(id);
      if (j < 0) throw new UsageError(`--corridor: no junction "${id}" in the network`);
      return j;
    });
    const router = createRouter(net);
    if (!Number.isFinite(router.route(from, to))) throw new UsageError(`--corridor: no route from "${parts[0]}" to "${parts[1]}"`);
    path = Int32Array.from(router.lastPath());
    if (path.length === 0) throw new UsageError(`--corridor: "${parts[0]}" and "${parts[1]}" are the same junction`);
  }
  return corridorPlan(net, path);
}

/**
 * Build the report recorders for a run of `trips` on `net`.
 * @throws UsageError for a bad `corridor` (unknown junction, no route).
 */
export function reportRecorders(net: CompiledNetwork, trips: TripTable, options: RecorderOptions): ReportRecorders {
  const plan = resolveCorridor(net, trips, options.corridor);
  let series: JunctionSeries | undefined;
  let trace: CorridorTrace | undefined;
  return {
    attach(sim) {
      series = new JunctionSeries(net, trips, { start: options.start, end: options.end, interval: options.interval, signalStates: sim.signal });
      sim.observe(series);
      if (plan) {
        trace = new CorridorTrace(net, trips, [...plan.forward, ...plan.reverse], { movements: plan.movements, signalStates: sim.signal, start: options.start });
        sim.observe(trace);
      }
    },
    async write(dir, provenance, sink) {
      return writeRecordings(dir, net, trips, {
        start: options.start,
        end: options.end,
        ...(series ? { series: series.result() } : {}),
        ...(plan && trace ? { corridor: { plan, trace: trace.result() } } : {}),
      }, provenance, sink);
    },
  };
}

/**
 * Render the report of `dir` into `out` (default `dir/report.html`), written
 * atomically (through `sink` when given, for a run writing its manifest);
 * returns the path and size in bytes.
 */
export async function writeReport(dir: string, out?: string, options: ReportOptions = {}, sink?: OutputSink): Promise<{ path: string; bytes: number }> {
  const page = await renderReport(dir, options);
  let path = out ?? join(dir, 'report.html');
  if (sink && out === undefined) path = await sink.write('report.html', page);
  else await writeFileAtomic(path, page);
  return { path, bytes: Buffer.byteLength(page) };
}

/** Options of `greenwave report`. */
export interface ReportCommandOptions {
  out?: string;
  junction?: string[];
  /** Replace an existing page. */
  force?: boolean;
  debug?: boolean;
}

/** Scenario and seed each file of `data` records. */
function provenanceOf(data: ReportData): Record<string, FileProvenance> {
  const out: Record<string, FileProvenance> = {};
  for (const [file, line] of Object.entries(data.provenance)) out[file] = parseProvenanceLine(line);
  if (data.summary) out['summary.json'] = { scenario: data.summary.scenario, seed: data.summary.seed };
  return out;
}

/** The junction ids `data` knows (its per-junction files), or undefined when it has none. */
function knownJunctions(data: ReportData): Set<string> | undefined {
  if (data.junctionSeries === undefined && data.junctions === undefined) return undefined;
  return new Set([...(data.junctionSeries?.keys() ?? []), ...(data.junctions ?? []).map((j) => j.id)]);
}

/** `greenwave report <dir>`: resolves to the exit code (2 for a user mistake). */
export async function reportCommand(dir: string, options: ReportCommandOptions): Promise<number> {
  let written: { path: string; bytes: number };
  try {
    const info = await lstat(dir).catch(() => undefined);
    if (info !== undefined && !info.isDirectory() && !info.isSymbolicLink()) throw new UsageError(`${shownPath(dir)}: is not a directory (give the outputs directory of a run or an optimisation)`);
    const data = await loadReportData(dir);
    const problems = await checkRunFiles(dir, REPORT_INPUT_FILES, provenanceOf(data));
    if (problems.length > 0) {
      throw new UsageError(`${shownPath(dir)} does not hold the files of one finished run, so a report would mix or misstate them:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    }
    if (options.junction !== undefined) {
      const known = knownJunctions(data);
      const unknown = options.junction.filter((id) => !known?.has(id));
      if (unknown.length > 0) {
        const some = [...(known ?? [])].slice(0, 8);
        throw new UsageError(`--junction: no junction ${unknown.map((id) => `"${id.slice(0, 80)}"`).join(', ')} in ${shownPath(dir)}${some.length > 0 ? ` (its junctions include ${some.join(', ')}${(known?.size ?? 0) > some.length ? ', ...' : ''})` : ' (it has no per-junction files: run with --report)'}`);
      }
    }
    const target = options.out ?? join(dir, 'report.html');
    const own = options.out === undefined || resolve(dirname(options.out)) === resolve(dir) ? (await readManifest(dir))?.files['report.html'] !== undefined : false;
    const existing = await lstat(target).catch(() => undefined);
    if (existing?.isDirectory()) throw new OutputError(shownPath(target), 'is a directory: give the path of the page to write');
    if (existing !== undefined && !own && options.force !== true) {
      throw new OutputError(shownPath(target), 'already exists; add --force to replace it, or give another file with -o');
    }
    const page = renderReportHtml(data, options.junction ? { junctions: options.junction } : {});
    await ensureDirectory(dirname(target));
    await writeFileAtomic(target, page);
    if (resolve(dirname(target)) === resolve(dir)) await recordInManifest(dir, target.slice(dirname(target).length + 1), page);
    written = { path: target, bytes: Buffer.byteLength(page) };
  } catch (error) {
    if (!(error instanceof GreenwaveError)) throw error;
    process.stderr.write(`greenwave: ${error.message}\n`);
    if (options.debug) process.stderr.write(`${error.stack}\n`);
    return 2;
  }
  const { path, bytes } = written;
  process.stdout.write(`${path} (${(bytes / 1024).toLocaleString('en', { maximumFractionDigits: 0 })} KB)\n`);
  return 0;
}
