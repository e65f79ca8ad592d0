/**
 * Demand: individual trips, steady flows and time-varying origin-destination
 * matrices, expanded once into a `TripTable` — struct-of-arrays in index space,
 * sorted by departure time — that the simulation kernel consumes.
 *
 * Input is in SI units (s, veh/s) except OD matrix cells, which are vehicles per
 * hour at profile factor 1, as planners write them. Every problem is an
 * `InputError` whose path points into the `DemandSpec` (`flows[2].rate`,
 * `od[0].trips[1][3]`); the whole spec is validated before anything is generated.
 */
import { InputError, UsageError } from '../errors.js';
import { describeValue } from '../text/describe.js';
import { describeRange, inRange, type NumberRange } from '../text/numbers.js';
import { isRecord } from '../text/record.js';
import { CompiledNetwork } from '../network/compiled.js';
import { createProfile, type Profile, type ProfilePoint } from './profile.js';
import { RandomStream } from './random.js';

/** How vehicles of a flow or OD cell are spaced in time. */
export type ArrivalProcess = 'uniform' | 'poisson';

/**
 * Where a trip or flow starts and ends. Give junction ids (`from`/`to`), link ids
 * (`fromLink`: the first link driven; `toLink`: the last), an explicit `route` of
 * link ids, or a consistent combination. With only a route, origin, destination and
 * their links are taken from it.
 */
export interface RouteFields {
  /** Origin junction id. */
  from?: string;
  /** Destination junction id. */
  to?: string;
  /** First link driven (origin = its upstream junction). */
  fromLink?: string;
  /** Last link driven (destination = its downstream junction). */
  toLink?: string;
  /** Explicit route: link ids, each consecutive pair a permitted movement. */
  route?: string[];
}

/** One vehicle. */
export interface TripSpec extends RouteFields {
  /** Default `trip${index}`. */
  id?: string;
  /** Departure time, s. */
  depart: number;
}

/** A steady stream of vehicles between one origin and destination. */
export interface FlowSpec extends RouteFields {
  /** Default `flow${index}`; generated trips are `${id}.${k}`. */
  id?: string;
  /** Vehicles per second (>= 0). */
  rate: number;
  /** First possible departure, s. */
  begin: number;
  /** Departures are strictly before `end`, s (> begin). */
  end: number;
  /**
   * `uniform` (default): headway 1/rate, the first vehicle half a headway after
   * `begin`, so rate x (end - begin) rounds to the count. `poisson`: exponential headways.
   */
  arrivals?: ArrivalProcess;
}

/** An origin-destination matrix between zones (junctions), scaled over time by a profile. */
export interface OdMatrixSpec {
  /** Zone junction ids, distinct. */
  zones: string[];
  /** trips[o][d]: vehicles per hour from zones[o] to zones[d] at profile factor 1; diagonal 0. */
  trips: number[][];
  /** Start of the period, s. */
  begin: number;
  /** End of the period, s (> begin). */
  end: number;
  /** Time-of-day factor (see `createProfile`); default constant 1. */
  profile?: ProfilePoint[];
  /**
   * `poisson` (default): a non-homogeneous Poisson process of rate
   * trips/3600 x profile(t), by thinning. `uniform`: departures evenly spaced in
   * expected count, the k-th where the expected count since `begin` reaches k + 1/2.
   */
  arrivals?: ArrivalProcess;
}

/** All demand of a scenario. */
export interface DemandSpec {
  trips?: TripSpec[];
  flows?: FlowSpec[];
  od?: OdMatrixSpec[];
}

/**
 * Expanded demand, one row per vehicle, sorted by departure time (ties keep
 * generation order: trips, then flows, then OD matrices). Indices refer to the
 * `CompiledNetwork` it was expanded on.
 */
export interface TripTable {
  count: number;
  ids: string[];
  /** Departure time, s. */
  depart: Float64Array;
  /** Origin and destination junction index. */
  origin: Int32Array;
  destination: Int32Array;
  /** First / last link index, -1 if the router may choose (set whenever a route is given). */
  originLink: Int32Array;
  destinationLink: Int32Array;
  /** Route of trip i: `routeLinks[routeOffsets[i] .. routeOffsets[i+1])`; empty = chosen at departure. */
  routeOffsets: Int32Array;
  routeLinks: Int32Array;
}

interface Endpoints {
  origin: number;
  destination: number;
  originLink: number;
  destinationLink: number;
  route: Int32Array | null;
}

interface ResolvedFlow extends Endpoints {
  id: string;
  rate: number;
  begin: number;
  end: number;
  arrivals: ArrivalProcess;
}

