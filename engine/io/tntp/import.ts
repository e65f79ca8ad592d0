/**
 * `importTntp`: a TNTP data set (`*_net.tntp`, `*_node.tntp`, optionally
 * `*_trips.tntp`) -> an `ImportResult`: a network with default fixed-time signals
 * and the trip table as time-dependent OD demand.
 *
 * TNTP (github.com/bstabler/TransportationNetworks) is the research community's
 * format for static traffic assignment benchmarks. Its files carry no units, and
 * a static model needs less than a dynamic one, so the mapping makes choices,
 * each an option with the default below:
 *
 * - Units: lengths in miles and free-flow times in minutes (Chicago Sketch's
 *   header says so; Sioux Falls' times are 0.01 h "often viewed as minutes"),
 *   unless `<ORIGINAL HEADER>` names others ("length (km)", "fftt(h)") or the
 *   options do. An assumed unit is reported as a warning.
 * - Links: lanes = capacity / saturation flow per lane (default 1,800 veh/h,
 *   greenwave's default), rounded, 1 to 32; speed = length / free-flow time.
 *   A link with free-flow time 0 (a zone connector: Chicago's 774 type-3 links)
 *   takes its speed column when given, else `connectorSpeedKmh` (default 40 km/h,
 *   about the 25 mph other TNTP readers give Chicago's connectors): the dynamic
 *   model needs a finite speed. Speeds too low for the link to carry its
 *   saturation flow at jam spacing 7.5 m are raised to 1.2 x that minimum, and
 *   speeds above a scenario's 250 km/h (a free-flow time rounded down on a short
 *   link) are capped to it, each with a warning. BPR parameters and link types are read and checked but not used (the
 *   kernel computes delays from queues, not from volume-delay curves); tolls are
 *   not modelled (routes minimise time), and a warning says so when any is non-zero.
 * - Junctions: one per node. Nodes below `<FIRST THRU NODE>` are zones traffic
 *   may not pass through: they get no movements (routes start or end there only).
 *   Every other junction permits every turn but the U-turn. A junction traffic
 *   may pass that joins at least 3 others is signalised with the default
 *   fixed-time program (signals/program.ts `defaultProgram`); the rest (zone
 *   centroids, chain nodes) are uncontrolled. `signals: 'none'` leaves every
 *   junction uncontrolled. (On Chicago Sketch's aggregated junctions, the
 *   default programs' equal greens and permissive far-side turns hold back much
 *   of the demand: see bench/city.ts.)
 * - Coordinates (`coordinates`, default `auto`): longitude/latitude when every
 *   node lies within [-180, 180] x [-90, 90] (projected to local metres,
 *   equirectangular about their mean, and kept as lon/lat); otherwise the planar
 *   unit among metres, feet, kilometres and miles that best matches the link
 *   lengths (median of length / straight-line distance closest to 1), reported in
 *   the counts. Chicago Sketch's Illinois State Plane feet come out as feet.
 * - Demand: the trip table is the demand of a static assignment, whose
 *   capacities are per hour; what period its trips span the format does not say.
 *   It is read as the total number of trips of a `periodS`-long period (default
 *   3 h, the whole table over 3 h as UXsim's published Chicago run does) and
 *   spread over it by a profile: `peaked` (default) rises linearly from half the
 *   plateau at 0 to the plateau at 1/3 of the period, stays there to 2/3 and
 *   falls back to half at the end (over 3 h: the middle hour carries 40% of the
 *   trips, at 0.4 x the table's values per hour), or `flat`. OD cells are the
 *   table's values in veh/h; the profile's factors are scaled so their integral
 *   over the period is one hour, so each cell's expected trips equal the table's.
 *   Intrazonal trips (the diagonal) cannot be simulated and are dropped, with a
 *   warning. Departures are Poisson (the expectation is kept even for the many
 *   cells far below one trip, which rounding would drop).
 * - The simulated period is [0, periodS + 3600): one more hour for the last
 *   trips to arrive.
 */
