/**
 * SUMO demand records (route-file.ts) -> a greenwave `DemandSpec`, resolved and
 * checked against the imported network with SUMO's own rules, each error at its
 * file and line: a route naming an edge the network lacks, two consecutive route
 * edges without a connection, a vehicle naming an undefined route or vehicle type.
 *
 * - `vehicle` with a route (inline, named, or a `routeDistribution`) -> a trip
 *   with that explicit `route`, so it drives exactly SUMO's route. From a
 *   distribution, each vehicle draws its route by probability from a seeded
 *   stream forked by vehicle id (deterministic, independent of file order).
 * - `trip` (from/to edges, or fromJunction/toJunction) -> a trip the router
 *   routes at departure (`fromLink`/`toLink`, or `from`/`to` junctions).
 * - `flow` -> a `FlowSpec`: `vehsPerHour`, `period` or `number` give uniform
 *   headways, placed as SUMO places them (at begin, begin + period, ...);
 *   `period="exp(r)"` is Poisson with rate r; `probability` p (a Bernoulli draw
 *   per second) is approximated by Poisson with rate p. A flow over a route
 *   distribution becomes one flow per route, its rate split by probability.
 * - Vehicle types are not modelled per vehicle: `network.ts` sets jam spacing
 *   from their length + minGap (see `jamSpacingOf`), and their accel, decel and
 *   sigma make the run's vehicle class for start-up and stop losses (see
 *   `vehicleModelOf`); anything else they set (other car following, speed
 *   limits, classes) is reported.
 * - Vehicles on edges without lanes for the imported vehicle class, with
 *   `depart="triggered"` and similar, or on traffic zones are skipped and counted.
 */
import { InputError } from '../../errors.js';
import type { DemandSpec, FlowSpec, TripSpec } from '../../demand/demand.js';
import { createRandom, type RandomStream } from '../../demand/random.js';
import type { RoadNetwork } from '../../network/road-network.js';
import { SUMO_VEHICLE_MODEL, type VehicleModel } from '../../sim/losses.js';
import type { ImportCount, ImportWarning } from '../types.js';
import type { SumoDemand, SumoDemandItem, SumoRoute, SumoVType } from './route-file.js';

/** SUMO's built-in vehicle types (always defined). */
const BUILTIN_TYPES = new Set(['DEFAULT_VEHTYPE', 'DEFAULT_PEDTYPE', 'DEFAULT_BIKETYPE', 'DEFAULT_CONTAINERTYPE', 'DEFAULT_TAXITYPE', 'DEFAULT_RAILTYPE']);
/** SUMO's default flow end when none is given, s after begin (24 h). */
const DEFAULT_FLOW_SPAN = 86400;
/** SUMO default length + minGap, m. */
const DEFAULT_SPACING = 7.5;

/** Options of {@link resolveDemand}. */
export interface DemandOptions {
  /** Seed of route-distribution draws. Default 1. */
  seed?: number;
  /** Simulation begin, s: `depart="begin"` departs then. Default 0. */
  begin?: number;
  /** Vehicle class whose lanes were imported. Default `passenger`. */
  vClass?: string;
}

/** What the network side knows about an edge id. */
export interface EdgeLookup {
  /** Why a normal edge of the file was dropped, if it was. */
  dropped: ReadonlyMap<string, string>;
  /** Crossings, walking areas and connectors of the file. */
  other: ReadonlySet<string>;
}

/** Mean of `value` over the demand's vehicle types, weighted by vehicle count (a flow by its expected count); `fallback` for SUMO's default type; undefined without demand. */
function typeMean(demand: SumoDemand, value: (t: SumoVType | undefined) => number): number | undefined {
  const of = (type: string | undefined): number => {
    if (type === undefined) return value(undefined);
    const t = demand.vTypes.get(type);
    if (t) return value(t);
    const members = demand.typeDistributions.get(type);
    if (members && members.length > 0) return members.reduce((s, m) => s + of(m), 0) / members.length;
    return value(undefined);
  };
  let weight = 0;
  let sum = 0;
  for (const item of demand.items) {
    let w = 1;
    if (item.kind === 'flow') {
      const span = (item.end ?? (item.begin ?? 0) + DEFAULT_FLOW_SPAN) - (item.begin ?? 0);
      const rate = item.vehsPerHour !== undefined ? item.vehsPerHour / 3600 : item.period ? 1 / item.period : item.expRate ?? item.probability ?? 0;
      w = item.number ?? Math.max(0, rate * span);
    }
    weight += w;
    sum += w * of(item.type);
  }
  return weight > 0 ? sum / weight : undefined;
}