interface ResolvedOd {
  zones: Int32Array;
  zoneIds: string[];
  /** Vehicles per second at factor 1, row-major. */
  rates: Float64Array;
  begin: number;
  end: number;
  profile: Profile;
  arrivals: ArrivalProcess;
}

const CONSTANT_ONE: ProfilePoint[] = [{ time: 0, factor: 1 }];

function finite(value: unknown, path: string, what: string): number {
  if (!inRange(value, {})) throw new InputError(path, `expected ${what}, found ${describeValue(value)}`);
  return value;
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

function idOf(value: unknown, path: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || value.length === 0) throw new InputError(path, `expected a non-empty string id, found ${describeValue(value)}`);
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

function routeOf(net: CompiledNetwork, value: unknown, path: string): Int32Array {
  if (!Array.isArray(value)) throw new InputError(path, `expected an array of link ids, found ${describeValue(value)}`);
  if (value.length === 0) throw new InputError(path, 'expected at least one link id, found an empty array');
  const route = new Int32Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const l = linkOf(net, value[i], `${path}[${i}]`);
    if (i > 0) {
      const prev = route[i - 1];
      if (net.linkTo[prev] !== net.linkFrom[l]) {
        throw new InputError(
          `${path}[${i}]`,
          `expected a link leaving junction ${describeValue(net.junctionKey(net.linkTo[prev]))} where link ${describeValue(value[i - 1])} ends, ` +
            `found link ${describeValue(value[i])} which starts at junction ${describeValue(net.junctionKey(net.linkFrom[l]))}`,
        );
      }
      if (net.movementBetween(prev, l) < 0) {
        throw new InputError(
          `${path}[${i}]`,
          `expected a permitted movement from link ${describeValue(value[i - 1])} to link ${describeValue(value[i])} at junction ${describeValue(net.junctionKey(net.linkFrom[l]))}, found none`,
        );
      }
    }
    route[i] = l;
  }
  return route;
}

