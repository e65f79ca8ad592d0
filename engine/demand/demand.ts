/**
 * What demand is: individual trips, steady flows and time-varying
 * origin-destination matrices (`DemandSpec`, as a scenario or an importer
 * gives them), and the `TripTable` they are expanded into once — struct-of-arrays
 * in index space, sorted by departure time — that the simulation kernel consumes.
 *
 * Input is in SI units (s, veh/s) except OD matrix cells, which are vehicles per
 * hour at profile factor 1, as planners write them. `expandDemand` (expand.ts)
 * turns one into the other; `resolve.ts` checks a spec against a network.
 */
import type { ProfilePoint } from './profile.js';

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
  /**
   * Speed when entering the first link, m/s, or `'max'`: the first link's speed
   * (SUMO's `departSpeed`). Default 0: from standstill, paying the departure's
   * acceleration loss (see engine/sim/losses.ts).
   */
  departSpeed?: number | 'max';
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
  /** A name per zone (same order as `zones`), for people; not used by the simulation. */
  zoneNames?: string[];
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
  /** Individual vehicles. */
  trips?: TripSpec[];
  /** Steady streams between two places. */
  flows?: FlowSpec[];
  /** Origin-destination matrices over time. */
  od?: OdMatrixSpec[];
}

/**
 * Expanded demand, one row per vehicle, sorted by departure time (ties keep
 * generation order: trips, then flows, then OD matrices). Indices refer to the
 * `CompiledNetwork` it was expanded on.
 */
export interface TripTable {
  /** Number of trips (rows). */
  count: number;
  /** Trip ids. */
  ids: string[];
  /** Departure time, s. */
  depart: Float64Array;
  /** Origin junction index. */
  origin: Int32Array;
  /** Destination junction index. */
  destination: Int32Array;
  /** First link index, -1 if the router may choose (set whenever a route is given). */
  originLink: Int32Array;
  /** Last link index, -1 if the router may choose (set whenever a route is given). */
  destinationLink: Int32Array;
  /** Route of trip i: `routeLinks[routeOffsets[i] .. routeOffsets[i+1])`; empty = chosen at departure. */
  routeOffsets: Int32Array;
  /**
   * Speed of trip i when entering its first link, m/s (`Infinity`: the link's
   * speed); absent when every trip departs from standstill.
   */
  departSpeed?: Float64Array;
  /** Link indices of every given route, concatenated. */
  routeLinks: Int32Array;
}

/** A trip table of `count` rows with its columns allocated (zeros, no route links yet), for a builder to fill. */
export function emptyTripTable(count: number): TripTable {
  return {
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
}