/**
 * Mean space a stopped vehicle takes (length + minGap, m) over the demand,
 * weighted by vehicle count (a flow by its expected count), or undefined when
 * there is no demand. SUMO's default type is 5 + 2.5 m.
 */
export function jamSpacingOf(demand: SumoDemand): number | undefined {
  return typeMean(demand, (t) => (t === undefined ? DEFAULT_SPACING : t.length + t.minGap));
}

/**
 * The demand's vehicle class for start-up and stop losses (sim/losses.ts):
 * accel, decel and sigma averaged over the vehicles as `jamSpacingOf` does,
 * SUMO's defaults (2.6 m/s², 4.5 m/s², 0.5) where a type does not set them.
 * Undefined when no vType sets any of them (the run's default is SUMO's).
 */
export function vehicleModelOf(demand: SumoDemand): VehicleModel | undefined {
  if (![...demand.vTypes.values()].some((t) => t.accel !== undefined || t.decel !== undefined || t.sigma !== undefined)) return undefined;
  const { accel, decel, sigma } = SUMO_VEHICLE_MODEL;
  const a = typeMean(demand, (t) => t?.accel ?? accel);
  const b = typeMean(demand, (t) => t?.decel ?? decel);
  const s = typeMean(demand, (t) => t?.sigma ?? sigma);
  if (a === undefined || b === undefined || s === undefined) return undefined;
  return { accel: a, decel: b, sigma: s, startLoss: true };
}

function located(item: { file: string; line: number }): string {
  return `${item.file}:${item.line}`;
}

