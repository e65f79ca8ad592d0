/**
 * Output files of the report recorders (`recorders/`), written beside a run's
 * other outputs when a report is asked for:
 *   junction-timeseries.csv  per interval and junction: vehicles passed, mean and
 *                            maximum queued vehicles, mean control delay (s)
 *   link-flows.csv           per link: share of green (signalised approaches), capacity
 *                            (lanes x saturation flow x green share) and the busiest
 *                            interval's entry flow, both veh/h, and their ratio
 *   corridor.json            trajectories along the corridor, both directions, on one
 *                            distance axis (m from the corridor's first junction), with
 *                            the signal changes of the movements along it
 * The CSV files start with their header row; provenance is in metadata.json.
 */
import type { CompiledNetwork } from '../network/compiled.js';
import { routeStreet } from '../network/labels.js';
import type { TripTable } from '../demand/demand.js';
import type { JunctionSeriesResult } from './recorders/junction-series.js';
import type { CorridorTraceResult } from './recorders/corridor-trace.js';
import type { CorridorPlan } from './recorders/corridor.js';
import { csv, directorySink, type OutputSink, type Provenance } from './outputs.js';

/** Names of the files {@link writeRecordings} may write. */
export const RECORDING_FILE_NAMES = ['junction-timeseries.csv', 'link-flows.csv', 'corridor.json'] as const;

const r1 = (v: number): number | null => (Number.isFinite(v) ? Math.round(v * 10) / 10 : null);

/**
 * Junctions through which some movement passes, in index order: the junctions
 * junction-timeseries.csv (and the report's junction charts) cover.
 */
export function passableJunctions(net: CompiledNetwork): number[] {
  const passable: number[] = [];
  for (let j = 0; j < net.junctionCount; j++) {
    let any = false;
    for (let i = net.junctionInOffsets[j]; i < net.junctionInOffsets[j + 1] && !any; i++) {
      const l = net.junctionInLinks[i];
      any = net.movementOffsets[l + 1] > net.movementOffsets[l];
    }
    if (any) passable.push(j);
  }
  return passable;
}

/** junction-timeseries.csv: junctions through which some movement passes, every interval. */
export function junctionSeriesCsv(net: CompiledNetwork, series: JunctionSeriesResult): string {
  const passable = passableJunctions(net);
  const n = series.junctionCount;
  function* rows(): Generator<Array<string | number>> {
    for (let t = 0; t < series.times.length; t++) {
      for (const j of passable) {
        const k = t * n + j;
        yield [series.times[t], net.junctionKey(j), series.vehicles[k], series.meanQueued[k], series.maxQueued[k], series.controlDelay[k]];
      }
    }
  }
  return csv(['time_s', 'junction', 'vehicles', 'mean_queued_veh', 'max_queued_veh', 'control_delay_s'], rows());
}

/** One row of link-flows.csv. */
export interface LinkFlow {
  /** Share of the run the link's movements showed green (1 off-signal). */
  greenShare: number;
  /** Lanes x saturation flow x green share, veh/h. */
  capacityVehH: number;
  /** Entry flow of the busiest full interval, veh/h. */
  peakFlowVehH: number;
  /** End of that interval, s (NaN if nothing entered). */
  peakIntervalEnd: number;
  /** Peak flow / capacity (NaN without capacity). */
  peakVc: number;
}

/** Capacity and peak-interval flow of link `l` (a row of link-flows.csv). */
export function linkFlow(net: CompiledNetwork, series: JunctionSeriesResult, l: number): LinkFlow {
  const greenShare = series.linkGreenShare[l];
  const capacityVehH = net.linkLanes[l] * net.linkSaturationFlow[l] * 3600 * greenShare;
  const peakFlowVehH = series.linkPeakFlow[l] * 3600;
  return { greenShare, capacityVehH, peakFlowVehH, peakIntervalEnd: series.linkPeakTime[l], peakVc: capacityVehH > 0 ? peakFlowVehH / capacityVehH : NaN };
}

/** link-flows.csv: capacity and peak-interval flow of every link. */
export function linkFlowsCsv(net: CompiledNetwork, series: JunctionSeriesResult): string {
  function* rows(): Generator<Array<string | number>> {
    for (let l = 0; l < net.linkCount; l++) {
      const f = linkFlow(net, series, l);
      yield [net.linkKey(l), f.greenShare, f.capacityVehH, f.peakFlowVehH, f.peakIntervalEnd, f.peakVc];
    }
  }
  return csv(['id', 'green_share', 'capacity_veh_h', 'peak_flow_veh_h', 'peak_interval_end_s', 'peak_vc'], rows());
}