import { LIMITS, limitProblem } from '../../limits.js';
import { checkImportRanges } from '../ranges.js';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../../errors.js';
import type { ArrivalProcess, DemandSpec, OdMatrixSpec } from '../../demand/demand.js';
import type { ProfilePoint } from '../../demand/profile.js';
import type { DrivingSide } from '../../network/types.js';
import type { ImportResult, ImportWarning } from '../types.js';
import { buildTntpNetwork, type TntpCoordinates } from './build.js';
import { parseTntpNetwork, type TntpLengthUnit, type TntpTimeUnit } from './net.js';
import { parseTntpNodes } from './nodes.js';
import { readTntp } from './text.js';
import { parseTntpTrips } from './trips.js';

/** Options of {@link importTntp}. */
export interface TntpImportOptions {
  /** Driving side (TNTP does not say). Default `right`. */
  drivingSide?: DrivingSide;
  /** Length unit of the network file. Default: from its header, else `mi`. */
  lengthUnit?: TntpLengthUnit;
  /** Unit of its free-flow times. Default: from its header, else `min`. */
  timeUnit?: TntpTimeUnit;
  /** How to read node coordinates. Default `auto` (see the file header). */
  coordinates?: TntpCoordinates;
  /** Saturation flow per lane used to turn capacities into lanes, veh/h. Default 1800. */
  saturationFlowPerLane?: number;
  /** Speed of links with zero free-flow time and no speed column, km/h. Default 40. */
  connectorSpeedKmh?: number;
  /** Length of the period the trip table is spread over, s. Default 10800 (3 h). */
  periodS?: number;
  /** Shape of the demand over the period. Default `peaked`. */
  profile?: 'peaked' | 'flat';
  /** Departure process of the OD cells. Default `poisson`. */
  arrivals?: ArrivalProcess;
  /** End of the simulated period, s. Default periodS + 3600. */
  end?: number;
  /**
   * `default`: fixed-time signals with default programs where traffic may pass
   * and at least 3 junctions meet. `none`: every junction uncontrolled (priority
   * rules with gap acceptance), as in UXsim's published Chicago run.
   */
  signals?: 'default' | 'none';
}

/** The files of one TNTP data set. */
export interface TntpFiles {
  net: string;
  /** Node coordinates. Default: the net file's sibling `*_node.tntp`. */
  nodes?: string;
  /** Trip table. Default: the sibling `*_trips.tntp` when it exists; none is fine (no demand). */
  trips?: string;
}

/** Default length of the demand period, s. */
export const TNTP_DEFAULT_PERIOD = 3 * 3600;

/** The demand profile over [0, period]: factors whose integral over the period is 3600 s. */
export function tntpProfile(kind: 'peaked' | 'flat', period: number): ProfilePoint[] {
  if (kind === 'flat') return [{ time: 0, factor: 3600 / period }, { time: period, factor: 3600 / period }];
  // Half plateau -> plateau over the first third, plateau, plateau -> half over the last:
  // the area is (0.75 + 1 + 0.75) / 3 = 5/6 of plateau x period, so plateau = 3600 / (5/6 period).
  const plateau = 3600 / ((5 / 6) * period);
  return [
    { time: 0, factor: plateau / 2 },
    { time: period / 3, factor: plateau },
    { time: (2 * period) / 3, factor: plateau },
    { time: period, factor: plateau / 2 },
  ];
}

function isFile(file: string): boolean {
  return existsSync(file) && statSync(file).isFile();
}

