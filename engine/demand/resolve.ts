/**
 * Checking a demand spec against a network (`resolveDemand`): every trip, flow
 * and OD matrix is validated and its junction and link ids resolved to indices
 * before anything is generated. Every problem is an `InputError` whose path
 * points into the `DemandSpec` (`flows[2].rate`, `od[0].trips[1][3]`).
 *
 * A city's demand is thousands of trips of several links each: the path of a
 * field (`trips[812].route[3]`) is written out only when that field is wrong,
 * so the checks take the element's path and the field's name apart, and a
 * trip's own path is an {@link ElementPath} that template literals write out.
 */
import { InputError } from '../errors.js';
import { describeValue } from '../text/describe.js';
import { describeRange, inRange, type NumberRange } from '../text/numbers.js';
import { isRecord } from '../text/record.js';
import type { CompiledNetwork } from '../network/compiled.js';
import { createProfile, type Profile, type ProfilePoint } from './profile.js';
import { emptyTripTable, type ArrivalProcess, type DemandSpec, type TripTable } from './demand.js';

/** Where a trip or flow starts and ends, in index space (-1: the router chooses). */
export interface Endpoints {
  /** Origin junction index. */
  origin: number;
  /** Destination junction index. */
  destination: number;
  /** First link index, -1 if the router may choose. */
  originLink: number;
  /** Last link index, -1 if the router may choose. */
  destinationLink: number;
  /** Explicit route (link indices), or null. */
  route: Int32Array | null;
  /** Speed entering the first link, m/s (`Infinity`: the link's speed; 0: from standstill). */
  departSpeed: number;
}

/** A flow checked against the network. */
export interface ResolvedFlow extends Endpoints {
  /** Flow id (generated trips are `${id}.${k}`). */
  id: string;
  /** Vehicles per second. */
  rate: number;
  /** First possible departure, s. */
  begin: number;
  /** Departures are strictly before `end`, s. */
  end: number;
  /** How departures are spaced. */
  arrivals: ArrivalProcess;
}

/** An OD matrix checked against the network. */
export interface ResolvedOd {
  /** Zone junction indices. */
  zones: Int32Array;
  /** Zone junction ids. */
  zoneIds: string[];
  /** Vehicles per second at factor 1, row-major. */
  rates: Float64Array;
  /** Start of the period, s. */
  begin: number;
  /** End of the period, s. */
  end: number;
  /** Time-of-day factor. */
  profile: Profile;
  /** How departures are spaced. */
  arrivals: ArrivalProcess;
}

const CONSTANT_ONE: ProfilePoint[] = [{ time: 0, factor: 1 }];

/** The path of element `index` of `list` (`trips[812]`): one object moved along the list, written out (`${path}.route`) only for a problem. */
class ElementPath {
  index = 0;

  constructor(private readonly list: string) {}

  toString(): string {
    return `${this.list}[${this.index}]`;
  }
}

/** Where a value of the spec is: its path, or its element's path. */
type SpecPath = string | ElementPath;

function finite(value: unknown, path: string, what: string): number {
  if (!inRange(value, {})) throw new InputError(path, `expected ${what}, found ${describeValue(value)}`);
  return value;
}

/** Field `key` of the element at `path` (`trips[3]`, `depart`): a finite number of seconds. */
function finiteField(value: unknown, path: SpecPath, key: string, what: string): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : finite(value, `${path}.${key}`, what);
}

const NON_NEGATIVE: NumberRange = { min: 0 };

function nonNegative(value: unknown, path: string, what: string): number {
  if (!inRange(value, NON_NEGATIVE)) throw new InputError(path, `expected ${what} (${describeRange(NON_NEGATIVE)}), found ${describeValue(value)}`);
  return value;
}

function period(spec: Record<string, unknown>, path: string): { begin: number; end: number } {
  const begin = finite(spec.begin, `${path}.begin`, 'a finite begin time in seconds');
  const end = finite(spec.end, `${path}.end`, 'a finite end time in seconds');
  if (end <= begin) throw new InputError(`${path}.end`, `expected an end time after begin (${begin} s), found ${end}`);
  return { begin, end };
}

