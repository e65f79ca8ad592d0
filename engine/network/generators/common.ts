/**
 * What the synthetic network generators (`grid`, `corridor`, `ring`) share: the
 * option types and their defaults, argument validation (a `UsageError` naming the
 * argument, such as `grid.options.spacing must be a number > 0, got 0`),
 * the local equirectangular projection for lon/lat, and `NetworkPlan`, which
 * collects a generator's junctions and two-way streets in local coordinates and
 * then builds the `RoadNetwork` in one pass: ids prefixed, origin applied, control
 * chosen from each junction's number of distinct neighbours, default movements added.
 *
 * Movements: every turn except U-turns (`addDefaultMovements()`). Dead-end fringe
 * junctions therefore have no movement at all: trips start on the link leaving a
 * fringe junction and end on the link entering one, which is how
 * `analyseConnectivity` treats fringe junctions (entries and exits), so no U-turn is
 * needed for trips to enter and leave. `deadEndUTurns: true` adds the turn-back
 * at dead ends for models that want vehicles to reverse there.
 */
import { UsageError } from '../../errors.js';
import { describeValue } from '../../text/describe.js';
import { describeRange, inRange, type NumberRange } from '../../text/numbers.js';
import { isRecord } from '../../text/record.js';
import { RoadNetwork } from '../road-network.js';
import {
  DEFAULT_JAM_SPACING,
  DEFAULT_SATURATION_FLOW,
  MAX_LANES,
  type DrivingSide,
  type JunctionControl,
  type JunctionSpec,
} from '../types.js';

/** Default free-flow speed of generated links: 50 km/h in m/s (13.89). */
export const DEFAULT_GENERATOR_SPEED = 50 / 3.6;
/** Default lanes per direction of arterials and grid streets. */
export const DEFAULT_GENERATOR_LANES = 2;
/** Default lanes per direction of side streets and spokes. */
export const DEFAULT_SIDE_LANES = 1;
/** Mean Earth radius (IUGG), m, used by {@link localToLonLat}. */
export const EARTH_RADIUS = 6_371_008.8;

/**
 * Which junctions a generator signalises, from each junction's number of distinct
 * neighbouring junctions (its degree):
 * - `intersections` (default): degree 3 or more is `signal`, the rest `uncontrolled`;
 * - `all`: every junction except dead ends (degree 1, where a signal would control
 *   nothing) is `signal`, so grid corners and ring junctions without spokes too;
 * - `priority`: degree 3 or more is `priority` (give way, no signal), the rest `uncontrolled`;
 * - `none`: every junction is `uncontrolled`.
 */
export type SignalPolicy = 'intersections' | 'all' | 'priority' | 'none';

const SIGNAL_POLICIES: readonly SignalPolicy[] = ['intersections', 'all', 'priority', 'none'];

/** A planar point, m (x east, y north). */
export interface Point {
  x: number;
  y: number;
}

/** A WGS84 position, degrees. */
export interface LonLat {
  lon: number;
  lat: number;
}

/** Options every generator accepts. All are optional. */
export interface GeneratorOptions {
  /** Free-flow speed of the main streets (grid streets, arterial, ring), m/s. Default 50 km/h = 13.89 m/s. */
  speed?: number;
  /** Lanes per direction of the main streets, integer 1 to 32. Default 2. */
  lanes?: number;
  /** Saturation flow per lane of every generated link, veh/s. Default 0.5 (1,800 veh/h). */
  saturationFlow?: number;
  /** Jam spacing of every generated link (space one stopped vehicle takes), m. Default 7.5. */
  jamSpacing?: number;
  /** Side of the road traffic drives on. Default `right`. */
  drivingSide?: DrivingSide;
  /**
   * Prefix of every junction id (link ids are `from>to` of the prefixed junction
   * ids), so several generated networks can be told apart or merged. Default `''`.
   */
  idPrefix?: string;
  /**
   * Planar position, m, of the generator's reference point (the grid's `r0c0`, the
   * corridor's first signal `j0`, the ring's centre). Default `{ x: 0, y: 0 }`.
   */
  origin?: Point;
  /**
   * WGS84 position of the planar point (0, 0). When given, every junction gets
   * lon/lat from its x/y by {@link localToLonLat}. Default: no lon/lat.
   */
  geo?: LonLat;
  /** Which junctions get signals, see {@link SignalPolicy}. Default `intersections`. */
  signals?: SignalPolicy;
  /** Permit U-turns at dead-end junctions (exactly one neighbour). Default false. */
  deadEndUTurns?: boolean;
}

/** Options of generators with minor streets (corridor side streets, ring spokes). */
export interface SideStreetOptions {
  /** Lanes per direction of the minor streets, integer 1 to 32. Default 1. */
  sideLanes?: number;
  /** Free-flow speed of the minor streets, m/s. Default: `speed`. */
  sideSpeed?: number;
}