/** The data set's files from a net file, a folder, or explicit paths. */
function locate(files: TntpFiles | string): TntpFiles {
  if (typeof files !== 'string') {
    if (typeof files !== 'object' || files === null || typeof files.net !== 'string' || files.net === '') {
      throw new UsageError('importTntp(files): files must be a *_net.tntp path, a folder holding one, or { net, nodes?, trips? } paths');
    }
    const sib = siblings(files.net);
    return { net: files.net, nodes: files.nodes ?? sib.nodes, ...(files.trips !== undefined ? { trips: files.trips } : sib.trips !== undefined ? { trips: sib.trips } : {}) };
  }
  let net = files;
  if (existsSync(files) && statSync(files).isDirectory()) {
    const found = readdirSync(files).filter((f) => /_net\.tntp$/i.test(f));
    if (found.length !== 1) throw new UsageError(`importTntp: expected one *_net.tntp file in the folder ${files}, found ${found.length === 0 ? 'none' : found.join(', ')}`);
    net = path.join(files, found[0]);
  }
  const sib = siblings(net);
  return { net, nodes: sib.nodes, ...(sib.trips !== undefined ? { trips: sib.trips } : {}) };
}

/** `X_node.tntp` and (when it exists) `X_trips.tntp` beside `X_net.tntp`. */
function siblings(net: string): { nodes: string; trips?: string } {
  const stem = net.replace(/_net\.tntp$/i, '');
  if (stem === net) return { nodes: `${net}.node.tntp` };
  const trips = `${stem}_trips.tntp`;
  return { nodes: `${stem}_node.tntp`, ...(isFile(trips) ? { trips } : {}) };
}

function positiveOption(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new UsageError(`importTntp: options.${name} must be a finite number > 0, got ${String(value)}`);
  return value;
}

function oneOf<T extends string>(value: unknown, name: string, allowed: readonly T[], fallback: T | undefined): T | undefined {
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T)) throw new UsageError(`importTntp: options.${name} must be ${allowed.map((a) => `"${a}"`).join(', ')}, got ${JSON.stringify(value)}`);
  return value as T;
}

/**
 * Import a TNTP data set: `files` is a `*_net.tntp` path (its `*_node.tntp` and
 * `*_trips.tntp` siblings are found by name), a folder holding one, or
 * `{ net, nodes?, trips? }`. See the file header for every mapping choice.
 *
 * Rejects with `InputError` (path `file:line:column`) for unreadable, malformed or
 * inconsistent files, `UsageError` for bad options or files that cannot be found.
 */
