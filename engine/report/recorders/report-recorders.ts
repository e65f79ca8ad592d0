/**
 * The recorders a report needs for one run, built and attached together:
 * a `JunctionSeries` always, and a `CorridorTrace` along a corridor (the one
 * given, else `defaultCorridor`'s). They are attached only when a report is
 * asked for, so plain runs do not pay for them. After the run, `recordings()`
 * is what they saw: write it with `writeRecordings` and hand it to the report
 * (`runReportData`) without reading the files back.
 */
import type { CompiledNetwork } from '../../network/compiled.js';
import type { TripTable } from '../../demand/demand.js';
import type { Simulation } from '../../sim/simulation.js';
import type { Provenance } from '../outputs.js';
import { writeRecordings, type Recordings } from '../recordings.js';
import { JunctionSeries } from './junction-series.js';
import { CorridorTrace } from './corridor-trace.js';
import { corridorPlan, defaultCorridor, type CorridorPlan } from './corridor.js';

/** Options of {@link reportRecorders}. */
export interface ReportRecorderOptions {
  /** Start of the run, s. */
  start: number;
  /** End of the run, s. */
  end: number;
  /** Time-series interval, s. Default 300. */
  interval?: number;
  /**
   * Corridor of the time-space diagram: link indices in driving order (e.g. from
   * `corridorRoute`). Default: `defaultCorridor(net, trips)`; none when that finds no route.
   */
  corridor?: ArrayLike<number>;
}

/** Recorders for one run: attach them with `simulate(..., { attach })`, then take their recordings. */
export interface ReportRecorders {
  /** Register the recorders on a simulation (pass as `simulate`'s `attach` option). */
  attach: (sim: Simulation) => void;
  /** What they recorded; call after the run. */
  recordings: () => Recordings;
  /** Write the recordings into `dir` (`writeRecordings`); resolves to the paths written. */
  write: (dir: string, provenance: Provenance) => Promise<string[]>;
}

/**
 * Build the report recorders for a run of `trips` on `net`.
 * @throws UsageError when `options.corridor` is not a path of links joined by permitted turns.
 */
export function reportRecorders(net: CompiledNetwork, trips: TripTable, options: ReportRecorderOptions): ReportRecorders {
  const path = options.corridor !== undefined ? Int32Array.from(options.corridor) : defaultCorridor(net, trips);
  const plan: CorridorPlan | undefined = path.length > 0 ? corridorPlan(net, path) : undefined;
  let series: JunctionSeries | undefined;
  let trace: CorridorTrace | undefined;
  const recordings = (): Recordings => ({
    start: options.start,
    end: options.end,
    ...(series ? { series: series.result() } : {}),
    ...(plan && trace ? { corridor: { plan, trace: trace.result() } } : {}),
  });
  return {
    attach(sim) {
      series = new JunctionSeries(net, trips, { start: options.start, end: options.end, interval: options.interval, signalStates: sim.signal });
      sim.observe(series);
      if (plan) {
        trace = new CorridorTrace(net, trips, [...plan.forward, ...plan.reverse], { movements: plan.movements, signalStates: sim.signal, start: options.start });
        sim.observe(trace);
      }
    },
    recordings,
    write: (dir, provenance) => writeRecordings(dir, net, trips, recordings(), provenance),
  };
}
