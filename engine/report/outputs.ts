/**
 * Output files of a run, for planners' tools:
 *   summary.json      network totals, gridlock, provenance (scenario, seed, version)
 *   trips.csv         one row per trip
 *   links.csv         one row per link, with its street name, other names and road class
 *   junctions.csv     position (lon/lat, else x/y metres), control delay (vehicles that
 *                     never got through counted) and HCM level of service per junction,
 *                     named after the streets that meet there
 *   timeseries.csv    one row per sample interval
 *   network.geojson   links as LineStrings through their shape points, with their names
 *                     and metrics, and junctions as Points with their level of service;
 *                     WGS84 (RFC 7946) when every junction has lon/lat, else planar
 *                     metres with no CRS named (metadata.json says how to load it)
 *   timing.csv        the signal timing sheet of the plan the run ran (timing.ts): per
 *                     junction and phase, cycle, offset, movements, green, yellow,
 *                     all-red; written when the caller gives the rows
 *   metadata.json     provenance (version, scenario, seed), units, coordinates, columns
 * CSV files follow RFC 4180 and their first line is the header row: they open in
 * Excel, QGIS and pandas without options. Units follow one convention (see
 * `metadata.ts`): SI with the unit in every name.
 *
 * Each file is written atomically (temporary name, flush, rename: see
 * `engine/text/atomic-file.ts`), through an {@link OutputSink} when the caller
 * keeps a run manifest (`output-dir.ts`, as the CLI does).
 */
import { join } from 'node:path';
import { ensureDirectory, writeFileAtomic } from '../text/atomic-file.js';
import type { CompiledNetwork } from '../network/compiled.js';
import { OUTPUT_FILE_NAMES } from './files.js';
import { isGeographic, junctionName, linkPolyline } from '../network/labels.js';
import { METADATA_FILE, outputMetadata, type Provenance } from './metadata.js';
import type { TripTable } from '../demand/demand.js';
import type { SimulationResult } from '../sim/simulate.js';
import { timingCsv, type TimingRow } from './timing.js';
import { csv } from './csv.js';

export { provenanceLine, type Provenance } from './metadata.js';

export { csv, csvField, csvNumber } from './csv.js';

/** The summary written to summary.json (and printed by `--json`). */
export function summaryOf(net: CompiledNetwork, result: SimulationResult, provenance: Provenance): Record<string, unknown> {
  return {
    greenwave: provenance.version,
    scenario: provenance.scenario,
    seed: provenance.seed,
    network: { junctions: net.junctionCount, links: net.linkCount, movements: net.movementCount, drivingSide: net.drivingSide },
    endTime: result.endTime,
    totals: result.network,
    gridlock: result.gridlock ?? null,
  };
}

function* tripRows(trips: TripTable, net: CompiledNetwork, r: SimulationResult): Generator<Array<string | number>> {
  const t = r.trips;
  for (let v = 0; v < trips.count; v++) {
    yield [trips.ids[v], trips.depart[v], net.junctionKey(trips.origin[v]), net.junctionKey(trips.destination[v]), t.inserted[v], t.arrived[v], t.travelTime[v], t.delay[v], t.waitingTime[v], t.stops[v], t.routeLength[v], t.departDelay[v], Number.isNaN(t.arrived[v]) ? 0 : 1];
  }
}

/** Other names of a link as one CSV field: `pt: Avenida ...; zh: ...`. */
function otherNames(net: CompiledNetwork, l: number): string {
  return Object.entries(net.linkOtherNames(l)).map(([lang, name]) => `${lang}: ${name}`).join('; ');
}

function* linkRows(net: CompiledNetwork, r: SimulationResult): Generator<Array<string | number>> {
  for (let l = 0; l < net.linkCount; l++) {
    yield [net.linkKey(l), net.junctionKey(net.linkFrom[l]), net.junctionKey(net.linkTo[l]), net.linkLength[l], net.linkLanes[l], net.linkSpeed[l], r.links.entered[l], r.links.left[l], r.links.meanTravelTime[l], r.links.meanQueue[l], r.links.maxQueue[l], net.linkName(l) ?? '', otherNames(net, l), net.linkRoadClass(l) ?? ''];
  }
}