/**
 * Local equirectangular projection: the WGS84 position of planar point (x, y), m,
 * when planar (0, 0) is at `anchor`. lat = lat0 + y/R, lon = lon0 + x/(R cos lat0)
 * (radians, R = {@link EARTH_RADIUS}); good to well under 0.1% within a few
 * kilometres of the anchor away from the poles, which is what GeoJSON display needs.
 */
export function localToLonLat(x: number, y: number, anchor: LonLat): LonLat {
  const toDeg = 180 / Math.PI;
  const lat = anchor.lat + (y / EARTH_RADIUS) * toDeg;
  const lon = anchor.lon + (x / (EARTH_RADIUS * Math.cos(anchor.lat / toDeg))) * toDeg;
  return { lon, lat };
}

/** Physical attributes shared by the links of one class of street. */
export interface StreetProfile {
  lanes: number;
  speed: number;
  saturationFlow: number;
  jamSpacing: number;
}

/** Common options after validation, with defaults applied. */
export interface ResolvedOptions {
  main: StreetProfile;
  side: StreetProfile;
  drivingSide: DrivingSide;
  idPrefix: string;
  origin: Point;
  geo: LonLat | undefined;
  signals: SignalPolicy;
  deadEndUTurns: boolean;
}

const COMMON_KEYS = ['speed', 'lanes', 'saturationFlow', 'jamSpacing', 'drivingSide', 'idPrefix', 'origin', 'geo', 'signals', 'deadEndUTurns'];
/** Option keys of {@link SideStreetOptions}, for generators that accept them. */
export const SIDE_STREET_KEYS: readonly string[] = ['sideLanes', 'sideSpeed'];

/** `value` if it is a number in `range`, else a `UsageError` naming `path`. */
function checkArgument(path: string, value: unknown, range: NumberRange): number {
  if (!inRange(value, range)) throw new UsageError(`${path} must be ${describeRange(range)}, got ${describeValue(value)}`);
  return value;
}

/** `value` as a whole number >= `min`, or throws `UsageError` naming `path`. */
export function checkCount(path: string, value: unknown, min: number): number {
  return checkArgument(path, value, { min, integer: true });
}

/** `value` as a positive finite number, or throws `UsageError` naming `path`. */
export function checkPositive(path: string, value: unknown): number {
  return checkArgument(path, value, { min: 0, minExclusive: true });
}

/** `value` as a finite number >= 0, or throws `UsageError` naming `path`. */
export function checkNonNegative(path: string, value: unknown): number {
  return checkArgument(path, value, { min: 0 });
}

const checkFiniteNumber = (path: string, value: unknown): number => checkArgument(path, value, {});
const checkLanes = (path: string, value: unknown): number => checkArgument(path, value, { min: 1, max: MAX_LANES, integer: true });

/**
 * Validate the options object of generator `fn` (the common options, plus
 * `keys`, the generator's own, which it reads itself from the returned record):
 * unknown keys and bad values throw `UsageError` naming `fn.options.<key>`.
 */
