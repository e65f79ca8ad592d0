/**
 * CityFlow `flow.json` -> `DemandSpec` with explicit routes.
 *
 * Semantics, from CityFlow's source (cityflow-project/CityFlow, `src/flow/flow.cpp`,
 * `src/engine/engine.cpp`, `src/vehicle/router.cpp`):
 *
 * - Entry i is flow `flow_i`; its vehicles are `flow_i_0`, `flow_i_1`, ...
 * - Every simulation step of `dt` seconds (config `interval`, default 1) at time
 *   t = n dt, a flow with `startTime <= t` and (`endTime == -1` or `t <= endTime`)
 *   adds `interval` to an accumulator that starts full and emits one vehicle per
 *   whole `interval` in it. So vehicle k departs at the first step at or after
 *   `startTime + k * interval`, up to `endTime` inclusive (`endTime` -1: for ever).
 *   `startTime` defaults to 0, `endTime` to -1; `interval` must be > 0.
 * - A run of `horizon` seconds makes steps t = 0, dt, ..., horizon - dt, so
 *   vehicles due at or after the horizon are never generated; they are left out.
 * - `route` lists anchor roads: CityFlow drives the shortest path (by lane
 *   length, its LENGTH router) from each anchor to the next. A route that
 *   collapses to one road, or whose anchors are not connected, is invalid:
 *   CityFlow drops the vehicle and disables the flow, and so does this import
 *   (with a warning).
 *
 * Output: a flow whose departures are evenly spaced on the step grid becomes a
 * greenwave `uniform` flow that reproduces them exactly (greenwave puts vehicle k
 * at `begin + (k + 1/2) / rate`, so `begin = startTime - interval / 2`); when that
 * `begin` would fall before the simulation start (t = 0), the first vehicle is
 * written as a trip `flow_i_0` and the flow starts with the second. A single
 * vehicle is a trip `flow_i_0`; departures that are not evenly spaced (an
 * `interval` that is not a multiple of the step) are trips `flow_i_k`.
 *
 * Vehicle parameters: greenwave's mesoscopic vehicles drive at the link speed and
 * queue at the link's jam spacing. The spacing (length + minGap) is taken from
 * the flows when they agree; the saturation flow of every lane comes from the
 * car-following rule (see {@link cityflowSaturationFlow}); accelerations and
 * widths have no counterpart and are not imported.
 */
import type { DemandSpec, FlowSpec, TripSpec } from '../../demand/demand.js';
import type { VehicleModel } from '../../sim/losses.js';
import type { ImportCount, ImportWarning } from '../types.js';
import { Reader, show, type JsonDocument } from './json.js';
import type { CityflowRoad } from './road.js';

/** Vehicle fields CityFlow requires of every flow entry. */
const VEHICLE_FIELDS = ['length', 'width', 'maxPosAcc', 'maxNegAcc', 'usualPosAcc', 'usualNegAcc', 'minGap', 'maxSpeed', 'headwayTime'] as const;

/**
 * Most single trips an import writes (2 million: about 0.5 GB while the scenario
 * is built); flows of evenly spaced vehicles are one record each, whatever their count.
 */
export const MAX_CITYFLOW_TRIPS = 2_000_000;

/** Most vehicles an import generates before its horizon (20 million). */
export const MAX_CITYFLOW_VEHICLES = 20_000_000;

/** Tolerance for "on the step grid" and "a multiple of the step", s. */
const GRID_TOLERANCE = 1e-9;

/** A flow entry as read, before routes are resolved. */
export interface CityflowFlowEntry {
  index: number;
  route: string[];
  interval: number;
  startTime: number;
  /** -1 = for ever. */
  endTime: number;
  /** Vehicle length + minGap, m. */
  spacing: number;
  /** m/s */
  maxSpeed: number;
  /** CityFlow's `headwayTime`: the time gap the car-following rule keeps to the leader, s. */
  headwayTime: number;
  /** CityFlow's `usualPosAcc`, m/s². */
  accel: number;
  /** CityFlow's `usualNegAcc`, m/s². */
  decel: number;
}

/**
 * The vehicle class of a CityFlow import (sim/losses.ts): CityFlow's usual
 * accelerations (`usualPosAcc`, `usualNegAcc`, means weighted by the vehicles
 * each flow generates before `horizon`) for the halt rule that counts stops, and
 * no losses: CityFlow's drivers do not dawdle (sigma 0), and its queues already
 * discharge at the car-following headway (see {@link cityflowSaturationFlow});
 * a flat start-up loss per stop was measured to overshoot CityFlow. Undefined
 * when no entry generates a vehicle.
 */