function* junctionRows(net: CompiledNetwork, r: SimulationResult, geographic: boolean): Generator<Array<string | number>> {
  for (let j = 0; j < net.junctionCount; j++) {
    yield [
      net.junctionKey(j), junctionName(net, j) ?? '', net.control(j), ...junctionPosition(net, j, geographic),
      r.junctions.vehicles[j], r.junctions.stuck[j], r.junctions.blocked[j], r.junctions.controlDelay[j], r.junctions.levelOfService[j],
    ];
  }
}

/** The header of junctions.csv: lon/lat columns for a geographic network, else x_m/y_m. */
export function junctionsHeader(geographic: boolean): string[] {
  return ['id', 'name', 'control', ...(geographic ? ['lon', 'lat'] : ['x_m', 'y_m']), 'vehicles', 'stuck_veh', 'blocked', 'control_delay_s', 'los'];
}

/** A junction's [lon, lat] (degrees) on a geographic network, else its planar [x, y] (m). */
function junctionPosition(net: CompiledNetwork, j: number, geographic: boolean): [number, number] {
  return geographic ? [net.junctionLon[j], net.junctionLat[j]] : [net.junctionX[j], net.junctionY[j]];
}

/**
 * Links (LineStrings, `kind: "link"`) with their metrics and junctions (Points,
 * `kind: "junction"`) with their level of service, as a GeoJSON
 * FeatureCollection: WGS84 lon/lat without a `crs` member (RFC 7946) when every
 * junction has lon/lat, else planar metres, also without a `crs` member (there
 * is no CRS to name; `greenwave.coordinates` and metadata.json say it is
 * planar). Numbers in SI units with the unit in the name.
 */
export function networkGeoJson(net: CompiledNetwork, r: SimulationResult, provenance: Provenance): Record<string, unknown> {
  const geographic = isGeographic(net);
  const features = [];
  for (let l = 0; l < net.linkCount; l++) {
    const mtt = r.links.meanTravelTime[l];
    const name = net.linkName(l);
    const names = net.linkOtherNames(l);
    const roadClass = net.linkRoadClass(l);
    features.push({
      type: 'Feature',
      geometry: { type: 'LineString', coordinates: linkPolyline(net, l, geographic) },
      properties: {
        kind: 'link',
        id: net.linkKey(l),
        from: net.junctionKey(net.linkFrom[l]),
        to: net.junctionKey(net.linkTo[l]),
        ...(name === undefined ? {} : { name }),
        ...(Object.keys(names).length === 0 ? {} : { names }),
        ...(roadClass === undefined ? {} : { roadClass }),
        lengthM: net.linkLength[l],
        lanes: net.linkLanes[l],
        speedMPerS: net.linkSpeed[l],
        entered: r.links.entered[l],
        meanTravelTimeS: Number.isNaN(mtt) ? null : mtt,
        speedRatio: Number.isNaN(mtt) || mtt <= 0 ? null : net.linkFreeFlowTime[l] / mtt,
        meanQueue: r.links.meanQueue[l],
        maxQueue: r.links.maxQueue[l],
      },
    });
  }
  for (let j = 0; j < net.junctionCount; j++) {
    const name = junctionName(net, j);
    const d = r.junctions.controlDelay[j];
    features.push({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: junctionPosition(net, j, geographic) },
      properties: {
        kind: 'junction',
        id: net.junctionKey(j),
        ...(name === undefined ? {} : { name }),
        control: net.control(j),
        vehicles: r.junctions.vehicles[j],
        stuckVehicles: r.junctions.stuck[j],
        blocked: r.junctions.blocked[j] === 1,
        controlDelayS: Number.isNaN(d) ? null : d,
        los: r.junctions.levelOfService[j] || null,
      },
    });
  }
  return {
    type: 'FeatureCollection',
    greenwave: { version: provenance.version, scenario: provenance.scenario, seed: provenance.seed, coordinates: geographic ? 'wgs84-lon-lat' : 'planar-metres' },
    features,
  };
}

