/**
 * The report side of the CLI: `greenwave report <dir>` renders an outputs
 * directory as one self-contained HTML file, and `run --report` records what
 * the report needs beyond the run's usual files (per-junction series, link
 * peak flows, corridor trajectories) and then writes the report beside them.
 * The recorders are attached only when a report is asked for, so plain runs
 * do not pay for them.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CompiledNetwork } from '../engine/network/compiled.js';
import type { TripTable } from '../engine/demand/demand.js';
import type { Simulation } from '../engine/sim/simulation.js';
import { CorridorTrace, JunctionSeries, corridorPlan, defaultCorridor, type CorridorPlan } from '../engine/sim/junction-series.js';
import { createRouter } from '../engine/routing/router.js';
import { UsageError } from '../engine/errors.js';
import type { Provenance } from '../engine/report/outputs.js';
import { writeRecordings } from '../engine/report/html/recordings.js';
import { renderReport, type ReportOptions } from '../engine/report/html/render.js';

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
  write: (dir: string, provenance: Provenance) => Promise<string[]>;
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
    async write(dir, provenance) {
      return writeRecordings(dir, net, trips, {
        start: options.start,
        end: options.end,
        ...(series ? { series: series.result() } : {}),
        ...(plan && trace ? { corridor: { plan, trace: trace.result() } } : {}),
      }, provenance);
    },
  };
}

/** Render the report of `dir` into `out` (default `dir/report.html`); returns the path and size in bytes. */
export async function writeReport(dir: string, out?: string, options: ReportOptions = {}): Promise<{ path: string; bytes: number }> {
  const page = await renderReport(dir, options);
  const path = out ?? join(dir, 'report.html');
  await writeFile(path, page);
  return { path, bytes: Buffer.byteLength(page) };
}

/** Options of `greenwave report`. */
export interface ReportCommandOptions {
  out?: string;
  junction?: string[];
  debug?: boolean;
}

/** `greenwave report <dir>`: resolves to the exit code (2 for a user mistake). */
export async function reportCommand(dir: string, options: ReportCommandOptions): Promise<number> {
  let written: { path: string; bytes: number };
  try {
    written = await writeReport(dir, options.out, options.junction ? { junctions: options.junction } : {});
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR' || code === 'EROFS') {
      process.stderr.write(`greenwave: cannot write the report: ${(error as Error).message}\n`);
      return 2;
    }
    throw error;
  }
  const { path, bytes } = written;
  process.stdout.write(`${path} (${(bytes / 1024).toLocaleString('en', { maximumFractionDigits: 0 })} KB)\n`);
  return 0;
}