/** Resolve and cross-check from/to/fromLink/toLink/route of a trip or flow at `path`. */
function endpointsOf(net: CompiledNetwork, spec: Record<string, unknown>, path: string): Endpoints {
  const fromLink = spec.fromLink === undefined ? -1 : linkOf(net, spec.fromLink, `${path}.fromLink`);
  const toLink = spec.toLink === undefined ? -1 : linkOf(net, spec.toLink, `${path}.toLink`);
  const from = spec.from === undefined ? -1 : junctionOf(net, spec.from, `${path}.from`);
  const to = spec.to === undefined ? -1 : junctionOf(net, spec.to, `${path}.to`);
  const route = spec.route === undefined ? null : routeOf(net, spec.route, `${path}.route`);
  const junction = (j: number) => describeValue(net.junctionKey(j));

  if (fromLink >= 0 && from >= 0 && net.linkFrom[fromLink] !== from) {
    throw new InputError(`${path}.fromLink`, `expected a link starting at from junction ${junction(from)}, found link ${describeValue(spec.fromLink)} which starts at ${junction(net.linkFrom[fromLink])}`);
  }
  if (toLink >= 0 && to >= 0 && net.linkTo[toLink] !== to) {
    throw new InputError(`${path}.toLink`, `expected a link ending at to junction ${junction(to)}, found link ${describeValue(spec.toLink)} which ends at ${junction(net.linkTo[toLink])}`);
  }
  const origin = fromLink >= 0 ? net.linkFrom[fromLink] : from >= 0 ? from : route ? net.linkFrom[route[0]] : -1;
  const destination = toLink >= 0 ? net.linkTo[toLink] : to >= 0 ? to : route ? net.linkTo[route[route.length - 1]] : -1;
  if (origin < 0) throw new InputError(`${path}.from`, 'expected an origin: a junction id (from), a link id (fromLink) or a route, found none');
  if (destination < 0) throw new InputError(`${path}.to`, 'expected a destination: a junction id (to), a link id (toLink) or a route, found none');

  if (route) {
    const first = route[0];
    const last = route[route.length - 1];
    const ids = spec.route as unknown[];
    if (fromLink >= 0 ? first !== fromLink : net.linkFrom[first] !== origin) {
      throw new InputError(
        `${path}.route[0]`,
        fromLink >= 0
          ? `expected fromLink ${describeValue(spec.fromLink)} as the first link, found ${describeValue(ids[0])}`
          : `expected a first link starting at origin junction ${junction(origin)}, found link ${describeValue(ids[0])} which starts at ${junction(net.linkFrom[first])}`,
      );
    }
    if (toLink >= 0 ? last !== toLink : net.linkTo[last] !== destination) {
      throw new InputError(
        `${path}.route[${route.length - 1}]`,
        toLink >= 0
          ? `expected toLink ${describeValue(spec.toLink)} as the last link, found ${describeValue(ids[route.length - 1])}`
          : `expected a last link ending at destination junction ${junction(destination)}, found link ${describeValue(ids[route.length - 1])} which ends at ${junction(net.linkTo[last])}`,
      );
    }
  } else if (fromLink < 0 && toLink < 0 && origin === destination) {
    throw new InputError(`${path}.to`, `expected a destination other than the origin junction, found ${junction(destination)} for both`);
  }
  return {
    origin,
    destination,
    originLink: fromLink >= 0 ? fromLink : route ? route[0] : -1,
    destinationLink: toLink >= 0 ? toLink : route ? route[route.length - 1] : -1,
    route,
  };
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

/** Growable columns, in generation order, before sorting. */
class TripColumns {
  readonly ids: string[] = [];
  readonly depart: number[] = [];
  readonly rows: Endpoints[] = [];
  /** Generated ids are `${prefix}.${k}` for k < count: prefix -> count and the path that owns it. */
  readonly generated = new Map<string, { count: number; owner: string }>();

  add(id: string, depart: number, endpoints: Endpoints): void {
    this.ids.push(id);
    this.depart.push(depart);
    this.rows.push(endpoints);
  }

  /** Record that `owner` generated ids `${prefix}.0` .. `${prefix}.${count - 1}`; throws if another owner did too. */
  generatedIds(prefix: string, count: number, owner: string): void {
    if (count === 0) return;
    const before = this.generated.get(prefix);
    if (before !== undefined) throw new InputError(owner, `expected unique trip ids, found ${describeValue(`${prefix}.0`)} generated here and by ${before.owner}`);
    this.generated.set(prefix, { count, owner });
  }
}

/**
 * Check explicit trip ids against each other and against generated ones without
 * hashing every generated id: a generated id is `${prefix}.${k}` with k a decimal
 * integer, so it can only equal an explicit id that splits the same way at its last dot.
 */
function checkTripIds(ids: readonly string[], columns: TripColumns): void {
  const seen = new Map<string, number>();
  ids.forEach((id, i) => {
    const before = seen.get(id);
    if (before !== undefined) throw new InputError(`trips[${i}].id`, `expected a unique trip id, found ${describeValue(id)} already used by trips[${before}]`);
    seen.set(id, i);
    const dot = id.lastIndexOf('.');
    const suffix = id.slice(dot + 1);
    if (dot < 0 || !/^(0|[1-9][0-9]*)$/.test(suffix)) return;
    const source = columns.generated.get(id.slice(0, dot));
    if (source !== undefined && Number(suffix) < source.count) {
      throw new InputError(source.owner, `expected unique trip ids, found ${describeValue(id)} generated here and already used by trips[${i}].id`);
    }
  });
}

/**
 * Expand `spec` on `net` into a {@link TripTable} sorted by departure time.
 * Randomness comes only from `random` (pass the run's demand stream, e.g.
 * `createRandom(seed).fork('demand')`): Poisson flow `i` draws from
 * `random.fork('flow').fork(flowId)`, OD cell (o, d) of matrix m from
 * `random.fork('od').fork(String(m)).fork(originId).fork(destinationId)`, so
 * adding or reordering other flows or zones leaves their departures unchanged.
 *
 * Throws `InputError` (path into `spec`) for bad demand, `UsageError` for bad arguments.
 */
export function expandDemand(net: CompiledNetwork, spec: DemandSpec, random: RandomStream): TripTable {
  if (!(net instanceof CompiledNetwork)) throw new UsageError('expandDemand(net, spec, random): net must be a CompiledNetwork');
  if (!(random instanceof RandomStream)) throw new UsageError('expandDemand(net, spec, random): random must be a RandomStream (see createRandom)');
  if (!isRecord(spec)) throw new InputError('demand', `expected an object with trips, flows and od, found ${describeValue(spec)}`);

  // Validate everything first, so a mistake late in the spec costs no generation.
  const trips = listOf(spec, 'trips').map((raw, i) => {
    const path = `trips[${i}]`;
    if (!isRecord(raw)) throw new InputError(path, `expected a trip object, found ${describeValue(raw)}`);
    const id = idOf(raw.id, `${path}.id`, `trip${i}`);
    const depart = finite(raw.depart, `${path}.depart`, 'a finite departure time in seconds');
    return { id, depart, endpoints: endpointsOf(net, raw, path) };
  });
  const flowIds = new Map<string, number>();
  const flows = listOf(spec, 'flows').map((raw, i): ResolvedFlow => {
    const path = `flows[${i}]`;
    if (!isRecord(raw)) throw new InputError(path, `expected a flow object, found ${describeValue(raw)}`);
    const id = idOf(raw.id, `${path}.id`, `flow${i}`);
    const before = flowIds.get(id);
    if (before !== undefined) throw new InputError(`${path}.id`, `expected a unique flow id, found ${describeValue(id)} already used by flows[${before}]`);
    flowIds.set(id, i);
    const rate = nonNegative(raw.rate, `${path}.rate`, 'a rate in vehicles per second');
    const { begin, end } = period(raw, path);
    const arrivals = arrivalsOf(raw.arrivals, `${path}.arrivals`, 'uniform');
    return { id, rate, begin, end, arrivals, ...endpointsOf(net, raw, path) };
  });
  const ods = listOf(spec, 'od').map((raw, m) => resolveOd(net, raw, `od[${m}]`));

  const columns = new TripColumns();
  for (const t of trips) columns.add(t.id, t.depart, t.endpoints);

  flows.forEach((f, i) => {
    if (f.rate === 0) return;
    const prefix = `${f.id}.`;
    let k = 0;
    if (f.arrivals === 'uniform') {
      for (let t = f.begin + 0.5 / f.rate; t < f.end; k++, t = f.begin + (k + 0.5) / f.rate) columns.add(prefix + k, t, f);
    } else {
      const stream = random.fork('flow').fork(f.id);
      for (let t = f.begin + stream.exponential(f.rate); t < f.end; k++, t += stream.exponential(f.rate)) columns.add(prefix + k, t, f);
    }
    columns.generatedIds(f.id, k, `flows[${i}].id`);
  });

  const odStream = random.fork('od');
  ods.forEach((od, m) => {
    const n = od.zones.length;
    const matrixStream = odStream.fork(String(m));
    const { profile, begin, end } = od;
    const peak = profile.max(begin, end);
    const base = profile.cumulative(begin);
    const expectedPerRate = profile.integral(begin, end);
    for (let o = 0; o < n; o++) {
      for (let d = 0; d < n; d++) {
        const rate = od.rates[o * n + d];
        if (rate === 0 || peak === 0) continue;
        const endpoints: Endpoints = { origin: od.zones[o], destination: od.zones[d], originLink: -1, destinationLink: -1, route: null };
        const prefix = `od${m}.${o}-${d}.`;
        let k = 0;
        if (od.arrivals === 'uniform') {
          const expected = rate * expectedPerRate;
          for (; k + 0.5 < expected; k++) {
            const t = profile.inverseCumulative(base + (k + 0.5) / rate);
            if (!(t < end)) break;
            columns.add(prefix + k, Math.max(t, begin), endpoints);
          }
        } else {
          // Thinning (Lewis & Shedler 1979): candidates at the peak rate, each kept with probability profile(t) / peak.
          const stream = matrixStream.fork(od.zoneIds[o]).fork(od.zoneIds[d]);
          const peakRate = rate * peak;
          for (let t = begin + stream.exponential(peakRate); t < end; t += stream.exponential(peakRate)) {
            if (stream.next() * peak < profile.factor(t)) columns.add(prefix + k++, t, endpoints);
          }
        }
        columns.generatedIds(`od${m}.${o}-${d}`, k, `od[${m}].trips[${o}][${d}]`);
      }
    }
  });
  checkTripIds(trips.map((t) => t.id), columns);
  return buildTable(columns);
}

/** Sort the generated rows by departure (stable) and pack them into typed arrays. */
function buildTable(columns: TripColumns): TripTable {
  const count = columns.ids.length;
  const order = new Int32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  const depart = columns.depart;
  order.sort((a, b) => depart[a] - depart[b] || a - b);
  const table: TripTable = {
    count,
    ids: new Array<string>(count),
    depart: new Float64Array(count),
    origin: new Int32Array(count),
    destination: new Int32Array(count),
    originLink: new Int32Array(count),
    destinationLink: new Int32Array(count),
    routeOffsets: new Int32Array(count + 1),
    routeLinks: new Int32Array(0),
  };
  let routeTotal = 0;
  for (let i = 0; i < count; i++) {
    const row = columns.rows[order[i]];
    table.ids[i] = columns.ids[order[i]];
    table.depart[i] = depart[order[i]];
    table.origin[i] = row.origin;
    table.destination[i] = row.destination;
    table.originLink[i] = row.originLink;
    table.destinationLink[i] = row.destinationLink;
    routeTotal += row.route ? row.route.length : 0;
    table.routeOffsets[i + 1] = routeTotal;
  }
  table.routeLinks = new Int32Array(routeTotal);
  for (let i = 0; i < count; i++) {
    const route = columns.rows[order[i]].route;
    if (route) table.routeLinks.set(route, table.routeOffsets[i]);
  }
  return table;
}