/** The corridor.json object (see the module header). */
export function corridorJson(
  net: CompiledNetwork, trips: TripTable, plan: CorridorPlan, trace: CorridorTraceResult, provenance: Provenance, window: { start: number; end: number },
): Record<string, unknown> {
  // Junction positions along the forward path.
  const at = new Map<number, number>();
  let pos = 0;
  at.set(net.linkFrom[plan.forward[0]], 0);
  for (const l of plan.forward) { pos += net.linkLength[l]; at.set(net.linkTo[l], pos); }
  // Named after the street carrying most of it, when the network has names: "Av. Almeida Ribeiro, n12 to n40".
  const named = (links: ArrayLike<number>): string => {
    const street = routeStreet(net, links);
    return `${street === undefined ? '' : `${street}, `}${net.junctionKey(net.linkFrom[links[0]])} to ${net.junctionKey(net.linkTo[links[links.length - 1]])}`;
  };
  const directions = [
    { name: named(plan.forward), links: plan.forward },
    ...(plan.reverse.length > 0 ? [{ name: named(plan.reverse), links: plan.reverse }] : []),
  ];
  // Trace positions: forward links first, then reverse (as the trace was built).
  const traceIndex = new Map<number, { direction: number; index: number }>();
  let k = 0;
  directions.forEach((d, di) => d.links.forEach((l, i) => traceIndex.set(k++, { direction: di, index: i })));
  const out = directions.map((d) => ({
    name: d.name,
    links: Array.from(d.links, (l) => ({
      id: net.linkKey(l), from: net.junctionKey(net.linkFrom[l]), to: net.junctionKey(net.linkTo[l]),
      lengthM: r1(net.linkLength[l]), fromM: r1(at.get(net.linkFrom[l]) ?? NaN), toM: r1(at.get(net.linkTo[l]) ?? NaN), freeFlowS: r1(net.linkFreeFlowTime[l]),
    })),
    signals: [] as Array<{ junction: string; atM: number | null; changes: Array<[number, number]> }>,
    vehicles: [] as Array<{ trip: string; visits: Array<[number, number, number | null, number | null]> }>,
  }));
  // Signals: one entry per watched movement, in the direction whose link it leaves.
  const movementSignal = new Map<number, { direction: number; entry: { junction: string; atM: number | null; changes: Array<[number, number]> } }>();
  plan.movements.forEach((e, i) => {
    const from = net.movementFrom[e];
    const direction = directions.findIndex((d) => d.links.includes(from));
    const entry = { junction: net.junctionKey(net.linkTo[from]), atM: r1(at.get(net.linkTo[from]) ?? NaN), changes: [] as Array<[number, number]> };
    out[direction].signals.push(entry);
    movementSignal.set(i, { direction, entry });
  });
  const { signals } = trace;
  for (let s = 0; s < signals.movement.length; s++) {
    const m = movementSignal.get(signals.movement[s]);
    if (m) m.entry.changes.push([r1(signals.time[s]) as number, signals.state[s]]);
  }
  // Vehicles, in order of their first visit, per direction.
  const byVehicle = new Map<string, { trip: string; visits: Array<[number, number, number | null, number | null]> }>();
  for (let i = 0; i < trace.vehicle.length; i++) {
    const where = traceIndex.get(trace.position[i]);
    if (!where) continue;
    const key = `${where.direction}:${trace.vehicle[i]}`;
    let v = byVehicle.get(key);
    if (!v) {
      v = { trip: trips.ids[trace.vehicle[i]], visits: [] };
      byVehicle.set(key, v);
      out[where.direction].vehicles.push(v);
    }
    v.visits.push([where.index, r1(trace.enter[i]) as number, r1(trace.stopLine[i]), r1(trace.exit[i])]);
  }
  return {
    greenwave: provenance.version, scenario: provenance.scenario, seed: provenance.seed,
    start: window.start, end: window.end,
    directions: out,
    omittedVehicles: trace.omitted,
  };
}

/** What {@link writeRecordings} writes. */
export interface Recordings {
  /** Per-junction series and per-link flows (`JunctionSeries.result()`): junction-timeseries.csv and link-flows.csv. */
  series?: JunctionSeriesResult;
  /** The corridor watched and its trajectories (`CorridorTrace.result()`): corridor.json. */
  corridor?: { plan: CorridorPlan; trace: CorridorTraceResult };
  /** Start of the run, s. */
  start: number;
  /** End of the run, s. */
  end: number;
}

/** Write the recordings present into `dir` (atomically; through `sink` when given); returns the paths written. */
export async function writeRecordings(
  dir: string, net: CompiledNetwork, trips: TripTable, recordings: Recordings, provenance: Provenance, sink: OutputSink = directorySink(dir),
): Promise<string[]> {
  const files: Array<[string, string]> = [];
  if (recordings.series) {
    files.push(['junction-timeseries.csv', junctionSeriesCsv(net, recordings.series)]);
    files.push(['link-flows.csv', linkFlowsCsv(net, recordings.series)]);
  }
  if (recordings.corridor) {
    const json = corridorJson(net, trips, recordings.corridor.plan, recordings.corridor.trace, provenance, recordings);
    files.push(['corridor.json', `${JSON.stringify(json)}\n`]);
  }
  const written: string[] = [];
  for (const [name, text] of files) written.push(await sink.write(name, text));
  return written;
}
