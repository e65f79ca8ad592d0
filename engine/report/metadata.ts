/**
 * metadata.json: the sidecar that says who wrote an output directory's files
 * and how to read them, so the files themselves stay plain. Every CSV starts
 * with its header row (Excel, QGIS, pandas and R open it without options); the
 * provenance (greenwave version, scenario, seed) that CSVs of earlier versions
 * carried in a `#` first line is here instead, with:
 *
 *  - the unit convention: files are for machines, in SI units with the unit in
 *    every name (`length_m`, `speed_m_s`, `time_s`, `lengthM`, `speedMPerS`);
 *    times are seconds since midnight of the simulated day. Pages and terminal
 *    tables are for people: km/h and clock times (`07:45:00`);
 *  - the coordinates of the geometry files: WGS84 longitude/latitude (degrees,
 *    EPSG:4326, RFC 7946 GeoJSON without a `crs` member) when every junction has
 *    lon/lat; otherwise planar x/y metres in the network's own frame, which has
 *    no geographic reference: no CRS is named for it (an invented name would be
 *    read by GDAL as degrees, or rejected), and `qgis` says how to load it;
 *  - every file's columns with their units (`FILE_CATALOGUE`).
 */
import type { CompiledNetwork } from '../network/compiled.js';
import { isGeographic } from '../network/labels.js';

/** Name of the sidecar. */
export const METADATA_FILE = 'metadata.json';

/** Who produced an output: recorded in metadata.json (and summary.json). */
export interface Provenance {
  /** Scenario name or file. */
  scenario: string;
  /** Seed of the run. */
  seed: number;
  /** greenwave version. */
  version: string;
}

/** The provenance as one line: `greenwave 0.1.0; scenario corridor; seed 8` (the form `parseProvenanceLine` reads). */
export function provenanceLine(provenance: Provenance): string {
  return `greenwave ${provenance.version}; scenario ${provenance.scenario}; seed ${provenance.seed}`;
}

/** The unit convention, as metadata.json states it. */
export const UNIT_CONVENTION = {
  files: 'SI units with the unit in every column or property name: m, s, m/s (_m_s, MPerS), veh, veh/h (_veh_h); times in seconds since midnight of the simulated day',
  people: 'the HTML report and the terminal tables show km/h and clock times (hh:mm:ss)',
} as const;

/** How to load planar coordinates in QGIS (and GDAL). */
export const PLANAR_QGIS_NOTE = 'Planar x/y metres in the network\'s own frame, with no geographic reference, so the GeoJSON names no CRS. GDAL assumes WGS84 degrees for a GeoJSON without one: in QGIS, after adding the layer, set its CRS (Layer > Set CRS of Layer(s), or Layer Properties > Source) to "No CRS" (QGIS 3.20 or later) or to any projected CRS in metres; lengths then read in metres. Do not overlay it on a base map: its position on the globe is unknown.';