function arrivalsOf(value: unknown, path: string, fallback: ArrivalProcess): ArrivalProcess {
  if (value === undefined) return fallback;
  if (value !== 'uniform' && value !== 'poisson') throw new InputError(path, `expected "uniform" or "poisson", found ${describeValue(value)}`);
  return value;
}

/** The `id` of the element at `path`, or the element's default id (`trip3`: `fallback` and its index). */
function idOf(value: unknown, path: SpecPath, fallback: string, index: number): string {
  if (value === undefined) return `${fallback}${index}`;
  if (typeof value !== 'string' || value.length === 0) throw new InputError(`${path}.id`, `expected a non-empty string id, found ${describeValue(value)}`);
  return value;
}

function junctionOf(net: CompiledNetwork, value: unknown, path: string): number {
  if (typeof value !== 'string') throw new InputError(path, `expected a junction id (string), found ${describeValue(value)}`);
  const j = net.junctionIndex(value);
  if (j < 0) throw new InputError(path, `expected a junction id of the network, found ${describeValue(value)} (no such junction)`);
  return j;
}

function linkOf(net: CompiledNetwork, value: unknown, path: string): number {
  if (typeof value !== 'string') throw new InputError(path, `expected a link id (string), found ${describeValue(value)}`);
  const l = net.linkIndex(value);
  if (l < 0) throw new InputError(path, `expected a link id of the network, found ${describeValue(value)} (no such link)`);
  return l;
}

/** Link indices of routes, appended one after another (trips' routes share one array). */
class RoutePool {
  links: Int32Array;
  length = 0;

  constructor(capacity: number) {
    this.links = new Int32Array(Math.max(capacity, 16));
  }

  /** Room for `n` more links. */
  reserve(n: number): void {
    if (this.length + n <= this.links.length) return;
    const grown = new Int32Array(Math.max(this.links.length * 2, this.length + n));
    grown.set(this.links);
    this.links = grown;
  }
}

/**
 * Check the `route` of the element at `owner` (`trips[3]`) and append its link
 * indices to `pool`: each link leaves where the one before ends, by a permitted movement.
 */
function routeOf(net: CompiledNetwork, value: unknown, owner: SpecPath, pool: RoutePool): void {
  if (!Array.isArray(value)) throw new InputError(`${owner}.route`, `expected an array of link ids, found ${describeValue(value)}`);
  if (value.length === 0) throw new InputError(`${owner}.route`, 'expected at least one link id, found an empty array');
  // This loop runs for every link of every route: no call per link (each small function it called was compiled on its own).
  const { linkFrom, linkTo, movementOffsets, movementTo } = net;
  const linkIndexes = net.linkIndexes();
  pool.reserve(value.length);
  const links = pool.links;
  let length = pool.length;
  let prev = -1;
  for (let i = 0; i < value.length; i++) {
    const id: unknown = value[i];
    let l = typeof id === 'string' ? (linkIndexes.get(id) ?? -1) : -1;
    if (l < 0) l = linkOf(net, id, `${owner}.route[${i}]`); // throws, at the link's path
    if (i > 0) {
      let e = movementOffsets[prev]; // the movement from prev to l (CompiledNetwork.movementBetween)
      const end = movementOffsets[prev + 1];
      while (e < end && movementTo[e] !== l) e++;
      if (linkTo[prev] !== linkFrom[l] || e === end) routeStepError(net, value, owner, i, prev, l);
    }
    links[length++] = l;
    prev = l;
  }
  pool.length = length;
}

/** The problem of step `i` of a route (`value`, at `owner`) from link `prev` to link `l`: they do not meet, or no movement joins them. */
function routeStepError(net: CompiledNetwork, value: unknown[], owner: SpecPath, i: number, prev: number, l: number): never {
  const at = `${owner}.route[${i}]`;
  if (net.linkTo[prev] !== net.linkFrom[l]) {
    throw new InputError(
      at,
      `expected a link leaving junction ${describeValue(net.junctionKey(net.linkTo[prev]))} where link ${describeValue(value[i - 1])} ends, ` +
        `found link ${describeValue(value[i])} which starts at junction ${describeValue(net.junctionKey(net.linkFrom[l]))}`,
    );
  }
  throw new InputError(
    at,
    `expected a permitted movement from link ${describeValue(value[i - 1])} to link ${describeValue(value[i])} at junction ${describeValue(net.junctionKey(net.linkFrom[l]))}, found none`,
  );
}