export function cityflowVehicleModel(entries: readonly CityflowFlowEntry[], dt: number, horizon: number): VehicleModel | undefined {
  let weight = 0;
  let accel = 0;
  let decel = 0;
  for (const e of entries) {
    const w = flowDepartures(e, dt, horizon).count;
    weight += w;
    accel += w * e.accel;
    decel += w * e.decel;
  }
  if (!(weight > 0 && accel > 0 && decel > 0)) return undefined;
  return { accel: accel / weight, decel: decel / weight, sigma: 0, startLoss: false, startUpLost: 0, speedDev: 0, junctionStorage: 0 }; // CityFlow: every vehicle at its flow's maxSpeed; no junction storage (not measured against CityFlow)
}

/**
 * Saturation flow per lane, veh/s, that CityFlow's car following gives a queue
 * discharging behind a green: CityFlow keeps a gap of speed x `headwayTime` to
 * the leader beyond `minGap` (`Vehicle::getCarFollowSpeed`, src/vehicle/vehicle.cpp),
 * so at the vehicle's `maxSpeed` v successive vehicles pass the stop line
 * h = headwayTime + (length + minGap) / v apart, and s = 1 / h. With mixed
 * vehicles, h is their mean weighted by the vehicles each flow generates within
 * the horizon (mean headway, so s is the harmonic mean). The public data sets
 * (headwayTime 2 s, 5 m + 2.5 m, 11.111 m/s) give 1,346 veh/h; CityFlow's own
 * discharge on Hangzhou was measured at 1,379 veh/h (the 1 s step shortens the
 * headway a little). Undefined when no entry generates a vehicle.
 */
export function cityflowSaturationFlow(entries: readonly CityflowFlowEntry[], dt: number, horizon: number): number | undefined {
  let weight = 0;
  let sum = 0;
  for (const e of entries) {
    const w = flowDepartures(e, dt, horizon).count;
    weight += w;
    sum += w * (e.headwayTime + e.spacing / e.maxSpeed);
  }
  return weight > 0 && sum > 0 ? weight / sum : undefined;
}

/** Read and type-check the entries of a flow document (road ids are checked by {@link checkFlowRoutes}). */
export function readFlowEntries(doc: JsonDocument): CityflowFlowEntry[] {
  const r: Reader = new Reader(doc);
  const list = r.array(doc.data, [], 'a CityFlow flow file: an array of flows');
  return list.map((value, i) => {
    const at = [i];
    const raw = r.object(value, at, 'a flow object {vehicle, route, interval, startTime, endTime}');
    const vehicle = r.object(r.field(raw, 'vehicle', at), [...at, 'vehicle'], 'a vehicle object');
    const v: Record<string, number> = {};
    for (const key of VEHICLE_FIELDS) v[key] = r.number(r.field(vehicle, key, [...at, 'vehicle']), [...at, 'vehicle', key], `vehicle ${key} (a number)`);
    if (!(v.length > 0)) r.fail([...at, 'vehicle', 'length'], `expected a vehicle length > 0 m, found ${v.length}`);
    if (v.minGap < 0) r.fail([...at, 'vehicle', 'minGap'], `expected a minimum gap >= 0 m, found ${v.minGap}`);
    if (!(v.maxSpeed > 0)) r.fail([...at, 'vehicle', 'maxSpeed'], `expected a maximum speed > 0 m/s, found ${v.maxSpeed}`);
    const routeValues = r.array(r.field(raw, 'route', at), [...at, 'route'], 'an array of road ids');
    const route = routeValues.map((id, k) => r.string(id, [...at, 'route', k], 'a road id'));
    const interval = r.positive(r.field(raw, 'interval', at), [...at, 'interval'], 'the time between vehicles in seconds');
    const startTime = raw.startTime === undefined ? 0 : r.integer(raw.startTime, [...at, 'startTime'], 'a start time in whole seconds');
    const endTime = raw.endTime === undefined ? -1 : r.integer(raw.endTime, [...at, 'endTime'], 'an end time in whole seconds (-1: no end)');
    return { index: i, route, interval, startTime, endTime, spacing: v.length + v.minGap, maxSpeed: v.maxSpeed, headwayTime: v.headwayTime, accel: v.usualPosAcc, decel: v.usualNegAcc };
  });
}

/** Every road a route names must be a road of the roadnet (CityFlow: "No such road"). */
export function checkFlowRoutes(doc: JsonDocument, entries: readonly CityflowFlowEntry[], roads: ReadonlyMap<string, unknown>): void {
  for (const entry of entries) {
    entry.route.forEach((road, k) => {
      if (!roads.has(road)) throw doc.error([entry.index, 'route', k], `expected a road id of the roadnet, found ${show(road)} (no such road)`);
    });
  }
}