export async function importTntp(files: TntpFiles | string, options: TntpImportOptions = {}): Promise<ImportResult> {
  const drivingSide = oneOf(options.drivingSide, 'drivingSide', ['left', 'right'] as const, 'right')!;
  const lengthUnit = oneOf(options.lengthUnit, 'lengthUnit', ['mi', 'km', 'm', 'ft'] as const, undefined);
  const timeUnit = oneOf(options.timeUnit, 'timeUnit', ['min', 'h', 's'] as const, undefined);
  const coordinates = oneOf(options.coordinates, 'coordinates', ['auto', 'degrees', 'm', 'ft', 'km', 'mi'] as const, 'auto')!;
  const profileKind = oneOf(options.profile, 'profile', ['peaked', 'flat'] as const, 'peaked')!;
  const signals = oneOf(options.signals, 'signals', ['default', 'none'] as const, 'default')!;
  const arrivals = oneOf(options.arrivals, 'arrivals', ['poisson', 'uniform'] as const, 'poisson')!;
  const saturation = positiveOption(options.saturationFlowPerLane, 'saturationFlowPerLane', 1800);
  const connectorSpeed = positiveOption(options.connectorSpeedKmh, 'connectorSpeedKmh', 40);
  const period = positiveOption(options.periodS, 'periodS', TNTP_DEFAULT_PERIOD);
  const end = positiveOption(options.end, 'end', period + 3600);
  for (const [name, value] of [['periodS', period], ['end', end]] as const) {
    const problem = limitProblem(value, LIMITS.clockS);
    if (problem !== undefined) throw new UsageError(`importTntp: options.${name} (s) ${problem}`);
  }

  const located = locate(files);
  if (located.nodes === undefined || !isFile(located.nodes)) {
    throw new UsageError(`importTntp: the node file ${located.nodes ?? ''} was not found: TNTP coordinates are needed for turns and signal phases (give it as { net, nodes })`);
  }
  const warnings: ImportWarning[] = [];
  const netText = await readTntp(located.net, 'network');
  const parsed = parseTntpNetwork(netText, warnings);
  const nodeText = await readTntp(located.nodes, 'node');
  const nodes = parseTntpNodes(nodeText, parsed.nodes);
  const read = [located.net, located.nodes];

  const built = buildTntpNetwork(parsed, nodes, {
    netFile: located.net,
    nodeFile: located.nodes,
    drivingSide,
    lengthUnit: lengthUnit ?? parsed.statedLengthUnit ?? 'mi',
    timeUnit: timeUnit ?? parsed.statedTimeUnit ?? 'min',
    coordinates,
    saturationPerLane: saturation / 3600,
    connectorSpeed: connectorSpeed / 3.6,
    signals,
  }, warnings);
  if (lengthUnit === undefined && parsed.statedLengthUnit === undefined) {
    warnings.push({ where: located.net, message: 'the file does not state its length unit: read as miles (set lengthUnit)' });
  }
  if (timeUnit === undefined && parsed.statedTimeUnit === undefined) {
    warnings.push({ where: located.net, message: 'the file does not state its free-flow time unit: read as minutes (set timeUnit)' });
  }
  const counts = [...built.counts];

  let demand: DemandSpec = {};
  if (located.trips !== undefined) {
    const tripText = await readTntp(located.trips, 'trip table');
    const table = parseTntpTrips(tripText, warnings);
    read.push(located.trips);
    if (table.zones !== parsed.zones) {
      throw tripText.error(tripText.metadata.get('NUMBER OF ZONES')!.line, undefined, `<NUMBER OF ZONES> is ${table.zones}, but the network file ${located.net} has ${parsed.zones}`);
    }
    const z = table.zones;
    let intrazonal = 0;
    const rows: number[][] = [];
    for (let o = 0; o < z; o++) {
      const row = new Array<number>(z);
      for (let d = 0; d < z; d++) row[d] = o === d ? 0 : table.trips[o * z + d];
      intrazonal += table.trips[o * z + o];
      rows.push(row);
    }
    if (intrazonal > 0) {
      warnings.push({ where: located.trips, message: `${intrazonal.toFixed(1)} intrazonal trips (${((100 * intrazonal) / table.total).toFixed(1)}% of the table; origin = destination) cannot be simulated and are dropped` });
    }
    const od: OdMatrixSpec = {
      zones: Array.from({ length: z }, (_, i) => String(i + 1)),
      trips: rows,
      begin: 0,
      end: period,
      profile: tntpProfile(profileKind, period),
      arrivals,
    };
    demand = { od: [od] };
    counts.push(
      { label: 'trips in the table', count: Math.round(table.total) },
      { label: 'intrazonal trips dropped', count: Math.round(intrazonal) },
      { label: 'trips to simulate (expected)', count: Math.round(table.total - intrazonal) },
      { label: `demand period, s (${profileKind} profile)`, count: period },
    );
  }
  const result: ImportResult = {
    format: 'tntp',
    files: read,
    network: built.network,
    programs: [],
    demand,
    simulation: { start: 0, end },
    counts,
    warnings,
  };
  checkImportRanges(result, (kind, id) => {
    if (kind === 'junction') return located.nodes;
    if (kind === 'od') return located.trips;
    if (kind !== 'link') return undefined;
    // Link ids are "a-b", and "a-b.k" for the k-th row from a to b.
    const m = /^(\d+)-(\d+)(?:\.(\d+))?$/.exec(id);
    if (m === null) return located.net;
    let k = Number(m[3] ?? 1);
    for (let l = 0; l < parsed.from.length; l++) {
      if (parsed.from[l] === Number(m[1]) && parsed.to[l] === Number(m[2]) && --k === 0) return `${located.net}:${parsed.line[l]}`;
    }
    return located.net;
  });
  return result;
}