/** Junction `j` as a message names it. */
function junctionName(net: CompiledNetwork, j: number): string {
  return describeValue(net.junctionKey(j));
}

/**
 * Resolve and cross-check from/to/fromLink/toLink/route of a trip or flow at
 * `path` into `out` (its `route` is left as it is): the route's links are
 * appended to `pool`, from `pool.length` on entry to `pool.length` on return.
 */
function resolveEndpoints(net: CompiledNetwork, spec: Record<string, unknown>, path: SpecPath, pool: RoutePool, out: Endpoints): void {
  const fromLink = spec.fromLink === undefined ? -1 : linkOf(net, spec.fromLink, `${path}.fromLink`);
  const toLink = spec.toLink === undefined ? -1 : linkOf(net, spec.toLink, `${path}.toLink`);
  const from = spec.from === undefined ? -1 : junctionOf(net, spec.from, `${path}.from`);
  const to = spec.to === undefined ? -1 : junctionOf(net, spec.to, `${path}.to`);
  const start = pool.length;
  const hasRoute = spec.route !== undefined;
  if (hasRoute) routeOf(net, spec.route, path, pool);
  const first = hasRoute ? pool.links[start] : -1;
  const last = hasRoute ? pool.links[pool.length - 1] : -1;
  const count = pool.length - start;
  const departSpeed = spec.departSpeed === undefined ? 0 : departSpeedOf(spec.departSpeed, `${path}.departSpeed`);

  if (fromLink >= 0 && from >= 0 && net.linkFrom[fromLink] !== from) {
    throw new InputError(`${path}.fromLink`, `expected a link starting at from junction ${junctionName(net, from)}, found link ${describeValue(spec.fromLink)} which starts at ${junctionName(net, net.linkFrom[fromLink])}`);
  }
  if (toLink >= 0 && to >= 0 && net.linkTo[toLink] !== to) {
    throw new InputError(`${path}.toLink`, `expected a link ending at to junction ${junctionName(net, to)}, found link ${describeValue(spec.toLink)} which ends at ${junctionName(net, net.linkTo[toLink])}`);
  }
  const origin = fromLink >= 0 ? net.linkFrom[fromLink] : from >= 0 ? from : hasRoute ? net.linkFrom[first] : -1;
  const destination = toLink >= 0 ? net.linkTo[toLink] : to >= 0 ? to : hasRoute ? net.linkTo[last] : -1;
  if (origin < 0) throw new InputError(`${path}.from`, 'expected an origin: a junction id (from), a link id (fromLink) or a route, found none');
  if (destination < 0) throw new InputError(`${path}.to`, 'expected a destination: a junction id (to), a link id (toLink) or a route, found none');

  if (hasRoute) {
    const ids = spec.route as unknown[];
    if (fromLink >= 0 ? first !== fromLink : net.linkFrom[first] !== origin) {
      throw new InputError(
        `${path}.route[0]`,
        fromLink >= 0
          ? `expected fromLink ${describeValue(spec.fromLink)} as the first link, found ${describeValue(ids[0])}`
          : `expected a first link starting at origin junction ${junctionName(net, origin)}, found link ${describeValue(ids[0])} which starts at ${junctionName(net, net.linkFrom[first])}`,
      );
    }
    if (toLink >= 0 ? last !== toLink : net.linkTo[last] !== destination) {
      throw new InputError(
        `${path}.route[${count - 1}]`,
        toLink >= 0
          ? `expected toLink ${describeValue(spec.toLink)} as the last link, found ${describeValue(ids[count - 1])}`
          : `expected a last link ending at destination junction ${junctionName(net, destination)}, found link ${describeValue(ids[count - 1])} which ends at ${junctionName(net, net.linkTo[last])}`,
      );
    }
  } else if (fromLink < 0 && toLink < 0 && origin === destination) {
    throw new InputError(`${path}.to`, `expected a destination other than the origin junction, found ${junctionName(net, destination)} for both`);
  }
  out.origin = origin;
  out.destination = destination;
  out.originLink = fromLink >= 0 ? fromLink : first;
  out.destinationLink = toLink >= 0 ? toLink : last;
  out.departSpeed = departSpeed;
}