/** The departures of a flow entry, counted without listing them (a horizon of years must not allocate a time per vehicle). */
export interface FlowDepartures {
  /** Vehicles departing before the horizon. */
  count: number;
  /** Departure time of vehicle `k` (0 <= k < count), s. */
  timeAt(k: number): number;
  /** True when the departures are evenly spaced on the step grid (a uniform flow reproduces them). */
  evenlySpaced: boolean;
  /** Vehicles of a flow with an end that fall at or after the horizon. */
  beyondHorizon: number;
}

/** Departure times of a flow entry in a run of `horizon` s with step `dt` (CityFlow's Flow::nextStep). */
export function flowDepartures(entry: Pick<CityflowFlowEntry, 'interval' | 'startTime' | 'endTime'>, dt: number, horizon: number): FlowDepartures {
  const { interval, startTime, endTime } = entry;
  const steps = Math.ceil(horizon / dt - GRID_TOLERANCE); // steps 0 .. steps-1 run
  const first = Math.max(0, Math.ceil(startTime / dt - GRID_TOLERANCE));
  const lastStep = endTime === -1 ? Infinity : Math.floor(endTime / dt + GRID_TOLERANCE);
  const ratio = interval / dt;
  // Vehicle k departs at step first + ceil(k ratio - tolerance); it runs while that step is <= the last one.
  const upTo = (last: number): number => (last < first ? 0 : Math.floor((last - first + GRID_TOLERANCE) / ratio) + 1);
  const count = upTo(Math.min(lastStep, steps - 1));
  const beyondHorizon = endTime === -1 || lastStep < steps ? 0 : Math.max(0, upTo(lastStep) - count);
  const onGrid = Math.abs(first * dt - startTime) < GRID_TOLERANCE && Math.abs(ratio - Math.round(ratio)) < GRID_TOLERANCE;
  return { count, timeAt: (k) => (first + Math.ceil(k * ratio - GRID_TOLERANCE)) * dt, evenlySpaced: onGrid, beyondHorizon };
}

/**
 * CityFlow's route: the shortest path (by lane length) from each anchor road to
 * the next through permitted turns; undefined when an anchor cannot be reached
 * or the route is a single road.
 */
export function resolveRoute(anchors: readonly string[], next: ReadonlyMap<string, readonly string[]>, roads: ReadonlyMap<string, CityflowRoad>): string[] | undefined {
  const route: string[] = [anchors[0]];
  for (let i = 1; i < anchors.length; i++) {
    const from = anchors[i - 1];
    const to = anchors[i];
    if (from === to) continue;
    if (next.get(from)?.includes(to)) {
      route.push(to);
      continue;
    }
    const path = shortestPath(from, to, next, roads);
    if (path === undefined) return undefined;
    route.push(...path);
  }
  return route.length > 1 ? route : undefined;
}

/** Roads after `from` up to and including `to`, cheapest by lane length (Dijkstra; ties by road order). */
function shortestPath(from: string, to: string, next: ReadonlyMap<string, readonly string[]>, roads: ReadonlyMap<string, CityflowRoad>): string[] | undefined {
  const dist = new Map<string, number>([[from, 0]]);
  const pred = new Map<string, string>();
  const done = new Set<string>();
  // Networks are small and this runs only for routes with gaps: a linear scan for the minimum is enough.
  const open = new Set<string>([from]);
  while (open.size > 0) {
    let u: string | undefined;
    let best = Infinity;
    for (const id of open) {
      const d = dist.get(id)!;
      if (u === undefined || d < best || (d === best && roads.get(id)!.index < roads.get(u)!.index)) {
        best = d;
        u = id;
      }
    }
    if (u === undefined) break;
    open.delete(u);
    if (u === to) break;
    done.add(u);
    for (const v of next.get(u) ?? []) {
      if (done.has(v)) continue;
      const d = best + roads.get(v)!.laneLength;
      if (d < (dist.get(v) ?? Infinity)) {
        dist.set(v, d);
        pred.set(v, u);
        open.add(v);
      }
    }
  }
  if (!pred.has(to)) return undefined;
  const path: string[] = [];
  for (let v = to; v !== from; v = pred.get(v)!) path.push(v);
  return path.reverse();
}

/** What {@link flowDemand} produced. */
export interface CityflowDemand {
  demand: DemandSpec;
  counts: ImportCount[];
  /** Vehicles imported (departing before the horizon). */
  vehicles: number;
}

/**
 * Turn flow entries into greenwave demand for a run of `horizon` s with CityFlow
 * step `dt`. Warnings are appended to `warnings`.
 */