/** Columns (with units) of every file greenwave writes, by file name. */
export const FILE_CATALOGUE: Readonly<Record<string, { description: string; columns?: Readonly<Record<string, string>> }>> = {
  'summary.json': { description: 'network totals of the run (totals: all-trips means count unfinished trips to the scheduled end; finished-only means do not), gridlock, replications' },
  'trips.csv': {
    description: 'one row per trip',
    columns: {
      id: 'trip id', depart_s: 'planned departure, s since midnight', origin: 'junction id', destination: 'junction id', inserted_s: 'entered the network, s (empty: never)',
      arrived_s: 'arrival, s (empty: unfinished)', travel_time_s: 'arrival - insertion, s (finished trips)', delay_s: 'travel time - free-flow time, s (finished trips)',
      waiting_s: 'time queued at stop lines, s', stops: 'waits longer than the stop threshold', route_length_m: 'length of the links completed, m',
      depart_delay_s: 'insertion - planned departure, s', finished: '1 arrived, 0 unfinished',
    },
  },
  'links.csv': {
    description: 'one row per link',
    columns: {
      id: 'link id', from: 'upstream junction id', to: 'downstream junction id', length_m: 'm', lanes: 'lanes', speed_m_s: 'free-flow speed, m/s', entered: 'vehicles', left: 'vehicles',
      mean_travel_time_s: 's', mean_queue_veh: 'time-weighted mean vehicles queued', max_queue_veh: 'vehicles', name: 'street name', other_names: 'lang: name; ...', road_class: 'OSM highway class or similar',
    },
  },
  'junctions.csv': {
    description: 'one row per junction, with its position and HCM level of service',
    columns: {
      id: 'junction id', name: 'the streets that meet there', control: 'signal, priority or uncontrolled', lon: 'WGS84 longitude, degrees (geographic networks)', lat: 'WGS84 latitude, degrees (geographic networks)',
      x_m: 'planar x, m (networks without lon/lat)', y_m: 'planar y, m (networks without lon/lat)', vehicles: 'vehicles that passed', stuck_veh: 'vehicles still queued at its stop lines at the end: they never got through',
      blocked: '1 when the gridlock report names it', control_delay_s: 'mean control delay, s, the stuck vehicles counted with their delay so far', los: 'HCM 7th ed. level of service A-F (F when blocked)',
    },
  },
  'timeseries.csv': {
    description: 'one row per sample interval',
    columns: { time_s: 'end of the interval, s', in_network: 'vehicles', waiting: 'trips due but not yet inserted', queued: 'vehicles queued', departed: 'in the interval', arrived: 'in the interval', mean_travel_time_s: 'of the arrivals in the interval, s' },
  },
  'junction-timeseries.csv': { description: 'per interval and junction: vehicles passed, mean and maximum queued vehicles, mean control delay (s)' },
  'link-flows.csv': { description: 'per link: share of green, capacity and busiest interval\'s entry flow (veh/h), their ratio' },
  'network.geojson': { description: 'links (LineString, kind "link") with their metrics and junctions (Point, kind "junction") with control delay and level of service' },
  'timing.csv': {
    description: 'the signal timing sheet: one row per junction and phase',
    columns: {
      plan: 'which plan (current, optimised, ...)', junction: 'junction id', name: 'the streets that meet there', cycle_s: 'cycle length, s', offset_s: 'offset, s: when phase 1\'s green starts in each cycle, after the common reference time 0 (midnight of the simulated day; cycles repeat from there)',
      phase: 'phase number, 1 = first', movements: 'green movements: from-link > to-link; ...', permissive: 'permissive (yielding) movements', green_start_s: 'green start within the cycle, s after the offset',
      green_s: 'green, s', yellow_s: 'yellow, s', all_red_s: 'all-red clearance, s', min_green_s: 'minimum green, s', ite_yellow_s: 'ITE yellow of the phase (half seconds up; the default floor), s', ite_all_red_s: 'ITE all-red of the phase (half seconds up; the default floor), s',
    },
  },
  'convergence.csv': { description: 'optimise: every evaluation (evaluation, batch, elapsedS (s), objective, best, control); run with routeChoice equilibrium: every iteration (iteration, relative_gap (on the costs gapCosts names), mean_travel_time_s over arrived trips, mean_time_all_trips_s with unfinished trips counted to the end, trips, arrived, unfinished, unroutable, gridlock, slower_than_fastest, switched, simulate_s, route_s, route_labels (labels settled by the route searches: routing work independent of the machine), half_sample_gap (on the last iteration when the iteration budget ended the run: the gap of the same routes on costs from every second vehicle; about twice relative_gap when the rest of the gap is sampling noise), cross_fit_gap (on the same iteration, and on the iterations of the noise check, noiseCheckEvery: routes chosen on one half of the vehicles and judged on the costs of the other half, the part of the gap an assignment could still remove; negative when none is detectable above the noise), newest_cost_gap (the gap on the own measured times of the iteration; relative_gap is judged on the smoothed times with gapCosts: smoothed), mean_alternatives (method gawron: mean routes per driver\'s route set after the iteration\'s update; empty otherwise), rejected (1: the move that led to this iteration overshot, its gap above the last accepted one by more than the threshold, and the next routes were drawn again from the accepted ones with a smaller step; method swap))' },
  'comparison.json': { description: 'plans on held-out seeds: gridlocked seeds, unfinished trips, all-trips and finished-only means with 95% intervals, paired differences and verdicts' },
  'plan.json': { description: 'the optimised plan in scenario units: offsetS is the time after the reference time 0 at which phase 1\'s green starts' },
  'plan.add.xml': { description: 'SUMO tlLogic; its offset follows SUMO\'s convention (see plan.json and the README on offsets)' },
};

/** The content of metadata.json for files written from `net` (for `kind`: a run, an optimisation, a comparison). */
export function outputMetadata(net: CompiledNetwork, provenance: Provenance, kind: 'run' | 'optimise' | 'compare', files: readonly string[]): Record<string, unknown> {
  const geographic = isGeographic(net);
  return {
    format: 'greenwave-metadata',
    version: 1,
    greenwave: provenance.version,
    kind,
    scenario: provenance.scenario,
    seed: provenance.seed,
    provenance: provenanceLine(provenance),
    units: UNIT_CONVENTION,
    coordinates: geographic
      ? { system: 'WGS84', epsg: 4326, units: 'degrees', order: 'longitude, latitude', note: 'RFC 7946 GeoJSON: WGS84 is implied, so the file has no crs member' }
      : { system: 'planar', epsg: null, units: 'metres', order: 'x (east), y (north)', qgis: PLANAR_QGIS_NOTE },
    files: Object.fromEntries([...new Set(files)].sort().filter((f) => f !== METADATA_FILE).map((f) => [f, FILE_CATALOGUE[f] ?? { description: '' }])),
  };
}