/** Resolve and cross-check from/to/fromLink/toLink/route of a flow at `path`. */
function endpointsOf(net: CompiledNetwork, spec: Record<string, unknown>, path: string): Endpoints {
  const pool = new RoutePool(Array.isArray(spec.route) ? spec.route.length : 0);
  const out: Endpoints = { origin: -1, destination: -1, originLink: -1, destinationLink: -1, route: null, departSpeed: 0 };
  resolveEndpoints(net, spec, path, pool, out);
  if (spec.route !== undefined) out.route = pool.links.slice(0, pool.length);
  return out;
}



/** A trip's or flow's `departSpeed`: m/s >= 0, or "max" (Infinity: the first link's speed); 0 when absent. */
function departSpeedOf(value: unknown, path: string): number {
  if (value === undefined) return 0;
  if (value === 'max') return Infinity;
  if (!inRange(value, NON_NEGATIVE)) throw new InputError(path, `expected a speed in m/s (${describeRange(NON_NEGATIVE)}) or "max", found ${describeValue(value)}`);
  return value;
}

function listOf(spec: Record<string, unknown>, key: string): unknown[] {
  const value = spec[key];
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new InputError(key, `expected an array, found ${describeValue(value)}`);
  return value;
}

function resolveOd(net: CompiledNetwork, raw: unknown, path: string): ResolvedOd {
  if (!isRecord(raw)) throw new InputError(path, `expected an OD matrix object, found ${describeValue(raw)}`);
  if (!Array.isArray(raw.zones) || raw.zones.length === 0) throw new InputError(`${path}.zones`, `expected a non-empty array of junction ids, found ${describeValue(raw.zones)}`);
  const zoneIds = raw.zones as unknown[];
  const n = zoneIds.length;
  const zones = new Int32Array(n);
  const seen = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    zones[i] = junctionOf(net, zoneIds[i], `${path}.zones[${i}]`);
    const before = seen.get(zones[i]);
    if (before !== undefined) throw new InputError(`${path}.zones[${i}]`, `expected distinct zones, found ${describeValue(zoneIds[i])} again (also ${path}.zones[${before}])`);
    seen.set(zones[i], i);
  }
  const rows = raw.trips;
  if (!Array.isArray(rows) || rows.length !== n) {
    throw new InputError(`${path}.trips`, `expected ${n} rows (one per zone), found ${Array.isArray(rows) ? `${rows.length} rows` : describeValue(rows)}`);
  }
  const rates = new Float64Array(n * n);
  for (let o = 0; o < n; o++) {
    const row: unknown = rows[o];
    if (!Array.isArray(row) || row.length !== n) {
      throw new InputError(`${path}.trips[${o}]`, `expected ${n} columns (one per zone), found ${Array.isArray(row) ? `${row.length} columns` : describeValue(row)}`);
    }
    for (let d = 0; d < n; d++) {
      const at = `${path}.trips[${o}][${d}]`;
      const vph = nonNegative(row[d], at, 'vehicles per hour');
      if (o === d && vph !== 0) throw new InputError(at, `expected 0 on the diagonal (origin and destination are both zone ${describeValue(zoneIds[o])}), found ${vph}`);
      rates[o * n + d] = vph / 3600;
    }
  }
  const { begin, end } = period(raw, path);
  const profile = createProfile((raw.profile ?? CONSTANT_ONE) as ProfilePoint[], `${path}.profile`);
  return { zones, zoneIds: zoneIds as string[], rates, begin, end, profile, arrivals: arrivalsOf(raw.arrivals, `${path}.arrivals`, 'poisson') };
}