export function resolveOptions(
  fn: string,
  options: unknown,
  keys: readonly string[],
): { resolved: ResolvedOptions; record: Record<string, unknown> } {
  if (options !== undefined && !isRecord(options)) {
    throw new UsageError(`${fn}.options must be an object, got ${describeValue(options)}`);
  }
  const record: Record<string, unknown> = options ?? {};
  const allowed = new Set([...COMMON_KEYS, ...keys]);
  for (const key of Object.keys(record)) {
    if (!allowed.has(key)) {
      throw new UsageError(`${fn}.options.${key} is not an option of ${fn}() (known: ${[...allowed].join(', ')})`);
    }
  }
  const path = (key: string): string => `${fn}.options.${key}`;
  const get = <T>(key: string, fallback: T, check: (p: string, v: unknown) => T): T =>
    record[key] === undefined ? fallback : check(path(key), record[key]);

  const speed = get('speed', DEFAULT_GENERATOR_SPEED, checkPositive);
  const saturationFlow = get('saturationFlow', DEFAULT_SATURATION_FLOW, checkPositive);
  const jamSpacing = get('jamSpacing', DEFAULT_JAM_SPACING, checkPositive);
  const main: StreetProfile = { lanes: get('lanes', DEFAULT_GENERATOR_LANES, checkLanes), speed, saturationFlow, jamSpacing };
  const side: StreetProfile = {
    lanes: get('sideLanes', DEFAULT_SIDE_LANES, checkLanes),
    speed: get('sideSpeed', speed, checkPositive),
    saturationFlow,
    jamSpacing,
  };

  const drivingSide = get<DrivingSide>('drivingSide', 'right', (p, v) => {
    if (v !== 'left' && v !== 'right') throw new UsageError(`${p} must be "left" or "right", got ${describeValue(v)}`);
    return v;
  });
  const idPrefix = get('idPrefix', '', (p, v) => {
    if (typeof v !== 'string') throw new UsageError(`${p} must be a string, got ${describeValue(v)}`);
    return v;
  });
  const origin = get<Point>('origin', { x: 0, y: 0 }, (p, v) => {
    if (!isRecord(v)) throw new UsageError(`${p} must be an object { x, y }, got ${describeValue(v)}`);
    return { x: checkFiniteNumber(`${p}.x`, v.x), y: checkFiniteNumber(`${p}.y`, v.y) };
  });
  const geo = get<LonLat | undefined>('geo', undefined, (p, v) => {
    if (!isRecord(v)) throw new UsageError(`${p} must be an object { lon, lat }, got ${describeValue(v)}`);
    const lon = checkFiniteNumber(`${p}.lon`, v.lon);
    const lat = checkFiniteNumber(`${p}.lat`, v.lat);
    if (lon < -180 || lon > 180) throw new UsageError(`${p}.lon must be within [-180, 180], got ${lon}`);
    // The projection divides by cos(lat): the poles themselves are refused.
    if (!(lat > -90 && lat < 90)) throw new UsageError(`${p}.lat must be within (-90, 90), got ${lat}`);
    return { lon, lat };
  });
  const signals = get<SignalPolicy>('signals', 'intersections', (p, v) => {
    if (!SIGNAL_POLICIES.includes(v as SignalPolicy)) {
      throw new UsageError(`${p} must be one of ${SIGNAL_POLICIES.map((s) => `"${s}"`).join(', ')}, got ${describeValue(v)}`);
    }
    return v as SignalPolicy;
  });
  const deadEndUTurns = get('deadEndUTurns', false, (p, v) => {
    if (typeof v !== 'boolean') throw new UsageError(`${p} must be a boolean, got ${describeValue(v)}`);
    return v;
  });
  return { resolved: { main, side, drivingSide, idPrefix, origin, geo, signals, deadEndUTurns }, record };
}

/** Control of a junction with `degree` distinct neighbours under `policy`. */
export function controlFor(policy: SignalPolicy, degree: number): JunctionControl {
  switch (policy) {
    case 'intersections':
      return degree >= 3 ? 'signal' : 'uncontrolled';
    case 'all':
      return degree >= 2 ? 'signal' : 'uncontrolled';
    case 'priority':
      return degree >= 3 ? 'priority' : 'uncontrolled';
    case 'none':
      return 'uncontrolled';
  }
}

interface PlannedJunction {
  id: string;
  x: number;
  y: number;
}

interface PlannedLink {
  from: string;
  to: string;
  length: number;
  profile: StreetProfile;
  name: string;
}

/**
 * A generated network before it is built: junctions (local ids, coordinates
 * relative to the origin) and directed links, in the order they will be added,
 * which fixes the compiled indices.
 */
export class NetworkPlan {
  private readonly junctions: PlannedJunction[] = [];
  private readonly links: PlannedLink[] = [];

  /** Plan a junction at local (x, y), m. */
  junction(id: string, x: number, y: number): void {
    this.junctions.push({ id, x, y });
  }

  /** Plan a street between `a` and `b`: links `a>b` then `b>a`, each `length` m. */
  twoWay(a: string, b: string, length: number, profile: StreetProfile, name: string): void {
    this.links.push({ from: a, to: b, length, profile, name });
    this.links.push({ from: b, to: a, length, profile, name });
  }

  /** Build the `RoadNetwork`: prefixed ids, origin and lon/lat, control by degree, default movements. */
  build(options: ResolvedOptions): RoadNetwork {
    const { idPrefix, origin, geo, signals } = options;
    const neighbours = new Map<string, Set<string>>();
    for (const j of this.junctions) neighbours.set(j.id, new Set());
    for (const l of this.links) {
      neighbours.get(l.from)!.add(l.to);
      neighbours.get(l.to)!.add(l.from);
    }

    const network = new RoadNetwork({ drivingSide: options.drivingSide });
    const deadEnds: string[] = [];
    for (const j of this.junctions) {
      const degree = neighbours.get(j.id)!.size;
      const x = origin.x + j.x;
      const y = origin.y + j.y;
      const spec: JunctionSpec = { id: idPrefix + j.id, x, y, control: controlFor(signals, degree) };
      if (geo !== undefined) Object.assign(spec, localToLonLat(x, y, geo));
      network.addJunction(spec);
      if (degree === 1) deadEnds.push(spec.id);
    }
    for (const l of this.links) {
      const from = idPrefix + l.from;
      const to = idPrefix + l.to;
      network.addLink({ id: `${from}>${to}`, from, to, length: l.length, ...l.profile, name: l.name });
    }
    network.addDefaultMovements();
    if (options.deadEndUTurns && deadEnds.length > 0) network.addDefaultMovements({ uTurns: true, junctions: deadEnds });
    return network;
  }
}