export function flowDemand(
  doc: JsonDocument,
  entries: readonly CityflowFlowEntry[],
  next: ReadonlyMap<string, readonly string[]>,
  roads: ReadonlyMap<string, CityflowRoad>,
  dt: number,
  horizon: number,
  warnings: ImportWarning[],
  maxTrips = MAX_CITYFLOW_TRIPS,
): CityflowDemand {
  let tripsWritten = 0;
  const trips: TripSpec[] = [];
  const flows: FlowSpec[] = [];
  let vehicles = 0;
  let beyond = 0;
  let invalid = 0;
  let empty = 0;
  let slow = 0;
  const routeCache = new Map<string, string[] | undefined>();
  for (const entry of entries) {
    const key = entry.route.join('\u0000');
    if (!routeCache.has(key)) routeCache.set(key, entry.route.length === 0 ? undefined : resolveRoute(entry.route, next, roads));
    const route = routeCache.get(key);
    const departures = flowDepartures(entry, dt, horizon);
    const { count, timeAt, evenlySpaced, beyondHorizon } = departures;
    beyond += beyondHorizon;
    if (route === undefined) {
      invalid++;
      warnings.push({
        where: doc.where([entry.index, 'route']),
        element: `flow_${entry.index}`,
        message: entry.route.length <= 1 || new Set(entry.route).size === 1
          ? `route ${JSON.stringify(entry.route)} has fewer than two roads: CityFlow drops such vehicles and disables the flow, so ${count} vehicle(s) were left out`
          : `no path through the route's roads ${JSON.stringify(entry.route)} (a road cannot be reached from the one before it): CityFlow drops such vehicles and disables the flow, so ${count} vehicle(s) were left out`,
      });
      continue;
    }
    if (count === 0) {
      empty++;
      continue;
    }
    if (route.some((id) => roads.get(id)!.speed > entry.maxSpeed + 1e-9)) slow++;
    vehicles += count;
    if (vehicles > MAX_CITYFLOW_VEHICLES) {
      throw doc.error([entry.index], `the flows up to this one generate ${vehicles.toLocaleString('en')} vehicles before the horizon (${horizon} s), more than the ${MAX_CITYFLOW_VEHICLES.toLocaleString('en')} greenwave simulates in one run (about 100 bytes each in the kernel): give a shorter horizon (--end) or a longer interval`);
    }
    const id = `flow_${entry.index}`;
    if (count === 1 || !evenlySpaced) {
      tripsWritten += count;
      if (tripsWritten > maxTrips) {
        throw doc.error([entry.index], `the flows up to this one need ${tripsWritten.toLocaleString('en')} single trips before the horizon (${horizon} s; their departures are not evenly spaced on the ${dt} s step), more than the ${maxTrips.toLocaleString('en')} greenwave writes: give a shorter horizon (--end)`);
      }
      for (let k = 0; k < count; k++) trips.push({ id: `${id}_${k}`, depart: timeAt(k), route });
      continue;
    }
    let first = 0;
    if (timeAt(0) - entry.interval / 2 < 0) {
      trips.push({ id: `${id}_0`, depart: timeAt(0), route });
      first = 1;
    }
    if (count - first === 1) {
      trips.push({ id: `${id}_${first}`, depart: timeAt(first), route });
      continue;
    }
    flows.push({
      id,
      rate: 1 / entry.interval,
      begin: timeAt(first) - entry.interval / 2,
      end: timeAt(count - 1) + entry.interval / 2,
      arrivals: 'uniform',
      route,
    });
  }
  if (beyond > 0) {
    warnings.push({
      where: doc.file,
      message: `${beyond} vehicle(s) are due at or after the horizon (${horizon} s) and were left out; give a longer horizon (--end) to import them`,
    });
  }
  if (empty > 0) {
    warnings.push({ where: doc.file, message: `${empty} flow(s) generate no vehicle before the horizon (${horizon} s) (startTime after it, or endTime before startTime)` });
  }
  if (slow > 0) {
    warnings.push({ where: doc.file, message: `${slow} flow(s) have vehicles slower than roads on their route: greenwave vehicles drive at the road speed` });
  }
  const demand: DemandSpec = {};
  if (trips.length > 0) demand.trips = trips;
  if (flows.length > 0) demand.flows = flows;
  const counts: ImportCount[] = [
    { label: 'flow entries', count: entries.length },
    { label: 'vehicles (departing before the horizon)', count: vehicles },
    { label: 'demand: trips', count: trips.length },
    { label: 'demand: uniform flows', count: flows.length },
  ];
  if (invalid > 0) counts.push({ label: 'dropped: flows with an invalid route', count: invalid });
  if (beyond > 0) counts.push({ label: 'dropped: vehicles at or after the horizon', count: beyond });
  return { demand, counts, vehicles };
}