/** Resolve every demand record; throws `InputError` at the record's line for dangling references. */
export function resolveDemand(raw: SumoDemand, network: RoadNetwork, edges: EdgeLookup, options: DemandOptions = {}): { demand: DemandSpec; counts: ImportCount[]; warnings: ImportWarning[] } {
  const warnings: ImportWarning[] = [];
  const skipped = new Map<string, number>(raw.skipped);
  const skip = (why: string, n = 1) => skipped.set(why, (skipped.get(why) ?? 0) + n);
  const vClass = options.vClass ?? 'passenger';
  const random: RandomStream = createRandom(options.seed ?? 1).fork('sumo-route-distribution');
  const trips: TripSpec[] = [];
  const flows: FlowSpec[] = [];
  let fromDistribution = 0;

  const usedTypes = new Set<SumoVType>();
  const typeOf = (item: SumoDemandItem): void => {
    if (item.type === undefined || BUILTIN_TYPES.has(item.type)) return;
    const t = raw.vTypes.get(item.type);
    if (t) usedTypes.add(t);
    else if (raw.typeDistributions.has(item.type)) {
      for (const m of raw.typeDistributions.get(item.type)!) {
        const member = raw.vTypes.get(m);
        if (!member) throw new InputError(located(item), `${item.kind} "${item.id}": type distribution "${item.type}" names undefined vType "${m}"`);
        usedTypes.add(member);
      }
    } else throw new InputError(located(item), `${item.kind} "${item.id}": type "${item.type}" is not defined`);
  };

  /** Check an edge id; returns false (after counting) if the edge was dropped. */
  const edgeOk = (item: SumoDemandItem, id: string, where: string): boolean => {
    if (network.graph.hasEdge(id)) return true;
    const why = edges.dropped.get(id);
    if (why !== undefined) {
      skip(`vehicles using an edge that ${why}`);
      return false;
    }
    if (edges.other.has(id)) {
      skip('vehicles using a crossing, walking area or connector');
      return false;
    }
    throw new InputError(where, `${item.kind} "${item.id}": edge "${id}" is not in the network`);
  };

  /** The edges of a route, checked; null if the vehicle must be skipped. */
  const edgesOf = (item: SumoDemandItem, route: SumoRoute): string[] | null => {
    let r = route;
    if (r.refId !== undefined) {
      const named = raw.routes.get(r.refId);
      if (!named) throw new InputError(located(r), `${item.kind} "${item.id}": route "${r.refId}" is not defined`);
      r = named;
    }
    const list = r.edges!;
    for (const id of list) if (!edgeOk(item, id, located(r))) return null;
    for (let i = 1; i < list.length; i++) {
      if (!network.movementsFrom(list[i - 1]).some((m) => m.to === list[i])) {
        throw new InputError(located(r), `${item.kind} "${item.id}": route has no connection from edge "${list[i - 1]}" to edge "${list[i]}"`);
      }
    }
    return list;
  };

  /** Routes of an item with their probabilities; empty when it has none (a trip). */
  const routesOf = (item: SumoDemandItem): SumoRoute[] => {
    if (item.routes) return item.routes;
    if (item.routeRef === undefined) return [];
    const named = raw.routes.get(item.routeRef);
    if (named) return [named];
    const dist = raw.distributions.get(item.routeRef);
    if (dist) return dist;
    throw new InputError(located(item), `${item.kind} "${item.id}": route "${item.routeRef}" is not defined`);
  };

  /** Endpoint fields of a routeless item (router chooses); null if skipped. */
  const endpointsOf = (item: SumoDemandItem): Pick<TripSpec, 'from' | 'to' | 'fromLink' | 'toLink'> | null => {
    const out: Pick<TripSpec, 'from' | 'to' | 'fromLink' | 'toLink'> = {};
    if (item.fromEdge !== undefined) {
      if (!edgeOk(item, item.fromEdge, located(item))) return null;
      out.fromLink = item.fromEdge;
    } else if (item.fromJunction !== undefined) {
      if (!network.graph.hasNode(item.fromJunction)) throw new InputError(located(item), `${item.kind} "${item.id}": junction "${item.fromJunction}" is not in the network`);
      out.from = item.fromJunction;
    }
    if (item.toEdge !== undefined) {
      if (!edgeOk(item, item.toEdge, located(item))) return null;
      out.toLink = item.toEdge;
    } else if (item.toJunction !== undefined) {
      if (!network.graph.hasNode(item.toJunction)) throw new InputError(located(item), `${item.kind} "${item.id}": junction "${item.toJunction}" is not in the network`);
      out.to = item.toJunction;
    }
    if ((out.fromLink ?? out.from) === undefined || (out.toLink ?? out.to) === undefined) {
      throw new InputError(located(item), `${item.kind} "${item.id}": needs a route, or from and to (edges or junctions)`);
    }
    if (item.via !== undefined) skip('via edges of trips and flows (routed shortest path, via ignored)');
    return out;
  };

  for (const item of raw.items) {
    typeOf(item);
    const routes = routesOf(item);
    if (item.kind !== 'flow') {
      if (Number.isNaN(item.depart)) {
        skip(`vehicles with depart="${item.departText}"`);
        continue;
      }
      const depart = item.depart === -Infinity ? options.begin ?? 0 : item.depart!;
      if (routes.length > 0) {
        let route = routes[0];
        if (routes.length > 1) {
          route = draw(routes, random.fork(item.id));
          fromDistribution++;
        }
        const list = edgesOf(item, route);
        if (list) trips.push({ id: item.id, depart, route: list });
      } else {
        const ends = endpointsOf(item);
        if (ends) trips.push({ id: item.id, depart, ...ends });
      }
      continue;
    }
    const timing = flowTiming(item);
    if (!timing) {
      skip('flows with no vehicles (number 0 or end <= begin)');
      continue;
    }
    if (timing.approximated) skip('flows with probability (per-second Bernoulli read as Poisson)');
    if (routes.length === 0) {
      const ends = endpointsOf(item);
      if (ends) flows.push({ id: item.id, ...ends, ...timing.flow });
      continue;
    }
    const total = routes.reduce((s, r) => s + r.probability, 0);
    routes.forEach((route, k) => {
      const list = edgesOf(item, route);
      if (!list || route.probability === 0) return;
      const id = routes.length === 1 ? item.id : `${item.id}#${k}`;
      const share = routes.length === 1 ? 1 : route.probability / total;
      flows.push({ id, route: list, ...timing.flow, rate: timing.flow.rate * share });
    });
  }

  const counts: ImportCount[] = [
    { label: 'vehicles and trips', count: trips.length },
    { label: 'flows', count: flows.length },
  ];
  if (fromDistribution > 0) counts.push({ label: 'vehicles with a route drawn from a routeDistribution', count: fromDistribution });
  for (const [why, count] of skipped) counts.push({ label: `skipped: ${why}`, count });
  for (const t of usedTypes) {
    const notes: string[] = [];
    if (t.ignored.length > 0) notes.push(`${t.ignored.join(', ')} (car following is not modelled beyond accel, decel and sigma)`);
    if (t.maxSpeed !== undefined) notes.push(`maxSpeed ${t.maxSpeed} m/s (vehicles drive at link speeds)`);
    if (t.vClass !== vClass) notes.push(`vClass ${t.vClass} (drives on ${vClass} lanes)`);
    if (notes.length > 0) warnings.push({ where: located(t), element: t.id, message: `vType attributes not used: ${notes.join('; ')}` });
  }
  const demand: DemandSpec = {};
  if (trips.length > 0) demand.trips = trips;
  if (flows.length > 0) demand.flows = flows;
  return { demand, counts, warnings };
}