/**
 * Explicit trips checked against a network, as columns in spec order (a city
 * lists thousands of trips: no object or route array per trip). Fields as in
 * `TripTable` (demand.ts).
 */
export interface ResolvedTrips extends TripTable {
  /** m/s (see `Endpoints.departSpeed`); undefined when every trip departs from standstill. */
  departSpeed: Float64Array | undefined;
}

/** Check the explicit trips of a spec (`raws`, at `trips[i]`) against `net`, into columns. */
function resolveTrips(net: CompiledNetwork, raws: readonly unknown[]): ResolvedTrips {
  const count = raws.length;
  let routeLength = 0;
  for (const raw of raws) {
    const route = isRecord(raw) ? raw.route : undefined;
    if (Array.isArray(route)) routeLength += route.length;
  }
  const pool = new RoutePool(routeLength);
  const trips: ResolvedTrips = { ...emptyTripTable(count), departSpeed: undefined, routeLinks: pool.links };
  const endpoints: Endpoints = { origin: -1, destination: -1, originLink: -1, destinationLink: -1, route: null, departSpeed: 0 };
  const path = new ElementPath('trips');
  for (let i = 0; i < count; i++) {
    const raw = raws[i];
    path.index = i;
    if (!isRecord(raw)) throw new InputError(`${path}`, `expected a trip object, found ${describeValue(raw)}`);
    trips.ids[i] = idOf(raw.id, path, 'trip', i);
    trips.depart[i] = finiteField(raw.depart, path, 'depart', 'a finite departure time in seconds');
    resolveEndpoints(net, raw, path, pool, endpoints);
    trips.origin[i] = endpoints.origin;
    trips.destination[i] = endpoints.destination;
    trips.originLink[i] = endpoints.originLink;
    trips.destinationLink[i] = endpoints.destinationLink;
    trips.routeOffsets[i + 1] = pool.length;
    if (endpoints.departSpeed !== 0) (trips.departSpeed ??= new Float64Array(count))[i] = endpoints.departSpeed;
  }
  trips.routeLinks = pool.links.length === pool.length ? pool.links : pool.links.slice(0, pool.length);
  return trips;
}

/** A demand spec checked against a network: everything `expandDemand` generates from, in index space. */
export interface ResolvedDemand {
  /** Explicit trips, in spec order. */
  trips: ResolvedTrips;
  /** Flows, in spec order. */
  flows: ResolvedFlow[];
  /** OD matrices, in spec order. */
  ods: ResolvedOd[];
}

/**
 * Check the whole of `spec` against `net` before anything is generated, so a
 * mistake late in the spec costs no generation.
 * @throws InputError with the path into `spec` (`flows[2].rate`, `od[0].trips[1][3]`).
 */
export function resolveDemand(net: CompiledNetwork, spec: DemandSpec): ResolvedDemand {
  if (!isRecord(spec)) throw new InputError('demand', `expected an object with trips, flows and od, found ${describeValue(spec)}`);
  const trips = resolveTrips(net, listOf(spec, 'trips'));
  const flowIds = new Map<string, number>();
  const flows = listOf(spec, 'flows').map((raw, i): ResolvedFlow => {
    const path = `flows[${i}]`;
    if (!isRecord(raw)) throw new InputError(path, `expected a flow object, found ${describeValue(raw)}`);
    const id = idOf(raw.id, path, 'flow', i);
    const before = flowIds.get(id);
    if (before !== undefined) throw new InputError(`${path}.id`, `expected a unique flow id, found ${describeValue(id)} already used by flows[${before}]`);
    flowIds.set(id, i);
    const rate = nonNegative(raw.rate, `${path}.rate`, 'a rate in vehicles per second');
    const { begin, end } = period(raw, path);
    const arrivals = arrivalsOf(raw.arrivals, `${path}.arrivals`, 'uniform');
    return { id, rate, begin, end, arrivals, ...endpointsOf(net, raw, path) };
  });
  const ods = listOf(spec, 'od').map((raw, m) => resolveOd(net, raw, `od[${m}]`));

  return { trips, flows, ods };
}