/** Names of the files {@link writeOutputs} can write (the list a scenario's `outputs.files` names from). */
export { OUTPUT_FILE_NAMES };

/** Where output files go: `write(name, data)` writes one (atomically) and returns its path. */
export interface OutputSink {
  write(name: string, data: string): Promise<string>;
}

/** A sink writing atomically into `dir` (created if needed), without a manifest. */
export function directorySink(dir: string): OutputSink {
  let ready: Promise<void> | undefined;
  return {
    async write(name, data) {
      await (ready ??= ensureDirectory(dir));
      const file = join(dir, name);
      await writeFileAtomic(file, data);
      return file;
    },
  };
}

/**
 * Write the output files into `dir` (created if needed), each atomically: all
 * of them, or those named in `only`. `summary` replaces the default
 * summary.json content (the CLI adds replications to it); `sink` writes them
 * instead (the CLI's run manifest). metadata.json is written beside them,
 * describing them and `extraFiles` (files the caller writes besides, such as
 * the report recorders'). timing.csv is written from `timing` (the rows of
 * the plan the run ran, `runTimingRows`); without them it is not written.
 * Returns the paths written.
 * @throws OutputError when a file cannot be written (disk full, permissions, a directory in the way).
 */
export async function writeOutputs(
  dir: string, net: CompiledNetwork, trips: TripTable, result: SimulationResult, provenance: Provenance,
  only?: readonly string[], summary?: Record<string, unknown>, sink: OutputSink = directorySink(dir), extraFiles?: readonly string[],
  timing?: readonly TimingRow[],
): Promise<string[]> {
  const geographic = isGeographic(net);
  const files: Array<[string, string]> = [
    ['summary.json', `${JSON.stringify(summary ?? summaryOf(net, result, provenance), null, 2)}\n`],
    ['trips.csv', csv(['id', 'depart_s', 'origin', 'destination', 'inserted_s', 'arrived_s', 'travel_time_s', 'delay_s', 'waiting_s', 'stops', 'route_length_m', 'depart_delay_s', 'finished'], tripRows(trips, net, result))],
    ['links.csv', csv(['id', 'from', 'to', 'length_m', 'lanes', 'speed_m_s', 'entered', 'left', 'mean_travel_time_s', 'mean_queue_veh', 'max_queue_veh', 'name', 'other_names', 'road_class'], linkRows(net, result))],
    ['junctions.csv', csv(junctionsHeader(geographic), junctionRows(net, result, geographic))],
    ['timeseries.csv', csv(['time_s', 'in_network', 'waiting', 'queued', 'departed', 'arrived', 'mean_travel_time_s'], result.timeseries.map((s) => [s.time, s.inNetwork, s.waiting, s.queued, s.departed, s.arrived, s.meanTravelTime]))],
    ['network.geojson', `${JSON.stringify(networkGeoJson(net, result, provenance))}\n`],
    ...(timing === undefined ? [] : [['timing.csv', timingCsv(timing)] as [string, string]]),
  ];
  const written: string[] = [];
  const names: string[] = [];
  for (const [name, text] of files) {
    if (only && !only.includes(name)) continue;
    written.push(await sink.write(name, text));
    names.push(name);
  }
  // The sidecar with provenance, units and coordinates, beside any file but summary.json (which carries its own).
  if (names.some((n) => n !== 'summary.json')) written.push(await sink.write(METADATA_FILE, `${JSON.stringify(outputMetadata(net, provenance, 'run', [...names, ...(extraFiles ?? [])]), null, 2)}\n`));
  return written;
}