/** Draw one route by probability. */
function draw(routes: readonly SumoRoute[], random: RandomStream): SumoRoute {
  const total = routes.reduce((s, r) => s + r.probability, 0);
  let u = random.next() * total;
  for (const r of routes) {
    u -= r.probability;
    if (u < 0) return r;
  }
  return routes[routes.length - 1];
}

/** Rate and period of a flow in greenwave's terms, or null if it emits nothing. */
function flowTiming(item: SumoDemandItem): { flow: Pick<FlowSpec, 'rate' | 'begin' | 'end' | 'arrivals'>; approximated: boolean } | null {
  const begin = item.begin ?? 0;
  let end = item.end;
  let rate: number | undefined;
  let arrivals: 'uniform' | 'poisson' = 'uniform';
  if (item.vehsPerHour !== undefined) rate = item.vehsPerHour / 3600;
  else if (item.period !== undefined) rate = item.period > 0 ? 1 / item.period : undefined;
  else if (item.expRate !== undefined) [rate, arrivals] = [item.expRate, 'poisson'];
  else if (item.probability !== undefined) [rate, arrivals] = [item.probability, 'poisson'];
  if (item.number !== undefined) {
    if (item.number === 0) return null;
    if (rate === undefined) {
      if (end === undefined) throw new InputError(located(item), `flow "${item.id}": number without end needs vehsPerHour or period`);
      rate = item.number / (end - begin);
    } else if (arrivals === 'uniform') {
      const last = begin + item.number / rate;
      end = end === undefined ? last : Math.min(end, last);
    }
  }
  if (rate === undefined) throw new InputError(located(item), `flow "${item.id}": needs vehsPerHour, period, probability or number`);
  end ??= begin + DEFAULT_FLOW_SPAN;
  if (!(end > begin) || !(rate > 0)) return null;
  // greenwave's uniform flow departs at begin + (k + 1/2) / rate; SUMO's at begin + k / rate.
  const shift = arrivals === 'uniform' ? 0.5 / rate : 0;
  return { flow: { rate, begin: begin - shift, end, arrivals }, approximated: item.probability !== undefined && item.expRate === undefined && item.period === undefined && item.vehsPerHour === undefined };
}
